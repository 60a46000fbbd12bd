using System.Net;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;

namespace Collections.Dialer.Tests.Media;

public sealed class SdpRtpTests
{
    private const string LinphoneOffer =
        "v=0\r\no=1001 3059 1720 IN IP4 192.0.2.10\r\ns=Talk\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 7078 RTP/AVP 96 8 0 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n" +
        "m=video 9078 RTP/AVP 97\r\na=rtpmap:97 VP8/90000\r\n";

    [Fact]
    public void Parse_Offer_ReadsAddressPortCodecsAndStaticTypesWithoutRtpmap()
    {
        Assert.True(SessionDescription.TryParse(LinphoneOffer, out var sdp));
        Assert.Equal(IPAddress.Parse("192.0.2.10"), sdp.Address);
        Assert.Equal(7078, sdp.AudioPort);
        Assert.Equal(["opus", "PCMA", "PCMU", "telephone-event"], sdp.Codecs.Select(c => c.Name));
        Assert.Equal(101, sdp.TelephoneEventPayloadType);
    }

    [Fact]
    public void Answer_KeepsOffererOrderOfCommonCodecs_AndTheirEventPayloadType()
    {
        Assert.True(SessionDescription.TryParse(LinphoneOffer, out var offer));
        var answer = SessionDescription.Answer(offer, IPAddress.Loopback, 20000, [AudioCodec.Pcmu, AudioCodec.Pcma])!;
        Assert.Equal("PCMA", answer.FirstAudioCodec!.Name); // RFC 3264 6.1: the offerer's preference wins
        Assert.Equal(101, answer.TelephoneEventPayloadType);
        var text = answer.ToString();
        Assert.Contains("m=audio 20000 RTP/AVP 8 0 101\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("video", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_WithNoCommonCodec_IsNull()
    {
        Assert.True(SessionDescription.TryParse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n", out var offer));
        Assert.Null(SessionDescription.Answer(offer, IPAddress.Loopback, 20000, [AudioCodec.Pcmu]));
    }

    [Fact]
    public void Offer_RoundTrips()
    {
        var offer = SessionDescription.Offer(IPAddress.Loopback, 30000, [AudioCodec.Pcma, AudioCodec.Pcmu]);
        Assert.True(SessionDescription.TryParse(offer.ToString(), out var back));
        Assert.Equal(30000, back.AudioPort);
        Assert.Equal(["PCMA", "PCMU", "telephone-event"], back.Codecs.Select(c => c.Name));
    }

    [Fact]
    public void RtpHeader_RoundTrips_AndSkipsCsrcAndExtension()
    {
        var buffer = new byte[12 + 4 + 8 + 3];
        new RtpHeader(8, true, 65535, 0xDEADBEEF, 0x01020304).Write(buffer);
        buffer[0] |= 0x11; // one CSRC, extension present
        buffer[12 + 4 + 3] = 1; // extension length: 1 word
        Assert.True(RtpHeader.TryParse(buffer, out var h, out var offset, out var length));
        Assert.Equal(new RtpHeader(8, true, 65535, 0xDEADBEEF, 0x01020304), h);
        Assert.Equal(12 + 4 + 4 + 4, offset);
        Assert.Equal(buffer.Length - offset, length);
        Assert.False(RtpHeader.TryParse(buffer.AsSpan(0, 11), out _, out _, out _));
    }

    [Fact]
    public async Task Dtmf_SentAsRfc4733Events_IsReceivedOncePerDigit_AndAudioFlowsBothWays()
    {
        await using var a = new RtpSession(IPAddress.Loopback, TimeProvider.System);
        await using var b = new RtpSession(IPAddress.Loopback, TimeProvider.System);
        a.SetRemote(b.LocalEndPoint);
        b.SetRemote(a.LocalEndPoint);
        var digits = new List<char>();
        var got = new TaskCompletionSource();
        b.DtmfReceived += (_, d) =>
        {
            lock (digits)
            {
                digits.Add(d);
                if (digits.Count == 3)
                {
                    got.TrySetResult();
                }
            }
        };
        foreach (var d in "1#9")
        {
            await a.SendDtmfAsync(d, TimeSpan.FromMilliseconds(60), TestContext.Current.CancellationToken);
        }

        await got.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        lock (digits)
        {
            Assert.Equal("1#9", new string([.. digits]));
        }

        var frames = new TaskCompletionSource<short[]>();
        a.AudioReceived += (_, f) => frames.TrySetResult(f.Samples);
        b.Codec = AudioCodec.Pcma;
        b.SendAudio(Enumerable.Repeat((short)1000, 160).ToArray());
        var samples = await frames.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.All(samples, s => Assert.InRange(s, 950, 1050));
        Assert.Equal(0, b.PacketsLost);
    }

    [Fact]
    public async Task SenderReport_IsAWellFormedCompoundRtcpPacket()
    {
        await using var a = new RtpSession(IPAddress.Loopback, TimeProvider.System);
        var sr = a.BuildSenderReport();
        Assert.Equal(200, sr[1]); // SR
        var srWords = (sr[2] << 8) | sr[3];
        var sdes = (srWords + 1) * 4;
        Assert.Equal(202, sr[sdes + 1]); // SDES follows (RFC 3550 6.1 compound packet)
        Assert.Equal(0, sr.Length % 4);
    }
}
