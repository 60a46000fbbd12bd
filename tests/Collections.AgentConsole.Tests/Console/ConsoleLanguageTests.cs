using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The console in the operator's language, in a real browser (Debian's Chromium): Kovács Eszter's operator page
/// in Hungarian and Līga Ozola's in Latvian, chosen from their profiles (the first language each speaks), taking a demo
/// call; the supervisor switches the wallboard to German with the switch in the page, which stays after a reload.
/// Screenshots are left in the test's output folder (artifacts/) and copied to docs/ (docs/console.md, Languages).</summary>
[Trait("Category", "Integration")]
public sealed class ConsoleLanguageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operators_work_in_Hungarian_and_Latvian_and_the_supervisor_switches_the_wallboard_to_German()
    {
        using var console = new KestrelConsole();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);

        // The sign-in page follows the browser's language before anyone has signed in.
        var hungarian = await NewPageAsync(browser, console, "hu-HU");
        await hungarian.GotoAsync("/");
        await Expect(hungarian.Locator("#signin")).ToHaveTextAsync("Bejelentkezés");

        // Operators: the profile has no language yet, so each gets the first language they speak.
        await SignInAsync(hungarian, "kovacs.eszter");
        await hungarian.WaitForURLAsync("**/operator.html");
        await Expect(hungarian.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(hungarian.Locator("html")).ToHaveAttributeAsync("lang", "hu");
        await Expect(hungarian.Locator("#btn-ready")).ToContainTextAsync("Kész");
        await Expect(hungarian.Locator("#conn")).ToHaveTextAsync("kapcsolódva");

        var latvian = await NewPageAsync(browser, console, "en-GB");
        await SignInAsync(latvian, "liga.ozola");
        await latvian.WaitForURLAsync("**/operator.html");
        await Expect(latvian.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(latvian.Locator("html")).ToHaveAttributeAsync("lang", "lv");
        await Expect(latvian.Locator("#state")).ToHaveTextAsync("Atslēdzies");

        // Both go ready and take a demo call: state, labels, amounts and dates in their language and locale.
        await hungarian.Keyboard.PressAsync("r");
        await latvian.Keyboard.PressAsync("r");
        await Expect(hungarian.Locator("#state")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Kész|Hívásban"));
        await Expect(hungarian.Locator("#debtor-name")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(latvian.Locator("#debtor-name")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(hungarian.Locator("#state")).ToHaveTextAsync("Hívásban");
        await Expect(latvian.Locator("#state")).ToHaveTextAsync("Sarunā");
        await Expect(hungarian.Locator("#account")).ToContainTextAsync("Számlák");
        await Expect(latvian.Locator("#account")).ToContainTextAsync("Rēķini");
        await Expect(latvian.Locator("#disposition option[value=PromiseToPay]")).ToHaveTextAsync("Maksājuma solījums");
        // Every demo account has a case: its card (case-panel.js) speaks the operator's language too.
        await Expect(hungarian.Locator("#case")).ToContainTextAsync("Figyelmeztető jelek");
        await Expect(latvian.Locator("#case")).ToContainTextAsync("Brīdinājuma pazīmes");
        await hungarian.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-operator-hu.png") });
        await latvian.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-operator-lv.png") });

        // The supervisor switches the wallboard to German; the choice is saved in the profile and survives a reload.
        var wallboard = await NewPageAsync(browser, console, "en-GB");
        await SignInAsync(wallboard, "supervisor");
        await wallboard.WaitForURLAsync("**/wallboard.html");
        await Expect(wallboard.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(wallboard.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await SwitchLanguageAsync(wallboard, "de");
        await Expect(wallboard.Locator("#agents")).ToContainTextAsync("Mitarbeiter");
        await Expect(wallboard.Locator("#agents tr", new() { HasText = "Kovács Eszter" }).Locator("[data-state]")).ToHaveTextAsync("Im Gespräch");
        await wallboard.ReloadAsync();
        await Expect(wallboard.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(wallboard.Locator("#conn")).ToHaveTextAsync("verbunden");
        await wallboard.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-wallboard-de.png") });
    }

    [Fact]
    public async Task The_settlement_outbox_and_payment_pages_speak_the_language_chosen_on_them()
    {
        using var console = new KestrelConsole();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);

        // The supervisor switches the settlement requests page to German; the outbox follows from the profile.
        var supervisor = await NewPageAsync(browser, console, "en-GB");
        await SignInAsync(supervisor, "supervisor");
        await supervisor.WaitForURLAsync("**/wallboard.html");
        await supervisor.GotoAsync("/settlements.html");
        await Expect(supervisor.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(supervisor.Locator("#requests thead")).ToContainTextAsync("Decision");
        await SwitchLanguageAsync(supervisor, "de");
        await Expect(supervisor.Locator("#requests thead")).ToContainTextAsync("Entscheidung");
        await Expect(supervisor.Locator("#conn")).ToHaveTextAsync("verbunden");

        await supervisor.GotoAsync("/outbox.html");
        await Expect(supervisor.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(supervisor.Locator("#total")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Nachrichten und Briefe: \d"));
        await Expect(supervisor.Locator("select[name=status] option[value=delivered]")).ToHaveTextAsync("zugestellt");
        await Expect(supervisor.Locator("#filters button[type=submit]")).ToHaveTextAsync("Anzeigen");

        // The administrator books a payment file in Hungarian: totals, kinds and amounts in the user's language and locale.
        var admin = await NewPageAsync(browser, console, "en-GB");
        await SignInAsync(admin, "admin");
        await admin.WaitForURLAsync(url => !url.EndsWith('/'));
        await admin.GotoAsync("/payments.html");
        await Expect(admin.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await SwitchLanguageAsync(admin, "hu");
        await Expect(admin.Locator("#btn-upload")).ToHaveTextAsync("Befizetések könyvelése");
        var csv = "received_on,amount,currency,reference\n2026-01-05,234.50,EUR,NO-SUCH-REFERENCE\nyesterday,1.00,EUR,X\n"u8.ToArray();
        await admin.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "bank.csv", MimeType = "text/csv", Buffer = csv });
        await admin.Locator("#btn-upload").ClickAsync();
        await Expect(admin.Locator("#summary")).ToContainTextAsync("1 nem párosítva (234,50)");
        await Expect(admin.Locator("#summary")).ToContainTextAsync("1 elutasítva");
        await Expect(admin.Locator("#issues tr.unmatched td").Nth(1)).ToHaveTextAsync("Nem párosítva");
        await Expect(admin.Locator("#issues tr.rejected td").Nth(1)).ToHaveTextAsync("Elutasítva");
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, KestrelConsole console, string locale)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = console.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1400, Height = 900 },
            Locale = locale,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Chooses a language with the page's switch (#lang): saved in the profile, the page reloads in it.</summary>
    private static async Task SwitchLanguageAsync(IPage page, string language)
    {
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.WaitForLoadStateAsync(LoadState.Load);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        if (!page.Url.EndsWith('/'))
        {
            await page.GotoAsync("/");
        }

        await page.Locator("#login").FillAsync(login);
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
