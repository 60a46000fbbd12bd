using System.Diagnostics;
using System.Globalization;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Dialing;
using Collections.AgentConsole.Tests.Console;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Queues;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using static Collections.AgentConsole.Tests.Inbound.InboundTestSupport;

namespace Collections.AgentConsole.Tests.Inbound;

/// <summary>An unknown caller on the operator's page in Chromium (issue 17): the number and the search opened with it.</summary>
[Trait("Category", "Integration")]
public sealed class InboundBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unknown_number_pops_the_callers_number_and_the_search_on_the_operators_page()
    {
        var sipPort = FreePorts.UdpAndTcp();
        using var console = new KestrelConsole(("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)));
        await PauseCampaignsAsync(console);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        var state = new PageState();
        var page = state.Watch("operator", await context.NewPageAsync());
        await state.RunAsync(async () =>
        {
            await page.GotoAsync("/");
            await page.Locator("#login").FillAsync(Operator);
            await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
            await page.Locator("#password").PressAsync("Enter");
            await page.WaitForURLAsync("**/operator.html");
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            await page.Keyboard.PressAsync("r");
            await Expect(page.Locator("#state")).ToHaveTextAsync("Ready");

            // A number no debtor has (Ofcom's drama range): the page shows it and opens the search with it.
            const string stranger = "+447700900123";
            await using var caller = await SippCaller.StartAsync(sipPort, stranger, Ct);
            await Expect(page.Locator("#state")).ToHaveTextAsync("On call", new() { Timeout = 60_000 });
            await Expect(page.Locator("#unknown-caller")).ToHaveAttributeAsync("data-from", stranger);
            await Expect(page.Locator("#unknown-caller")).ToContainTextAsync(stranger);
            await Expect(page.Locator("#search-q")).ToHaveValueAsync(stranger);
            await Expect(page.Locator("#search-results li")).ToHaveCountAsync(1);

            // Hang up (H): nothing to save for a call with no account, so Ready (R) follows at once.
            await page.Keyboard.PressAsync("h");
            var (exit, errors) = await caller.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(exit == 0, errors);
            await Expect(page.Locator("#state")).ToHaveTextAsync("Wrap-up");
            await page.Keyboard.PressAsync("r");
            await Expect(page.Locator("#state")).ToHaveTextAsync("Ready");
            await Expect(page.Locator("#unknown-caller")).ToHaveCountAsync(0);

            await using var db = console.OpenDatabase();
            var row = await db.InboundCalls.SingleAsync(c => c.From == stranger, Ct);
            Assert.Null(row.AccountId);
            Assert.Equal(InboundCallOutcome.Answered, row.Outcome);
            Assert.False(await db.ContactAttempts.AnyAsync(c => c.Id == row.Id, Ct), "a call with no account wrote a ledger row");
        });
    }

    private static Microsoft.Playwright.ILocatorAssertions Expect(Microsoft.Playwright.ILocator locator) => Microsoft.Playwright.Assertions.Expect(locator);
}
