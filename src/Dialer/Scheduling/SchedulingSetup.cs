using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Legal;
using Collections.Shared.Privacy;
using Collections.Shared.Workflow.Accrual;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>Registers the workflow scheduler: Quartz with its persistent ADO job store on the platform's database.</summary>
public static class SchedulingSetup
{
    /// <summary>
    /// Adds Quartz on the configured database (SQLite, PostgreSQL or SQL Server, the same connection string as EF Core),
    /// clustered when <see cref="WorkflowSchedulingOptions.Clustered"/>, the <see cref="WorkScheduler"/>, and the hosted service that
    /// starts and stops the scheduler with the host. Needs <c>AddCollectionsDatabase</c> and <c>AddCaseWorkflow</c>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Further Quartz configuration (listeners, plug-ins) applied after the store's.</param>
    public static IHostApplicationBuilder AddWorkflowScheduling(this IHostApplicationBuilder builder, Action<IQuartzBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WorkflowSchedulingOptions>()
            .BindConfiguration(WorkflowSchedulingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Read now: the store's provider and connection are fixed when Quartz is configured.
        var options = builder.Configuration.GetSection(WorkflowSchedulingOptions.Section).Get<WorkflowSchedulingOptions>() ?? new WorkflowSchedulingOptions();
        var database = DatabaseSetup.ReadOptions(builder.Configuration);
        if (options.Clustered && database.Provider == DatabaseProvider.Sqlite)
        {
            throw new OptionsValidationException(WorkflowSchedulingOptions.Section, typeof(WorkflowSchedulingOptions),
                [$"{WorkflowSchedulingOptions.Section}:{nameof(WorkflowSchedulingOptions.Clustered)} needs a database several nodes share (Postgres or SqlServer), not a SQLite file."]);
        }

        builder.Services.AddSingleton<WorkScheduler>();
        builder.Services.AddTransient<WorkflowJob>();
        builder.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = options.InstanceName;
                // Each node of a cluster needs its own instance id; Quartz generates one from host name and time.
                s.GenerateInstanceId = options.Clustered;
                if (options.IdleWaitTime is { } idle)
                {
                    s.IdleWaitTime = idle;
                }
            });
            q.UseDefaultThreadPool(options.MaxConcurrency);
            q.UsePersistentStore(store =>
            {
                switch (database.Provider)
                {
                    case DatabaseProvider.Sqlite:
                        store.UseSqlite(database.ConnectionString);
                        break;
                    case DatabaseProvider.Postgres:
                        store.UsePostgres(database.ConnectionString);
                        break;
                    case DatabaseProvider.SqlServer:
                        store.UseSqlServer(database.ConnectionString);
                        break;
                }

                // Quartz's own schema script for the provider, embedded in Quartz.dll (see docs/workflow.md for why this is
                // a start-up step and not an EF migration).
                store.ConfigureStore(s =>
                {
                    s.SchemaProvisioning = options.SchemaProvisioning;
                    // The misfire handler and cluster manager are Quartz's only real threads; as foreground threads they
                    // kept a process alive after its host had stopped when a shutdown did not complete (the host owns
                    // the scheduler's lifetime: SchedulerHost shuts it down).
                    s.UseBackgroundThreads = true;
                    if (options.MisfireThreshold is { } misfire)
                    {
                        s.MisfireThreshold = misfire;
                    }
                });
                if (options.Clustered)
                {
                    store.UseClustering(c =>
                    {
                        if (options.ClusterCheckinInterval is { } interval)
                        {
                            c.CheckinInterval = interval;
                        }
                    });
                }
            });
            configure?.Invoke(q);
        });
        builder.Services.AddSingleton(sp => new SchedulerHost(
            sp.GetRequiredService<ISchedulerFactory>(),
            options.ResyncOnStart ? sp.GetRequiredService<WorkflowRunner>() : null,
            sp.GetRequiredService<WorkScheduler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SchedulerHost>>(),
            sp.GetService<SweepHorizon>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SchedulerHost>());
        return builder;
    }

    /// <summary>
    /// Adds the due-work sweep (<see cref="DueWorkSweepOptions"/>, <c>Collections:Scheduling:Sweep</c>): a Quartz job that
    /// runs every minute and at night and evaluates all work that is due in batches, so that only work due within the
    /// precise horizon gets a trigger of its own and the resync at start only looks that far. Needs
    /// <see cref="AddWorkflowScheduling"/>. With <c>Enabled=false</c> the job is removed from the store and every piece of
    /// work gets its own trigger again.
    /// </summary>
    public static IHostApplicationBuilder AddDueWorkSweep(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DueWorkSweepOptions>()
            .BindConfiguration(DueWorkSweepOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.NightlyCron) || CronExpression.TryParse(o.NightlyCron, out _),
                $"{DueWorkSweepOptions.Section}:{nameof(DueWorkSweepOptions.NightlyCron)} is not a Quartz cron expression (e.g. \"0 0 2 * * ?\").")
            .Validate(o => !o.Enabled || o.Interval > TimeSpan.Zero || !string.IsNullOrWhiteSpace(o.NightlyCron),
                $"{DueWorkSweepOptions.Section}: an enabled sweep needs an {nameof(DueWorkSweepOptions.Interval)} or a {nameof(DueWorkSweepOptions.NightlyCron)}.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(DueWorkSweepOptions.Section).Get<DueWorkSweepOptions>() ?? new DueWorkSweepOptions();
        if (options.Enabled)
        {
            builder.Services.AddSingleton(new SweepHorizon(options.PreciseHorizon));
        }

        builder.Services.AddTransient<DueWorkSweepJob>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<DueWorkSweepOptions>>().Value is var o
            ? new RecurringJob(DueWorkSweepJob.Key, typeof(DueWorkSweepJob), o.Enabled, o.Interval, o.NightlyCron)
            : null!);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobInstaller>());
        return builder;
    }

    /// <summary>
    /// Adds the nightly accrual of statutory interest (<see cref="InterestAccrualOptions"/>, <c>Collections:InterestAccrual</c>):
    /// a Quartz job that recomputes every unpaid account's <c>StatutoryInterest</c> and <c>InterestAccruedUntil</c>
    /// (<see cref="StatutoryInterestAccrual"/>). Needs <c>AddStatutoryInterest</c> and <see cref="AddWorkflowScheduling"/>.
    /// </summary>
    public static IHostApplicationBuilder AddInterestAccrual(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<InterestAccrualOptions>()
            .BindConfiguration(InterestAccrualOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.Enabled || CronExpression.TryParse(o.Cron, out _),
                $"{InterestAccrualOptions.Section}:{nameof(InterestAccrualOptions.Cron)} is not a Quartz cron expression (e.g. \"0 30 1 * * ?\").")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<StatutoryInterestAccrual>();
        builder.Services.AddTransient<InterestAccrualJob>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<InterestAccrualOptions>>().Value is var o
            ? new RecurringJob(InterestAccrualJob.Key, typeof(InterestAccrualJob), o.Enabled, TimeSpan.Zero, o.Cron)
            : null!);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobInstaller>());
        return builder;
    }

    /// <summary>
    /// Adds the retention job (<see cref="PrivacyOptions"/>, <c>Collections:Privacy</c>): a Quartz job on
    /// <see cref="PrivacyOptions.RetentionCron"/> that anonymises debtors whose cases all closed longer ago than their
    /// jurisdiction's retention period, skipping those under a legal hold (<see cref="PrivacyRetentionJob"/>). Needs
    /// <c>AddOutreach</c> (the print queue's folder) and <see cref="AddWorkflowScheduling"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPrivacyRetention(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PrivacyOptions>()
            .BindConfiguration(PrivacyOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), $"{PrivacyOptions.Section}:{nameof(PrivacyOptions.RetentionByJurisdiction)}: each key is a two-letter upper-case country code with a period of at least 1 day.")
            .Validate(o => !o.RetentionEnabled || CronExpression.TryParse(o.RetentionCron, out _),
                $"{PrivacyOptions.Section}:{nameof(PrivacyOptions.RetentionCron)} is not a Quartz cron expression (e.g. \"0 15 3 * * ?\").")
            .ValidateOnStart();
        builder.Services.AddTransient<PrivacyRetentionJob>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<PrivacyOptions>>().Value is var o
            ? new RecurringJob(PrivacyRetentionJob.Key, typeof(PrivacyRetentionJob), o.RetentionEnabled, TimeSpan.Zero, o.RetentionCron)
            : null!);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobInstaller>());
        return builder;
    }

    /// <summary>
    /// Adds the refresh of open cases' limitation dates (<see cref="LimitationRefreshOptions"/>, <c>Collections:Limitation</c>):
    /// a Quartz job run at start and then every interval, so cases nearing limitation reach the legal queue in time
    /// (<see cref="LimitationService"/>). Needs <c>AddLimitation</c> and <see cref="AddWorkflowScheduling"/>.
    /// </summary>
    public static IHostApplicationBuilder AddLimitationRefresh(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LimitationRefreshOptions>()
            .BindConfiguration(LimitationRefreshOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddTransient<LimitationRefreshJob>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<LimitationRefreshOptions>>().Value is var o
            ? new RecurringJob(LimitationRefreshJob.Key, typeof(LimitationRefreshJob), o.Enabled, o.Interval, null)
            : null!);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecurringJobInstaller>());
        return builder;
    }
}

