using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Npgsql;
using Quartz;

namespace Collections.Dialer.Tests.Scheduling;

/// <summary>
/// Two nodes (two hosts in this process, each with its own Quartz instance id, same scheduler name,
/// <c>Collections:Scheduling:Clustered=true</c>) on one real PostgreSQL database: work scheduled through either node runs
/// exactly once in total, both nodes take work, and work a node had acquired when it died is fired by the other one.
/// Quartz runs on real time here (its cluster check-in and the other node's failure detection are wall-clock timers), so
/// the work is due a few seconds after real now; the promises were recorded on a fake clock a month earlier, so their
/// checks are due when the nodes fire them. Every wait is bounded (a minute) and nothing asserts elapsed time.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusteredSchedulingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int SpreadItems = 24;
    private const int FailoverItems = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task Two_nodes_run_each_item_once_share_the_work_and_take_over_a_dead_nodes_work()
    {
        var db = await (await TestDatabases.NewPostgresAsync(await postgres.ServerAsync())).MigrateAsync();
        var promises = await SeedPromisesAsync(db, SpreadItems + FailoverItems);
        var executions = new NodeExecutions();
        var started = TimeProvider.System.GetTimestamp();

        await using var a = await ClusterNode.StartAsync("A", db, executions, linked: true);
        await using var b = await ClusterNode.StartAsync("B", db, executions);
        Assert.NotEqual(a.InstanceId, b.InstanceId);
        Assert.Equal(a.Quartz.SchedulerName, b.Quartz.SchedulerName);
        Assert.True((await a.Quartz.GetMetadata(Ct)).JobStoreClustered);

        // 1. Twenty-four promise checks due six seconds from now, every other one handed to the other node's WorkScheduler;
        // each is also handed to the other node a second time (a resync on both nodes), which must store nothing new. Both
        // rounds must end before the checks fall due: a keyed job that already ran and was removed is a new job to Quartz
        // (the workflow's checks are idempotent for that case; this test counts Quartz's executions). Two seconds was too
        // short on a loaded 2-core machine, where the two rounds on PostgreSQL took longer and 22 of 24 ran twice.
        var spread = promises.Take(SpreadItems).Select(p => Check(p, seconds: 6)).ToList();
        await Task.WhenAll(
            a.Scheduler.ScheduleAsync(a.Quartz, spread.Where((_, i) => i % 2 == 0), Ct),
            b.Scheduler.ScheduleAsync(b.Quartz, spread.Where((_, i) => i % 2 == 1), Ct));
        await Task.WhenAll(
            a.Scheduler.ScheduleAsync(a.Quartz, spread.Where((_, i) => i % 2 == 1), Ct),
            b.Scheduler.ScheduleAsync(b.Quartz, spread.Where((_, i) => i % 2 == 0), Ct));
        await WaitUntilAsync(db, executions, () => Task.FromResult(spread.All(w => executions.Count(w.Name) > 0)), "the spread work ran");
        await WaitUntilAsync(db, executions, async () => await StoreIsEmptyAsync(db), "the store emptied");

        var onA = executions.On(a.InstanceId);
        var onB = executions.On(b.InstanceId);
        Log($"spread: {SpreadItems} items, node A ran {onA}, node B ran {onB}; errors: {string.Join(" | ", executions.Errors)}");
        Assert.All(spread, w => Assert.Equal(1, executions.Count(w.Name)));
        Assert.Equal(SpreadItems, onA + onB);
        Assert.True(onA > 0 && onB > 0, $"Both nodes should take work: A ran {onA}, B ran {onB}.");

        // 2. Fail-over. B pauses its trigger acquisition (standby; its cluster check-in goes on), so A alone acquires the next
        // work: three checks due eight seconds from now, handed to A. Once A holds one of them (its fired-trigger row says
        // ACQUIRED), A dies before the time comes: its link to the database is cut (every connection reset, no new one
        // accepted), so it neither checks in nor gives back what it holds, as when its machine crashes. (A graceful stop
        // hands the acquired trigger back itself, which would prove nothing about fail-over.) B resumes and must fire all
        // three, including the one A held, which only the cluster's recovery of a dead node's acquired triggers gives back.
        await b.Quartz.Standby(Ct);
        var failover = promises.Skip(SpreadItems).Select(p => Check(p, seconds: 8)).ToList();
        await a.Scheduler.ScheduleAsync(a.Quartz, failover, Ct);
        string? held = null;
        await WaitUntilAsync(db, executions, async () => (held = await AcquiredByAsync(db, a.InstanceId)) is not null, "node A acquired a trigger");
        Assert.Equal(0, failover.Sum(w => executions.Count(w.Name)));
        a.Link!.Cut();
        // A's host is told to stop while it has no database: Quartz's scheduler thread keeps retrying to hand back the
        // trigger it holds, so the stop only completes once the link is back (below).
        var stopping = a.StopAsync();
        Assert.Equal(held, await AcquiredByAsync(db, a.InstanceId));

        await b.Quartz.Start(Ct);
        await WaitUntilAsync(db, executions, () => Task.FromResult(failover.All(w => executions.Count(w.Name) > 0)), "node B fired node A's work");
        await WaitUntilAsync(db, executions, async () => await StoreIsEmptyAsync(db), "the store emptied after fail-over");
        Log($"fail-over: node B fired {string.Join(", ", failover.Select(w => w.Name))}; node A had held {held}");

        // A's network comes back after B has done its work: A finishes stopping and must not run what it held.
        a.Link.Restore();
        await WaitUntilAsync(db, executions, () => Task.FromResult(stopping.IsCompleted), "node A stopped once its database was back");
        await stopping;

        Assert.Contains(failover, w => w.Name == held);
        Assert.All(failover, w => Assert.Equal([b.InstanceId], executions.NodesOf(w.Name)));
        Assert.Empty(executions.Errors);
        Log($"total: A ran {executions.On(a.InstanceId)}, B ran {executions.On(b.InstanceId)}, {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F1} s from the first node's start");

        // Each item's effect is in the database exactly once: every promise decided (broken: nothing was paid), one
        // follow-up call queued per promise under its idempotency key.
        await using var check = DatabaseSetup.CreateContext(db);
        var statuses = await check.Promises.AsNoTracking().Select(p => p.Status).ToListAsync(Ct);
        Assert.Equal(SpreadItems + FailoverItems, statuses.Count(s => s == PromiseStatus.Broken));
        var keys = await check.ScheduledContacts.AsNoTracking().Select(c => c.IdempotencyKey).ToListAsync(Ct);
        Assert.Equal(promises.Select(p => $"broken-promise:{p}").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    private static WorkItem Check(PromiseId promise, int seconds) =>
        new(WorkKind.PromiseCheck, promise.ToString(), Instant.FromDateTimeOffset(TimeProvider.System.GetUtcNow().AddSeconds(seconds)));

    /// <summary>One account per promise, each with a 50 EUR promise recorded a month ago (on a fake clock) and due three days
    /// later: its check (06:00 Berlin after the two grace days) lies in the past of real now, so a node decides it when fired.</summary>
    internal static async Task<List<PromiseId>> SeedPromisesAsync(DatabaseOptions db, int count)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-30));
        var today = LocalDate.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var driver = new WorkDriver(db, clock);
        var promises = new List<PromiseId>();
        for (var i = 0; i < count; i++)
        {
            var account = await WorkflowData.SeedAccountAsync(db, today.PlusDays(-10), reference: $"TEL-CL-{i:D3}");
            var (promise, _) = await driver.WithAsync(s => s.Promises.RecordAsync(account.Id, 50m, today.PlusDays(3), ContactChannel.Call, ct: Ct));
            promises.Add(promise.Id);
        }

        return promises;
    }

    /// <summary>The workflow trigger <paramref name="instanceId"/> holds in ACQUIRED state (acquired, not yet fired), if any.</summary>
    private static async Task<string?> AcquiredByAsync(DatabaseOptions db, string instanceId)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT trigger_name FROM qrtz_fired_triggers WHERE instance_name = @node AND state = 'ACQUIRED' AND trigger_group = @group LIMIT 1", connection);
        command.Parameters.AddWithValue("node", instanceId);
        command.Parameters.AddWithValue("group", WorkScheduler.Group);
        return await command.ExecuteScalarAsync(Ct) as string;
    }

    /// <summary>No workflow trigger left to fire and none firing.</summary>
    private static async Task<bool> StoreIsEmptyAsync(DatabaseOptions db) => await StoreStateAsync(db) is { Length: 0 };

    /// <summary>The workflow triggers and fired-trigger rows in Quartz's tables, for a failure message.</summary>
    private static async Task<string> StoreStateAsync(DatabaseOptions db)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT trigger_name || ' ' || trigger_state FROM qrtz_triggers WHERE trigger_group = @group " +
            "UNION ALL SELECT 'fired ' || trigger_name || ' ' || state || ' on ' || instance_name FROM qrtz_fired_triggers WHERE trigger_group = @group", connection);
        command.Parameters.AddWithValue("group", WorkScheduler.Group);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join("; ", rows);
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms for up to a minute; fails naming what was awaited, the job
    /// failures and what is left in Quartz's store.</summary>
    private static async Task WaitUntilAsync(DatabaseOptions db, NodeExecutions executions, Func<Task<bool>> condition, string what)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException($"Waited a minute for: {what}. Job failures: {string.Join(" | ", executions.Errors)}. Store: {await StoreStateAsync(db)}");
    }
}

