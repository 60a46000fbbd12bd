using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Dtls;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;

namespace Collections.Benchmarks.SipBridge;

/// <summary>
/// Load test of the bridge with SRTP on both legs beside plain RTP in the same run (issue 18), and of DTLS-SRTP handshakes.
/// SIPp speaks no SRTP, so the far ends are two processes of this program on our own stack (<c>rtp-peer</c>): "debtors"
/// that answer and stream PCMU at 50 packets/s, and "agents' phones" that answer and echo every packet back. Our user agent,
/// in this process, places an agent leg and a debtor leg per call and bridges them: plain RTP over UDP signalling first,
/// then SRTP (AES_CM_128_HMAC_SHA1_80, SDES keys over SIP over TLS, RFC 4568 8.3) on every leg. Over a steady window it
/// counts the debtors' packets that came back from the agents' echo through the bridge (end-to-end), and what the bridge
/// relayed of what it received (relay). CPU is this process only, in cores; the peers' CPU is on the same two cores.
/// Usage: dotnet run -c Release --project tests/Collections.Benchmarks -- sip-bridge-secure --calls 500 --seconds 20 [--handshakes 400]
/// </summary>
internal static class SecureBridgeLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var calls = IntArg(args, "--calls", 500);
        var seconds = IntArg(args, "--seconds", 20);
        var handshakes = IntArg(args, "--handshakes", 400);
        if (calls > 0)
        {
            await using var debtors = await Peer.StartAsync("debtor");
            await using var agents = await Peer.StartAsync("agent");
            foreach (var secure in new[] { false, true })
            {
                await BridgePhaseAsync(debtors, agents, calls, seconds, secure);
            }
        }

        if (handshakes > 0)
        {
            await HandshakePhaseAsync(handshakes);
        }

        return 0;
    }

    private static async Task BridgePhaseAsync(Peer debtors, Peer agents, int calls, int seconds, bool secure)
    {
        await using var ua = new SipUserAgent(TimeProvider.System, SipLog("bridge"), limits: SipLimits.Internal);
        ua.Start(IPAddress.Loopback);
        var protocol = secure ? SipProtocol.Tls : SipProtocol.Udp;
        var noCheck = new SipTlsClientSettings("127.0.0.1", false, null, null); // the peers' throw-away certificates
        ua.Stack.Transport.SetTlsClient(debtors.EndPoint(protocol), noCheck);
        ua.Stack.Transport.SetTlsClient(agents.EndPoint(protocol), noCheck);
        var policy = secure ? new MediaPolicy(EncryptionPolicy.Required, SrtpKeying.Sdes, false, [AudioCodec.Pcmu]) : MediaPolicy.Plain([AudioCodec.Pcmu]);
        var pairs = new ConcurrentBag<(SipCallLeg Debtor, SipCallLeg Agent, CallBridge Bridge)>();
        using var gate = new SemaphoreSlim(20);
        var setup = Stopwatch.StartNew();
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var agent = new SipCallLeg(ua, Request($"agent{i}", agents.EndPoint(protocol), protocol, policy));
                var debtor = new SipCallLeg(ua, Request($"debtor{i}", debtors.EndPoint(protocol), protocol, policy));
                await agent.PlaceAsync();
                await debtor.PlaceAsync();
                if (!agent.Answered || !debtor.Answered)
                {
                    Interlocked.Increment(ref failures);
                    Console.Error.WriteLine($"call {i}: agent {agent.FinalStatus} {agent.FailureCause}, debtor {debtor.FinalStatus} {debtor.FailureCause}");
                    await agent.DisposeAsync();
                    await debtor.DisposeAsync();
                    return;
                }

                pairs.Add((debtor, agent, new CallBridge(debtor.Media!, agent.Media!)));
            }
            finally
            {
                gate.Release();
            }
        }));
        var setupSeconds = setup.Elapsed.TotalSeconds;
        await Task.Delay(2000); // every stream running

        var list = pairs.ToList();
        long Sum(Func<(SipCallLeg Debtor, SipCallLeg Agent, CallBridge Bridge), long> f) => list.Sum(f);
        var debtorIn0 = Sum(p => p.Debtor.Media!.PacketsReceived);
        var debtorLost0 = Sum(p => p.Debtor.Media!.PacketsLost);
        var agentLost0 = Sum(p => p.Agent.Media!.PacketsLost);
        var toAgent0 = Sum(p => p.Bridge.RelayedToAgent);
        var agentIn0 = Sum(p => p.Agent.Media!.PacketsReceived);
        var rejected0 = Sum(p => p.Debtor.Media!.PacketsRejected + p.Agent.Media!.PacketsRejected);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var window = Stopwatch.StartNew();
        var load0 = LoadAverage();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = window.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / elapsed;
        var debtorIn = Sum(p => p.Debtor.Media!.PacketsReceived) - debtorIn0;
        var debtorLost = Sum(p => p.Debtor.Media!.PacketsLost) - debtorLost0;
        var agentLost = Sum(p => p.Agent.Media!.PacketsLost) - agentLost0;
        var toAgent = Sum(p => p.Bridge.RelayedToAgent) - toAgent0;
        var agentIn = Sum(p => p.Agent.Media!.PacketsReceived) - agentIn0;
        var rejected = Sum(p => p.Debtor.Media!.PacketsRejected + p.Agent.Media!.PacketsRejected) - rejected0;
        var expected = list.Count * 50.0 * elapsed;
        var security = list.Select(p => p.Agent.MediaSecurity).Concat(list.Select(p => p.Debtor.MediaSecurity)).Distinct().ToList();

        foreach (var p in list)
        {
            await p.Bridge.DisposeAsync();
        }

        await Task.WhenAll(list.Select(async p =>
        {
            await p.Debtor.DisposeAsync();
            await p.Agent.DisposeAsync();
        }));

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            phase = secure ? "bridge-srtp" : "bridge-plain",
            media = string.Join(", ", security),
            calls,
            bridged = list.Count,
            failedCalls = failures,
            windowSeconds = Math.Round(elapsed, 1),
            setupSeconds = Math.Round(setupSeconds, 1),
            expectedPackets = (long)expected,
            // What the debtors really sent (received + lost by sequence number, RFC 3550 A.3): a loaded machine's peers fall short of 50/s.
            debtorPacketsSent = debtorIn + debtorLost,
            offeredPercent = Math.Round(100.0 * (debtorIn + debtorLost) / expected, 1),
            debtorPacketsIn = debtorIn,
            relayedToAgents = toAgent,
            echoedBackFromAgents = agentIn,
            srtpRejected = rejected,
            relayLossPercent = Math.Round(100 * (1 - ((double)toAgent / Math.Max(1, debtorIn))), 3),
            // Of what the debtors sent, the share that did not come back through the bridge and the agents' echo.
            lossPercent = Math.Round(100.0 * (debtorLost + agentLost + (debtorIn - toAgent)) / Math.Max(1, debtorIn + debtorLost), 3),
            endToEndLossPercent = Math.Round(100 * (1 - (agentIn / expected)), 3),
            cpuCores = Math.Round(cpu, 2),
            loadAverage = load0,
        }));
    }

    /// <summary>With COLLECTIONS_BENCH_SIP_LOG=1, the SIP stack's log (connections closed, sends failed, handshakes
    /// failed) on standard error, each line stamped with the time and <paramref name="who"/>; otherwise none.</summary>
    internal static Microsoft.Extensions.Logging.ILogger? SipLog(string who) =>
        Environment.GetEnvironmentVariable("COLLECTIONS_BENCH_SIP_LOG") == "1"
            ? Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.TimestampFormat = "HH:mm:ss.fff "; o.SingleLine = true; })
                // Standard error: a peer's standard output is the pipe its parent reads "ready" from, and nothing after.
                .AddConsole(o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace)
                .AddFilter(null, Microsoft.Extensions.Logging.LogLevel.Information)).CreateLogger(who)
            : null;

    private static OutboundCallRequest Request(string user, IPEndPoint peer, SipProtocol protocol, MediaPolicy policy) =>
        new($"sip:{user}@127.0.0.1:{peer.Port}{protocol.UriParameter()}", peer, protocol, "4930123456", TimeSpan.FromSeconds(30), policy.Codecs, Media: policy, Peer: user);

    /// <summary>DTLS 1.2 handshakes with use_srtp between our client and our server in this process, so both ends' CPU counts.</summary>
    private static async Task HandshakePhaseAsync(int total)
    {
        var server = DtlsCertificate.Create();
        var client = DtlsCertificate.Create();
        using var gate = new SemaphoreSlim(Environment.ProcessorCount * 4);
        var ok = 0;
        var clock = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(Enumerable.Range(0, total).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                DtlsSrtpHandshake? s = null;
                DtlsSrtpHandshake? c = null;
                using (s = new DtlsSrtpHandshake(DtlsRole.Server, server, "sha-256", client.Fingerprint, d => c!.Deliver(d), TimeSpan.FromSeconds(30)))
                using (c = new DtlsSrtpHandshake(DtlsRole.Client, client, "sha-256", server.Fingerprint, d => s.Deliver(d), TimeSpan.FromSeconds(30)))
                {
                    s.Start();
                    c.Start();
                    var keys = await s.Completion;
                    var theirs = await c.Completion;
                    if (keys.Receive.MasterKey.AsSpan().SequenceEqual(theirs.Send.MasterKey))
                    {
                        Interlocked.Increment(ref ok);
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            phase = "dtls-handshakes",
            handshakes = total,
            completed = ok,
            seconds = Math.Round(seconds, 1),
            handshakesPerSecond = Math.Round(ok / seconds, 1),
            cpuMsPerHandshakeBothEnds = Math.Round(cpu * 1000 / Math.Max(1, ok), 2),
        }));
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>A far end in a process of its own: this program's <c>rtp-peer</c> verb.</summary>
    private sealed class Peer : IAsyncDisposable
    {
        private readonly Process _process;

        private Peer(Process process, int udp, int tls)
        {
            _process = process;
            Udp = new IPEndPoint(IPAddress.Loopback, udp);
            Tls = new IPEndPoint(IPAddress.Loopback, tls);
        }

        public IPEndPoint Udp { get; }

        public IPEndPoint Tls { get; }

        public IPEndPoint EndPoint(SipProtocol protocol) => protocol == SipProtocol.Tls ? Tls : Udp;

        public static async Task<Peer> StartAsync(string role)
        {
            var self = Environment.ProcessPath!;
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                psi.ArgumentList.Add(typeof(SecureBridgeLoad).Assembly.Location);
            }

            psi.ArgumentList.Add("rtp-peer");
            psi.ArgumentList.Add(role);
            var process = Process.Start(psi)!;
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"rtp-peer {role} did not start");
            var ports = line.Split(' ');
            return new Peer(process, int.Parse(ports[1], CultureInfo.InvariantCulture), int.Parse(ports[2], CultureInfo.InvariantCulture));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}