/// <summary>
/// Starts Quartz with the host, and at start schedules again whatever open work the database says is pending
/// (<see cref="WorkflowSchedulingOptions.ResyncOnStart"/>); with the due-work sweep only what falls due within its precise
/// horizon (the sweep finds the rest), so the resync is bounded by a few minutes' worth of work instead of every open case.
/// A database that cannot be reached at start does not stop the host
/// (its health check says so, and calls and pages keep working): the start is retried every <see cref="RetryStart"/>
/// until it succeeds. On stop, jobs in progress finish first.
/// </summary>
public sealed partial class SchedulerHost(ISchedulerFactory schedulers, WorkflowRunner? resync, WorkScheduler scheduler, TimeProvider time, ILogger<SchedulerHost> logger, SweepHorizon? horizon = null) : BackgroundService
{
    /// <summary>How long to wait before trying again to start the scheduler when the database cannot be reached.</summary>
    public static readonly TimeSpan RetryStart = TimeSpan.FromSeconds(10);

    private IScheduler? _quartz;

    /// <summary>Completes when the scheduler has started (and resynced).</summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the scheduler and resyncs before the host's start completes, as Quartz's own hosted service does; when
    /// the database cannot be reached, the host starts anyway and the start is retried in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryStartAsync(cancellationToken))
        {
            await base.StartAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(RetryStart, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stoppingToken.IsCancellationRequested && await TryStartAsync(stoppingToken))
            {
                return;
            }
        }
    }

    private async Task<bool> TryStartAsync(CancellationToken ct)
    {
        try
        {
            _quartz ??= await schedulers.GetScheduler(ct);
            await _quartz.Start(ct);
            if (resync is not null)
            {
                var dueBy = horizon is null ? (NodaTime.Instant?)null : NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow() + horizon.Span);
                await scheduler.ScheduleAsync(_quartz, await resync.PendingWorkAsync(dueBy, ct), ct);
            }

            _started.TrySetResult();
            return true;
        }
        catch (Exception ex) when (ex is SchedulerException or System.Data.Common.DbException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            LogStartFailed(logger, RetryStart.TotalSeconds, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Shuts the scheduler down (also one whose start failed halfway: Quartz creates its threads before the store answers),
    /// letting jobs in progress finish within the host's shutdown timeout. A shutdown that outlasts the timeout is left to
    /// finish on its own and the host's stop goes on: a stop that throws leaves the host undisposed, and an undisposed
    /// host holds the process at exit (its console lifetime waits for it). Quartz 4.7 can wait on itself here: halted
    /// in the middle of acquiring a trigger, its scheduler thread retries releasing it until the store shuts down, which
    /// comes only after that thread has ended.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_quartz is not { Status: not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) } quartz)
        {
            return;
        }

        try
        {
            await quartz.Shutdown(waitForJobsToComplete: true, CancellationToken.None).AsTask().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopTimedOut(logger);
        }
    }

    [LoggerMessage(EventId = 4453, Level = LogLevel.Warning, Message = "The workflow scheduler did not shut down within the host's shutdown timeout; the host stops without waiting for it")]
    private static partial void LogStopTimedOut(ILogger logger);

    [LoggerMessage(EventId = 4452, Level = LogLevel.Warning, Message = "The workflow scheduler could not start (trying again in {Seconds} s): {Error}")]
    private static partial void LogStartFailed(ILogger logger, double seconds, string error);
}

