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

/// <summary>Debtors calling back, on the operator's page in Chromium (issue 17): a known debtor pops their account with the inbound
/// script in their language and both voices cross the operator's browser phone; an unknown caller pops the number and the search.</summary>
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

    [Fact]
    public async Task A_german_debtor_who_presses_1_pops_their_account_with_the_inbound_script_on_the_browser_phone_and_both_voices_are_recorded()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var work = Directory.CreateTempSubdirectory("inbound-browser-").FullName;
        var recordings = Path.Combine(work, "recordings");
        // The operator's voice: Chromium's fake microphone plays a 440 Hz tone (48 kHz, as WebRTC captures).
        var voice = Path.Combine(work, "operator-voice.wav");
        WavFile.WritePcm(voice, Enumerable.Range(0, 48000 * 90).Select(i => (short)(9000 * Math.Sin(2 * Math.PI * 440 * i / 48000.0))).ToArray(), 48000);
        using var console = new KestrelConsole(("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)), ("Dialer:Recording:Directory", recordings));
        await PauseCampaignsAsync(console);

        // A debtor who speaks German, with a number no other debtor has; Anna Schneider (de, en) is the only operator at work.
        var (number, debtorId) = await DebtorNumberAsync(console, "de");
        await using (var db = console.OpenDatabase())
        {
            Assert.Equal("de", (await db.Debtors.SingleAsync(d => d.Id == new DebtorId(debtorId), Ct)).PreferredLanguage);
        }

        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(
            playwright,
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={voice}",
            // WebRTC leaves loopback out of its candidates unless told; the dialer and the browser share 127.0.0.1 here.
            "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required");
        var context = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 }, Permissions = ["microphone"] });
        var state = new PageState();
        var page = state.Watch("operator", await context.NewPageAsync());
        ScreenPopFacts pop = null!;
        await state.RunAsync(async () =>
        {
            await page.GotoAsync("/");
            await page.Locator("#login").FillAsync("anna.schneider");
            await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
            await page.Locator("#password").PressAsync("Enter");
            await page.WaitForURLAsync("**/operator.html");
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            var panel = page.Locator("#phone-panel");
            await Expect(panel).ToHaveAttributeAsync("data-state", "ready");
            // A steady test tone is what noise suppression removes: this operator's headset needs none.
            await page.Locator("#phone-processing").UncheckAsync();
            // (The checkbox has the focus, where keys are its own: the button rather than R.)
            await page.Locator("#btn-ready").ClickAsync();
            // Her page speaks her first language.
            await Expect(page.Locator("#state")).ToHaveTextAsync("Bereit");
            await Expect(panel).ToHaveAttributeAsync("data-state", "onLine", new() { Timeout = 30_000 });

            await using var caller = await SippCaller.StartAsync(sipPort, number, Ct);
            await Expect(page.Locator("#state")).ToHaveTextAsync("Im Gespräch", new() { Timeout = 60_000 });

            // The screen-pop: the caller's account, the reason "inbound" and the inbound stage's script in the debtor's language.
            await using (var db = console.OpenDatabase())
            {
                var debtor = await db.Debtors.SingleAsync(d => d.Id == new DebtorId(debtorId), Ct);
                var row = await WrittenAsync(console, d => d.InboundCalls.SingleOrDefaultAsync(c => c.From == number, Ct));
                var account = await db.Accounts.SingleAsync(a => a.Id == row.AccountId, Ct);
                pop = new ScreenPopFacts(row.Id.Value, debtor.DisplayName, account.CreditorReference, row.Language);
            }

            await Expect(page.Locator("#debtor-name")).ToContainTextAsync(pop.DebtorName);
            await Expect(page.Locator("#account-ref")).ToHaveTextAsync(pop.AccountReference);
            await Expect(page.Locator("#call-reason .purpose")).ToHaveAttributeAsync("data-purpose", "inbound");
            await Expect(page.Locator("#script-id")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("-inbound · de"));
            await Expect(page.Locator("#script-text")).ToContainTextAsync("Vielen Dank für Ihren Anruf");
            await Expect(page.Locator("#unknown-caller")).ToHaveCountAsync(0);

            // The caller's voice reaches the browser (WebRTC's own statistics), then a few seconds of both voices.
            System.Text.Json.JsonElement stats = default;
            for (var i = 0; i < 60; i++)
            {
                stats = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => window.collectionsPhone.stats()");
                if (stats.ValueKind == System.Text.Json.JsonValueKind.Object && stats.GetProperty("totalAudioEnergy").GetDouble() > 0.01)
                {
                    break;
                }

                await Task.Delay(500, Ct);
            }

            Assert.True(stats.ValueKind == System.Text.Json.JsonValueKind.Object && stats.GetProperty("totalAudioEnergy").GetDouble() > 0.01, $"the browser phone heard nothing: {stats}");
            await Task.Delay(3000, Ct);

            // Hang up (H): SIPp ends; the outcome is saved on the page like any call's.
            await page.Keyboard.PressAsync("h");
            var (exit, errors) = await caller.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(exit == 0, errors);
            await page.Locator("#disposition").SelectOptionAsync("RefusedToPay");
            await page.Locator("#note").FillAsync("inbound browser test");
            await page.Locator("#btn-save").ClickAsync();
            await Expect(page.Locator("#state")).ToHaveTextAsync("Nachbearbeitung");
        });

        // The IVR spoke the debtor's language, the call was answered in the queue by Anna, and its ledger row is an inbound one.
        Assert.Equal("de", pop.IvrLanguage);
        await using (var db = console.OpenDatabase())
        {
            var row = await db.InboundCalls.SingleAsync(c => c.Id == new ContactAttemptId(pop.CallId), Ct);
            Assert.NotNull(row.QueuedAt);
            Assert.NotNull(row.AnsweredAt);
            Assert.Equal((await db.Agents.SingleAsync(a => a.Login == "anna.schneider", Ct)).Id, row.AgentId);
            var ledger = await db.ContactAttempts.SingleAsync(c => c.Id == row.Id, Ct);
            Assert.Equal(ContactPurpose.Inbound, ledger.Purpose);
            Assert.Equal(pop.CallId, (await WrittenAsync(console, d => d.Dispositions.SingleOrDefaultAsync(x => x.Note == "inbound browser test", Ct))).ContactAttemptId!.Value.Value);
        }

        // RTP both ways, on the recording named by the call's id: the caller's 1 kHz left, the browser's 440 Hz (through Opus) right.
        var wav = await Recordings.ReadWhenCompleteAsync(Path.Combine(recordings, $"{pop.CallId:D}.wav"), Ct);
        var left = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[2 * i]).ToArray();
        var right = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[(2 * i) + 1]).ToArray();
        Assert.True(Tone(left, 1000) > 10 * Tone(left, 440), "the caller's tone is not on the left channel");
        Assert.True(Tone(right, 440) > 10 * Tone(right, 1000), "the operator's tone is not on the right channel");
        Assert.True(Tones.WindowsWith(right, 440) >= 20, $"the operator's channel has {Tones.WindowsWith(right, 440)} windows of 100 ms with her tone");
        await context.CloseAsync();
        Directory.Delete(work, recursive: true);
    }

    /// <summary>A row the host writes while the page moves on (the page shows the call, or wrap-up after the save, before the
    /// host's write may have committed): read until it is there, for at most 20 s.</summary>
    private static async Task<T> WrittenAsync<T>(KestrelConsole console, Func<Collections.Shared.Persistence.CollectionsDbContext, Task<T?>> read)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            await using (var db = console.OpenDatabase())
            {
                if (await read(db) is { } row)
                {
                    return row;
                }
            }

            Assert.True(attempt < 100, $"no {typeof(T).Name} written within 20 s");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>A unique number of a debtor whose preferred language is <paramref name="language"/>.</summary>
    private static async Task<(string Number, Guid DebtorId)> DebtorNumberAsync(KestrelConsole console, string language)
    {
        await using var db = console.OpenDatabase();
        var phones = await (from p in db.PhoneNumbers
                            join d in db.Debtors on p.DebtorId equals d.Id
                            where d.PreferredLanguage == language && p.WrongNumberAt == null && db.Accounts.Any(a => a.DebtorId == d.Id)
                            select new { p.E164, p.DebtorId }).ToListAsync(Ct);
        var unique = await db.PhoneNumbers.GroupBy(p => p.E164).Where(g => g.Count() == 1).Select(g => g.Key).ToListAsync(Ct);
        var pick = phones.First(p => unique.Contains(p.E164));
        return (pick.E164, pick.DebtorId.Value);
    }

    private sealed record ScreenPopFacts(Guid CallId, string DebtorName, string AccountReference, string IvrLanguage);

    private static Microsoft.Playwright.ILocatorAssertions Expect(Microsoft.Playwright.ILocator locator) => Microsoft.Playwright.Assertions.Expect(locator);
}
