using System.Diagnostics;
using System.Globalization;

namespace Collections.Benchmarks.SignalR;

/// <summary>The wallboards in a child process (<c>console ... --clients-process</c>): this program again, as
/// <c>console-clients</c> (<see cref="WallboardClients.RunChildAsync"/>), spoken to over its stdin and stdout.</summary>
public sealed class ClientsProcess : IDisposable
{
    private readonly Process _process;

    private ClientsProcess(Process process) => _process = process;

    public static ClientsProcess Start(Uri baseAddress, string cookie, int count, bool messagePack, bool deltas, TimeSpan clockOffset)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the benchmark's own path is unknown");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // The clients keep a client's GC (workstation) whatever the node's process was given (DOTNET_gcServer=1 gives the node
        // the server GC the console runs with outside the benchmark: the Web SDK's default).
        start.Environment["DOTNET_gcServer"] = "0";
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ClientsProcess).Assembly.Location);
        }

        foreach (var arg in new[] { "console-clients", baseAddress.ToString(), cookie, count.ToString(CultureInfo.InvariantCulture), messagePack ? "msgpack" : "json", deltas ? "deltas" : "full", clockOffset.Ticks.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return new ClientsProcess(Process.Start(start) ?? throw new InvalidOperationException("the clients' process did not start"));
    }

    /// <summary>Waits until every wallboard has connected (or failed to): (held, failed).</summary>
    public async Task<(int Held, int Failed)> ConnectedAsync()
    {
        var parts = (await LineAsync("connected")).Split(' ');
        return (int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    public void Start()
    {
        _process.StandardInput.WriteLine("start");
        _process.StandardInput.Flush();
    }

    public async Task<ClientsResult> StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        var p = (await LineAsync("result")).Split(' ');
        double D(int i) => double.Parse(p[i], CultureInfo.InvariantCulture);
        return new ClientsResult((int)D(1), D(2), D(3), D(4), (int)D(5), (long)D(6), D(7), (int)D(8), (int)D(9), D(10), (int)D(11), (int)D(12), (long)D(13));
    }

    private async Task<string> LineAsync(string prefix)
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix + " ", StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"the clients' process ended before it said '{prefix}'");
    }

    public void Dispose()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}

/// <summary>What the clients' process measured: the wallboard delays' count, p50, p99 and max, resyncs, bytes per update,
/// the CPU it got (cores), the wallboards still connected, its GCs (every one counts a gen0) and their pauses, the updates that reached some wallboard after more than 100 ms and the updates, and the no-GC region it measured in (bytes, 0 for none
/// or one that did not hold).</summary>
public sealed record ClientsResult(int Count, double P50, double P99, double Max, int Resyncs, long BytesPerUpdate, double Cores, int Held, int Collections, double PausedMs, int SlowUpdates, int Updates, long NoGcRegionBytes);
