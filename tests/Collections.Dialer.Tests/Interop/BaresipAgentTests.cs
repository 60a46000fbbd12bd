using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Calls;
using Collections.Dialer.DemoCarrier;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;
using Collections.Testing;

namespace Collections.Dialer.Tests.Interop;

/// <summary>
/// baresip (Debian baresip-core) as an agent's phone: registers as 1001 with digest auth at our registrar,
/// auto-answers our nailed-up call, and receives the debtor's audio through our bridge.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BaresipAgentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Baresip_RegistersWithDigest_AutoAnswers_AndHearsBridgedDebtorAudio()
    {
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1, MaxCallSeconds = 30 }, TimeProvider.System);
        carrier.Start(IPAddress.Loopback);
        var registrar = new Registrar(new RegistrarOptions { Realm = "collections", Users = { ["1001"] = "agent-pw" }, Algorithms = ["MD5"] }, TimeProvider.System);
        await using var ua = new SipUserAgent(TimeProvider.System) { Register = registrar.HandleAsync };
        ua.Start(IPAddress.Loopback);
        var registered = new TaskCompletionSource<RegistrarBinding>(TaskCreationOptions.RunContinuationsAsynchronously);
        registrar.Registered += b => registered.TrySetResult(b);

        await using var phone = BaresipPhone.Start("1001", "agent-pw", ua.Stack.Transport.UdpEndPoint.Port, seconds: 40);
        var dir = phone.Directory;
        await Task.WhenAny(registered.Task, Task.Delay(TimeSpan.FromSeconds(15), Ct));
        Assert.True(registered.Task.IsCompleted, "baresip did not register: " + phone.Output);
        var binding = await registered.Task;
        Assert.Equal("1001", binding.User);

        // The agent's nailed-up leg: we call the registered phone at log-in, it answers by itself.
        await using var line = new AgentLine(ua, registrar, "1001");
        Assert.True(await line.ConnectAsync(TimeSpan.FromSeconds(10), Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct), "baresip did not auto-answer: " + phone.Output);
        await Task.Delay(500, Ct);
        var idleSent = line.Leg!.Media!.PacketsSent;
        Assert.True(idleSent > 5, "silence keeps the idle line alive");

        // Two debtor calls to the demo carrier (humans who talk), one after the other, bridged into the same leg.
        var record = Path.Combine(dir, "bridge.wav");
        long relayedToAgent = 0, relayedToDebtor = 0;
        for (var call = 0; call < 2; call++)
        {
            await using var debtor = new SipCallLeg(ua, new OutboundCallRequest($"sip:human@127.0.0.1:{carrier.EndPoint.Port}", carrier.EndPoint, SipProtocol.Udp, "4930123456", TimeSpan.FromSeconds(10), [AudioCodec.Pcmu]));
            await debtor.PlaceAsync(Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);
            Assert.True(debtor.Answered);
            var bridge = line.Bridge(debtor, call == 0 ? record : null);
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
            await debtor.HangupAsync();
            await Task.Delay(100, Ct);
            Assert.Null(line.CurrentBridge); // the debtor's end unbridges the line
            relayedToAgent += bridge.RelayedToAgent;
            relayedToDebtor += bridge.RelayedToDebtor;
        }

        Assert.True(line.IsUp, "the nailed-up leg survives the debtor calls");
        await line.DisposeAsync();
        var bridge0 = (RelayedToAgent: relayedToAgent, RelayedToDebtor: relayedToDebtor);
        Assert.True(bridge0.RelayedToAgent > 100, $"relayed to agent {bridge0.RelayedToAgent}");
        Assert.True(bridge0.RelayedToDebtor > 100, $"relayed to debtor {bridge0.RelayedToDebtor} (baresip's 440 Hz file)");
        var recording = WavFile.Read(record);
        Assert.Equal(2, recording.Channels);
        var right = Enumerable.Range(0, recording.FrameCount).Select(i => recording.Samples[(2 * i) + 1]).ToArray();
        Assert.True(right.Max(s => Math.Abs((int)s)) > 1000, "the agent channel holds baresip's tone");

        // baresip's sndfile filter dumps what it decoded: the debtor's greeting must be in it.
        await Task.Delay(500, Ct);
        Assert.True(phone.HasDecodedDump, "no decoded dump from baresip: " + phone.Output);
        var heard = phone.DecodedPeak();
        Assert.True(heard > 1000, $"baresip decoded only silence (peak {heard})");
    }
}
