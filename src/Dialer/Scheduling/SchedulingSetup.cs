using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        if (options.ResyncOnStart)
        {
            builder.Services.AddHostedService<WorkflowResync>();
        }

        return builder;
    }
}

/// <summary>At start, schedules again whatever open work the database says is pending (see <see cref="WorkflowSchedulingOptions.ResyncOnStart"/>).</summary>
internal sealed class WorkflowResync(WorkflowRunner runner, WorkScheduler scheduler) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await scheduler.ScheduleAsync(await runner.PendingWorkAsync(cancellationToken), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
