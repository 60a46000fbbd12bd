using System.Globalization;
using Collections.Dialer.Media.Audio;
using Collections.Shared.Contracts;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Listen, whisper and barge in the main job (issue 17 item 2), every party a real one: the demo carrier's debtor
/// speaks a 440 Hz tone, the operator's softphone (baresip, extension 1006) sends 1000 Hz, the supervisor's softphone
/// (baresip, extension 1090, <c>Collections:Console:SupervisorExtensions</c> in the Development settings) sends 1800 Hz.
/// The supervisor clicks Listen, Whisper, Barge and Leave on the wallboard in Chromium, two seconds each; what each party
/// heard is read back from the phones' decoded audio and the call's recording (whose right channel is what the debtor was
/// sent). The operator works on her page in Chromium too: it shows the badge for each mode and drops it when the supervisor leaves.</summary>
[Trait("Category", "Integration")]
public sealed class CallMonitoringTests
{
    private const string Operator = "harriet.collins";
    private const string OperatorName = "Harriet Collins";
    private const string DemoSipPassword = "Demo-sip-2026";
    private const double DebtorTone = 440;
    private const double OperatorTone = 1000;
    private const double SupervisorTone = 1800;

    // A tone is "there" in a 100 ms window when its amplitude passes this (the tones are sent at 8000; speech from the
    // greeting rarely puts that much into one narrow band).
    private const double Present = 3000;

    // How long each mode lasts; the checks below count 100 ms windows against it.
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_supervisor_listens_whispers_and_barges_into_a_live_call_from_the_wallboard_and_each_party_hears_what_the_mode_allows()
    {
        var sipPort = FreePorts.UdpAndTcp();
        var recordings = Directory.CreateTempSubdirectory("recordings-").FullName;
        var prompts = DebtorSpeakingATone();
        using var console = new KestrelConsole(
            ("Dialer:Sip:Port", sipPort.ToString(CultureInfo.InvariantCulture)),
            ("Dialer:Recording:Directory", recordings),
            ("Dialer:DemoCarrier:PromptsDirectory", prompts));
        await using var operatorPhone = BaresipPhone.Start("1006", DemoSipPassword, sipPort, seconds: 120, toneHz: OperatorTone);
        await using var supervisorPhone = BaresipPhone.Start("1090", DemoSipPassword, sipPort, seconds: 120, toneHz: SupervisorTone);
        Assert.True(await operatorPhone.WaitRegisteredAsync(TimeSpan.FromSeconds(20), Ct), "operator's baresip did not register: " + operatorPhone.Output);
        Assert.True(await supervisorPhone.WaitRegisteredAsync(TimeSpan.FromSeconds(20), Ct), "supervisor's baresip did not register: " + supervisorPhone.Output);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var state = new PageState();
        Guid callId = default, accountId = default;
        await state.RunAsync(async () =>
        {
            // The operator, in Chromium (her own browser context: the cookie is per context). Her softphone holds extension
            // 1006, so the page's own phone stays off rather than take the line from it.
            var operatorContext = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
            var operatorPage = state.Watch("operator", await operatorContext.NewPageAsync());
            await operatorPage.GotoAsync("/");
            await operatorPage.Locator("#login").FillAsync(Operator);
            await operatorPage.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
            await operatorPage.Locator("#password").PressAsync("Enter");
            await operatorPage.WaitForURLAsync("**/operator.html");
            await Expect(operatorPage.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(operatorPage.Locator("#phone-panel")).ToHaveAttributeAsync("data-state", "desk");
            await Expect(operatorPage.Locator("#phone-status")).ToHaveTextAsync("Calls go to your desk phone (extension 1006)");
            var badge = operatorPage.Locator("#monitored");
            await Expect(badge).ToBeHiddenAsync();
            await operatorPage.Keyboard.PressAsync("r");
            await Expect(operatorPage.Locator("#state")).ToHaveTextAsync("Ready");

            var context = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
            var wallboard = state.Watch("wallboard", await context.NewPageAsync());
            await wallboard.GotoAsync("/");
            await wallboard.Locator("#login").FillAsync("supervisor");
            await wallboard.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
            await wallboard.Locator("#password").PressAsync("Enter");
            await wallboard.WaitForURLAsync("**/wallboard.html");
            await Expect(wallboard.Locator("body")).ToHaveAttributeAsync("data-ready", "true");

            await Expect(operatorPage.Locator("#state")).ToHaveTextAsync("On call", new() { Timeout = 90_000 });
            await Expect(operatorPage.Locator("#debtor-name")).ToBeVisibleAsync();
            var row = wallboard.Locator("#agents tr", new() { HasText = OperatorName });
            await Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "On call");
            // The debtor's tone follows the greeting and two seconds of silence (a wait for audio, not a speed limit).
            await Task.Delay(TimeSpan.FromSeconds(2), Ct);

            foreach (var (mode, told) in new[]
                     {
                         (MonitorMode.Listen, "Floor Supervisor is listening to this call"),
                         (MonitorMode.Whisper, "Floor Supervisor is whispering: only you hear them"),
                         (MonitorMode.Barge, "Floor Supervisor has joined the call: everyone hears them"),
                     })
            {
                await row.Locator($"button[data-monitor='{mode}']").ClickAsync();
                await Expect(row.Locator($".monitoring[data-mode='{mode}']")).ToBeVisibleAsync();
                // The operator's page: the badge, in her language, names the supervisor and what the mode lets them do.
                await Expect(badge).ToBeVisibleAsync();
                await Expect(badge).ToHaveAttributeAsync("data-mode", mode.ToString());
                await Expect(badge).ToHaveTextAsync(told);
                await Task.Delay(Phase, Ct);
            }

            // docs/console.md's picture of the wallboard while the supervisor is barged in.
            await wallboard.ScreenshotAsync(new() { Path = Path.Combine(Artifacts(), "console-wallboard-monitor.png") });

            await row.Locator("button[data-monitor='Leave']").ClickAsync();
            await Expect(row.Locator(".monitoring")).ToHaveCountAsync(0);
            await Expect(badge).ToBeHiddenAsync();
            await Expect(badge).ToHaveTextAsync(string.Empty);
            await Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "On call");
            await Expect(operatorPage.Locator("#state")).ToHaveTextAsync("On call");

            // The call went on without the supervisor: a second later the operator saves its outcome on her page.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            await operatorPage.Locator("#disposition").SelectOptionAsync("RefusedToPay");
            await operatorPage.Locator("#note").FillAsync("monitoring test");
            await operatorPage.Locator("#btn-save").ClickAsync();
            await Expect(operatorPage.Locator("#state")).ToHaveTextAsync("Wrap-up");
            await using var db = console.OpenDatabase();
            callId = (await db.Dispositions.SingleAsync(d => d.Note == "monitoring test", Ct)).ContactAttemptId!.Value.Value;
            accountId = (await db.ContactAttempts.SingleAsync(c => c.Id == new Collections.Shared.Domain.ContactAttemptId(callId), Ct)).AccountId.Value;

            // Logging out (L) hangs up the operator's line, so baresip closes its dump.
            await operatorPage.Keyboard.PressAsync("l");
            await Expect(operatorPage.Locator("#state")).ToHaveTextAsync("Logged out");
        });

