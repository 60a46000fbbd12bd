using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;

namespace Collections.Benchmarks.SipBridge;

/// <summary>
/// Load test of the RTP bridge (not a BenchmarkDotNet benchmark: it measures a live system). SIPp plays the
/// debtors (answer, then stream PCMU at 50 packets/s) and the agents' phones (answer and echo RTP back);
/// our user agent places an agent leg and a debtor leg per call and bridges them. Over a steady window it
/// counts packets streamed by debtors that came back from the agents' echo through our bridge, and the
/// RFC 3550 interarrival jitter of the stream entering (debtor legs) and returning (agent legs).
/// Usage: dotnet run -c Release --project tests/Collections.Benchmarks -- sip-bridge --calls 100 --seconds 20 [--record] [--cps 200]
/// </summary>
internal static class SipBridgeLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var calls = SecureBridgeLoad.IntArg(args, "--calls", 100);
        var seconds = SecureBridgeLoad.IntArg(args, "--seconds", 20);
        var cpsCalls = SecureBridgeLoad.IntArg(args, "--cps", 0);
        var record = args.Contains("--record");
        var sippInstances = SecureBridgeLoad.IntArg(args, "--sipp", 4);
        var root = RepoRoot();
        var work = Directory.CreateTempSubdirectory("sip-bridge-load-").FullName;
        try
        {
            if (calls > 0)
            {
                await BridgePhaseAsync(root, work, calls, seconds, record, sippInstances);
            }

            if (cpsCalls > 0)
            {
                await CallRatePhaseAsync(root, work, cpsCalls);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    private static async Task BridgePhaseAsync(string root, string work, int calls, int seconds, bool record, int instances)
    {
        var tone = Enumerable.Range(0, 8000 * 10).Select(i => (short)(6000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0))).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(work, "tone.ulaw"), G711.Encode(tone, G711Law.MuLaw));
        // Several SIPp processes per side: one SIPp echoes RTP on one thread and saturates before we do.
        var debtorPorts = Enumerable.Range(0, instances).Select(_ => FreeUdpPort()).ToArray();
        var agentPorts = Enumerable.Range(0, instances).Select(_ => FreeUdpPort()).ToArray();
        var perInstance = (calls + instances - 1) / instances;
        var sipps = debtorPorts.Select(p => StartSipp(work, Path.Combine(root, "tests/Collections.Benchmarks/SipBridge/debtor-stream.xml"), p, perInstance, echo: false))
            .Concat(agentPorts.Select(p => StartSipp(work, Path.Combine(root, "tests/Collections.Dialer.Tests/Sipp/answer-echo.xml"), p, perInstance, echo: true)))
            .ToList();
        await Task.Delay(1000);

        await using var ua = new SipUserAgent(TimeProvider.System, limits: SipLimits.Internal);
        ua.Start(IPAddress.Loopback);
        var pairs = new List<(SipCallLeg Debtor, SipCallLeg Agent, CallBridge Bridge)>();
        using var gate = new SemaphoreSlim(20);
        var setup = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, calls).Select(async i =>
        {
            await gate.WaitAsync();
            var agentPort = agentPorts[i % instances];
            var debtorPort = debtorPorts[i % instances];
            try
            {
                var agent = new SipCallLeg(ua, new OutboundCallRequest($"sip:agent{i}@127.0.0.1:{agentPort}", new IPEndPoint(IPAddress.Loopback, agentPort), SipProtocol.Udp, "dialer", TimeSpan.FromSeconds(30), [AudioCodec.Pcmu]));
                var debtor = new SipCallLeg(ua, new OutboundCallRequest($"sip:debtor{i}@127.0.0.1:{debtorPort}", new IPEndPoint(IPAddress.Loopback, debtorPort), SipProtocol.Udp, "4930123456", TimeSpan.FromSeconds(30), [AudioCodec.Pcmu]));
                await agent.PlaceAsync();
                await debtor.PlaceAsync();
                if (!agent.Answered || !debtor.Answered)
                {
                    throw new InvalidOperationException($"call {i}: agent {agent.FinalStatus}, debtor {debtor.FinalStatus}");
                }

                var bridge = new CallBridge(debtor.Media!, agent.Media!, record ? Path.Combine(work, $"call{i}.wav") : null);
                lock (pairs)
                {
                    pairs.Add((debtor, agent, bridge));
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        var setupSeconds = setup.Elapsed.TotalSeconds;
        await Task.Delay(2000); // settle: every stream running

        long Sum(Func<(SipCallLeg Debtor, SipCallLeg Agent, CallBridge Bridge), long> f) => pairs.Sum(f);
        var debtorIn0 = Sum(p => p.Debtor.Media!.PacketsReceived);
        var toAgent0 = Sum(p => p.Bridge.RelayedToAgent);
        var agentIn0 = Sum(p => p.Agent.Media!.PacketsReceived);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = window.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / elapsed;
        var debtorIn = Sum(p => p.Debtor.Media!.PacketsReceived) - debtorIn0;
        var toAgent = Sum(p => p.Bridge.RelayedToAgent) - toAgent0;
        var agentIn = Sum(p => p.Agent.Media!.PacketsReceived) - agentIn0;
        var expected = calls * 50.0 * elapsed;
        var debtorJitter = pairs.Select(p => p.Debtor.Media!.Jitter / 8.0).Order().ToArray();
        var agentJitter = pairs.Select(p => p.Agent.Media!.Jitter / 8.0).Order().ToArray();

        foreach (var (debtor, agent, bridge) in pairs)
        {
            await bridge.DisposeAsync();
        }

        await Task.WhenAll(pairs.Select(async p =>
        {
            await p.Debtor.DisposeAsync();
            await p.Agent.DisposeAsync();
        }));

        foreach (var p in sipps)
        {
            if (!p.HasExited)
            {
                p.Kill();
            }

            p.Dispose();
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            phase = "bridge",
            sippPerSide = instances,
            calls,
            record,
            windowSeconds = Math.Round(elapsed, 1),
            setupSeconds = Math.Round(setupSeconds, 1),
            expectedPackets = (long)expected,
            debtorPacketsIn = debtorIn,
            relayedToAgents = toAgent,
            echoedBackFromAgents = agentIn,
            relayLossPercent = Math.Round(100 * (1 - ((double)toAgent / debtorIn)), 3),
            endToEndLossPercent = Math.Round(100 * (1 - (agentIn / expected)), 3),
            jitterInP99Ms = Math.Round(Percentile(debtorJitter, 0.99), 2),
            jitterAfterRelayP99Ms = Math.Round(Percentile(agentJitter, 0.99), 2),
            cpuCores = Math.Round(cpu, 2),
        }));
    }

    private static async Task CallRatePhaseAsync(string root, string work, int total)
    {
        var port = FreeUdpPort();
        using var sipp = StartSipp(work, Path.Combine(root, "tests/Collections.Dialer.Tests/Sipp/answer-echo.xml"), port, total, echo: false);
        await Task.Delay(1000);
        await using var ua = new SipUserAgent(TimeProvider.System, limits: SipLimits.Internal);
        ua.Start(IPAddress.Loopback);
        using var gate = new SemaphoreSlim(200);
        var ok = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, total).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await using var leg = new SipCallLeg(ua, new OutboundCallRequest($"sip:d{i}@127.0.0.1:{port}", new IPEndPoint(IPAddress.Loopback, port), SipProtocol.Udp, "4930123456", TimeSpan.FromSeconds(30), [AudioCodec.Pcmu]));
                await leg.PlaceAsync();
                if (leg.Answered)
                {
                    await leg.HangupAsync();
                    Interlocked.Increment(ref ok);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new { phase = "call-rate", calls = total, answeredAndHungUp = ok, seconds = Math.Round(seconds, 1), callsPerSecond = Math.Round(ok / seconds, 1) }));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static Process StartSipp(string work, string scenario, int port, int calls, bool echo)
    {
        var psi = new ProcessStartInfo("sipp") { WorkingDirectory = work, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-sf", scenario, "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-mi", "127.0.0.1", "-m", calls.ToString(CultureInfo.InvariantCulture), "-nostdin", "-max_socket", "60000" })
        {
            psi.ArgumentList.Add(a);
        }

        if (echo)
        {
            psi.ArgumentList.Add("-rtp_echo");
            psi.ArgumentList.Add("-mp");
            psi.ArgumentList.Add(FreeUdpPort().ToString(CultureInfo.InvariantCulture));
        }

        var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        return p;
    }

    private static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
