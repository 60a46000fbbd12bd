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
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- console [connections] [seconds] [json|msgpack] [both|full|deltas|deltas,full]</c>
/// (the hub protocol every client uses, JSON by default; which wallboard path: <c>full</c>, the baseline, where every
/// wallboard gets the whole board each second as before issue 17 item 5; <c>deltas</c>, where each calls
/// <c>FollowChanges</c> and gets what changed, asking for the whole board when it misses a version; <c>both</c>, the default,
/// runs the baseline and then the deltas on a fresh node each, so one run gives the two side by side).</remarks>
public static class ConsoleBenchmark
{
    public static async Task RunAsync(int connections, int seconds, bool messagePack = false, string paths = "both")
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
            results.Add(await RunOnceAsync(connections, seconds, messagePack, delta));
        }

        Console.WriteLine();
        Console.WriteLine("| wallboard path | protocol | held | wallboard updates (expected) | resyncs | wallboard p50 / p99 ms | screen-pops | screen-pop p50 / p99 ms | bytes per update (JSON) | working set | CPU of the process | load avg before -> after |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var row in results)
        {
            Console.WriteLine(row);
        }
    }

    private static async Task<string> RunOnceAsync(int connections, int seconds, bool messagePack, bool deltas)
    {
        var loadBefore = LoadAverage();
        Console.WriteLine($"== wallboard path: {(deltas ? "deltas (FollowChanges)" : "full board (baseline)")}, protocol {(messagePack ? "MessagePack" : "JSON")}, load average {loadBefore}");
        using var node = new BenchmarkNode(messagePack);
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
        var wallboardDelays = new List<double>();
        var popDelays = new List<double>();
        var gate = new object();

        // Wallboards: connect in batches so the node is not hit by 2000 handshakes at once.
        var boards = new List<HubConnection>();
        var failed = 0;
        var resyncs = 0;
        long sampledBytes = 0, sampledMessages = 0;
        var started = Stopwatch.StartNew();
        for (var i = 0; i < connections - operatorLogins.Length; i += 50)
        {
            var first = i == 0;
            var batch = Enumerable.Range(0, Math.Min(50, connections - operatorLogins.Length - i)).Select(async n =>
            {
                var hub = node.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
                // One wallboard of all weighs what it receives (as JSON, whatever the protocol): the size of an update.
                var sampler = first && n == 0;
                void Measure(DateTimeOffset sentAt, object message)
                {
                    if (Volatile.Read(ref measuring) == 1)
                    {
                        var delay = (node.Clock.GetUtcNow() - sentAt).TotalMilliseconds;
                        lock (gate)
                        {
                            wallboardDelays.Add(delay);
                            if (sampler)
                            {
                                sampledBytes += System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, Web).Length;
                                sampledMessages++;
                            }
                        }
                    }
                }

                if (deltas)
                {
                    // What a page does: hold a board of one epoch and version, apply each next delta, ask again on a gap.
                    var board = new FollowedBoard();
                    hub.On<WallboardDeltaDto>(nameof(ISupervisorClient.WallboardDelta), delta =>
                    {
                        Measure(delta.SentAt, delta);
                        if (!board.TryApply(delta))
                        {
                            Interlocked.Increment(ref resyncs);
                            _ = board.FollowAsync(hub);
                        }
                    });
                    hub.Reconnected += _ => board.FollowAsync(hub);
                    try
                    {
                        await hub.StartAsync(ct);
                        await board.FollowAsync(hub);
                        return hub;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or System.Net.WebSockets.WebSocketException or HubException or OperationCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                        await hub.DisposeAsync();
                        return null;
                    }
                }

                hub.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), board => Measure(board.SentAt, board));
                try
                {
                    await hub.StartAsync(ct);
                    return hub;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or System.Net.WebSockets.WebSocketException or HubException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                    await hub.DisposeAsync();
                    return null;
                }
            });
            boards.AddRange((await Task.WhenAll(batch)).OfType<HubConnection>());
        }

        var connectSeconds = started.Elapsed.TotalSeconds;

        // Operators: ready, screen-pop, save an outcome, ready again, for the whole run.
        using var stop = new CancellationTokenSource();
        var operators = new List<HubConnection>();
        var loops = new List<Task>();
        foreach (var cookie in operatorCookies)
        {
            var hub = node.Hub(ConsoleHubs.AgentPath, cookie);
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
                while (!stop.IsCancellationRequested)
                {
                    await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, stop.Token);
                    var pop = await pops.Reader.ReadAsync(stop.Token);
                    await hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(pop.CallId, pop.Account.Id, "NoContact", "benchmark"), stop.Token);
                }
            }, ct));
        }

        process.Refresh();
        var memoryAfter = process.WorkingSet64;
        var held = boards.Count(b => b.State == HubConnectionState.Connected) + operators.Count(o => o.State == HubConnectionState.Connected);
        Console.WriteLine($"connected {held} of {connections} in {connectSeconds:0.0} s ({failed} failed); working set {memoryBefore / 1048576.0:0} -> {memoryAfter / 1048576.0:0} MiB");

        // Warm-up (JIT, SQLite caches, the operators' first calls) before anything is measured.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        Volatile.Write(ref measuring, 1);
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        Volatile.Write(ref measuring, 0);
        process.Refresh();
        // CPU this process (node and clients) got, in cores: on an idle 2-core machine it can reach 2.
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

        var stillHeld = boards.Count(b => b.State == HubConnectionState.Connected) + operators.Count(o => o.State == HubConnectionState.Connected);
        double[] wb, sp;
        lock (gate)
        {
            wb = [.. wallboardDelays.Order()];
            sp = [.. popDelays.Order()];
        }

        process.Refresh();
        var loadAfter = LoadAverage();
        Console.WriteLine();
        Console.WriteLine($"| measure | samples | p50 ms | p99 ms | max ms |");
        Console.WriteLine($"| --- | ---: | ---: | ---: | ---: |");
        Console.WriteLine(Row("wallboard update (1 Hz, per connection)", wb));
        Console.WriteLine(Row("screen-pop (CallConnected to operator)", sp));
        Console.WriteLine();
        var bytes = sampledMessages == 0 ? 0 : sampledBytes / sampledMessages;
        var path = deltas ? "deltas" : "full";
        var protocol = messagePack ? "messagepack" : "json";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"path\":\"{path}\",\"connections\":{connections},\"held\":{stillHeld},\"failed\":{failed},\"seconds\":{seconds},\"wallboardUpdates\":{wb.Length},\"expectedWallboardUpdates\":{(connections - operatorLogins.Length) * seconds},\"resyncs\":{resyncs},\"wallboardP50Ms\":{P(wb, 0.50):0.0},\"wallboardP99Ms\":{P(wb, 0.99):0.0},\"screenPops\":{sp.Length},\"screenPopP50Ms\":{P(sp, 0.50):0.0},\"screenPopP99Ms\":{P(sp, 0.99):0.0},\"bytesPerUpdateJson\":{bytes},\"workingSetMiB\":{memoryAfter / 1048576.0:0},\"cpuCores\":{cores:0.00},\"machineCores\":{Environment.ProcessorCount},\"protocol\":\"{protocol}\",\"loadBefore\":\"{loadBefore}\",\"loadAfter\":\"{loadAfter}\"}}"));

        foreach (var hub in boards.Concat(operators))
        {
            await hub.DisposeAsync();
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"| {(deltas ? "deltas" : "full board (baseline)")} | {(messagePack ? "MessagePack" : "JSON")} | {stillHeld:N0} | {wb.Length:N0} ({(connections - operatorLogins.Length) * seconds:N0}) | {resyncs} | {P(wb, 0.50):0} / {P(wb, 0.99):0} | {sp.Length} | {P(sp, 0.50):0} / {P(sp, 0.99):0} | {bytes:N0} | {memoryAfter / 1048576.0:0} MiB | {cores:0.00} | {loadBefore} -> {loadAfter} |");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>A wallboard that follows the changes as the page does (wallboard.js): the board of one epoch at one version,
    /// each next delta applied to it; any other delta means a message was missed and the whole board is asked for again.</summary>
    private sealed class FollowedBoard
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<Guid, AgentStatusDto> _agents = [];
        private readonly Dictionary<Guid, CampaignBoardDto> _campaigns = [];
        private string? _epoch;
        private long _version;
        private int _following;

        public async Task FollowAsync(HubConnection hub)
        {
            if (Interlocked.Exchange(ref _following, 1) == 1)
            {
                return;
            }

            try
            {
                var board = await hub.InvokeAsync<WallboardDto>("FollowChanges");
                lock (_gate)
                {
                    _agents.Clear();
                    _campaigns.Clear();
                    foreach (var a in board.Agents)
                    {
                        _agents[a.AgentId] = a;
                    }

                    foreach (var c in board.Campaigns)
                    {
                        _campaigns[c.Id] = c;
                    }

                    (_epoch, _version) = (board.Epoch, board.Version);
                }
            }
            catch (Exception ex) when (ex is HubException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // The connection is closing (the run ended); nothing to follow.
            }
            finally
            {
                Volatile.Write(ref _following, 0);
            }
        }

        /// <summary>False when the delta does not follow the board held (the caller asks for the whole board again).</summary>
        public bool TryApply(WallboardDeltaDto delta)
        {
            if (Volatile.Read(ref _following) == 1)
            {
                return true;
            }

            lock (_gate)
            {
                if (delta.Epoch == _epoch && delta.Version <= _version)
                {
                    return true;
                }

                if (delta.Epoch != _epoch || delta.Version != _version + 1)
                {
                    return false;
                }

                _version = delta.Version;
                delta.ApplyTo(_agents, _campaigns);

                return true;
            }
        }
    }

    private static string Row(string name, double[] sorted) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {sorted.Length} | {P(sorted, 0.50):0.0} | {P(sorted, 0.99):0.0} | {(sorted.Length == 0 ? 0 : sorted[^1]):0.0} |");

    private static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>The console on Kestrel on a free loopback port, fresh SQLite demo database, and the real dialer placing SIP calls
    /// to the demo carrier (every debtor a person) on a clock moved into the debtors' calling hours; the benchmark reads
    /// the same clock, so delays compare like with like.</summary>
    private sealed class BenchmarkNode : WebApplicationFactory<console::Program>
    {
        private readonly string _database = Path.Combine(Path.GetTempPath(), $"collections-console-bench-{Guid.NewGuid():N}.db");

        private readonly bool _messagePack;

        public BenchmarkNode(bool messagePack)
        {
            _messagePack = messagePack;
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

        private Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

        public async Task<string> SignInAsync(string login, CancellationToken ct)
        {
            using var client = new HttpClient { BaseAddress = BaseAddress };
            var response = await client.PostAsJsonAsync("/api/auth/login", new { login, password = console::Collections.AgentConsole.Features.Auth.DemoUsers.Password }, ct);
            response.EnsureSuccessStatusCode();
            return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        }

        public HubConnection Hub(string path, string cookie)
        {
            var builder = new HubConnectionBuilder()
                .WithUrl(new Uri(BaseAddress, path), o => o.Headers["Cookie"] = cookie);
            if (_messagePack)
            {
                builder.AddMessagePackProtocol();
            }

            var hub = builder.Build();
            // Generous timeouts: a connection counts as held unless the node really drops it, not because the shared
            // machine was slow to finish a handshake.
            hub.HandshakeTimeout = TimeSpan.FromSeconds(60);
            hub.ServerTimeout = TimeSpan.FromSeconds(120);
            return hub;
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

            builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
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
