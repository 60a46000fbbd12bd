using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The whole flow in a real browser (Debian's Chromium, never a downloaded one): an operator signs in, goes ready,
/// gets a screen-pop from a demo call, walks the script, records a promise to pay, saves it; the supervisor's wallboard
/// follows the operator's state. Screenshots of both pages are left in the test's output folder (artifacts/).</summary>
[Trait("Category", "Integration")]
public sealed class ConsoleBrowserTests
{
    private const string Operator = "harriet.collins";

    // Answers that lead towards a promise in the shipped scripts (docs/scripts.md), in order of preference.
    private static readonly string[] TowardsPromise = ["speaking", "contact-on-line", "right-contact", "confirmed", "authorised", "will-pay", "broken", "pay-now", "on-track"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_takes_a_demo_call_records_a_promise_and_the_wallboard_follows()
    {
        using var console = new KestrelConsole();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        var state = new PageState();
        await state.RunAsync(async () =>
        {
            // The supervisor watches the wallboard.
            var supervisorContext = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
            var wallboard = state.Watch("wallboard", await supervisorContext.NewPageAsync());
            await SignInAsync(wallboard, "supervisor");
            await wallboard.WaitForURLAsync("**/wallboard.html");
            await Expect(wallboard.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(wallboard.Locator("#conn")).ToHaveTextAsync("connected");

            // The operator signs in and goes ready with the keyboard.
            var operatorContext = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
            var page = state.Watch("operator", await operatorContext.NewPageAsync());
            await SignInAsync(page, Operator);
            await page.WaitForURLAsync("**/operator.html");
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(page.Locator("#conn")).ToHaveTextAsync("connected");
            await Expect(page.Locator("#me")).ToHaveTextAsync("Harriet Collins");
            var row = wallboard.Locator("#agents tr", new() { HasText = "Harriet Collins" });
            await Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "Logged out");
            await page.Keyboard.PressAsync("r");
            await Expect(page.Locator("#state")).ToHaveTextAsync("Ready");

            // The campaign runner dials the demo carrier over SIP, AMD hears a person, and the call is connected to the operator:
            // the screen-pop shows the debtor, the account and the script.
            await Expect(page.Locator("#debtor-name")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("#state")).ToHaveTextAsync("On call");
            await Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "On call");
            var reference = await page.Locator("#account-ref").TextContentAsync();
            Assert.False(string.IsNullOrWhiteSpace(reference));

            // Walk the script towards a promise: answers by keyboard number, "continue" by button.
            for (var step = 0; step < 12 && !await page.Locator("#action-form").IsVisibleAsync(); step++)
            {
                var answers = await page.Locator("#answers button").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.answer)");
                var pick = TowardsPromise.FirstOrDefault(answers.Contains);
                if (pick is not null)
                {
                    var before = await page.Locator("#script-text").GetAttributeAsync("data-node");
                    await page.Keyboard.PressAsync((Array.IndexOf(answers, pick) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await Expect(page.Locator("#script-text")).Not.ToHaveAttributeAsync("data-node", before!);
                }
                else if (await page.Locator("#btn-continue").IsVisibleAsync())
                {
                    await page.Locator("#btn-continue").ClickAsync();
                }
                else
                {
                    Assert.Fail($"no way towards a promise from node {await page.Locator("#script-text").GetAttributeAsync("data-node")} (answers: {string.Join(", ", answers)})");
                }
            }

            await Expect(page.Locator("#action-title")).ToHaveAttributeAsync("data-action", "record-promise");
            var due = DateTime.UtcNow.Date.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await page.Locator("#action-amount").FillAsync("12.50");
            await page.Locator("#action-date").FillAsync(due);
            await page.Locator("#action-submit").ClickAsync();
            await Expect(page.Locator("#recorded")).ToContainTextAsync("promise 12.5");
            await Expect(page.Locator("#disposition")).ToHaveValueAsync("PromiseToPay");
            if (await page.Locator("#btn-continue").IsVisibleAsync())
            {
                await page.Locator("#btn-continue").ClickAsync();
            }

            await page.Locator("#note").FillAsync("Promised on the first call");
            await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-operator.png") });
            await page.Locator("#note").PressAsync("Escape");
            await page.Keyboard.PressAsync("Alt+s");
            await Expect(page.Locator("#outcome-message")).ToContainTextAsync("Saved: Promise to pay with the promise");
            await Expect(page.Locator("#state")).ToHaveTextAsync("Wrap-up");
            await Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "Wrap-up");
            await wallboard.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-wallboard.png") });

            // The promise and its disposition are in the database, made by this operator on this account.
            await using (var db = console.OpenDatabase())
            {
                var agent = await db.Agents.SingleAsync(a => a.Login == Operator, Ct);
                var account = await db.Accounts.SingleAsync(a => a.CreditorReference == reference, Ct);
                var promise = await db.Promises.SingleAsync(p => p.AgentId == agent.Id, Ct);
                Assert.Equal(account.Id, promise.AccountId);
                Assert.Equal(12.50m, promise.Amount);
                Assert.Equal(account.Currency, promise.Currency);
                Assert.Equal(due, promise.DueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(PromiseStatus.Pending, promise.Status);
                var disposition = await db.Dispositions.SingleAsync(d => d.AgentId == agent.Id, Ct);
                Assert.Equal(DispositionCode.PromiseToPay, disposition.Code);
                Assert.Equal("Promised on the first call", disposition.Note);
                var attempt = await db.ContactAttempts.SingleAsync(c => c.Id == disposition.ContactAttemptId, Ct);
                Assert.True(attempt.RightPartyContact);
            }

            // The case timeline on the operator's page now holds the promise and the call; the supervisor reads the same case
            // by its reference on the cases page.
            await Expect(page.Locator("#timeline-history .tl-promise", new() { HasText = "12.50" })).ToHaveCountAsync(1);
            await Expect(page.Locator("#timeline-history .tl-contact").First).ToBeVisibleAsync();
            await wallboard.GetByRole(AriaRole.Link, new() { Name = "Cases" }).ClickAsync();
            await wallboard.WaitForURLAsync("**/case.html**");
            await wallboard.Locator("#case-ref").FillAsync(reference!);
            await wallboard.Locator("#case-ref").PressAsync("Enter");
            await Expect(wallboard.Locator("#timeline .tl-ref")).ToHaveTextAsync(reference!);
            await Expect(wallboard.Locator("#timeline-history .tl-promise", new() { HasText = "12.50" })).ToHaveCountAsync(1);
            await Expect(wallboard.Locator("#timeline-history .tl-contact").First).ToContainTextAsync("Call");
            // Under the balance: the claim's limitation, the last day to go to court under the debtor's jurisdiction's rule.
            await Expect(wallboard.Locator("#timeline .tl-limitation")).ToHaveAttributeAsync("data-last-day", new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}$"));
            await Expect(wallboard.Locator("#timeline .tl-limitation")).ToContainTextAsync("Limitation: last day to go to court");
            Assert.Contains($"ref={Uri.EscapeDataString(reference!)}", wallboard.Url, StringComparison.Ordinal);
            await wallboard.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-case-timeline.png"), FullPage = true });

            // Ready again: the wallboard follows.
            await wallboard.GoBackAsync();
            await page.Keyboard.PressAsync("r");
            await Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "Ready");
        });
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(login);
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
