using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Shared.Workflow;

/// <summary>Runs one piece of timed work in its own database context; the scheduler calls it and schedules what it returns.</summary>
public sealed class WorkflowRunner(ICollectionsDbContextFactory contexts, StrategyCatalog catalog, IOptions<WorkflowOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>Runs <paramref name="item"/>; the result's work is what to schedule next.</summary>
    public async Task<WorkflowResult> RunAsync(WorkItem item, CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        var services = For(db);
        return item.Kind switch
        {
            WorkKind.CaseStep when WorkItem.ParseStepKey(item.Key) is var (caseId, step) => await services.Cases.ExecuteStepAsync(caseId, step, ct),
            WorkKind.PromiseCheck => await services.Promises.EvaluateAsync(new PromiseId(Guid.Parse(item.Key)), ct),
            WorkKind.InstalmentReminder => await services.Instalments.RemindAsync(new InstalmentId(Guid.Parse(item.Key)), ct),
            WorkKind.InstalmentCheck => await services.Instalments.CheckAsync(new InstalmentId(Guid.Parse(item.Key)), ct),
            _ => throw new ArgumentOutOfRangeException(nameof(item), item.Kind, "Unknown work kind."),
        };
    }

    /// <summary>Every piece of timed work the database says is still open: each open case's next step, each pending promise's
    /// check, and each open instalment's reminder and check. Scheduling it again is a no-op for what is already scheduled.</summary>
    public async Task<IReadOnlyList<WorkItem>> PendingWorkAsync(CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        var work = new List<WorkItem>();
        var cases = await db.Cases.AsNoTracking().Where(c => c.ClosedAt == null && c.NextStep != null && c.NextStepDueAt != null).ToListAsync(ct);
        work.AddRange(cases.Select(c => WorkItem.ForStep(c.Id, c.NextStep!, c.NextStepDueAt!.Value)));
        var zones = new Dictionary<AccountId, NodaTime.DateTimeZone>();
        async Task<NodaTime.DateTimeZone> ZoneOf(AccountId id)
        {
            if (!zones.TryGetValue(id, out var zone))
            {
                zones[id] = zone = (await AccountContext.LoadAsync(db, id, ct)).Zone;
            }

            return zone;
        }

        foreach (var promise in await db.Promises.AsNoTracking().Where(p => p.Status == PromiseStatus.Pending).ToListAsync(ct))
        {
            work.Add(new WorkItem(WorkKind.PromiseCheck, promise.Id.ToString(), PromiseWorkflow.CheckTime(promise.DueDate, options.Value, await ZoneOf(promise.AccountId))));
        }

        var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => p.Status == InstalmentPlanStatus.Active).ToListAsync(ct);
        var now = NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow());
        foreach (var plan in plans)
        {
            var zone = await ZoneOf(plan.AccountId);
            foreach (var instalment in plan.Instalments.Where(i => i.Status is InstalmentStatus.Due or InstalmentStatus.PartlyPaid))
            {
                var remindAt = InstalmentWorkflow.ReminderTime(instalment.DueDate, options.Value, zone);
                if (remindAt > now)
                {
                    work.Add(new WorkItem(WorkKind.InstalmentReminder, instalment.Id.ToString(), remindAt));
                }

                work.Add(new WorkItem(WorkKind.InstalmentCheck, instalment.Id.ToString(), InstalmentWorkflow.CheckTime(instalment.DueDate, options.Value, zone)));
            }
        }

        return work;
    }

    /// <summary>The workflow services over <paramref name="db"/>, for callers that own a context (the console, tests).</summary>
    public WorkflowServices For(CollectionsDbContext db)
    {
        var cases = new CaseWorkflow(db, catalog, options.Value, time, loggers.CreateLogger<CaseWorkflow>());
        var promises = new PromiseWorkflow(db, cases, options.Value, time, loggers.CreateLogger<PromiseWorkflow>());
        return new WorkflowServices(
            cases,
            promises,
            new InstalmentWorkflow(db, cases, options.Value, time, loggers.CreateLogger<InstalmentWorkflow>()),
            new SettlementService(db, cases, promises, options.Value, time, loggers.CreateLogger<SettlementService>()),
            new PaymentImporter(db, time, loggers.CreateLogger<PaymentImporter>(), options.Value));
    }

    /// <summary>The writer of operators' call outcomes over <paramref name="db"/> (one transaction per outcome).</summary>
    public Outcomes.CallOutcomeWorkflow OutcomesFor(CollectionsDbContext db) =>
        new(db, For(db), options.Value, time, loggers.CreateLogger<Outcomes.CallOutcomeWorkflow>());
}

/// <summary>The workflow services bound to one database context.</summary>
public sealed record WorkflowServices(CaseWorkflow Cases, PromiseWorkflow Promises, InstalmentWorkflow Instalments, SettlementService Settlements, PaymentImporter Payments);

/// <summary>Registers the case workflow for a host.</summary>
public static class WorkflowSetup
{
    /// <summary>Binds <see cref="WorkflowOptions"/> (validated at start), loads the strategies when the host starts (a broken file
    /// stops it naming the file and step) and adds <see cref="WorkflowRunner"/>. Needs <c>AddCollectionsDatabase</c>.</summary>
    public static IHostApplicationBuilder AddCaseWorkflow(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var contentRoot = builder.Environment.ContentRootPath;
        // The content root first (a deployment's own folder), then the repository's config folder wherever the host runs.
        string Folder(WorkflowOptions o) => Directory.Exists(Path.Combine(contentRoot, o.StrategiesDirectory))
            ? Path.Combine(contentRoot, o.StrategiesDirectory)
            : Configuration.ConfigFolders.Resolve(o.StrategiesDirectory);
        builder.Services.AddOptions<WorkflowOptions>()
            .BindConfiguration(WorkflowOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Directory.Exists(Folder(o)),
                $"{WorkflowOptions.Section}:{nameof(WorkflowOptions.StrategiesDirectory)} does not name an existing folder.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new StrategyCatalog(StrategyLoader.LoadDirectory(Folder(sp.GetRequiredService<IOptions<WorkflowOptions>>().Value))));
        builder.Services.TryAddTimeProvider();
        builder.Services.AddSingleton<WorkflowRunner>();
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
