using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Calls;
using Collections.Dialer.DemoCarrier;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;

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
        var dir = Directory.CreateTempSubdirectory("baresip-").FullName;
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1, MaxCallSeconds = 30 }, TimeProvider.System);
        carrier.Start(IPAddress.Loopback);
        var registrar = new Registrar(new RegistrarOptions { Realm = "collections", Users = { ["1001"] = "agent-pw" }, Algorithms = ["MD5"] }, TimeProvider.System);
        await using var ua = new SipUserAgent(TimeProvider.System) { Register = registrar.HandleAsync };
        ua.Start(IPAddress.Loopback);
        var registered = new TaskCompletionSource<RegistrarBinding>(TaskCreationOptions.RunContinuationsAsynchronously);
        registrar.Registered += b => registered.TrySetResult(b);

        var phonePort = FreePhonePort();
        var tone = Path.Combine(dir, "tone.wav");
        WavFile.WritePcm(tone, Enumerable.Range(0, 8000 * 30).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0))).ToArray());
        File.WriteAllText(Path.Combine(dir, "config"), string.Join('\n',
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{phonePort}",
            "net_interface 127.0.0.1",
            "audio_player aufile,/dev/null",
            $"audio_source aufile,{tone}",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module aufile.so",
            "module sndfile.so",
            "module_app account.so",
            $"snd_path {dir}",
            string.Empty));
        File.WriteAllText(Path.Combine(dir, "accounts"),
            $"<sip:1001@127.0.0.1:{ua.Stack.Transport.UdpEndPoint.Port}>;auth_pass=agent-pw;answermode=auto;regint=600\n");
        var psi = new ProcessStartInfo("baresip") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", dir, "-t", "40", "-s" })
        {
            psi.ArgumentList.Add(a);
        }

        using var baresip = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        baresip.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        baresip.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        baresip.BeginOutputReadLine();
        baresip.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(registered.Task, Task.Delay(TimeSpan.FromSeconds(15), Ct));
            Assert.True(registered.Task.IsCompleted, "baresip did not register: " + Snapshot(output));
            var binding = await registered.Task;
            Assert.Equal("1001", binding.User);

            // The agent's nailed-up leg: we call the registered phone at log-in, it answers by itself.
            await using var line = new AgentLine(ua, registrar, "1001");
            Assert.True(await line.ConnectAsync(TimeSpan.FromSeconds(10), Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct), "baresip did not auto-answer: " + Snapshot(output));
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
            var decoded = Directory.GetFiles(dir, "*dec*.wav");
            Assert.True(decoded.Length > 0, "no decoded dump from baresip: " + Snapshot(output));
            var heard = decoded.Select(WavFile.Read).Max(w => w.Samples.Length == 0 ? 0 : w.Samples.Max(s => Math.Abs((int)s)));
            Assert.True(heard > 1000, $"baresip decoded only silence (peak {heard})");
        }
        finally
        {
            if (!baresip.HasExited)
            {
                baresip.Kill(entireProcessTree: true);
                await baresip.WaitForExitAsync(Ct);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Snapshot(System.Text.StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }

    /// <summary>
    /// baresip listens on UDP and TCP at the port and TLS at the next one; pick a port below the ranges our RTP
    /// (10000-30000), SIPp media (40000-60000) and the kernel's ephemeral ports use, with all four free.
    /// </summary>
    private static int FreePhonePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(6000, 9900);
            var sockets = new List<Socket>();
            try
            {
                foreach (var (type, proto, p) in new[] { (SocketType.Dgram, ProtocolType.Udp, port), (SocketType.Stream, ProtocolType.Tcp, port), (SocketType.Dgram, ProtocolType.Udp, port + 1), (SocketType.Stream, ProtocolType.Tcp, port + 1) })
                {
                    var s = new Socket(AddressFamily.InterNetwork, type, proto);
                    sockets.Add(s);
                    s.Bind(new IPEndPoint(IPAddress.Loopback, p));
                }

                return port;
            }
            catch (SocketException)
            {
            }
            finally
            {
                sockets.ForEach(s => s.Dispose());
            }
        }

        throw new InvalidOperationException("no free port for baresip");
    }
}
