using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The operator's own dials in Chromium (issue 17): a preview campaign shows the account before the dial and dials it
/// on the operator's key; a manual dial from the account search is refused outside the debtor's calling hours with the rule's
/// reason, and placed (with its screen-pop) inside them. The host's clock is a weekday afternoon (<see cref="KestrelConsole"/>);
/// the debtor outside hours is one whose stored time zone puts them at dawn then, so no verdict depends on the hour CI runs.</summary>
[Trait("Category", "Integration")]
public sealed class OperatorDialingBrowserTests
{
    private const string Operator = "harriet.collins";
    private const string PreviewCampaign = "Consumer credit LV/GB - preview";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_preview_campaign_shows_the_account_before_the_dial_and_dials_on_the_operators_key()
    {
        // A countdown far longer than any CI pause: the test presses the key, the countdown never decides.
        using var console = new KestrelConsole(("Collections:Console:PreviewSeconds", "3600"));
        var previewId = await RunOnlyAsync(console, PreviewCampaign);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var state = new PageState();
        var page = state.Watch("operator", await SignInAsync(browser, console));
        await state.RunAsync(async () =>
        {
            // The demo book carries older calls of its own: only rows from now on are this test's.
            var since = NodaTime.Instant.FromDateTimeOffset(console.Clock.GetUtcNow());
            await page.Keyboard.PressAsync("r");
            await Expect(page.Locator("#state")).ToHaveTextAsync("Ready");

            // The first account shown is skipped with a reason: it is not dialed, and the next one is offered.
            await Expect(page.Locator("#preview")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            var skippedOffer = await page.Locator("#preview").GetAttributeAsync("data-offer");
            var skippedReference = (await page.Locator("#account-ref").TextContentAsync())!;
            await page.Locator("#skip-reason").SelectOptionAsync("Account handled elsewhere");
            await page.Keyboard.PressAsync("Escape");   // out of the select, so the key is a shortcut
            await page.Keyboard.PressAsync("s");
            await Expect(page.Locator("#preview")).Not.ToHaveAttributeAsync("data-offer", skippedOffer!, new() { Timeout = 60_000 });

            // The screen-pop before the dial: debtor, account and the countdown, while the operator is still Ready and nothing
            // has been dialed or written to the ledger for the account.
            await Expect(page.Locator("#preview")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("#debtor-name")).ToBeVisibleAsync();
            await Expect(page.Locator("#preview-campaign")).ToHaveTextAsync(PreviewCampaign);
            await Expect(page.Locator("#preview-left")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+:\d\d$"));
            var reference = (await page.Locator("#account-ref").TextContentAsync())!;
            Assert.NotEqual(skippedReference, reference);
            var number = (await page.Locator("#preview-number").TextContentAsync())!;
            Assert.False(string.IsNullOrWhiteSpace(reference), "the preview shows no account reference");
            await Expect(page.Locator("#state")).ToHaveTextAsync("Ready");
            AccountId accountId;
            await using (var db = console.OpenDatabase())
            {
                accountId = (await db.Accounts.SingleAsync(a => a.CreditorReference == reference, Ct)).Id;
                var skipped = (await db.Accounts.SingleAsync(a => a.CreditorReference == skippedReference, Ct)).Id;
                Assert.False(await db.ContactAttempts.AnyAsync(c => c.AccountId == skipped && c.StartedAt >= since, Ct), "the skipped account was dialed");
                Assert.False(await db.ContactAttempts.AnyAsync(c => c.AccountId == accountId && c.StartedAt >= since, Ct),
                    "the account was dialed before the operator's key");
            }

            await page.ScreenshotAsync(new() { Path = Artifact("console-preview.png") });

            // The operator's key dials it: the ledger row is written at the moment of the dial, the call is placed to the demo
            // carrier, and on answer the operator is on the call with the same account.
            await page.Keyboard.PressAsync("d");
            await Expect(page.Locator("#state")).ToHaveTextAsync("On call", new() { Timeout = 60_000 });
            await Expect(page.Locator("#preview")).ToBeHiddenAsync();
            await Expect(page.Locator("#account-ref")).ToHaveTextAsync(reference);
            await using (var db = console.OpenDatabase())
            {
                var agent = await db.Agents.SingleAsync(a => a.Login == Operator, Ct);
                var attempt = await db.ContactAttempts.SingleAsync(c => c.AccountId == accountId && c.StartedAt >= since, Ct);
                Assert.Equal(agent.Id, attempt.AgentId);
                Assert.Equal(previewId, attempt.CampaignId);
                Assert.Equal(number, attempt.Address);
                Assert.Equal(ContactChannel.Call, attempt.Channel);
            }

            await page.ScreenshotAsync(new() { Path = Artifact("console-preview-dialed.png") });
        });
    }

    [Fact]
    public async Task A_manual_dial_from_search_is_refused_outside_the_debtors_hours_with_the_reason_and_placed_inside_them()
    {
        using var console = new KestrelConsole();
        await RunOnlyAsync(console, null);

        // A US debtor whose stored zone is Los Angeles: 06:00 there when the host's clock says 14:00 UTC, before the 08:00
        // start of Reg F's convenient hours (12 CFR 1006.6(b)(1)(i)); a GB debtor is at 14:00, inside Ofcom's hours.
        string lateReference, latePostalCode, gbReference;
        AccountId lateAccount, gbAccount;
        await using (var db = console.OpenDatabase())
        {
            var us = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones)
                .FirstAsync(d => d.Phones.Any(p => p.Region == "US") && d.Addresses.Any(a => a.ValidUntil == null), Ct);
            us.TimeZoneId = "America/Los_Angeles";
            await db.SaveChangesAsync(Ct);
            var account = await db.Accounts.FirstAsync(a => a.DebtorId == us.Id, Ct);
            (lateAccount, lateReference, latePostalCode) = (account.Id, account.CreditorReference, us.CurrentAddress!.PostalCode);
            var gb = await db.Debtors.FirstAsync(d => d.Phones.Any(p => p.Region == "GB" && p.WrongNumberAt == null) && d.TimeZoneId == "Europe/London", Ct);
            var gbAcc = await db.Accounts.FirstAsync(a => a.DebtorId == gb.Id, Ct);
            (gbAccount, gbReference) = (gbAcc.Id, gbAcc.CreditorReference);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var state = new PageState();
        var page = state.Watch("operator", await SignInAsync(browser, console));
        await state.RunAsync(async () =>
        {
            var since = NodaTime.Instant.FromDateTimeOffset(console.Clock.GetUtcNow());

            // Paused for campaign calls, the operator looks the debtor up by postal code and dials.
            await page.Keyboard.PressAsync("p");
            await Expect(page.Locator("#state")).ToContainTextAsync("Paused");
            await page.Keyboard.PressAsync("f");
            await page.Locator("#search-q").FillAsync(latePostalCode);
            await page.Locator("#search-q").PressAsync("Enter");
            var hit = page.Locator($"#search-results li[data-account='{lateAccount.Value}']");
            await Expect(hit).ToBeVisibleAsync();
            await Expect(hit.Locator(".hit-ref")).ToHaveTextAsync(lateReference);
            await hit.Locator(".hit-dial").ClickAsync();

            // Refused, with the calling-hours rule's reason as explain gives it, and nothing in the ledger.
            await Expect(page.Locator("#dial-result")).ToHaveAttributeAsync("data-status", "refused");
            var rule = page.Locator("#refusal-rules li[data-rule='us.reg-f.inconvenient-time']");
            await Expect(rule).ToBeVisibleAsync();
            await Expect(rule).ToContainTextAsync("1006.6");
            await Expect(page.Locator("#refusal-next")).ToContainTextAsync("Next allowed");
            await Expect(page.Locator("#state")).ToContainTextAsync("Paused");
            await page.ScreenshotAsync(new() { Path = Artifact("console-manual-dial-refused.png") });
            await using (var db = console.OpenDatabase())
            {
                Assert.False(await db.ContactAttempts.AnyAsync(c => c.AccountId == lateAccount && c.StartedAt >= since, Ct), "a refused dial wrote to the ledger");
            }

            // Inside the debtor's hours the same search-and-dial places the call: the operator is on it with the account's pop.
            await page.Locator("#search-q").FillAsync(gbReference);
            await page.Locator("#search-q").PressAsync("Enter");
            var gbHit = page.Locator($"#search-results li[data-account='{gbAccount.Value}']");
            await Expect(gbHit).ToBeVisibleAsync();
            await gbHit.Locator(".hit-dial").ClickAsync();
            await Expect(page.Locator("#state")).ToHaveTextAsync("On call", new() { Timeout = 60_000 });
            await Expect(page.Locator("#account-ref")).ToHaveTextAsync(gbReference);
            await using (var db = console.OpenDatabase())
            {
                var agent = await db.Agents.SingleAsync(a => a.Login == Operator, Ct);
                var attempt = await db.ContactAttempts.SingleAsync(c => c.AccountId == gbAccount && c.StartedAt >= since, Ct);
                Assert.Equal(agent.Id, attempt.AgentId);
                Assert.Null(attempt.CampaignId);
            }
        });
    }

    /// <summary>Pauses every running campaign but <paramref name="name"/>, which is started (none when null), through the
    /// supervisor's hub as a supervisor would; returns its id.</summary>
    private static async Task<CampaignId?> RunOnlyAsync(KestrelConsole console, string? name)
    {
        var (http, cookie) = await console.SignInAsync("supervisor", Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.SupervisorPath, cookie);
        await hub.StartAsync(Ct);
        List<Campaign> campaigns;
        await using (var db = console.OpenDatabase())
        {
            campaigns = await db.Campaigns.AsNoTracking().ToListAsync(Ct);
        }

        CampaignId? started = null;
        foreach (var campaign in campaigns)
        {
            if (campaign.Name == name)
            {
                await hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(campaign.Id.Value, "Running", null, null, null), Ct);
                started = campaign.Id;
            }
            else if (campaign.Status == CampaignStatus.Running)
            {
                await hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(campaign.Id.Value, "Paused", null, null, null), Ct);
            }
        }

        Assert.True(name is null || started is not null, $"no demo campaign named '{name}'");
        return started;
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, KestrelConsole console)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(Operator);
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
        await page.WaitForURLAsync("**/operator.html");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(page.Locator("#conn")).ToHaveTextAsync("connected");
        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static string Artifact(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