/// <summary>
/// The far end for <see cref="SecureBridgeLoad"/>: answers every INVITE on UDP and on TLS, SRTP when the offer has SDES keys
/// over TLS and plain RTP otherwise; a "debtor" streams PCMU at 50 packets/s on every call (one timer for all), an "agent"
/// echoes each packet it receives. Prints "ready &lt;udp port&gt; &lt;tls port&gt;" and runs until killed.
/// </summary>
internal static class RtpPeer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var role = args.FirstOrDefault() ?? "agent";
        var calls = new ConcurrentDictionary<string, RtpSession>();
        var ua = new SipUserAgent(TimeProvider.System, SecureBridgeLoad.SipLog("rtp-peer " + role), limits: SipLimits.Internal);
        var policy = new MediaPolicy(EncryptionPolicy.Preferred, SrtpKeying.Sdes, false, [AudioCodec.Pcmu]);
        ua.IncomingCall = tx =>
        {
            var request = tx.Request;
            var tag = SipStack.NewTag();
            if (!SessionDescription.TryParse(request.BodyText, out var offer))
            {
                tx.Respond(SipResponse.For(request, 488, toTag: tag));
                return Task.CompletedTask;
            }

            var rtp = new RtpSession(IPAddress.Loopback, TimeProvider.System);
            var (answer, cause) = new MediaNegotiator(policy, rtp, tx.Protocol.IsSecure(), "bridge").AnswerOffer(offer, IPAddress.Loopback, IPAddress.Loopback);
            if (answer is null)
            {
                Console.Error.WriteLine(cause);
                tx.Respond(SipResponse.For(request, 488, toTag: tag));
                _ = rtp.DisposeAsync().AsTask();
                return Task.CompletedTask;
            }

            if (role == "agent")
            {
                rtp.RawAudioReceived += Echo;
            }

            var dialog = SipDialog.FromUas(request, tag, tx.Protocol, tx.Remote);
            var handler = new PeerDialog(ua, dialog, rtp, calls);
            ua.AddDialog(dialog.Key, handler);
            calls[dialog.Key] = rtp;
            var ok = SipResponse.For(request, 200, toTag: tag);
            ok.Add("Contact", $"<{ua.Stack.ContactUri(tx.Protocol, role)}>");
            ok.Add("Content-Type", "application/sdp");
            ok.Body = Encoding.UTF8.GetBytes(answer.ToString());
            tx.Respond(ok);
            return Task.CompletedTask;
        };
        ua.Start(IPAddress.Loopback);
        ua.Stack.Transport.StartTls(IPAddress.Loopback, 0, new SipTlsServerSettings(SipCertificates.SelfSigned(IPAddress.Loopback)));
        if (SecureBridgeLoad.SipLog("pool") is { } poolLog)
        {
            // With the SIP log on, the thread pool every second: a peer starved of threads reads its SIP late.
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    await Task.Delay(1000);
                    poolLog.LogInformation("{Role} pool: {Threads} threads, {Pending} work items queued, {Calls} calls", role, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, calls.Count);
                }
            });
        }

        Console.WriteLine($"ready {ua.Stack.Transport.UdpEndPoint.Port} {ua.Stack.Transport.TlsEndPoint!.Port}");
        Console.Out.Flush();
        if (role == "debtor")
        {
            var tone = Enumerable.Range(0, 8000).Select(i => (short)(6000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0))).ToArray();
            var frames = Enumerable.Range(0, 50).Select(f => G711.Encode(tone.AsSpan(f * 160, 160), G711Law.MuLaw)).ToArray();
            // Four senders, each a share of the calls, on real time rather than timer ticks: a late tick (a loaded machine)
            // sends the frames it owes, so the offered load stays as close to 50/s as the machine allows.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(share => Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                var clock = Stopwatch.StartNew();
                long sent = 0;
                while (await timer.WaitForNextTickAsync())
                {
                    for (var due = clock.ElapsedMilliseconds / 20; sent < due; sent++)
                    {
                        foreach (var (key, rtp) in calls)
                        {
                            if ((key.GetHashCode() & 3) == share)
                            {
                                rtp.SendPayload(frames[sent % frames.Length], 0, 160);
                            }
                        }
                    }
                }
            })));
        }

        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    private static void Echo(RtpSession session, in RtpAudio audio) =>
        session.SendPayload(audio.Payload, audio.Header.PayloadType, (uint)audio.Payload.Length, audio.Header.Marker);

    private sealed class PeerDialog(SipUserAgent ua, SipDialog dialog, RtpSession rtp, ConcurrentDictionary<string, RtpSession> calls) : IDialogHandler
    {
        public Task OnRequestAsync(ServerTransaction transaction)
        {
            transaction.Respond(SipResponse.For(transaction.Request, 200));
            if (transaction.Request.Method == "BYE" && calls.TryRemove(dialog.Key, out _))
            {
                ua.RemoveDialog(dialog.Key);
                _ = rtp.DisposeAsync().AsTask();
            }

            return Task.CompletedTask;
        }

        public void OnAck(SipRequest ack)
        {
        }

        public void OnRetransmitted2xx(SipResponse response)
        {
        }
    }
}
