using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Creditors;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Issue 20 in a real browser (Debian's Chromium): the demo with its champion/challenger history; the supervisors'
/// analytics page shows the planted effect as significant and the arm simulated like its champion as not yet significant,
/// with liquidation curves and their bands; the curves download as CSV; the creditor sees the same for its own cases in the
/// portal. Screenshots are left in artifacts/ (copied to docs/).</summary>
[Trait("Category", "Integration")]
public sealed class AnalyticsBrowserTests
{
    [Fact]
    public async Task Supervisor_and_creditor_see_one_significant_and_one_insignificant_difference_with_curves()
    {
        var state = new PageState();
        await state.RunAsync(() => RunAsync(state));
    }

    private static async Task RunAsync(PageState state)
    {
        using var console = new KestrelConsole(("Collections:Demo:ArmHistoryMonths", "10"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        // Tall enough for the two tests of the demo history, which the page lists first (the largest).
        var viewport = new ViewportSize { Width = 1500, Height = 1500 };

        var supervisor = state.Watch("supervisor", await (await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = viewport })).NewPageAsync());
        await SignInAsync(supervisor, DemoUsers.SupervisorLogin);
        await supervisor.WaitForURLAsync("**/wallboard.html");
        await supervisor.GotoAsync("/analytics.html");
        await ExpectVerdictsAsync(supervisor);
        await supervisor.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "analytics-arms.png") });

        var csv = await supervisor.APIRequest.GetAsync("/api/analytics/curves.csv?strategy=consumer-standard");
        Assert.True(csv.Ok, $"curves.csv answered {csv.Status}");
        var rows = (await csv.TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("strategy,currency,arm,day,cases,liquidation,ci_low,ci_high", rows[0]);
        Assert.Contains(rows, r => r.StartsWith("consumer-standard,EUR,early-call,84,", StringComparison.Ordinal));

        // What followed each step, template and script, beside the arms, and as CSV.
        await Assertions.Expect(supervisor.Locator("[data-test='consumer-standard|EUR'] .touch-table tr[data-dimension='step'][data-value='phone-campaign']")).ToHaveCountAsync(1);
        await Assertions.Expect(supervisor.Locator("[data-test='consumer-standard|EUR'] .touch-table tr[data-dimension='template'][data-value='first-reminder']")).ToHaveCountAsync(1);
        await supervisor.Locator("[data-test='consumer-standard|EUR'] .touches").ScreenshotAsync(new() { Path = Path.Combine(artifacts, "analytics-touches.png") });
        var touches = await supervisor.APIRequest.GetAsync("/api/analytics/touches.csv?strategy=consumer-standard");
        Assert.True(touches.Ok, $"touches.csv answered {touches.Status}");
        Assert.Contains("consumer-standard,EUR,step,phone-campaign,", await touches.TextAsync(), StringComparison.Ordinal);

        // Supervisors stop, start and promote arms on the page; the reason goes into the test's history.
        var consumer = supervisor.Locator("[data-test='consumer-standard|EUR']");
        var earlyCall = consumer.Locator("tr[data-arm='early-call']");
        await Assertions.Expect(earlyCall).ToHaveAttributeAsync("data-status", "running");
        await consumer.Locator("input.arm-note").FillAsync("cost per case above budget");
        await earlyCall.Locator("button[data-action='stop']").ClickAsync();
        await Assertions.Expect(earlyCall).ToHaveAttributeAsync("data-status", "stopped");
        await Assertions.Expect(consumer.Locator("tr[data-arm='champion'] .arm-status")).ToContainTextAsync("100 % of new cases");
        await Assertions.Expect(consumer.Locator(".arm-history li")).ToContainTextAsync("cost per case above budget");
        await supervisor.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "analytics-arm-control.png") });

        // Promoting ends the test for good, so it needs a reason: without one the page shows why it was refused.
        await consumer.Locator("input.arm-note").FillAsync(string.Empty);
        await consumer.Locator("tr[data-arm='early-call'] button[data-action='promote']").ClickAsync();
        await Assertions.Expect(supervisor.Locator("#message")).ToContainTextAsync("say why");
        await Assertions.Expect(consumer.Locator("tr[data-arm='early-call']")).ToHaveAttributeAsync("data-status", "stopped");

        var creditor = state.Watch("creditor", await (await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = viewport })).NewPageAsync());
        await SignInAsync(creditor, DemoCreditorAccess.Login);
        await creditor.WaitForURLAsync("**/portal.html");
        await creditor.Locator("#analytics-link").ClickAsync();
        await creditor.WaitForURLAsync("**/analytics.html?portal=1");
        await ExpectVerdictsAsync(creditor);
        await Assertions.Expect(creditor.Locator("#creditor")).ToHaveValueAsync(DemoCreditorAccess.Creditor);
        await creditor.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "analytics-portal.png") });

        // The creditor reads which arms take new cases, and cannot change them.
        var portalArm = creditor.Locator("[data-test='consumer-standard|EUR'] tr[data-arm='early-call']");
        await Assertions.Expect(portalArm).ToHaveAttributeAsync("data-status", "stopped");
        await Assertions.Expect(creditor.Locator("button[data-action]")).ToHaveCountAsync(0);
        var forbidden = await creditor.APIRequest.PostAsync("/api/analytics/tests/consumer-standard/arms/early-call/start", new() { DataObject = new { note = "x" } });
        Assert.True(forbidden.Status is 401 or 403, $"a creditor starting an arm was answered {forbidden.Status}");

        // Started again by the supervisor: back to its configured share.
        await supervisor.ReloadAsync();
        await consumer.Locator("tr[data-arm='early-call'] button[data-action='start']").ClickAsync();
        await Assertions.Expect(consumer.Locator("tr[data-arm='early-call']")).ToHaveAttributeAsync("data-status", "running");
        await Assertions.Expect(consumer.Locator("tr[data-arm='early-call'] .arm-status")).ToContainTextAsync("30 % of new cases");
    }

    private static async Task ExpectVerdictsAsync(IPage page)
    {
        var consumer = page.Locator("[data-test='consumer-standard|EUR']");
        var business = page.Locator("[data-test='business-standard|EUR']");
        // Generous waits on state (the history is ten months of cases); on failure PageState adds what the page showed.
        await Assertions.Expect(consumer.Locator("tr[data-arm='early-call']")).ToHaveAttributeAsync("data-significant", "true", new() { Timeout = 60_000 });
        await Assertions.Expect(business.Locator("tr[data-arm='early-final-demand']")).ToHaveAttributeAsync("data-significant", "false");
        await Assertions.Expect(business.Locator("tr[data-arm='early-final-demand'] .verdict")).ToContainTextAsync("not yet significant");
        await Assertions.Expect(consumer.Locator("svg.curve polygon.curve-band")).ToHaveCountAsync(2);
        await Assertions.Expect(consumer.Locator("svg.curve polyline.curve-line")).ToHaveCountAsync(2);
        // The two tests of the history are the largest, so the page lists them first.
        await Assertions.Expect(page.Locator("section.analytics-test").First).ToHaveAttributeAsync("data-test", "consumer-standard|EUR");
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(login);
        await page.Locator("#password").FillAsync(DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
    }
}
