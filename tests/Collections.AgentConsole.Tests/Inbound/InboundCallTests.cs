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

namespace Collections.AgentConsole.Tests.Inbound;

/// <summary>
/// Debtors calling back (issue 17) in the main job: SIPp calls the demo's number (+44 20 7946 0000) with a caller ID, presses 1
/// as an RFC 4733 event and speaks (a 1 kHz tone); the operator's phone is baresip (a 440 Hz tone as its microphone). The
/// host's clock is a weekday afternoon (<see cref="KestrelConsole"/>), inside the demo's opening hours; a second host is
/// configured closed, for the voicemail box.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InboundCallTests
{
    // Harriet Collins is demo agent 1006 and speaks English (docs/demo-data.md); the demo registrar accepts 1001-1010.
    private const string Operator = "harriet.collins";
    private const string Extension = "1006";
    private const string DemoSipPassword = "Demo-sip-2026";
    private const string Did = "+442079460000";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_debtor_who_presses_1_reaches_the_operator_with_the_inbound_script_and_both_voices_are_recorded()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var recordings = Directory.CreateTempSubdirectory("recordings-").FullName;
        using var console = new KestrelConsole(("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)), ("Dialer:Recording:Directory", recordings));
        await PauseCampaignsAsync(console);
        await using var phone = BaresipPhone.Start(Extension, DemoSipPassword, sipPort, seconds: 120);
        Assert.True(await phone.WaitRegisteredAsync(TimeSpan.FromSeconds(20), Ct), "baresip did not register: " + phone.Output);

        var (http, cookie) = await console.SignInAsync(Operator, Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.AgentPath, cookie);
        var pops = System.Threading.Channels.Channel.CreateUnbounded<ScreenPopDto>();
        hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), p => pops.Writer.TryWrite(p));
        await hub.StartAsync(Ct);
        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);
        await WaitForLineAsync(console, phone);

        // A demo debtor who speaks English, with a number no other debtor has.
        var (number, debtorId) = await EnglishDebtorNumberAsync(console);
        var since = NodaTime.Instant.FromDateTimeOffset(console.Clock.GetUtcNow());
        await using (var caller = await SippCaller.StartAsync(sipPort, number, Ct))
        {
            var pop = await pops.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(debtorId, pop.Debtor.Id);
            Assert.Equal("inbound", pop.Reason?.Purpose);
            Assert.NotNull(pop.Script);
            Assert.Equal("inbound", pop.Reason?.ScriptStage);

            // Both voices through the bridge: the phone hears the caller's tone (a wait for audio, not a speed limit).
            var until = DateTime.UtcNow.AddSeconds(20);
            while (phone.DecodedPeak() <= 1000 && DateTime.UtcNow < until)
            {
                await Task.Delay(250, Ct);
            }

            await hub.InvokeAsync("HangUp", pop.CallId, Ct);
            var (exit, errors) = await caller.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(exit == 0, errors);
            Assert.True(phone.DecodedPeak() > 1000, $"the operator's phone heard only silence (peak {phone.DecodedPeak()}): " + phone.Output);

            // The recording, named by the call's id: the caller's 1 kHz tone left, the phone's 440 Hz tone right.
            var wav = await ReadWhenCompleteAsync(Path.Combine(recordings, $"{pop.CallId:D}.wav"));
            var left = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[2 * i]).ToArray();
            var right = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[(2 * i) + 1]).ToArray();
            Assert.True(Tone(left, 1000) > 10 * Tone(left, 440), "the caller's tone is not on the left channel");
            Assert.True(Tone(right, 440) > 10 * Tone(right, 1000), "the operator's tone is not on the right channel");

            // The call's records: answered in the queue by Harriet, and a ledger row with purpose inbound on the account.
            await using var db = console.OpenDatabase();
            var row = await db.InboundCalls.SingleAsync(c => c.Id == new ContactAttemptId(pop.CallId), Ct);
            Assert.Equal(debtorId, row.DebtorId!.Value.Value);
            Assert.Equal(pop.Account.Id, row.AccountId!.Value.Value);
            Assert.NotNull(row.QueuedAt);
            Assert.NotNull(row.AnsweredAt);
            Assert.Equal((await db.Agents.SingleAsync(a => a.Login == Operator, Ct)).Id, row.AgentId);
            var ledger = await db.ContactAttempts.SingleAsync(c => c.Id == row.Id, Ct);
            Assert.Equal(ContactPurpose.Inbound, ledger.Purpose);
            Assert.True(ledger.StartedAt >= since);
        }

        // The wallboard's inbound queue: nobody waiting, one call answered today, within the 20 s target (DTMF at once, Harriet ready).
        var (supervisorHttp, supervisorCookie) = await console.SignInAsync("supervisor", Ct);
        using (supervisorHttp)
        {
            await using var supervisor = console.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
            await supervisor.StartAsync(Ct);
            var queue = (await supervisor.InvokeAsync<WallboardDto>("Snapshot", Ct)).Inbound;
            Assert.NotNull(queue);
            Assert.Equal(0, queue.Waiting);
            Assert.Equal(1, queue.Answered);
            Assert.Equal(1, queue.AnsweredWithinTarget);
            Assert.Equal(1, queue.ServiceLevel);
        }

        // The inbound call's outcome is saved like any call's; then Harriet is ready again.
        var ended = await hub.InvokeAsync<CurrentDto>("Current", Ct);
        await hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(ended.Pop!.CallId, ended.Pop.Account.Id, "RefusedToPay", "inbound test"), Ct);
        Assert.Equal(AgentState.Ready, (await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct)).State);
        Directory.Delete(recordings, recursive: true);
    }

    [Fact]
    public async Task Outside_opening_hours_the_caller_leaves_a_voicemail_that_becomes_a_callback_on_their_account()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var voicemail = Directory.CreateTempSubdirectory("voicemail-").FullName;
        // The host's clock says 14:00 UTC on a weekday: lines open only in the evening are closed.
        using var console = new KestrelConsole(
            ("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)),
            ("Dialer:Inbound:Opens", "19:00"), ("Dialer:Inbound:Closes", "20:00"), ("Dialer:Inbound:TimeZone", "UTC"),
            ("Dialer:Inbound:VoicemailDirectory", voicemail), ("Dialer:Inbound:VoicemailMaxSeconds", "5"));
        await PauseCampaignsAsync(console);
        var (number, debtorId) = await EnglishDebtorNumberAsync(console);

        // The caller speaks through the closed message and the invitation; the box hangs up at its longest message.
        await using (var caller = await SippCaller.StartAsync(sipPort, number, Ct))
        {
            var (exit, errors) = await caller.WaitAsync(TimeSpan.FromSeconds(40), Ct);
            Assert.True(exit == 0, errors);
        }

        await using var db = console.OpenDatabase();
        var row = await WaitForAsync(() => db.InboundCalls.AsNoTracking().SingleOrDefaultAsync(c => c.DebtorId == new DebtorId(debtorId) && c.EndedAt != null, Ct));
        Assert.Equal(InboundCallOutcome.Voicemail, row.Outcome);
        Assert.Null(row.QueuedAt);
        var message = WavFile.Read(row.VoicemailPath!);
        var left = Enumerable.Range(0, message.FrameCount).Select(i => message.Samples[2 * i]).ToArray();
        Assert.True(Tone(left, 1000) > 10 * Tone(left, 440), "the caller's voice is not in the message");

        var callback = await db.ScheduledContacts.SingleAsync(c => c.IdempotencyKey == $"voicemail:{row.Id.Value:N}", Ct);
        Assert.Equal(row.AccountId, callback.AccountId);
        Assert.Equal(ContactPurpose.Callback, callback.Purpose);
        Assert.Equal("inbound", callback.ScriptStage);
        Assert.Null(callback.AgentId);
        Directory.Delete(voicemail, recursive: true);
    }

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

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        for (var i = 0; ; i++)
        {
            if (await read() is { } found)
            {
                return found;
            }

            Assert.True(i < 100, "the call's row was not closed");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Power of <paramref name="frequency"/> in <paramref name="samples"/> (Goertzel over the whole signal).</summary>
    private static double Tone(short[] samples, double frequency)
    {
        var c = 2 * Math.Cos(2 * Math.PI * frequency / 8000);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (c * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (c * s1 * s2);
    }

    private static async Task WaitForLineAsync(KestrelConsole console, BaresipPhone phone)
    {
        var bridge = console.Services.GetRequiredService<DialerBridge>();
        var phones = console.Services.GetRequiredService<AgentPhones>();
        await using var db = console.OpenDatabase();
        var agent = (await db.Agents.SingleAsync(a => a.Login == Operator, Ct)).Id;
        for (var i = 0; phones.KindOf(bridge.NumberOf(agent)) != AgentPhoneKind.Phone; i++)
        {
            Assert.True(i < 200, "the operator's phone was not called at ready: " + phone.Output);
            await Task.Delay(100, Ct);
        }
    }

    private static async Task<(string Number, Guid DebtorId)> EnglishDebtorNumberAsync(KestrelConsole console)
    {
        await using var db = console.OpenDatabase();
        var phones = await (from p in db.PhoneNumbers
                            join d in db.Debtors on p.DebtorId equals d.Id
                            where d.PreferredLanguage == "en" && p.WrongNumberAt == null
                            select new { p.E164, p.DebtorId }).ToListAsync(Ct);
        var all = await db.PhoneNumbers.GroupBy(p => p.E164).Where(g => g.Count() == 1).Select(g => g.Key).ToListAsync(Ct);
        var pick = phones.First(p => all.Contains(p.E164) && p.E164.StartsWith("+44", StringComparison.Ordinal));
        return (pick.E164, pick.DebtorId.Value);
    }

    private static async Task PauseCampaignsAsync(KestrelConsole console)
    {
        var (http, cookie) = await console.SignInAsync("supervisor", Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.SupervisorPath, cookie);
        await hub.StartAsync(Ct);
        await using var db = console.OpenDatabase();
        foreach (var campaign in await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).ToListAsync(Ct))
        {
            await hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(campaign.Id.Value, "Paused", null, null, null), Ct);
        }
    }

    // The bridge finishes the file when the caller's leg ends, a moment after the hang-up.
    private static async Task<WavAudio> ReadWhenCompleteAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var wav = WavFile.Read(path);
                if (wav.FrameCount > 0 || attempt >= 50)
                {
                    return wav;
                }
            }
            catch (Exception ex) when ((ex is IOException or FormatException or InvalidDataException) && attempt < 50)
            {
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>SIPp (Debian sip-tester) as a caller's phone running Inbound/caller.xml against the console's SIP port.</summary>
    private sealed class SippCaller : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private SippCaller(Process process, string dir)
        {
            _process = process;
            _dir = dir;
        }

        public static async Task<SippCaller> StartAsync(int sipPort, string callerId, CancellationToken ct)
        {
            var dir = Directory.CreateTempSubdirectory("sipp-caller-").FullName;
            // The caller's voice: 1 kHz for 30 s, 8 kHz mu-law as SIPp's rtp_stream sends a WAV's bytes as they are.
            using (var sox = Process.Start(new ProcessStartInfo("sox", ["-n", "-r", "8000", "-c", "1", "-e", "u-law", Path.Combine(dir, "caller-voice.wav"), "synth", "30", "sine", "1000", "vol", "0.5"]) { UseShellExecute = false })!)
            {
                await sox.WaitForExitAsync(ct);
                Assert.Equal(0, sox.ExitCode);
            }

            var scenario = Path.Combine(AppContext.BaseDirectory, "Inbound", "caller.xml");
            var psi = new ProcessStartInfo("sipp")
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-sf", scenario, "-s", Did, "-key", "caller", callerId, "-i", "127.0.0.1", "-p", FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture),
                         "-mi", "127.0.0.1", "-mp", FreePorts.Find(4, 61000, 65500, tcp: false, align: 4).ToString(CultureInfo.InvariantCulture),
                         "-m", "1", "-timeout", "90s", "-timeout_error", "-nostdin", "-trace_err", $"127.0.0.1:{sipPort}" })
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("sipp did not start");
            _ = process.StandardOutput.ReadToEndAsync(ct);
            _ = process.StandardError.ReadToEndAsync(ct);
            return new SippCaller(process, dir);
        }

        public async Task<(int ExitCode, string Errors)> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
                return (-1, "sipp did not finish in time. " + Logs());
            }

            return (_process.ExitCode, Logs());
        }

        private string Logs() => string.Join("\n", Directory.GetFiles(_dir, "*.log").Select(f => Path.GetFileName(f) + ":\n" + File.ReadAllText(f)));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
