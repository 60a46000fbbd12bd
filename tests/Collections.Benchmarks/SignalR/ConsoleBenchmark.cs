extern alias console;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Collections.Benchmarks.SignalR;

/// <summary>Holds N SignalR connections to one console node on loopback (the demo operators on the agent hub, the rest as
/// wallboards on the supervisor hub) and measures the delay of the 1 Hz wallboard update (server's SentAt to the client's
/// handler) and of a screen-pop (the dialer's CallConnected instant to the operator's handler). Server and clients share
/// the machine, so the figures include the clients' own work.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- console [connections] [seconds] [json|msgpack] [both|full|deltas|deltas,full] [--clients-process] [--allocations]</c>
/// (the hub protocol every client uses, JSON by default; which wallboard path: <c>full</c>, the baseline, where every
/// wallboard gets the whole board each second as before issue 17 item 5; <c>deltas</c>, where each calls
/// <c>FollowChanges</c> and gets what changed, asking for the whole board when it misses a version; <c>both</c>, the default,
/// runs the baseline and then the deltas on a fresh node each, so one run gives the two side by side). With
/// <c>--clients-process</c> after the path, the wallboards run in a child process of their own (<see cref="ClientsProcess"/>):
/// their deserialisation, allocations and GC pauses are then not the node's, though they still share the machine's cores; without
/// it they share the node's process, as every run before 2026-12-05 did. <c>--allocations</c> adds what the process allocated
/// during the measurement, by type (<see cref="AllocationSampler"/>).</remarks>
public static class ConsoleBenchmark
{
    public static async Task RunAsync(int connections, int seconds, bool messagePack = false, string paths = "both", bool clientsProcess = false, bool allocations = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 10);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seconds, 600);
        // In the order given: on a shared machine the load drifts during a run, so the two orders are worth a run each.
        var deltas = (paths == "both" ? "full,deltas" : paths).Split(',').Select(p => p switch
        {
            "full" => false,
            "deltas" => true,
            _ => throw new ArgumentException($"wallboard path '{p}': both, full, deltas or a list such as deltas,full", nameof(paths)),
        }).ToList();
        var results = new List<string>();
        foreach (var delta in deltas)
        {
            results.Add(await RunOnceAsync(connections, seconds, messagePack, delta, clientsProcess, allocations));
        }

        Console.WriteLine();
        Console.WriteLine("| wallboard path | protocol | clients | held | wallboard updates (expected) | resyncs | wallboard p50 / p99 ms | screen-pops | screen-pop p50 / p99 ms (max below 100 pops) | bytes per update (JSON) | working set | CPU of the node's process (+ clients' process) | GC pauses in the node's process (clients' process) | load avg before -> after |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var row in results)
        {
            Console.WriteLine(row);
        }
    }

    private static async Task<string> RunOnceAsync(int connections, int seconds, bool messagePack, bool deltas, bool clientsProcess, bool allocations)
    {
        var loadBefore = LoadAverage();
        Console.WriteLine($"== wallboard path: {(deltas ? "deltas (FollowChanges)" : "full board (baseline)")}, protocol {(messagePack ? "MessagePack" : "JSON")}, wallboards {(clientsProcess ? "in a process of their own" : "in the node's process")}, load average {loadBefore}");
        using var node = new BenchmarkNode();
        var process = Process.GetCurrentProcess();
        var ct = CancellationToken.None;
        var operatorLogins = new[] { "anna.schneider", "dritan.gjoka", "erion.basha", "harriet.collins", "kovacs.eszter", "liga.ozola", "maria.gonzalez", "nagy.gergo", "spela.zupancic" };
        var supervisorCookie = await node.SignInAsync("supervisor", ct);
        var operatorCookies = new List<string>();
        foreach (var login in operatorLogins)
        {
            operatorCookies.Add(await node.SignInAsync(login, ct));
        }

        process.Refresh();
        var memoryBefore = process.WorkingSet64;
        var measuring = 0;
        var popDelays = new List<double>();
        var gate = new object();
        var stopped = new List<string>();

        var wallboards = connections - operatorLogins.Length;
        var started = Stopwatch.StartNew();
        WallboardClients? inProcess = null;
        using var child = clientsProcess ? ClientsProcess.Start(node.BaseAddress, supervisorCookie, wallboards, messagePack, deltas, node.Clock.Offset) : null;
        int boardsHeld, failed;
        if (child is null)
        {
            inProcess = new WallboardClients(node.BaseAddress, supervisorCookie, messagePack, deltas, node.Clock.GetUtcNow);
            await inProcess.ConnectAsync(wallboards, ct);
            (boardsHeld, failed) = (inProcess.Held, inProcess.Failed);
        }
        else
        {
            (boardsHeld, failed) = await child.ConnectedAsync();
        }

        var connectSeconds = started.Elapsed.TotalSeconds;

        // Operators: ready, screen-pop, save an outcome, ready again, for the whole run.
        using var stop = new CancellationTokenSource();
        var operators = new List<HubConnection>();
        var loops = new List<Task>();
        foreach (var cookie in operatorCookies)
        {
            var hub = WallboardClients.Hub(node.BaseAddress, ConsoleHubs.AgentPath, cookie, messagePack);
            var pops = System.Threading.Channels.Channel.CreateUnbounded<ScreenPopDto>();
            hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), pop =>
            {
                if (Volatile.Read(ref measuring) == 1)
                {
                    var delay = (node.Clock.GetUtcNow() - pop.ConnectedAt).TotalMilliseconds;
                    lock (gate)
                    {
                        popDelays.Add(delay);
                    }
                }

                pops.Writer.TryWrite(pop);
            });
            await hub.StartAsync(ct);
            operators.Add(hub);
            loops.Add(Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, stop.Token);
                        var pop = await pops.Reader.ReadAsync(stop.Token);
                        await hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(pop.CallId, pop.Account.Id, "NoContact", "benchmark"), stop.Token);
                    }
                }
                catch (HubException ex) when (!stop.IsCancellationRequested)
                {
                    // Said, not swallowed: an operator whose loop stopped takes no more screen-pops for the rest of the run.
                    lock (gate)
                    {
                        stopped.Add(ex.Message);
                    }
                }
            }, ct));
        }

        process.Refresh();
        var memoryAfter = process.WorkingSet64;
        var held = boardsHeld + operators.Count(o => o.State == HubConnectionState.Connected);
        Console.WriteLine($"connected {held} of {connections} in {connectSeconds:0.0} s ({failed} failed); working set {memoryBefore / 1048576.0:0} -> {memoryAfter / 1048576.0:0} MiB");

        // Warm-up (JIT, SQLite caches, the operators' first calls) before anything is measured.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var gcBefore = GcFigures.Now();
        using var sampler = allocations ? new AllocationSampler() : null;
        if (sampler is not null)
        {
            sampler.Measuring = true;
        }

        var wall = Stopwatch.StartNew();
        node.Timings.Measuring = true;
        child?.Start();
        if (inProcess is not null)
        {
            inProcess.Measuring = true;
        }

        Volatile.Write(ref measuring, 1);
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        Volatile.Write(ref measuring, 0);
        if (inProcess is not null)
        {
            inProcess.Measuring = false;
        }

        var fromChild = child is null ? null : await child.StopAsync();
        node.Timings.Measuring = false;
        if (sampler is not null)
        {
            sampler.Measuring = false;
        }

        var gc = GcFigures.Now() - gcBefore;
        process.Refresh();
        // CPU this process (node and, in the old mode, the clients) got, in cores: on an idle 2-core machine it can reach 2.
        var cores = (process.TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HubException or InvalidOperationException)
        {
            // The loops end by cancellation.
        }

        double[] sp;
        lock (gate)
        {
            sp = [.. popDelays.Order()];
        }

        var wb = inProcess?.Delays() ?? [];
        var stillHeld = (fromChild?.Held ?? inProcess!.Held) + operators.Count(o => o.State == HubConnectionState.Connected);
        var (count, p50, p99, max) = fromChild is { } r
            ? (r.Count, r.P50, r.P99, r.Max)
            : (wb.Length, P(wb, 0.50), P(wb, 0.99), wb.Length == 0 ? double.NaN : wb[^1]);
        var resyncs = fromChild?.Resyncs ?? inProcess!.Resyncs;
        var (slow, updates) = fromChild is null ? inProcess!.SlowUpdates(100) : (fromChild.SlowUpdates, fromChild.Updates);
        var bytes = fromChild?.BytesPerUpdate ?? inProcess!.BytesPerUpdate;

        process.Refresh();
        var loadAfter = LoadAverage();
        Console.WriteLine();
        Console.WriteLine($"| measure | samples | p50 ms | p99 ms | max ms |");
        Console.WriteLine($"| --- | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| wallboard update (1 Hz, per connection) | {count} | {p50:0.0} | {p99:0.0} | {max:0.0} |"));
        Console.WriteLine(Row("screen-pop (CallConnected to operator)", sp));
        Console.WriteLine();
        Console.WriteLine($"updates that reached some wallboard after more than 100 ms: {slow} of {updates}");
        lock (gate)
        {
            Console.WriteLine($"operator loops stopped early: {stopped.Count}{(stopped.Count == 0 ? "" : $" ({stopped[0]})")}");
        }

        foreach (var line in node.Timings.Lines())
        {
            Console.WriteLine(line);
        }

        var gcMode = $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}{(System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch ? ", non-concurrent" : "")}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GC of the node's process: {gcMode}, {System.Runtime.GCSettings.LatencyMode}; during the {seconds} s: {gc.Gen0} gen0, {gc.Gen1} gen1, {gc.Gen2} gen2, paused {gc.Paused.TotalMilliseconds:0} ms, allocated {gc.Allocated / 1048576.0:0} MiB"));
        if (sampler is not null)
        {
            Console.WriteLine("allocations of the node's process by type (sampled every ~100 KB):");
            foreach (var line in sampler.Top(15))
            {
                Console.WriteLine(line);
            }
        }

        Console.WriteLine();
        var path = deltas ? "deltas" : "full";
        var protocol = messagePack ? "messagepack" : "json";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"path\":\"{path}\",\"clientsProcess\":{(clientsProcess ? "true" : "false")},\"connections\":{connections},\"held\":{stillHeld},\"failed\":{failed},\"seconds\":{seconds},\"wallboardUpdates\":{count},\"expectedWallboardUpdates\":{wallboards * seconds},\"resyncs\":{resyncs},\"updatesOver100Ms\":{slow},\"updates\":{updates},\"wallboardP50Ms\":{p50:0.0},\"wallboardP99Ms\":{p99:0.0},\"wallboardMaxMs\":{max:0.0},\"screenPops\":{sp.Length},\"screenPopP50Ms\":{P(sp, 0.50):0.0},\"screenPopP99Ms\":{P(sp, 0.99):0.0},\"screenPopMaxMs\":{(sp.Length == 0 ? double.NaN : sp[^1]):0.0},\"bytesPerUpdateJson\":{bytes},\"workingSetMiB\":{memoryAfter / 1048576.0:0},\"cpuCores\":{cores:0.00},\"clientsCpuCores\":{fromChild?.Cores ?? double.NaN:0.00},\"gcPausedMs\":{gc.Paused.TotalMilliseconds:0},\"clientsGcPausedMs\":{fromChild?.PausedMs ?? double.NaN:0},\"gcCollections\":{gc.Gen0 + gc.Gen1 + gc.Gen2},\"gc\":\"{gcMode}\",\"machineCores\":{Environment.ProcessorCount},\"protocol\":\"{protocol}\",\"loadBefore\":\"{loadBefore}\",\"loadAfter\":\"{loadAfter}\"}}"));

        if (inProcess is not null)
        {
            await inProcess.DisposeAllAsync();
        }

        foreach (var hub in operators)
        {
            await hub.DisposeAsync();
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"| {(deltas ? "deltas" : "full board (baseline)")} | {(messagePack ? "MessagePack" : "JSON")} | {(clientsProcess ? "own process" : "node's process")} | {stillHeld:N0} | {count:N0} ({wallboards * seconds:N0}) | {resyncs} | {p50:0} / {p99:0} | {sp.Length} | {P(sp, 0.50):0} / {Tail(sp)} | {bytes:N0} | {memoryAfter / 1048576.0:0} MiB | {cores:0.00}{(fromChild is null ? "" : $" (+ {fromChild.Cores:0.00})")} | {gc.Gen0 + gc.Gen1 + gc.Gen2} GCs, {gc.Paused.TotalMilliseconds:0} ms ({gcMode}){(fromChild is null ? "" : $" (clients: {fromChild.Collections} GCs, {fromChild.PausedMs:0} ms{(fromChild.NoGcRegionBytes > 0 ? $", no-GC region of {fromChild.NoGcRegionBytes / 1048576} MiB held" : ", no no-GC region")})")} | {loadBefore} -> {loadAfter} |");
    }

    /// <summary>The process's collections, GC pause time and allocations, to subtract one reading from another.</summary>
    private readonly record struct GcFigures(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
    {
        public static GcFigures Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

        public static GcFigures operator -(GcFigures a, GcFigures b) =>
            new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused, a.Allocated - b.Allocated);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Row(string name, double[] sorted) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {sorted.Length} | {P(sorted, 0.50):0.0} | {P(sorted, 0.99):0.0} | {(sorted.Length == 0 ? 0 : sorted[^1]):0.0} |");

    /// <summary>The p99 from 100 samples on; below that the 99th percentile is the slowest sample, so it is named as such.</summary>
    private static string Tail(double[] sorted) => sorted.Length switch
    {
        0 => "-",
        < 100 => string.Create(CultureInfo.InvariantCulture, $"max {sorted[^1]:0}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{P(sorted, 0.99):0}"),
    };

    private static double P(double[] sorted, double q) => WallboardClients.Percentile(sorted, q);

    /// <summary>The console on Kestrel on a free loopback port, fresh SQLite demo database, and the real dialer placing SIP calls
    /// to the demo carrier (every debtor a person) on a clock moved into the debtors' calling hours; the benchmark reads
    /// the same clock, so delays compare like with like.</summary>
    private sealed class BenchmarkNode : WebApplicationFactory<console::Program>
    {
        private readonly string _database = Path.Combine(Path.GetTempPath(), $"collections-console-bench-{Guid.NewGuid():N}.db");

        public BenchmarkNode()
        {
            // The console project's folder is not named after its assembly, so tell the factory where its content root is.
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COLLECTIONS_AGENTCONSOLE", Collections.Testing.RepositoryRoot.Combine("src", "AgentConsole"));
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            UseKestrel(o =>
            {
                o.Listen(IPAddress.Loopback, Port);
                o.Limits.MaxConcurrentConnections = null;
                o.Limits.MaxConcurrentUpgradedConnections = null;
            });
            StartServer();
        }

        private int Port { get; }

        public Collections.Testing.CallingHoursClock Clock { get; } = new();

        public SendTimings Timings { get; } = new();

        public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

        public async Task<string> SignInAsync(string login, CancellationToken ct)
        {
            using var client = new HttpClient { BaseAddress = BaseAddress };
            var response = await client.PostAsJsonAsync("/api/auth/login", new { login, password = console::Collections.AgentConsole.Features.Auth.DemoUsers.Password }, ct);
            response.EnsureSuccessStatusCode();
            return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Collections:Database:ConnectionString", $"Data Source={_database}");
            builder.UseSetting("Collections:Demo:Calls:SimulatedOperators", "0");
            foreach (var (key, value) in Collections.Testing.DialerSettings.AllHumanDemoCarrier)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(Clock);
                // Times the node's group sends (the wallboard, the supervisors' agent changes, the screen-pops); passes through.
                s.AddSingleton(Timings);
                s.AddSingleton<DefaultHubLifetimeManager<console::Collections.AgentConsole.Features.Wallboard.SupervisorHub>>();
                s.AddSingleton<HubLifetimeManager<console::Collections.AgentConsole.Features.Wallboard.SupervisorHub>, TimedHubLifetimeManager<console::Collections.AgentConsole.Features.Wallboard.SupervisorHub>>();
                s.AddSingleton<DefaultHubLifetimeManager<console::Collections.AgentConsole.Features.Calls.AgentHub>>();
                s.AddSingleton<HubLifetimeManager<console::Collections.AgentConsole.Features.Calls.AgentHub>, TimedHubLifetimeManager<console::Collections.AgentConsole.Features.Calls.AgentHub>>();
            });
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(_database);
        }
    }
}
