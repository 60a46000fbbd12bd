using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Tests.Sipp;

/// <summary>The dial path against SIPp as the debtor's side, one scenario per SIP behaviour the issue lists.</summary>
[Trait("Category", "Integration")]
public sealed class SippCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(DialResult Result, int SippExit, string SippErrors)> DialAsync(
        string scenario, bool tcp = false, double durationSeconds = 1, double ringSeconds = 10, string? user = null, string? password = null,
        string? record = null, string? play = null)
    {
        await using var sipp = await SippProcess.StartUasAsync(scenario, tcp, ct: Ct);
        var uri = $"sip:debtor@127.0.0.1:{sipp.Port}" + (tcp ? ";transport=tcp" : string.Empty);
        var result = await DialRunner.RunAsync(
            new DialRequest(uri, TimeSpan.FromSeconds(durationSeconds), TimeSpan.FromSeconds(ringSeconds), Username: user, Password: password, RecordPath: record, PlayPath: play),
            TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(40), Ct);
        var (exit, errors) = await sipp.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        return (result, exit, errors);
    }

    [Fact]
    public async Task Answered_WithRtpEcho_ReportsAnsweredLocalHangupAndEchoedRtp()
    {
        var record = Path.Combine(Path.GetTempPath(), $"sipp-rec-{Guid.NewGuid():N}.wav");
        var prompt = Path.Combine(Path.GetTempPath(), $"sipp-prompt-{Guid.NewGuid():N}.wav");
        var tone = Enumerable.Range(0, 8000).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0))).ToArray();
        WavFile.WritePcm(prompt, tone);
        try
        {
            var (r, exit, errors) = await DialAsync("answer-echo.xml", durationSeconds: 1.5, record: record, play: prompt);
            Assert.True(exit == 0, errors);
            Assert.Equal(200, r.Status);
            Assert.True(r.Answered);
            Assert.Equal("local", r.HangupBy);
            Assert.Null(r.Amd);
            Assert.True(r.RtpSent > 20, $"sent {r.RtpSent}");
            Assert.True(r.RtpReceived > r.RtpSent / 2, $"echoed {r.RtpReceived} of {r.RtpSent}");

            // The echo of our 440 Hz prompt is in the left (debtor) channel of the stereo recording.
            var wav = WavFile.Read(record);
            Assert.Equal(2, wav.Channels);
            var left = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[2 * i]).ToArray();
            var right = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[(2 * i) + 1]).ToArray();
            Assert.True(right.Max(s => Math.Abs((int)s)) > 5000, "our prompt is on the right");
            Assert.True(left.Max(s => Math.Abs((int)s)) > 5000, "the echoed prompt is on the left");
        }
        finally
        {
            File.Delete(record);
            File.Delete(prompt);
        }
    }

    [Fact]
    public async Task EarlyMedia183_StartsRtpBeforeAnswer()
    {
        var (r, exit, errors) = await DialAsync("early-media.xml", durationSeconds: 0.2);
        Assert.True(exit == 0, errors);
        Assert.Equal(200, r.Status);
        Assert.True(r.AnswerMs >= 900, $"answered after {r.AnswerMs} ms although SIPp waits 1 s after 183");
        // Over 1 s of early media plus 0.2 s connected: more packets than the connected part alone could carry.
        Assert.True(r.RtpReceived > 25, $"received {r.RtpReceived}");
    }

    [Theory]
    [InlineData("busy-486.xml", 486)]
    [InlineData("unavailable-503.xml", 503)]
    public async Task Rejected_ReportsStatusNotAnsweredAndAcks(string scenario, int status)
    {
        var (r, exit, errors) = await DialAsync(scenario);
        Assert.True(exit == 0, errors); // SIPp's scenario ends only once our ACK arrived
        Assert.Equal(status, r.Status);
        Assert.False(r.Answered);
        Assert.Equal("remote", r.HangupBy);
        Assert.Equal(0, r.RtpSent);
    }

    [Fact]
    public async Task RingTimeout_SendsCancel_Gets487()
    {
        var (r, exit, errors) = await DialAsync("no-answer.xml", ringSeconds: 1);
        Assert.True(exit == 0, errors);
        Assert.Equal(487, r.Status);
        Assert.False(r.Answered);
        Assert.Equal("local", r.HangupBy);
    }

    [Fact]
    public async Task RemoteBye_EndsCallBeforeDuration_HangupByRemote()
    {
        var (r, exit, errors) = await DialAsync("remote-bye.xml", durationSeconds: 20);
        Assert.True(exit == 0, errors);
        Assert.Equal(200, r.Status);
        Assert.True(r.Answered);
        Assert.Equal("remote", r.HangupBy);
    }

    [Fact]
    public async Task Challenge401_RetriesWithDigestThatSippVerifies()
    {
        var (r, exit, errors) = await DialAsync("auth-401.xml", user: "debtor", password: "s3cret");
        Assert.True(exit == 0, errors);
        Assert.Equal(200, r.Status);
        Assert.True(r.Answered);
    }

    [Fact]
    public async Task Challenge401_WithWrongPassword_IsRefused()
    {
        var (r, _, _) = await DialAsync("auth-401.xml", user: "debtor", password: "wrong");
        Assert.Equal(403, r.Status);
        Assert.False(r.Answered);
    }

    [Fact]
    public async Task ReInviteMidCall_IsAnsweredWithSdp_AndCallGoesOn()
    {
        var (r, exit, errors) = await DialAsync("reinvite.xml", durationSeconds: 2);
        Assert.True(exit == 0, errors); // the scenario checks our 200 carries m=audio ... RTP/AVP 0
        Assert.Equal(200, r.Status);
        Assert.Equal("local", r.HangupBy);
    }

    [Fact]
    public async Task UpdateMidCall_IsAnsweredWithSdp_AndCallGoesOn()
    {
        var (r, exit, errors) = await DialAsync("update.xml", durationSeconds: 2);
        Assert.True(exit == 0, errors); // the scenario checks our 200 to UPDATE carries m=audio ... RTP/AVP 0
        Assert.Equal(200, r.Status);
        Assert.Equal("local", r.HangupBy);
    }

    [Fact]
    public async Task TcpTransport_AnswersAndEchoes()
    {
        var (r, exit, errors) = await DialAsync("answer-echo.xml", tcp: true);
        Assert.True(exit == 0, errors);
        Assert.Equal(200, r.Status);
        Assert.True(r.RtpReceived > 10, $"received {r.RtpReceived}");
    }

    [Fact]
    public async Task AnswerChoosingPcma_SwitchesOurEncoderToALaw()
    {
        var record = Path.Combine(Path.GetTempPath(), $"sipp-pcma-{Guid.NewGuid():N}.wav");
        var prompt = Path.Combine(Path.GetTempPath(), $"sipp-pcma-prompt-{Guid.NewGuid():N}.wav");
        WavFile.WritePcm(prompt, Enumerable.Range(0, 8000).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0))).ToArray());
        try
        {
            var (r, exit, errors) = await DialAsync("answer-pcma.xml", durationSeconds: 1, record: record, play: prompt);
            Assert.True(exit == 0, errors);
            Assert.Equal(200, r.Status);
            // The echo comes back as PCMA and decodes to our tone only if we really encoded A-law.
            var wav = WavFile.Read(record);
            var left = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[2 * i]).ToArray();
            var peak = left.Max(s => Math.Abs((int)s));
            Assert.InRange(peak, 7000, 9000);
        }
        finally
        {
            File.Delete(record);
            File.Delete(prompt);
        }
    }
}