/// <summary>One node of the cluster: a host with the workflow scheduler, clustered on the shared database, checking in every
/// second so that the other node sees it gone within seconds.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly IHost _host;
    private Task? _stopping;

    private ClusterNode(IHost host, IScheduler quartz, TcpLink? link)
    {
        _host = host;
        Quartz = quartz;
        Link = link;
    }

    /// <summary>The node's own link to the database server, when started with one (cutting it is the node's crash).</summary>
    public TcpLink? Link { get; }

    public IScheduler Quartz { get; }

    public string InstanceId => Quartz.SchedulerInstanceId;

    public WorkScheduler Scheduler => _host.Services.GetRequiredService<WorkScheduler>();

    /// <summary>Starts a node; <paramref name="linked"/> routes all its database connections (Quartz's and EF Core's)
    /// through a <see cref="TcpLink"/> of its own.</summary>
    public static async Task<ClusterNode> StartAsync(string name, DatabaseOptions database, NodeExecutions executions, bool linked = false, NodeSweeps? sweeps = null)
    {
        TcpLink? link = null;
        if (linked)
        {
            var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            link = TcpLink.Start(direct.Port);
            database = new DatabaseOptions { Provider = database.Provider, ConnectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = link.Port }.ConnectionString };
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = RepositoryRoot.Path, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] = database.Provider.ToString(),
            [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"] = database.ConnectionString,
            [$"{WorkflowSchedulingOptions.Section}:{nameof(WorkflowSchedulingOptions.Clustered)}"] = "true",
            [$"{WorkflowSchedulingOptions.Section}:{nameof(WorkflowSchedulingOptions.ClusterCheckinInterval)}"] = "00:00:01",
            [$"{WorkflowSchedulingOptions.Section}:{nameof(WorkflowSchedulingOptions.ResyncOnStart)}"] = "false",
        });
        if (sweeps is not null)
        {
            // The sweep every second, everything left to it, all due work in one batch (one transaction).
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.Interval)}"] = "00:00:01",
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.NightlyCron)}"] = "",
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.PreciseHorizon)}"] = "00:00:00",
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.BatchSize)}"] = "10000",
            });
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCollectionsDatabase();
        builder.AddCaseWorkflow();
        // The shipped strategies without their challengers: a case drawn into a challenger arm would walk other steps.
        builder.Services.AddSingleton(Collections.Testing.Workflow.ShippedStrategies.Champions());
        builder.AddWorkflowScheduling(q =>
        {
            q.AddJobListener(executions, [GroupMatcher<JobKey>.GroupEquals(WorkScheduler.Group)]);
            if (sweeps is not null)
            {
                q.AddJobListener(sweeps, [GroupMatcher<JobKey>.GroupEquals(DueWorkSweepJob.Key.Group)]);
            }
        });
        if (sweeps is not null)
        {
            builder.AddDueWorkSweep();
        }

        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var quartz = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"node {name} is Quartz instance {quartz.SchedulerInstanceId}");
        return new ClusterNode(host, quartz, link);
    }

    /// <summary>Stops the host (after <see cref="TcpLink.Cut"/>, a host that cannot reach its database any more).</summary>
    public Task StopAsync() => _stopping ??= StopCoreAsync();

    private async Task StopCoreAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        Link?.Cut();
    }

    public async ValueTask DisposeAsync()
    {
        // After a test that failed midway, the node gets its database back so that it can stop.
        Link?.Restore();
        await StopAsync();
    }
}