        // Only a live call can be joined, and only by a supervisor.
        var (supervisorHttp, supervisorCookie) = await console.SignInAsync("supervisor", Ct);
        using (supervisorHttp)
        {
            await using var hub = console.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
            await hub.StartAsync(Ct);
            var ended = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<MonitoringDto>("Monitor", callId, MonitorMode.Listen, Ct));
            Assert.Contains("not live", ended.Message, StringComparison.Ordinal);
        }

        var (adminHttp, adminCookie) = await console.SignInAsync("admin", Ct);
        using (adminHttp)
        {
            await using var hub = console.Hub(ConsoleHubs.SupervisorPath, adminCookie);
            await hub.StartAsync(Ct);
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<MonitoringDto>("Monitor", callId, MonitorMode.Listen, Ct));
        }

        var phaseWindows = (int)(Phase.TotalMilliseconds / 100);

        // The supervisor heard debtor and operator in every mode, and never themself.
        var supervisorHeard = await DecodedAsync(supervisorPhone);
        Assert.True(Windows(supervisorHeard, DebtorTone) >= 2 * phaseWindows, Describe("supervisor", supervisorHeard));
        Assert.True(Windows(supervisorHeard, OperatorTone) >= 2 * phaseWindows, Describe("supervisor", supervisorHeard));
        Assert.True(Windows(supervisorHeard, SupervisorTone) <= 2, Describe("supervisor", supervisorHeard));

        // The operator heard the debtor, and the supervisor while whispering and barging (two phases), not while listening.
        var operatorHeard = await DecodedAsync(operatorPhone);
        var supervisorToOperator = Windows(operatorHeard, SupervisorTone);
        Assert.True(Windows(operatorHeard, DebtorTone) >= 3 * phaseWindows, Describe("operator", operatorHeard));
        Assert.True(supervisorToOperator >= (2 * phaseWindows) - 8 && supervisorToOperator <= (2 * phaseWindows) + 12, Describe("operator", operatorHeard));

        // The debtor (the recording's right channel: what the debtor was sent) heard the operator throughout and the
        // supervisor only while barging (one phase): a whisper that reached the debtor would double it.
        var recording = await Recordings.ReadWhenCompleteAsync(Path.Combine(recordings, $"{callId:D}.wav"), Ct);
        var left = Enumerable.Range(0, recording.FrameCount).Select(i => recording.Samples[2 * i]).ToArray();
        var right = Enumerable.Range(0, recording.FrameCount).Select(i => recording.Samples[(2 * i) + 1]).ToArray();
        var debtorHeard = new WavAudio(8000, 1, recording.Encoding, right);
        var supervisorToDebtor = Windows(debtorHeard, SupervisorTone);
        Assert.True(Tones.WindowsWith(left, DebtorTone, 800, Present) >= 3 * phaseWindows, $"recording left (debtor): {Tones.WindowsWith(left, DebtorTone, 800, Present)} windows of the debtor's tone");
        Assert.True(Windows(debtorHeard, OperatorTone) >= 3 * phaseWindows, Describe("debtor", debtorHeard));
        Assert.True(supervisorToDebtor >= phaseWindows - 8 && supervisorToDebtor <= phaseWindows + 12, Describe("debtor", debtorHeard));

        // Each change is in the audit trail, by the supervisor, on the call's account.
        var entries = await WaitForAuditAsync(console, 4);
        Assert.Equal(
            [$"call monitoring: listen (call {callId:D})", $"call monitoring: whisper (call {callId:D})", $"call monitoring: barge (call {callId:D})", $"call monitoring: left (call {callId:D})"],
            entries.Select(e => e.Detail));
        Assert.All(entries, e => Assert.Equal(("supervisor", $"account:{accountId}"), (e.Actor, e.Subject)));

        Directory.Delete(recordings, recursive: true);
        Directory.Delete(prompts, recursive: true);
    }

    private static int Windows(WavAudio audio, double tone) =>
        Tones.WindowsWith(audio.Samples, tone, audio.SampleRate / 10, Present, audio.SampleRate);

    private static string Describe(string who, WavAudio heard) =>
        $"{who} heard {heard.Duration.TotalSeconds:F1} s: debtor {Windows(heard, DebtorTone)}, operator {Windows(heard, OperatorTone)}, supervisor {Windows(heard, SupervisorTone)} windows of 100 ms";

    /// <summary>The shipped greeting (so AMD hears a person), then 90 s of the debtor's tone as what the person says.</summary>
    private static string DebtorSpeakingATone()
    {
        var dir = Directory.CreateTempSubdirectory("prompts-").FullName;
        var shipped = Path.Combine(AppContext.BaseDirectory, "DemoCarrier", "Prompts");
        File.Copy(Path.Combine(shipped, "human-greeting.wav"), Path.Combine(dir, "human-greeting.wav"));
        File.Copy(Path.Combine(shipped, "machine-greeting.wav"), Path.Combine(dir, "machine-greeting.wav"));
        WavFile.WritePcm(Path.Combine(dir, "human-speech.wav"), Tones.Sine(DebtorTone, 8000 * 90));
        return dir;
    }

    private static async Task<WavAudio> DecodedAsync(BaresipPhone phone)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var all = phone.DecodedAudio();
                if (all.Count > 0 && all[^1].FrameCount > 0)
                {
                    return all[^1];
                }
            }
            catch (Exception ex) when ((ex is IOException or FormatException or InvalidDataException) && attempt < 50)
            {
            }

            Assert.True(attempt < 50, "baresip wrote no decoded audio: " + phone.Output);
            await Task.Delay(100, Ct);
        }
    }

    internal static async Task<List<Collections.Shared.Audit.AuditEntry>> WaitForAuditAsync(KestrelConsole console, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = console.OpenDatabase();
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Detail.StartsWith("call monitoring")).OrderBy(e => e.Id).ToListAsync(Ct);
            if (entries.Count >= count || attempt >= 50)
            {
                return entries;
            }

            await Task.Delay(200, Ct);
        }
    }

    internal static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, failure);
            await Task.Delay(50, Ct);
        }
    }

    private static string Artifacts()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
