using System.Net;
using System.Net.Sockets;
using System.Text;
using Collections.Dialer.Calls;
using Collections.Dialer.DemoCarrier;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Tests.Calls;

/// <summary>Our own UAC against our own UAS (the demo carrier) on loopback, and the robustness flood.</summary>
public sealed class DemoCarrierTests : IAsyncLifetime
{
    private readonly DemoCarrier.DemoCarrier _carrier = new(new DemoCarrierOptions { RingSeconds = 0.2, MaxCallSeconds = 30 }, TimeProvider.System);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _carrier.Start(IPAddress.Loopback);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _carrier.DisposeAsync();

    private Task<DialResult> DialAsync(string user, double seconds = 1, double ring = 10, bool tcp = false, bool amd = false)
    {
        var port = tcp ? _carrier.TcpEndPoint.Port : _carrier.EndPoint.Port;
        var uri = $"sip:{user}@127.0.0.1:{port}" + (tcp ? ";transport=tcp" : string.Empty);
        var classifier = amd ? AnswerClassifiers.Create(Collections.Dialer.Amd.AmdProfile.DefaultName, TimeProvider.System) : null;
        return DialRunner.RunAsync(new DialRequest(uri, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(ring), Classifier: classifier), TimeProvider.System, NullLogger.Instance, Ct)
            .WaitAsync(TimeSpan.FromSeconds(60), Ct);
    }

    [Fact]
    public async Task Human_Answers_AndSpeaks()
    {
        var r = await DialAsync("human", seconds: 1.5);
        Assert.Equal(200, r.Status);
        Assert.True(r.Answered);
        Assert.Equal("local", r.HangupBy);
        Assert.True(r.RtpReceived > 40, $"received {r.RtpReceived}");
        Assert.True(r.RtpSent > 40, $"sent {r.RtpSent}");
    }

    [Theory]
    [Trait("Category", "Integration")]
    [InlineData("human", "HUMAN")]
    [InlineData("machine", "MACHINE")]
    public async Task Amd_OnTheDemoCarriersPrompts_TellsHumanFromMachine(string user, string expected)
    {
        var r = await DialAsync(user, seconds: 6, amd: true);
        Assert.Equal(200, r.Status);
        Assert.Equal(expected, r.Amd);
    }

    [Fact]
    public async Task Recording_IsAPlayableStereoWavWhileTheCallIsStillUp()
    {
        var path = Path.Combine(Path.GetTempPath(), $"demo-rec-{Guid.NewGuid():N}.wav");
        try
        {
            var call = DialRunner.RunAsync(new DialRequest($"sip:human@127.0.0.1:{_carrier.EndPoint.Port}", TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10), RecordPath: path),
                TimeProvider.System, NullLogger.Instance, Ct);
            await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);

