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
        await hungarian.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-operator-hu.png") });
        await latvian.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-operator-lv.png") });

        // The supervisor switches the wallboard to German; the choice is saved in the profile and survives a reload.
        var wallboard = await NewPageAsync(browser, console, "en-GB");
        await SignInAsync(wallboard, "supervisor");
        await wallboard.WaitForURLAsync("**/wallboard.html");
        await Expect(wallboard.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(wallboard.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await wallboard.Locator("#lang").SelectOptionAsync("de");
        await wallboard.WaitForLoadStateAsync(LoadState.Load);
        await Expect(wallboard.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(wallboard.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(wallboard.Locator("#agents")).ToContainTextAsync("Mitarbeiter");
        await Expect(wallboard.Locator("#agents tr", new() { HasText = "Kovács Eszter" }).Locator("[data-state]")).ToHaveTextAsync("Im Gespräch");
        await wallboard.ReloadAsync();
        await Expect(wallboard.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(wallboard.Locator("#conn")).ToHaveTextAsync("verbunden");
        await wallboard.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-wallboard-de.png") });
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
