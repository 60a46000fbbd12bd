using Collections.Shared.Workflow.Sweep;
using System.Globalization;
using BenchmarkDotNet.Running;
using Collections.Benchmarks.Creditors;
using Collections.Benchmarks.SignalR;
using Collections.Benchmarks.Import;
using Collections.Benchmarks.Outreach;
using Collections.Benchmarks.Workflow;

namespace Collections.Benchmarks;

/// <summary>Entry point. Measurement programs by name (docs/performance.md lists each command); anything else goes
/// to BenchmarkDotNet: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- --filter '*'</c>.</summary>
public static class BenchmarkEntry
{
    public static async Task Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "sip-bridge":
                // Live load test of the SIP/RTP bridge against SIPp (docs/performance.md, SIP bridge).
                await SipBridge.SipBridgeLoad.RunAsync(args[1..]);
                break;
            case "sip-bridge-secure":
                // SRTP on both legs beside plain RTP, and DTLS-SRTP handshakes (docs/performance.md, SIP bridge with SRTP).
                await SipBridge.SecureBridgeLoad.RunAsync(args[1..]);
                break;
            case "rtp-peer":
                // A far end of sip-bridge-secure, started by it in a process of its own.
                await SipBridge.RtpPeer.RunAsync(args[1..]);
                break;
            case "sip-flood":
                // Memory of the SIP endpoint under a bounded flood of malformed and well-formed datagrams (docs/performance.md, SIP flood).
                await SipFlood.SipFloodBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10);
                break;
            case "import":
                await ImportBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000);
                break;
            case "amd-corpus":
                // Generates the second AMD corpus (docs/amd.md; tools/amd-corpus/generate.sh).
                Environment.ExitCode = await Amd.AmdCorpusGenerator.RunAsync(args[1..]);
                break;
            case "amd-cost":
                // Detection cost per call, learned detector beside the default profile (docs/performance.md).
                Environment.ExitCode = Amd.AmdCostBenchmark.Run(args[1..]);
                break;
            case "creditor-report":
                // The creditor report over a million accounts on SQLite and PostgreSQL, beside the per-account EF baseline (docs/performance.md).
                await Reports.CreditorReportBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2_000,
                    args.Length > 3 ? args[3] : "both");
                break;
            case "creditor-portal":
                // The creditor portal's account list and figures over one creditor's accounts on SQLite, beside the in-memory list (docs/performance.md).
                await Creditors.PortalBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000);
                break;
            case "sweep":
                await SweepBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_170_000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2_000);
                break;
            case "sweep-only":
                // The sweep alone on a copy of a portfolio kept by "sweep" (COLLECTIONS_BENCH_KEEP_DB), for measuring a change.
                await SweepBenchmark.RunOnlyAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : int.MaxValue,
                    args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : DueWorkSweep.DefaultBatchSize);
                break;
            case "console":
                await ConsoleBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30,
                    args.Length > 3 && args[3] switch
                    {
                        "msgpack" => true,
                        "json" => false,
                        _ => throw new ArgumentException($"protocol '{args[3]}': json or msgpack", nameof(args)),
                    },
                    args.Length > 4 && !args[4].StartsWith("--", StringComparison.Ordinal) ? args[4] : "both",
                    args.Contains("--clients-process"),
                    args.Contains("--allocations"));
                break;
            case "console-clients":
                // The wallboards of "console ... --clients-process", in a process of their own (started by that benchmark).
                await Collections.Benchmarks.SignalR.WallboardClients.RunChildAsync(args);
                break;
            case "placement":
                // Creditor API placement throughput beside the CSV import and one account per request (docs/performance.md).
                await PlacementBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500);
                break;
            case "dispatch":
                // Message dispatch throughput against the demo provider, beside the one-at-a-time baseline (docs/performance.md).
                await DispatchBenchmark.RunAsync(
                    args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000,
                    args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500);
                break;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
                break;
        }
    }
}
