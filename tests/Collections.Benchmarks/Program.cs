using BenchmarkDotNet.Running;

namespace Collections.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- --filter '*'</c>.</summary>
public static class BenchmarkEntry
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "sip-bridge")
        {
            // Live load test of the SIP/RTP bridge against SIPp (see docs/performance.md, SIP bridge).
            SipBridge.SipBridgeLoad.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
    }
}
