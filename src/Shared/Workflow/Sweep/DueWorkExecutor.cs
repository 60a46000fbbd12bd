using System.Data.Common;
using System.Diagnostics;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Workflow.Sweep;

/// <summary>A piece of timed work with the account it concerns.</summary>
internal readonly record struct DueItem(WorkItem Work, AccountId Account);

/// <summary>What running one piece of work did.</summary>
internal readonly record struct ItemOutcome(WorkItem Work, AccountId Account, WorkflowResult Result);

/// <summary>Where a sweep's wall time went, summed over its batches (retries included): loading the accounts' state, running
/// the rules in memory, and writing and committing what they changed. Measured on the machine's clock whatever clock the
/// rules run on; logged with each sweep (event 4480) to tell a slow database from slow rules.</summary>
/// <param name="Load">Opening a context and loading the batch's state (one set of queries for all its accounts).</param>
/// <param name="Rules">Running the rules on the loaded state.</param>
/// <param name="Write">The conflict-checked write and the commit (<see cref="ChangeWriter"/>).</param>
public sealed record SweepPhases(TimeSpan Load, TimeSpan Rules, TimeSpan Write)
{
    /// <summary>No time spent.</summary>
    public static readonly SweepPhases None = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>Sums <see cref="SweepPhases"/> over a sweep's batches.</summary>
internal sealed class PhaseTimer
{
    private long _load, _rules, _write;

    public void Add(long started, long loaded, long ruled, long written)
    {
        Interlocked.Add(ref _load, loaded - started);
        Interlocked.Add(ref _rules, ruled - loaded);
        Interlocked.Add(ref _write, written - ruled);
    }

    public SweepPhases Total => new(Span(_load), Span(_rules), Span(_write));

    private static TimeSpan Span(long ticks) => TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);
}

/// <summary>
/// Runs timed work for a set of accounts in one context and one transaction: the accounts' state is loaded with one set of
/// queries (<see cref="AccountState"/>), each item goes through the same rule method the per-item path uses, and what they
/// changed is written with <see cref="ChangeWriter"/>, whose updates only apply to rows still as they were read. A conflict
/// (another writer changed a row meanwhile, or queued the same contact) rolls the whole set back; each account is then run
/// alone with fresh state, so one contended account cannot hold up the others, and none is run twice.
/// </summary>
internal sealed partial class DueWorkExecutor(ICollectionsDbContextFactory contexts, Func<CollectionsDbContext, WorkflowServices> services, WorkflowOptions options, ILogger logger)
{
    /// <summary>The outcome of an item whose time has not come in the debtor's zone; its <see cref="ItemOutcome.Work"/>
    /// carries the time it is due.</summary>
    public const string NotDueOutcome = "not-due";

    /// <summary>The outcome of an item whose account could not be written twice in a row; the next sweep tries again.</summary>
    public const string ConflictOutcome = "conflict";

    /// <summary>The outcome of an item whose account failed with an error (logged); the next sweep tries again.</summary>
    public const string FailedOutcome = "failed";

