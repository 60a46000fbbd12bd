using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
                store.ConfigureStore(s => s.SchemaProvisioning = options.SchemaProvisioning);
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
            sp.GetRequiredService<ILogger<SchedulerHost>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SchedulerHost>());
        return builder;
    }
}

/// <summary>
/// Starts Quartz with the host, and at start schedules again whatever open work the database says is pending
/// (<see cref="WorkflowSchedulingOptions.ResyncOnStart"/>). A database that cannot be reached at start does not stop the host
/// (its health check says so, and calls and pages keep working): the start is retried every <see cref="RetryStart"/>
/// until it succeeds. On stop, jobs in progress finish first.
/// </summary>
public sealed partial class SchedulerHost(ISchedulerFactory schedulers, WorkflowRunner? resync, WorkScheduler scheduler, TimeProvider time, ILogger<SchedulerHost> logger) : BackgroundService
{
    /// <summary>How long to wait before trying again to start the scheduler when the database cannot be reached.</summary>
    public static readonly TimeSpan RetryStart = TimeSpan.FromSeconds(10);

    private IScheduler? _quartz;
    private volatile bool _running;

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
            _running = true;
            if (resync is not null)
            {
                await scheduler.ScheduleAsync(_quartz, await resync.PendingWorkAsync(ct), ct);
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_running && _quartz is { } quartz)
        {
            _running = false;
            await quartz.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 4452, Level = LogLevel.Warning, Message = "The workflow scheduler could not start (trying again in {Seconds} s): {Error}")]
    private static partial void LogStartFailed(ILogger logger, double seconds, string error);
}
