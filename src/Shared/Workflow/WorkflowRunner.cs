using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Shared.Workflow.Sweep;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Runs one piece of timed work in its own database context; the scheduler calls it and schedules what it returns.</summary>
public sealed class WorkflowRunner
{
    private readonly ICollectionsDbContextFactory _contexts;
    private readonly StrategyCatalog _catalog;
    private readonly IOptions<WorkflowOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public WorkflowRunner(ICollectionsDbContextFactory contexts, StrategyCatalog catalog, IOptions<WorkflowOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        (_contexts, _catalog, _options, _time, _loggers) = (contexts, catalog, options, time, loggers);
        Executor = new DueWorkExecutor(contexts, For, options.Value, loggers.CreateLogger<DueWorkSweep>());
        SetBased = new SetBasedSteps(contexts, For, Executor);
    }

    /// <summary>The sweep's fast path for case steps of accounts with nothing else going on.</summary>
    internal SetBasedSteps SetBased { get; }

    /// <summary>Runs work for many accounts at once; the sweep's engine, and the per-item path's with one item.</summary>
    internal DueWorkExecutor Executor { get; }

    internal WorkflowOptions Options => _options.Value;

    private Instant Now => Instant.FromDateTimeOffset(_time.GetUtcNow());

    /// <summary>Runs <paramref name="item"/>; the result's work is what to schedule next. The item is run with the same rule
    /// and the same conflict-checked write as the sweep's batches, as a batch of one.</summary>
    public async Task<WorkflowResult> RunAsync(WorkItem item, CancellationToken ct = default)
    {
        var now = Now;
        AccountId? account;
        await using (var db = _contexts.CreateDbContext())
        {
            account = await AccountOfAsync(db, item, ct);
        }

        if (account is null)
        {
            return WorkflowResult.Nothing(item.Kind == WorkKind.InstalmentReminder ? "not-needed" : "already-done");
        }

        var outcomes = await Executor.RunAsync([new DueItem(item, account.Value)], now, chainSteps: false, isolateFailures: false, ct);
        return outcomes[0].Result;
    }

    /// <summary>Every piece of timed work the database says is still open and due by <paramref name="dueBy"/> (null: all):
    /// each open case's next step, each pending promise's check, and each open instalment's reminder and check. Scheduling
    /// it again is a no-op for what is already scheduled.</summary>
    public async Task<IReadOnlyList<WorkItem>> PendingWorkAsync(CancellationToken ct = default) => await PendingWorkAsync(null, ct);

    /// <inheritdoc cref="PendingWorkAsync(CancellationToken)"/>
    public async Task<IReadOnlyList<WorkItem>> PendingWorkAsync(Instant? dueBy, CancellationToken ct = default)
    {
        await using var db = _contexts.CreateDbContext();
        var options = _options.Value;
        var work = new List<WorkItem>();
        var cases = db.Cases.AsNoTracking().Where(c => c.ClosedAt == null && c.NextStep != null && c.NextStepDueAt != null);
        if (dueBy is { } bound)
        {
            cases = cases.Where(c => c.NextStepDueAt <= bound);
        }

        work.AddRange((await cases.ToListAsync(ct)).Select(c => WorkItem.ForStep(c.Id, c.NextStep!, c.NextStepDueAt!.Value)));
        var promises = await DueSelection.PromiseChecks(db, options, dueBy).ToListAsync(ct);
        var instalments = await DueSelection.OpenInstalments(db, options, dueBy).ToListAsync(ct);
        var accounts = promises.Select(p => p.AccountId).Concat(instalments.Select(i => i.AccountId)).Distinct().ToList();
        var zones = new Dictionary<AccountId, DateTimeZone>();
        foreach (var chunk in accounts.Chunk(1000))
        {
            foreach (var (id, context) in await AccountContext.LoadManyAsync(db, chunk, ct))
            {
                zones[id] = context.Zone;
            }
        }

        var now = Now;
        work.AddRange(promises.Where(p => zones.ContainsKey(p.AccountId))
            .Select(p => new WorkItem(WorkKind.PromiseCheck, p.Id.ToString(), PromiseWorkflow.CheckTime(p.DueDate, options, zones[p.AccountId]))));
        foreach (var instalment in instalments.Where(i => zones.ContainsKey(i.AccountId)))
        {
            var zone = zones[instalment.AccountId];
            var remindAt = InstalmentWorkflow.ReminderTime(instalment.DueDate, options, zone);
            if (remindAt > now && instalment.RemindedAt is null)
            {
                work.Add(new WorkItem(WorkKind.InstalmentReminder, instalment.Id.ToString(), remindAt));
            }

            work.Add(new WorkItem(WorkKind.InstalmentCheck, instalment.Id.ToString(), InstalmentWorkflow.CheckTime(instalment.DueDate, options, zone)));
        }

        return dueBy is { } until ? [.. work.Where(w => w.At <= until)] : work;
    }

    private static async Task<AccountId?> AccountOfAsync(CollectionsDbContext db, WorkItem item, CancellationToken ct)
    {
        switch (item.Kind)
        {
            case WorkKind.CaseStep:
                var caseId = WorkItem.ParseStepKey(item.Key).CaseId;
                return await db.Cases.Where(c => c.Id == caseId).Select(c => (AccountId?)c.AccountId).SingleOrDefaultAsync(ct);
            case WorkKind.PromiseCheck:
                var promiseId = new PromiseId(Guid.Parse(item.Key));
                return await db.Promises.Where(p => p.Id == promiseId).Select(p => (AccountId?)p.AccountId).SingleOrDefaultAsync(ct);
            case WorkKind.InstalmentReminder or WorkKind.InstalmentCheck:
                var instalmentId = new InstalmentId(Guid.Parse(item.Key));
                return await (from i in db.Instalments
                              join p in db.InstalmentPlans on i.PlanId equals p.Id
                              where i.Id == instalmentId
                              select (AccountId?)p.AccountId).SingleOrDefaultAsync(ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(item), item.Kind, "Unknown work kind.");
        }
    }

    /// <summary>The workflow services over <paramref name="db"/>, for callers that own a context (the console, tests).</summary>
    public WorkflowServices For(CollectionsDbContext db)
    {
        var cases = new CaseWorkflow(db, _catalog, _options.Value, _time, _loggers.CreateLogger<CaseWorkflow>());
        var promises = new PromiseWorkflow(db, cases, _options.Value, _time, _loggers.CreateLogger<PromiseWorkflow>());
        return new WorkflowServices(
            cases,
            promises,
            new InstalmentWorkflow(db, cases, _options.Value, _time, _loggers.CreateLogger<InstalmentWorkflow>()),
            new SettlementService(db, cases, promises, _options.Value, _time, _loggers.CreateLogger<SettlementService>()),
            new PaymentImporter(db, _time, _loggers.CreateLogger<PaymentImporter>(), _options.Value));
    }

    /// <summary>The writer of operators' call outcomes over <paramref name="db"/> (one transaction per outcome).</summary>
    public Outcomes.CallOutcomeWorkflow OutcomesFor(CollectionsDbContext db) =>
        new(db, For(db), _options.Value, _time, _loggers.CreateLogger<Outcomes.CallOutcomeWorkflow>());
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
        builder.Services.AddSingleton<DueWorkSweep>();
        builder.Services.AddSingleton<Cases.CaseTimelineQuery>();
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
