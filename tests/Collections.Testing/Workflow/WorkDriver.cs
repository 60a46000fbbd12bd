using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Collections.Shared.Workflow.Sweep;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Testing.Workflow;

/// <summary>Runs workflow work in due order on a fake clock without a scheduler: what Quartz does, minus the threads, so the
/// business rules can be walked through months in milliseconds. Every run and its outcome is recorded.</summary>
public sealed class WorkDriver(DatabaseOptions database, FakeTimeProvider clock, WorkflowOptions? options = null, StrategyCatalog? strategies = null)
{
    private readonly PriorityQueue<WorkItem, Instant> _queue = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

    public WorkflowRunner Runner { get; } = new(
        database.Contexts(),
        strategies ?? ShippedStrategies.Champions(),
        Options.Create(options ?? new WorkflowOptions()),
        clock,
        NullLoggerFactory.Instance);

    /// <summary>The due-work sweep over the same database, rules and clock.</summary>
    /// <summary>Accounts per batch of the sweeps <see cref="SweepUntilAsync"/> runs.</summary>
    public int BatchSize { get; set; } = DueWorkSweep.DefaultBatchSize;

    public DueWorkSweep Sweep => _sweep ??= new DueWorkSweep(database.Contexts(), Runner, clock, NullLogger<DueWorkSweep>.Instance);

    /// <summary>Every sweep run by <see cref="SweepUntilAsync"/>, in order.</summary>
    public List<SweepReport> Sweeps { get; } = [];

    private DueWorkSweep? _sweep;

    /// <summary>Every item run, with its outcome, in order.</summary>
    public List<(WorkItem Item, string Outcome)> Runs { get; } = [];

    public Instant Now => Instant.FromDateTimeOffset(clock.GetUtcNow());

    /// <summary>Runs <paramref name="action"/> with the workflow services on a fresh context.</summary>
    public async Task<T> WithAsync<T>(Func<WorkflowServices, Task<T>> action)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        return await action(Runner.For(db));
    }

    /// <summary>Runs <paramref name="action"/> with the call-outcome writer on a fresh context; the work it returns is queued.</summary>
    public async Task<Collections.Shared.Workflow.Outcomes.CallOutcomeResult> WithOutcomesAsync(Func<Collections.Shared.Workflow.Outcomes.CallOutcomeWorkflow, Task<Collections.Shared.Workflow.Outcomes.CallOutcomeResult>> action)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        var result = await action(Runner.OutcomesFor(db));
        Schedule(result.Work);
        return result;
    }

    /// <summary>Queues work as the scheduler stores it: an item whose name is already waiting is not added twice.</summary>
    public void Schedule(IEnumerable<WorkItem> items)
    {
        foreach (var item in items)
        {
            if (_pending.Add(item.Name))
            {
                _queue.Enqueue(item, item.At);
            }
        }
    }

    /// <summary>Moves the clock to each queued item's time up to <paramref name="until"/>, runs it, queues what it returns;
    /// finally leaves the clock at <paramref name="until"/>.</summary>
    public async Task RunUntilAsync(Instant until)
    {
        while (_queue.TryPeek(out var item, out var at) && at <= until)
        {
            _queue.Dequeue();
            _pending.Remove(item.Name);
            if (at > Now)
            {
                clock.SetUtcNow(at.ToDateTimeOffset());
            }

            var result = await Runner.RunAsync(item);
            Runs.Add((item, result.Outcome));
            Schedule(result.Work);
        }

        if (until > Now)
        {
            clock.SetUtcNow(until.ToDateTimeOffset());
        }
    }

    /// <summary>
    /// Drives the sweep instead of per-item triggers: moves the clock to the earliest time the database says some open work
    /// falls due (what a sweep every minute would hit, since work is planned on whole minutes), sweeps, and repeats up to
    /// <paramref name="until"/>; with <paramref name="idle"/>, also sweeps at that spacing in between, where nothing is due.
    /// </summary>
    public async Task SweepUntilAsync(Instant until, Duration? idle = null)
    {
        await SweepNowAsync(BatchSize);
        while (true)
        {
            var pending = await Runner.PendingWorkAsync();
            var next = pending.Where(w => w.At > Now).Select(w => (Instant?)w.At).Min();
            if (idle is { } gap && Now + gap < (next ?? Instant.MaxValue))
            {
                next = Now + gap;
            }

            if (next is not { } at || at > until)
            {
                break;
            }

            clock.SetUtcNow(at.ToDateTimeOffset());
            await SweepNowAsync(BatchSize);
        }

        if (until > Now)
        {
            clock.SetUtcNow(until.ToDateTimeOffset());
            await SweepNowAsync(BatchSize);
        }
    }

    /// <summary>One sweep at the clock's time.</summary>
    public async Task<SweepReport> SweepNowAsync(int batchSize = DueWorkSweep.DefaultBatchSize)
    {
        var report = await Sweep.RunAsync(batchSize);
        Sweeps.Add(report);
        return report;
    }
}