/// <summary>Counts executions of workflow jobs per job name and per node (Quartz instance id), over all nodes.</summary>
internal sealed class NodeExecutions : IJobListener
{
    private readonly ConcurrentQueue<(string Job, string Node)> _runs = new();

    public string Name => "node-executions";

    public ConcurrentQueue<string> Errors { get; } = new();

    public int Count(string job) => _runs.Count(r => r.Job == job);

    public int On(string node) => _runs.Count(r => r.Node == node);

    public string[] NodesOf(string job) => [.. _runs.Where(r => r.Job == job).Select(r => r.Node)];

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        _runs.Enqueue((context.JobDetail.Key.Name, context.Scheduler.SchedulerInstanceId));
        if (jobException is not null)
        {
            Errors.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{context.JobDetail.Key.Name}: {jobException.InnerException ?? jobException}"));
        }

        return default;
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => default;
}

/// <summary>The sweep's executions on every node: which node, when it started and ended, whether it was a recovery, its report.</summary>
internal sealed class NodeSweeps : IJobListener
{
    private readonly ConcurrentDictionary<string, (string Node, long Started, bool Recovering)> _running = new(StringComparer.Ordinal);

    public string Name => "node-sweeps";

    public ConcurrentQueue<(string Node, long Started, long Ended, bool Recovering, Collections.Shared.Workflow.Sweep.SweepReport? Report, string? Error)> Runs { get; } = new();

