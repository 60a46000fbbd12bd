using System.Globalization;
using System.Text.Json;
using Collections.AgentConsole.Tests.Console;
using Collections.Dialer.Amd;
using Collections.Dialer.Media.Audio;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Phone;

/// <summary>
/// The browser is the headset (issue 18): headless Chromium with a fake microphone playing a 440 Hz tone from a WAV file
/// opens the operator page; SIP.js registers the operator's extension over SIP over WebSocket at /sip (behind the sign-in),
/// the network is dropped and restored once, the page's phone comes back by itself, the operator goes ready, the dialer
/// calls the browser (ICE-lite, DTLS-SRTP, Opus), a demo debtor is bridged in, and the call's stereo recording holds the
/// debtor on the left and the browser's tone on the right while WebRTC's statistics show audio received.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BrowserPhoneTests
{
    private const string Operator = "harriet.collins";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_takes_a_demo_call_on_the_browser_phone_after_a_network_drop()
    {
        var work = Directory.CreateTempSubdirectory("browser-phone-").FullName;
        var recordings = Path.Combine(work, "recordings");
        var tone = Path.Combine(work, "tone.wav");
        WavFile.WritePcm(tone, Enumerable.Range(0, 48000 * 120).Select(i => (short)(9000 * Math.Sin(2 * Math.PI * 440 * i / 48000.0))).ToArray(), 48000);
        using var console = new KestrelConsole(("Dialer:Recording:Directory", recordings));
        await using var network = new NetworkDropProxy(console.Port);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(
            playwright,
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={tone}",
            // WebRTC leaves loopback out of its candidates unless told; the dialer and the browser share 127.0.0.1 here.
            "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required");
        var context = await browser.NewContextAsync(new() { BaseURL = network.BaseAddress.ToString(), Permissions = ["microphone"] });
        var page = await context.NewPageAsync();
        var log = new System.Text.StringBuilder();
        page.Console += (_, m) => { lock (log) { log.AppendLine(m.Text); } };

        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(Operator);
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
        await page.WaitForURLAsync("**/operator.html");
        var panel = page.Locator("#phone-panel");
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready");

        // The network drops during the shift and comes back: the page's phone reconnects and registers again by itself.
        network.Drop();
        await Expect(panel).ToHaveAttributeAsync("data-state", "reconnecting");
        await Task.Delay(2000, Ct);
        network.Restore();
        await Expect(panel).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = 45_000 });
        await Expect(page.Locator("#conn")).ToHaveTextAsync("connected", new() { Timeout = 45_000 });

        // A steady test tone is what noise suppression removes: this operator's headset needs none.
        await page.Locator("#phone-processing").UncheckAsync();

        // Ready: the dialer calls the browser phone (the nailed-up leg), then a demo debtor is bridged in.
        await page.Locator("#btn-ready").ClickAsync();
        await Expect(page.Locator("#state")).ToHaveTextAsync("Ready");
        await Expect(panel).ToHaveAttributeAsync("data-state", "onLine");
        await Expect(page.Locator("#debtor-name")).ToBeVisibleAsync(new() { Timeout = 90_000 });

        // WebRTC's own statistics: audio arrives (the debtor's greeting and speech carry energy), DTLS is up.
        JsonElement stats = default;
        for (var i = 0; i < 60; i++)
        {
            stats = await page.EvaluateAsync<JsonElement>("() => window.collectionsPhone.stats()");
            if (stats.ValueKind == JsonValueKind.Object && stats.GetProperty("packetsReceived").GetInt64() > 200 && stats.GetProperty("totalAudioEnergy").GetDouble() > 0.01)
            {
                break;
            }

            await Task.Delay(500, Ct);
        }

        Assert.True(stats.ValueKind == JsonValueKind.Object, "no WebRTC session in the page: " + log);
        Assert.True(stats.GetProperty("packetsReceived").GetInt64() > 200, $"stats {stats}; page log: {log}");
        Assert.True(stats.GetProperty("totalAudioEnergy").GetDouble() > 0.01, $"only silence received: {stats}");
        Assert.Equal("connected", stats.GetProperty("dtls").GetString());
        Assert.Equal("audio/opus", stats.GetProperty("codec").GetString());
        Assert.True(stats.GetProperty("packetsSent").GetInt64() > 100, $"the browser sent nothing: {stats}");
        await Task.Delay(2000, Ct); // a couple more seconds of both voices in the recording

        await page.Locator("#disposition").SelectOptionAsync("RefusedToPay");
        await page.Locator("#btn-save").ClickAsync();
        await Expect(page.Locator("#state")).ToHaveTextAsync("Wrap-up");

        Guid attemptId;
        await using (var db = console.OpenDatabase())
        {
            var agent = await db.Agents.SingleAsync(a => a.Login == Operator, Ct);
            attemptId = (await db.Dispositions.SingleAsync(d => d.AgentId == agent.Id, Ct)).ContactAttemptId!.Value.Value;
        }

        var recording = await Recordings.ReadWhenCompleteAsync(Path.Combine(recordings, $"{attemptId:D}.wav"), Ct);
        Assert.Equal(2, recording.Channels);
        var left = new short[recording.FrameCount];
        var right = new short[recording.FrameCount];
        for (var i = 0; i < recording.FrameCount; i++)
        {
            left[i] = recording.Samples[2 * i];
            right[i] = recording.Samples[(2 * i) + 1];
        }

        Assert.True(left.Max(s => Math.Abs((int)s)) > 1000, "the debtor's channel is silent");
        // The browser's channel holds its microphone: the 440 Hz tone, through Opus and back to 8 kHz.
        var analyzer = new ToneAnalyzer(300, 3000);
        var frames = Enumerable.Range(0, right.Length / 160).Select(f => right.AsSpan(f * 160, 160).ToArray()).Where(f => f.Max(s => Math.Abs((int)s)) > 1000).ToList();
        Assert.True(frames.Count > 50, $"the browser's channel has {frames.Count} loud frames");
        var toneFrames = frames.Count(f => analyzer.Analyze(f) is var (frequency, purity) && Math.Abs(frequency - 440) <= 40 && purity > 0.5);
        Assert.True(toneFrames > frames.Count / 2, $"{toneFrames} of {frames.Count} loud frames of the browser's channel are the 440 Hz tone");
        await context.CloseAsync();
        Directory.Delete(work, recursive: true);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