            // As if the process died now: the bytes on disk must already be a valid WAV (RIFF sizes rewritten every second).
            byte[] snapshot;
            await using (var f = File.Open(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                snapshot = new byte[f.Length];
                await f.ReadExactlyAsync(snapshot, Ct);
            }

            var wav = Collections.Dialer.Media.Audio.WavFile.Read(new MemoryStream(snapshot));
            Assert.Equal(2, wav.Channels);
            Assert.Equal(8000, wav.SampleRate);
            Assert.True(wav.Duration > TimeSpan.FromSeconds(0.5), $"only {wav.Duration} readable mid-call");
            var left = Enumerable.Range(0, wav.FrameCount).Select(i => wav.Samples[2 * i]).ToArray();
            Assert.True(left.Max(x => Math.Abs((int)x)) > 1000, "the debtor's greeting is on the left channel");

            var r = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(200, r.Status);
            Assert.True(Collections.Dialer.Media.Audio.WavFile.Read(path).Duration > wav.Duration);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Busy_Gives486()
    {
        var r = await DialAsync("busy");
        Assert.Equal(486, r.Status);
        Assert.False(r.Answered);
    }

    [Fact]
    public async Task NoAnswer_IsCancelledOnRingTimeout_With487()
    {
        var r = await DialAsync("noanswer", ring: 0.5);
        Assert.Equal(487, r.Status);
        Assert.Equal("local", r.HangupBy);
    }

    [Fact]
    public async Task Machine_OverTcp_Answers()
    {
        var r = await DialAsync("machine", seconds: 1, tcp: true);
        Assert.Equal(200, r.Status);
        Assert.True(r.RtpReceived > 20);
    }

    [Fact]
    public void Mix_FollowsConfiguredPercentages()
    {
        var counts = Enumerable.Range(0, 2000).Select(_ => _carrier.Choose("sip:+4930123@x")).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(counts[DebtorBehaviour.Human], 1000, 1200);
        Assert.InRange(counts[DebtorBehaviour.Machine], 330, 470);
        Assert.True(counts.ContainsKey(DebtorBehaviour.Failure));
    }

    /// <summary>Issue 3: at least 10 000 malformed or truncated datagrams and TCP streams, and the stack keeps serving calls.</summary>
    [Fact]
    [Trait("Category", "Integration")]
    public async Task Flood_OfMalformedDatagramsAndStreams_DoesNotStopCalls()
    {
        var before = _carrier.UserAgent.Stack.Transport.Dropped;
        var flood = Task.Run(() => FloodAsync(_carrier.EndPoint, _carrier.TcpEndPoint), Ct);
        var call = DialAsync("human", seconds: 1);
        var (datagrams, streams) = await flood;
        var r = await call;
        Assert.True(datagrams + streams >= 10_000);
        Assert.Equal(200, r.Status);
        Assert.True(r.RtpReceived > 10);

        // And a call after the flood, over both transports.
        Assert.Equal(200, (await DialAsync("human", seconds: 0.3)).Status);
        Assert.Equal(200, (await DialAsync("human", seconds: 0.3, tcp: true)).Status);
        var dropped = _carrier.UserAgent.Stack.Transport.Dropped - before;
        Assert.True(dropped >= 9_000, $"dropped {dropped}");
    }

    private static async Task<(int Datagrams, int Streams)> FloodAsync(IPEndPoint udp, IPEndPoint tcp)
    {
        var valid = Encoding.UTF8.GetBytes(
            "INVITE sip:human@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKflood\r\nFrom: <sip:x@y>;tag=1\r\n" +
            "To: <sip:human@127.0.0.1>\r\nCall-ID: flood\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 200\r\n\r\nv=0\r\n");
        var random = new Random(1234);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var sent = 0;
        for (var i = 0; i < 9_500; i++)
        {
            byte[] data = (i % 5) switch
            {
                0 => valid[..random.Next(1, valid.Length)], // truncated
                1 => RandomBytes(random, random.Next(1, 1400)),
                2 => Flip(random, valid), // bit rot; Content-Length 200 > body keeps most of these invalid
                3 => Encoding.UTF8.GetBytes("INVITE sip:x@y SIP/2.0\r\nVia SIP/2.0/UDP nowhere\r\n\r\n"),
                _ => Encoding.UTF8.GetBytes("SIP/2.0 200 OK\r\nContent-Length: -1\r\n" + new string('A', random.Next(0, 70_000)) + "\r\n\r\n"),
            };
            await socket.SendToAsync(data.Length > 65_000 ? data[..65_000] : data, SocketFlags.None, udp);
            sent++;
            if (i % 200 == 0)
            {
                await Task.Delay(5); // let the receive buffer drain a little: we test parsing, not kernel drops
            }
        }

        var streams = 0;
        for (var i = 0; i < 600; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(tcp);
            var stream = client.GetStream();
            var payload = (i % 3) switch
            {
                0 => Encoding.UTF8.GetBytes("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKt\r\n\r\n"), // no Content-Length on a stream
                1 => RandomBytes(random, random.Next(1, 4000)),
                _ => valid[..random.Next(1, valid.Length)], // truncated, then the peer goes away
            };
            await stream.WriteAsync(payload);
            streams++;
        }

        return (sent, streams);
    }

    private static byte[] RandomBytes(Random random, int n)
    {
        var b = new byte[n];
        random.NextBytes(b);
        return b;
    }

    private static byte[] Flip(Random random, byte[] valid)
    {
        var copy = (byte[])valid.Clone();
        for (var k = 0; k < 3; k++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }
}
