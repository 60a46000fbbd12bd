using Collections.Dialer.Scheduling;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Sweep;
using Collections.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Data.Sqlite;
using Quartz;

namespace Collections.Dialer.Tests.Scheduling;

/// <summary>A host with the real Quartz scheduler on a persistent SQLite store, driven by a fake clock. Disposing it and
/// starting another on the same file is a restart.</summary>
internal sealed class SchedulerHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SchedulerHost(IHost host) => _host = host;

    public WorkflowRunner Runner => _host.Services.GetRequiredService<WorkflowRunner>();

    public WorkScheduler Scheduler => _host.Services.GetRequiredService<WorkScheduler>();

    public Task<IScheduler> QuartzAsync() => _host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler().AsTask();

    private DatabaseOptions _database = null!;
    private FakeTimeProvider _clock = null!;
    private ExecutionCounter _counter = null!;

    /// <summary>The sweeps the host ran (with <c>sweep: true</c>).</summary>
    public SweepCounter? Sweeps { get; private init; }

    public static async Task<SchedulerHost> StartAsync(DatabaseOptions database, FakeTimeProvider clock, ExecutionCounter counter, bool resync = false, SweepCounter? sweeps = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = RepositoryRoot.Path, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] = database.Provider.ToString(),
            [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"] = database.ConnectionString,
            [$"{WorkflowSchedulingOptions.Section}:{nameof(WorkflowSchedulingOptions.ResyncOnStart)}"] = resync ? "true" : "false",
        });
        if (sweeps is not null)
        {
            // Everything is left to the sweep (no precise horizon), which runs every minute of the fake clock.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.Interval)}"] = "00:01:00",
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.NightlyCron)}"] = "",
                [$"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.PreciseHorizon)}"] = "00:00:00",
            });
        }

        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddCollectionsDatabase();
        builder.AddCaseWorkflow();
        // The shipped strategies without their challengers: a case drawn into a challenger arm would walk other steps.
        builder.Services.AddSingleton(Collections.Testing.Workflow.ShippedStrategies.Champions());
        builder.AddWorkflowScheduling(q =>
        {
            q.AddJobListener(counter, [GroupMatcher<JobKey>.GroupEquals(WorkScheduler.Group)]);
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
        return new SchedulerHost(host) { _database = database, _clock = clock, _counter = counter, Sweeps = sweeps };
    }

    /// <summary>The earliest next fire time among the triggers in Quartz's store, or null when none is stored.</summary>
    public async Task<DateTimeOffset?> NextFireTimeAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(NEXT_FIRE_TIME) FROM QRTZ_TRIGGERS WHERE NEXT_FIRE_TIME IS NOT NULL";
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is long ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    /// <summary>Moves the clock from trigger to trigger up to <paramref name="until"/>, letting the real scheduler fire each
    /// one and waiting until it has (no due trigger left in the store, none firing).</summary>
    /// <remarks>Settles before reading the next fire time: a host just started may already have fired the only trigger in
    /// the store (whose next fire time is then empty), and moving the clock then would run that job at the later time.</remarks>
    public async Task RunUntilAsync(DateTimeOffset until)
    {
        while (true)
        {
            await SettleAsync();
            if (await NextFireTimeAsync() is not { } next || next > until)
            {
                break;
            }

            if (next > _clock.GetUtcNow())
            {
                _clock.SetUtcNow(next);
            }
        }

        if (until > _clock.GetUtcNow())
        {
            _clock.SetUtcNow(until);
        }

        await SettleAsync();
    }

    /// <summary>
    /// Drives the sweep: moves the clock to the earliest time some open work falls due, then on to the sweep trigger's next
    /// fire time at or after it, waits for that sweep to finish, and repeats up to <paramref name="until"/>.
    /// </summary>
    public async Task SweepUntilAsync(DateTimeOffset until)
    {
        var sweeps = Sweeps ?? throw new InvalidOperationException("The host was started without the sweep.");
        while (true)
        {
            var now = NodaTime.Instant.FromDateTimeOffset(_clock.GetUtcNow());
            var next = (await Runner.PendingWorkAsync(TestContext.Current.CancellationToken)).Where(w => w.At > now).Select(w => (DateTimeOffset?)w.At.ToDateTimeOffset()).Min();
            if (next is not { } due || due > until)
            {
                break;
            }

            _clock.SetUtcNow(due);
            await SweepOnceAsync(sweeps);
        }

        if (until > _clock.GetUtcNow())
        {
            _clock.SetUtcNow(until);
        }

        await SweepOnceAsync(sweeps);
    }

    /// <summary>Lets the sweep trigger fire once at or after the clock's time (moving the clock to its next fire time) and
    /// waits until that sweep has finished. Fails after a minute without one.</summary>
    public async Task SweepOnceAsync(SweepCounter sweeps)
    {
        var from = _clock.GetUtcNow();
        var quartz = await QuartzAsync();
        var stale = 0;
        for (var attempt = 0; attempt < 3000; attempt++)
        {
            if (sweeps.Reports.Any(r => r.At.ToDateTimeOffset() >= from))
            {
                return;
            }

            var trigger = (await quartz.GetTriggersOfJob(DueWorkSweepJob.Key, TestContext.Current.CancellationToken)).Single();
            var fire = trigger.NextFireTimeUtc;
            if (fire > _clock.GetUtcNow())
            {
                _clock.SetUtcNow(fire.Value);
                stale = 0;
            }
            else if (fire < _clock.GetUtcNow().AddSeconds(-30) && ++stale == 50 && await quartz.GetTriggerState(trigger.Key, TestContext.Current.CancellationToken) == TriggerState.Normal)
            {
                // The clock jumped days past the trigger's fire time: a misfire, which Quartz's misfire handler resolves on its own
                // real-time scan (every minute). Rather than wait for it, do what it would do (fire now, go on every minute).
                await quartz.RescheduleJob(trigger.Key, trigger.GetTriggerBuilder().StartAt(_clock.GetUtcNow()).Build(), TestContext.Current.CancellationToken);
                stale = 0;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
            if (attempt % 10 == 9)
            {
                await NudgeAsync();
            }
        }

        throw new TimeoutException($"No sweep ran at or after {from:O} (clock {_clock.GetUtcNow():O}, last sweep at {sweeps.Reports.LastOrDefault()?.At}). Errors: {string.Join(" | ", sweeps.Errors)}. Store: {await DumpAllAsync()}");
    }

    /// <summary>
    /// Wakes the scheduler thread without moving the clock. A fake clock has a race real time does not: when the thread reads
    /// the time, the test moves the clock, and only then the thread arms its wait for the next trigger, the wait is armed
    /// relative to the new time and would need the clock moved again. Storing and deleting a job signals a scheduling change,
    /// which makes the thread read the time afresh and fire what is due.
    /// </summary>
    private async Task NudgeAsync()
    {
        var quartz = await QuartzAsync();
        var job = JobBuilder.Create<NudgeJob>().WithIdentity("nudge", "test").StoreDurably(true).Build();
        await quartz.AddJob(job, default, TestContext.Current.CancellationToken);
        await quartz.DeleteJob(job.Key, TestContext.Current.CancellationToken);
    }

    private async Task<System.Data.Common.DbConnection> OpenAsync()
    {
        System.Data.Common.DbConnection connection = _database.Provider == DatabaseProvider.Postgres
            ? new Npgsql.NpgsqlConnection(_database.ConnectionString)
            : new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static void AddParameter(System.Data.Common.DbCommand command, long ticks)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "now";
        parameter.Value = ticks;
        command.Parameters.Add(parameter);
    }

    private async Task<string> DumpAllAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT TRIGGER_NAME || ' ' || TRIGGER_STATE || ' ' || NEXT_FIRE_TIME FROM QRTZ_TRIGGERS UNION ALL SELECT 'fired ' || TRIGGER_NAME || ' ' || STATE || ' ' || FIRED_TIME FROM QRTZ_FIRED_TRIGGERS";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join("; ", rows);
    }

    private async Task<string> DumpAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT TRIGGER_NAME || ' ' || TRIGGER_STATE || ' ' || NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE NEXT_FIRE_TIME <= @now UNION ALL SELECT 'fired ' || TRIGGER_NAME || ' ' || STATE FROM QRTZ_FIRED_TRIGGERS";
        AddParameter(command, _clock.GetUtcNow().UtcTicks);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join("; ", rows);
    }

    /// <summary>Waits until no trigger due by the fake clock is left and none is firing. Fails after a minute of no progress.</summary>
    public async Task SettleAsync()
    {
        var ticks = _clock.GetUtcNow().UtcTicks;
        var quiet = 0;
        for (var attempt = 0; attempt < 3000; attempt++)
        {
            await using var connection = await OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COUNT(*) FROM QRTZ_TRIGGERS WHERE NEXT_FIRE_TIME <= @now) + (SELECT COUNT(*) FROM QRTZ_FIRED_TRIGGERS)";
            AddParameter(command, ticks);
            var idle = Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0
                && _counter.InFlight == 0;
            // Idle twice in a row, 20 ms apart: on a loaded machine a fired job can still be on its way to a pool thread when
            // the store already looks quiet, and a test that moved the clock then would run it at the later time.
            if (idle && ++quiet >= 2)
            {
                return;
            }

            quiet = idle ? quiet : 0;

            await Task.Delay(20, TestContext.Current.CancellationToken);
            if (attempt % 10 == 9)
            {
                await NudgeAsync();
            }
        }

        throw new TimeoutException($"Quartz did not fire the triggers due by {_clock.GetUtcNow():O}. Job failures: {string.Join(" | ", _counter.Errors)}. Store: {await DumpAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}

/// <summary>Counts executions per job name across scheduler instances (a restart keeps the same counter).</summary>
internal sealed class ExecutionCounter : IJobListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);

    public string Name => "execution-counter";

    public IReadOnlyDictionary<string, int> Runs => _runs;

    /// <summary>Failures of workflow jobs, for the message of a test that fails.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    private int _inFlight;

    /// <summary>Jobs told to execute and not finished yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _inFlight);
        return default;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Decrement(ref _inFlight);
        return default;
    }

    /// <summary>Each execution: the job, its scheduled and actual fire times by the host's clock, and the scheduler instance.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        Interlocked.Decrement(ref _inFlight);
        Log.Enqueue($"{context.JobDetail.Key.Name} scheduled {context.ScheduledFireTimeUtc:O} fired {context.FireTimeUtc:O} by {context.Scheduler.SchedulerInstanceId}/{context.Scheduler.GetHashCode()} result {context.Result}");
        _runs.AddOrUpdate(context.JobDetail.Key.Name, 1, (_, n) => n + 1);
        if (jobException is not null)
        {
            Errors.Enqueue($"{context.JobDetail.Key.Name}: {jobException.InnerException ?? jobException}");
        }

        return default;
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => default;
}

/// <summary>The sweeps run by the sweep job (its report is the job's result), across restarts.</summary>
internal sealed class SweepCounter : IJobListener
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<SweepReport> _reports = new();

    public string Name => "sweep-counter";

    public IReadOnlyCollection<SweepReport> Reports => _reports;

    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Sum over all sweeps of the items of <paramref name="kind"/> that ended with <paramref name="outcome"/>.</summary>
    public int Count(WorkKind kind, string outcome) => _reports.Sum(r => r.Count(kind, outcome));

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        if (jobException is not null)
        {
            Errors.Enqueue($"{jobException.InnerException ?? jobException}");
        }
        else if (context.Result is SweepReport report)
        {
            _reports.Enqueue(report);
        }

        return default;
    }

    public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => default;
}

/// <summary>Never runs: stored and deleted to wake the scheduler (see SchedulerHost.NudgeAsync).</summary>
internal sealed class NudgeJob : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) => default;
}