    /// <summary>Nodes running the sweep right now.</summary>
    public IReadOnlyCollection<string> Running => [.. _running.Values.Select(r => r.Node)];

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        _running[context.FireInstanceId] = (context.Scheduler.SchedulerInstanceId, TimeProvider.System.GetTimestamp(), context.Recovering);
        return default;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        _running.TryRemove(context.FireInstanceId, out var run);
        Runs.Enqueue((context.Scheduler.SchedulerInstanceId, run.Started, TimeProvider.System.GetTimestamp(), context.Recovering,
            context.Result as Collections.Shared.Workflow.Sweep.SweepReport, jobException?.InnerException?.Message ?? jobException?.Message));
        return default;
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => default;
}

/// <summary>A TCP relay on a loopback port to the database server: one node's only way to the database, so that cutting it
/// (every relayed connection reset, the port closed) makes that node vanish from the database's point of view at once.
/// Restoring it opens the same port again, as when the machine's network comes back.</summary>
internal sealed class TcpLink
{
    private readonly int _target;
    private readonly ConcurrentBag<Socket> _sockets = [];
    private TcpListener _listener;
    private CancellationTokenSource _cut = new();

    private TcpLink(int port, int target)
    {
        Port = port;
        _target = target;
        _listener = Listen();
    }

    public int Port { get; }

    public static TcpLink Start(int target) => new(FreePorts.UdpAndTcp(), target);

    /// <summary>Resets every relayed connection on both sides and stops accepting new ones.</summary>
    public void Cut()
    {
        if (_cut.IsCancellationRequested)
        {
            return;
        }

        _cut.Cancel();
        _listener.Stop();
        while (_sockets.TryTake(out var socket))
        {
            // Linger 0: close with a reset, as a dead machine's peer sees it, rather than an orderly goodbye.
            socket.LingerState = new LingerOption(true, 0);
            socket.Dispose();
        }
    }

    /// <summary>Accepts connections again on the same port.</summary>
    public void Restore()
    {
        if (_cut.IsCancellationRequested)
        {
            _cut.Dispose();
            _cut = new CancellationTokenSource();
            _listener = Listen();
        }
    }

    private TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _ = AcceptAsync(listener, _cut.Token);
        return listener;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        try
        {
            while (!cut.IsCancellationRequested)
            {
                var client = await listener.AcceptSocketAsync(cut);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _sockets.Add(client);
                _sockets.Add(server);
                await server.ConnectAsync(IPAddress.Loopback, _target, cut);
                _ = PumpAsync(client, server, cut);
                _ = PumpAsync(server, client, cut);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut.
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cut)
    {
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cut)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cut);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Cut, or the other side went away.
        }
    }
}