    /// <summary>
    /// Runs <paramref name="items"/> at <paramref name="now"/>. With <paramref name="chainSteps"/> a case whose next step is
    /// already due after a step ran runs that one too, as a scheduler would fire it at once. With
    /// <paramref name="isolateFailures"/> (the sweep) an account that fails is logged and reported as failed; without it
    /// (one item fired by its trigger) the error propagates to the caller. <paramref name="timer"/>, when given, receives the
    /// time spent in each phase.
    /// </summary>
    public async Task<List<ItemOutcome>> RunAsync(IReadOnlyList<DueItem> items, Instant now, bool chainSteps, bool isolateFailures, CancellationToken ct, PhaseTimer? timer = null)
    {
        if (items.Count == 0)
        {
            return [];
        }

        try
        {
            return await RunOnceAsync(items, now, chainSteps, timer, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && items.Select(i => i.Account).Distinct().Skip(1).Any())
        {
            LogBatchRetried(logger, items.Count, e.GetType().Name, e.Message);
            var outcomes = new List<ItemOutcome>(items.Count);
            foreach (var account in items.GroupBy(i => i.Account))
            {
                outcomes.AddRange(await RunAloneAsync([.. account], now, chainSteps, isolateFailures, timer, ct));
            }

            return outcomes;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return await RunAloneAsync(items, now, chainSteps, isolateFailures, timer, ct, e);
        }
    }

    private async Task<List<ItemOutcome>> RunAloneAsync(IReadOnlyList<DueItem> items, Instant now, bool chainSteps, bool isolateFailures, PhaseTimer? timer, CancellationToken ct, Exception? first = null)
    {
        for (var attempt = first is null ? 0 : 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(items, now, chainSteps, timer, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException && IsConflict(e) && attempt == 0)
            {
                // Another writer got there first: run again on what it left (the rules then find the work done).
            }
            catch (Exception e) when (e is not OperationCanceledException && isolateFailures)
            {
                var outcome = IsConflict(e) ? ConflictOutcome : FailedOutcome;
                LogAccountFailed(logger, items[0].Account.ToString(), outcome, e);
                return [.. items.Select(i => new ItemOutcome(i.Work, i.Account, WorkflowResult.Nothing(outcome)))];
            }
        }
    }

    private async Task<List<ItemOutcome>> RunOnceAsync(IReadOnlyList<DueItem> items, Instant now, bool chainSteps, PhaseTimer? timer, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var db = contexts.CreateDbContext();
        // The writer detects changes once at the end; detecting them on every query and Add would cost more than the rules.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var rules = services(db);
        var states = await AccountState.LoadAsync(db, [.. items.Select(i => i.Account).Distinct()], trackReadOnly: false, ct);
        var loaded = Stopwatch.GetTimestamp();
        var outcomes = new List<ItemOutcome>(items.Count);
        foreach (var account in items.GroupBy(i => i.Account))
        {
            if (states.TryGetValue(account.Key, out var state))
            {
                Run(rules, state, [.. account], now, chainSteps, outcomes);
            }
            else
            {
                outcomes.AddRange(account.Select(i => new ItemOutcome(i.Work, i.Account, WorkflowResult.Nothing("already-done"))));
            }
        }

        var ruled = Stopwatch.GetTimestamp();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        using (var writer = new ChangeWriter(db))
        {
            await writer.WriteAsync(ct);
        }

        await transaction.CommitAsync(ct);
        timer?.Add(started, loaded, ruled, Stopwatch.GetTimestamp());
        return outcomes;
    }

    /// <summary>
    /// Runs one account's items in the order their triggers would have fired: by due time (ties: promise check, reminder,
    /// instalment check, case step), each only once its time has come in the debtor's zone (the rules' own guards are looser:
    /// a reminder's allows the whole local day it falls on). With <paramref name="chainSteps"/> (the sweep) the case's steps
    /// are not taken from the items but from the case as it stands after each run: a step that plans a successor already
    /// due, or a defaulted plan that makes the next step due now, runs it in turn, as its trigger would fire at once.
    /// </summary>
    internal void Run(WorkflowServices rules, AccountState state, List<DueItem> items, Instant now, bool chainSteps, List<ItemOutcome> outcomes)
    {
        var queue = new List<(Instant Due, DueItem Item)>();
        var stepMarkers = new List<DueItem>();
        foreach (var item in items)
        {
            if (chainSteps && item.Work.Kind == WorkKind.CaseStep)
            {
                stepMarkers.Add(item);
            }
            else if (DueAt(state, item.Work) is not { } due)
            {
                outcomes.Add(new(item.Work, item.Account, WorkflowResult.Nothing(item.Work.Kind == WorkKind.InstalmentReminder ? "not-needed" : "already-done")));
            }
            else
            {
                queue.Add((due, item));
            }
        }

        queue.Sort((a, b) => a.Due != b.Due ? a.Due.CompareTo(b.Due) : a.Item.Work.Kind.CompareTo(b.Item.Work.Kind));
        var ranStep = false;
        for (var guard = queue.Count + state.Steps.Count + 2; guard > 0; guard--)
        {
            var step = chainSteps ? DueStep(state, now) : null;
            if (queue.Count > 0 && queue[0].Due <= now && (step is null || queue[0].Due <= step.DueAt))
            {
                var (_, item) = queue[0];
                queue.RemoveAt(0);
                outcomes.Add(new(item.Work, item.Account, RunOne(rules, state, item.Work, now)));
            }
            else if (step is not null)
            {
                var work = WorkItem.ForStep(step.CaseId, step.StepKey, step.DueAt);
                outcomes.Add(new(work, state.Account.Id, rules.Cases.RunStep(state, step, now)));
                ranStep = true;
            }
            else
            {
                break;
            }
        }

        // What is left is not due yet; its outcome carries the time it is due.
        outcomes.AddRange(queue.Select(q => new ItemOutcome(q.Item.Work with { At = q.Due }, q.Item.Account, WorkflowResult.Nothing(NotDueOutcome))));
        if (!ranStep)
        {
            outcomes.AddRange(stepMarkers.Select(m => new ItemOutcome(m.Work, m.Account, WorkflowResult.Nothing("already-done"))));
        }
    }

    /// <summary>The case's next step when it is planned and due at <paramref name="now"/>.</summary>
    private static CaseStep? DueStep(AccountState state, Instant now) =>
        state.Case is { NextStep: { } next, NextStepDueAt: { } at } && at <= now
            ? state.Steps.FirstOrDefault(s => s.StepKey == next && s.Status == CaseStepStatus.Planned)
            : null;

    private static WorkflowResult RunOne(WorkflowServices rules, AccountState state, WorkItem work, Instant now)
    {
        switch (work.Kind)
        {
            case WorkKind.PromiseCheck:
                var promiseId = new PromiseId(Guid.Parse(work.Key));
                return state.PendingPromises.FirstOrDefault(p => p.Id == promiseId) is { } promise
                    ? rules.Promises.Evaluate(state, promise, now)
                    : WorkflowResult.Nothing("already-done");
            case WorkKind.InstalmentReminder:
                return rules.Instalments.Remind(state, new InstalmentId(Guid.Parse(work.Key)), now);
            case WorkKind.InstalmentCheck:
                return rules.Instalments.Check(state, new InstalmentId(Guid.Parse(work.Key)), now);
            case WorkKind.CaseStep:
                var stepKey = WorkItem.ParseStepKey(work.Key).StepKey;
                return state.Steps.FirstOrDefault(s => s.StepKey == stepKey) is { } step
                    ? rules.Cases.RunStep(state, step, now)
                    : WorkflowResult.Nothing("already-done");
            default:
                throw new ArgumentOutOfRangeException(nameof(work), work.Kind, "Unknown work kind.");
        }
    }

    /// <summary>When <paramref name="work"/> is due for this account; null when the state no longer holds it (already done).</summary>
    private Instant? DueAt(AccountState state, WorkItem work)
    {
        var zone = state.Context.Zone;
        switch (work.Kind)
        {
            case WorkKind.PromiseCheck:
                var promiseId = new PromiseId(Guid.Parse(work.Key));
                return state.PendingPromises.FirstOrDefault(p => p.Id == promiseId) is { } promise ? PromiseWorkflow.CheckTime(promise.DueDate, options, zone) : null;
            case WorkKind.InstalmentReminder or WorkKind.InstalmentCheck:
                var instalmentId = new InstalmentId(Guid.Parse(work.Key));
                if (state.ActivePlan is not { } plan || plan.Instalments.FirstOrDefault(i => i.Id == instalmentId) is not { } instalment)
                {
                    return null;
                }

                if (work.Kind == WorkKind.InstalmentCheck)
                {
                    return InstalmentWorkflow.CheckTime(instalment.DueDate, options, zone);
                }

                // An instalment due on the day the plan was made (a down payment) gets no reminder (InstalmentWorkflow.CreateAsync).
                return instalment.DueDate <= plan.CreatedAt.InZone(zone).Date ? Instant.MaxValue : InstalmentWorkflow.ReminderTime(instalment.DueDate, options, zone);
            case WorkKind.CaseStep:
                var stepKey = WorkItem.ParseStepKey(work.Key).StepKey;
                return state.Steps.FirstOrDefault(s => s.StepKey == stepKey)?.DueAt;
            default:
                return null;
        }
    }

    /// <summary>A lost race with another writer: a row changed since it was read, or a unique key (a queue entry's
    /// idempotency key, a case step) taken by the other writer's insert.</summary>
    private static bool IsConflict(Exception e) =>
        e is WriteConflictException or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } || (e is DbException db && db.SqlState == "23505");

    [LoggerMessage(EventId = 4481, Level = LogLevel.Information, Message = "Due work for {Items} items rolled back ({Error}: {Message}); running each account alone")]
    private static partial void LogBatchRetried(ILogger logger, int items, string error, string message);

    [LoggerMessage(EventId = 4482, Level = LogLevel.Warning, Message = "Due work of account {AccountId} left for the next sweep ({Outcome})")]
    private static partial void LogAccountFailed(ILogger logger, string accountId, string outcome, Exception exception);
}