/// <summary>A job that runs on a schedule rather than for one work item: every <paramref name="Interval"/> (zero: never) and
/// on <paramref name="Cron"/> (UTC; empty: never).</summary>
internal sealed record RecurringJob(JobKey Key, Type JobType, bool Enabled, TimeSpan Interval, string? Cron);

/// <summary>Stores each recurring job and its triggers (or removes a job that is switched off). Left alone when the store
/// already holds them as configured, so that a node starting while another runs the job does not replace the running job's
/// triggers (which would release the cluster-wide block on a second execution).</summary>
/// <remarks>Runs once the scheduler has started (<see cref="SchedulerHost.Started"/>), so a database that cannot be reached at
/// start delays the recurring jobs instead of stopping the host.</remarks>
internal sealed partial class RecurringJobInstaller(ISchedulerFactory schedulers, SchedulerHost host, IEnumerable<RecurringJob> jobs, ILogger<RecurringJobInstaller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await host.Started.WaitAsync(stoppingToken);
        var scheduler = await schedulers.GetScheduler(stoppingToken);
        foreach (var recurring in jobs)
        {
            await InstallAsync(scheduler, recurring, stoppingToken);
        }
    }

    private async Task InstallAsync(IScheduler scheduler, RecurringJob recurring, CancellationToken ct)
    {
        if (!recurring.Enabled)
        {
            if (await scheduler.DeleteJob(recurring.Key, ct))
            {
                Removed(logger, recurring.Key.Name);
            }

            return;
        }

        var wanted = new List<ITrigger>();
        var now = scheduler.TimeProvider.GetUtcNow();
        if (recurring.Interval > TimeSpan.Zero)
        {
            wanted.Add(TriggerBuilder.Create(scheduler.TimeProvider)
                .WithIdentity(recurring.Key.Name + "-every", recurring.Key.Group)
                .ForJob(recurring.Key)
                .StartAt(now)
                // Missed runs (the host was down) are not made up one by one: the next run does everything due.
                .WithSimpleSchedule(s => s.WithInterval(recurring.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build());
        }

        if (!string.IsNullOrWhiteSpace(recurring.Cron))
        {
            wanted.Add(TriggerBuilder.Create(scheduler.TimeProvider)
                .WithIdentity(recurring.Key.Name + "-cron", recurring.Key.Group)
                .ForJob(recurring.Key)
                .StartAt(now)
                // A night missed while the host was down is run once when it is back.
                .WithCronSchedule(recurring.Cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build());
        }

        var stored = await scheduler.GetTriggersOfJob(recurring.Key, ct);
        if (stored.Count == wanted.Count && wanted.All(w => stored.Any(s => s.Key.Equals(w.Key) && SameSchedule(s, w))))
        {
            return;
        }

        var job = JobBuilder.Create().OfType(recurring.JobType)
            .WithIdentity(recurring.Key)
            .StoreDurably()
            // A node that dies mid-run leaves the job to another (the jobs are idempotent).
            .RequestRecovery()
            .Build();
        await scheduler.ScheduleJob(job, wanted, new ScheduleJobOptions { Replace = true }, ct);
        Installed(logger, recurring.Key.Name, recurring.Interval > TimeSpan.Zero ? $"every {recurring.Interval}" : "no interval", string.IsNullOrWhiteSpace(recurring.Cron) ? "none" : recurring.Cron);
    }

    private static bool SameSchedule(ITrigger stored, ITrigger wanted) => (stored, wanted) switch
    {
        (ISimpleTrigger a, ISimpleTrigger b) => a.RepeatInterval == b.RepeatInterval,
        (ICronTrigger a, ICronTrigger b) => a.CronExpressionString == b.CronExpressionString,
        _ => false,
    };

    [LoggerMessage(EventId = 4485, Level = LogLevel.Information, Message = "Recurring job {Job} scheduled: {Interval}, cron {Cron} (UTC)")]
    private static partial void Installed(ILogger logger, string job, string interval, string cron);

    [LoggerMessage(EventId = 4486, Level = LogLevel.Information, Message = "Recurring job {Job} is off: removed from the store")]
    private static partial void Removed(ILogger logger, string job);
}
