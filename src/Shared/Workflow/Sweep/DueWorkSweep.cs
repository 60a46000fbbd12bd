using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Workflow.Sweep;

/// <summary>What one sweep did: for each kind of work and outcome ("CaseStep:done", "PromiseCheck:Broken"), how many.</summary>
/// <param name="At">The instant the sweep evaluated.</param>
/// <param name="Selected">Work items the selection returned (before the debtor-zone check).</param>
/// <param name="Outcomes">Counts by "kind:outcome".</param>
/// <param name="Elapsed">Wall time, on the machine's clock (not the clock the rules run on).</param>
/// <param name="Phases">Where the batches' time went (selection excluded).</param>
public sealed record SweepReport(Instant At, int Selected, IReadOnlyDictionary<string, int> Outcomes, TimeSpan Elapsed, SweepPhases Phases)
{
    /// <summary>How many items of <paramref name="kind"/> ended with <paramref name="outcome"/>.</summary>
    public int Count(WorkKind kind, string outcome) => Outcomes.GetValueOrDefault($"{kind}:{outcome}");

    /// <summary>Items that changed something (everything but not yet due, already done, not needed, conflicts and failures).</summary>
    public int Ran => Outcomes.Where(o => !Idle(o.Key)).Sum(o => o.Value);

    /// <summary>Items left for the next sweep after a conflict or an error.</summary>
    public int Failed => Outcomes.Where(o => o.Key.EndsWith(':' + DueWorkExecutor.ConflictOutcome, StringComparison.Ordinal)
        || o.Key.EndsWith(':' + DueWorkExecutor.FailedOutcome, StringComparison.Ordinal)).Sum(o => o.Value);

    /// <summary>Items run on the set-based path (<see cref="SetBasedSteps"/>); the rest of <see cref="Outcomes"/> ran on the entity path.</summary>
    public int SetBased { get; init; }

    /// <summary>Wall time of the selection of due work, read and handed over in batches while the first batches run.</summary>
    public TimeSpan Selection { get; init; }

    /// <summary>Batches whose set-based run was rolled back and run on the entity path instead (a conflict, an error; event 4483).</summary>
    public int SetBasedRolledBack { get; init; }

    private static bool Idle(string key) => key.EndsWith(":not-due", StringComparison.Ordinal) || key.EndsWith(":already-done", StringComparison.Ordinal)
        || key.EndsWith(":not-needed", StringComparison.Ordinal) || key.EndsWith(':' + DueWorkExecutor.ConflictOutcome, StringComparison.Ordinal)
        || key.EndsWith(':' + DueWorkExecutor.FailedOutcome, StringComparison.Ordinal);
}

/// <summary>
/// Evaluates all timed work that is due, in batches, instead of one scheduler trigger per item: promise checks, instalment
/// reminders and checks, and case steps. Each kind is selected with one query on its indexed due column; each account's
/// work runs in the order its triggers would have fired (a decided promise or plan releases the hold on the case's steps, a
/// defaulted plan makes the next step due at once), through the same rule methods as the per-item path, on state loaded
/// once per batch of accounts, and is written set-wise with conflict-checked updates (<see cref="DueWorkExecutor"/>). Idempotent: a second sweep at the same instant
/// finds nothing to do, and two sweeps racing (two nodes) never apply one item twice.
/// </summary>
public sealed partial class DueWorkSweep(ICollectionsDbContextFactory contexts, WorkflowRunner runner, TimeProvider time, ILogger<DueWorkSweep> logger)
{
    /// <summary>Accounts per batch by default: one transaction, a few thousand rows written.</summary>
    public const int DefaultBatchSize = 1000;

    private readonly Lock _gate = new();

    // Work whose time in the debtor's zone was found to lie ahead: the selection is by date, so an item can be selected up to
    // a day before it is due; remembering its exact time spares loading it again at every sweep until then.
    private Dictionary<string, Instant> _notBefore = new(StringComparer.Ordinal);

    /// <summary>Case steps of accounts with nothing else going on run on the set-based path (<see cref="SetBasedSteps"/>, on
    /// SQLite and PostgreSQL); off, every account takes the entity path. The results are the same (SweepEquivalenceTests);
    /// the switch is for those tests and the benchmark's baseline.</summary>
    public bool UseSetBasedPath { get; set; } = true;

    /// <summary>Runs everything due now, <paramref name="batchSize"/> accounts per transaction.</summary>
    public Task<SweepReport> RunAsync(int batchSize = DefaultBatchSize, CancellationToken ct = default) => RunAsync(batchSize, int.MaxValue, ct);

    /// <summary>Runs what is due now for the first <paramref name="maxAccounts"/> accounts in due order (a benchmark's
    /// sample), <paramref name="batchSize"/> accounts per transaction.</summary>
    public async Task<SweepReport> RunAsync(int batchSize, int maxAccounts, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAccounts, 1);
        var started = Stopwatch.GetTimestamp();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var options = runner.Options;
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        Dictionary<string, Instant> notBefore;
        lock (_gate)
        {
            notBefore = _notBefore;
        }

        var timer = new PhaseTimer();
        var stillAhead = new Dictionary<string, Instant>(StringComparer.Ordinal);
        // The selection streams into batches while the first batches already run: a million due cases take seconds to read, and
        // the batches would otherwise wait for all of them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The set-based path's connections first: if they cannot be opened, nothing has started.
        await using var session = UseSetBasedPath ? await runner.SetBased.OpenAsync(stop.Token) : null;
        var selection = new Selection(this, now, notBefore, batchSize, maxAccounts);
        var producer = Task.Run(() => selection.RunAsync(options, stop.Token), stop.Token);
        var setBased = 0;
        var rolledBack = 0;
        // Two stages on two threads: while one batch is written (on the session's writer), the next ones are loaded and their
        // rules run (on its reader; SQLite's WAL and PostgreSQL's MVCC let reads run beside the writer), up to two batches
        // ahead so that a slow batch in one stage does not stall the other. Batches hold different accounts, and the writes
        // are checked against what was read.
        var prepared = Channel.CreateBounded<(List<DueItem> Batch, Prepared Prepared)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var preparer = Task.Run(() => PrepareAllAsync(selection, session, prepared.Writer, now, stop.Token), stop.Token);
        try
        {
            await foreach (var (batch, ready) in prepared.Reader.ReadAllAsync(stop.Token))
            {
                var rest = (IReadOnlyList<DueItem>)batch;
                var results = new List<ItemOutcome>(batch.Count);
                if (session is not null)
                {
                    try
                    {
                        if (ready.Error is { } error)
                        {
                            throw error;
                        }

                        (var fast, rest) = await runner.SetBased.CommitAsync(ready.Batch!, session, timer, ct);
                        results.AddRange(fast);
                        setBased += fast.Count;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Rolled back as a whole: the entity path runs the batch, with its own conflict handling per account.
                        LogSetBasedFailed(logger, batch.Count, e.GetType().Name, e.Message);
                        rolledBack++;
                        rest = batch;
                    }
                }

                results.AddRange(await runner.Executor.RunAsync(rest, now, chainSteps: true, isolateFailures: true, ct, timer));
                foreach (var outcome in results)
                {
                    Count(outcomes, outcome.Work.Kind, outcome.Result.Outcome);
                    if (outcome.Result.Outcome == DueWorkExecutor.NotDueOutcome && outcome.Work.Kind != WorkKind.CaseStep)
                    {
                        stillAhead[outcome.Work.Name] = outcome.Work.At;
                    }
                }
            }

            // A failed read ends the batches above with its error; these surface any other.
            await preparer;
            await producer;
        }
        finally
        {
            // Cancelled or failed midway: the selection and the preparation stop; batches prepared ahead are dropped unwritten.
            await stop.CancelAsync();
            foreach (var task in (Task[])[preparer, producer])
            {
                try
                {
                    await task;
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    // Stopped with the sweep (its own failure, if any, was thrown above).
                }
            }
        }

        foreach (var (name, at) in selection.StillAhead)
        {
            stillAhead[name] = at;
        }

        foreach (var (kind, count) in selection.NotDue)
        {
            var key = $"{kind}:{DueWorkExecutor.NotDueOutcome}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + count;
        }

        lock (_gate)
        {
            _notBefore = stillAhead;
        }

        var report = new SweepReport(now, selection.Selected, outcomes, Stopwatch.GetElapsedTime(started), timer.Total) { SetBased = setBased, SetBasedRolledBack = rolledBack, Selection = selection.Elapsed };
        if (report.Ran > 0 || report.Failed > 0)
        {
            LogSwept(logger, report.Ran, report.Failed, report.Selected, report.Elapsed.TotalSeconds,
                report.Phases.Load.TotalSeconds, report.Phases.Rules.TotalSeconds, report.Phases.Write.TotalSeconds,
                string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}")));
        }

        return report;
    }

    /// <summary>A batch prepared on the set-based path, or the error that stopped it (the batch then runs on the entity path).</summary>
    private readonly record struct Prepared(SetBasedSteps.PreparedBatch? Batch, Exception? Error);

    /// <summary>Takes the selection's batches in order, prepares each on the session's reader (when there is a session) and
    /// hands it to the writer's loop; the channel holds at most two, so the reader runs at most two batches ahead.</summary>
    private async Task PrepareAllAsync(Selection selection, SetBasedSteps.Session? session, ChannelWriter<(List<DueItem>, Prepared)> prepared, Instant now, CancellationToken ct)
    {
        try
        {
            while (await selection.NextAsync(ct) is { } batch)
            {
                var ready = default(Prepared);
                if (session is not null)
                {
                    try
                    {
                        ready = new(await runner.SetBased.PrepareAsync(batch, now, session, ct), null);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        ready = new(null, e);
                    }
                }

                await prepared.WriteAsync((batch, ready), ct);
            }

            prepared.TryComplete();
        }
        catch (Exception e)
        {
            prepared.TryComplete(e);
            throw;
        }
    }

    private async Task<List<DueItem>> SelectAsync(WorkKind kind, Instant now, WorkflowOptions options, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        switch (kind)
        {
            case WorkKind.PromiseCheck:
                return [.. (await DueSelection.PromiseChecks(db, options, now).AsNoTracking().Select(p => new { p.Id, p.AccountId, p.DueDate }).ToListAsync(ct))
                    .Select(p => new DueItem(new WorkItem(kind, p.Id.ToString(), now), p.AccountId))];
            case WorkKind.InstalmentReminder:
                return [.. (await DueSelection.OpenInstalments(db, DueSelection.ReminderBound(now, options), unremindedOnly: true).ToListAsync(ct))
                    .Select(i => new DueItem(new WorkItem(kind, i.Id.ToString(), now), i.AccountId))];
            case WorkKind.InstalmentCheck:
                return [.. (await DueSelection.OpenInstalments(db, DueSelection.CheckBound(now, options)).ToListAsync(ct))
                    .Select(i => new DueItem(new WorkItem(kind, i.Id.ToString(), now), i.AccountId))];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown work kind.");
        }
    }

    /// <summary>The case steps due now in due order, read as a stream (the case row carries its next step and when it is due,
    /// indexed: exact in SQL, no zone needed).</summary>
    private async IAsyncEnumerable<DueItem> CaseStepsDueAsync(Instant now, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var steps = db.Cases.AsNoTracking()
            .Where(c => c.ClosedAt == null && c.NextStep != null && c.NextStepDueAt != null && c.NextStepDueAt <= now)
            .OrderBy(c => c.NextStepDueAt)
            .Select(c => new { c.Id, c.AccountId, c.NextStep, c.NextStepDueAt })
            .AsAsyncEnumerable();
        await foreach (var c in steps.WithCancellation(ct))
        {
            yield return new DueItem(WorkItem.ForStep(c.Id, c.NextStep!, c.NextStepDueAt!.Value), c.AccountId);
        }
    }

    /// <summary>
    /// The sweep's selection, read on a task of its own and handed over in batches of at most <c>size</c> accounts, every item
    /// of an account in the same batch. Promise checks and instalment work (few) are read first; the case steps (one per
    /// account at most, the bulk of a night) stream in due order and go out in batches as they are read, so the first batches
    /// run while the rest is still being read; accounts that have other work too go out last, their case step after their other
    /// items (the order their triggers would fire in). Work remembered as not yet due in the debtor's zone is counted, not
    /// handed over.
    /// </summary>
    private sealed class Selection(DueWorkSweep sweep, Instant now, Dictionary<string, Instant> notBefore, int size, int maxAccounts)
    {
        private readonly Channel<List<DueItem>> _batches = Channel.CreateUnbounded<List<DueItem>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private List<DueItem> _batch = [];
        private int _accounts;

        /// <summary>Work items the queries returned (before the debtor-zone check).</summary>
        public int Selected { get; private set; }

        /// <summary>Items not handed over because their time in the debtor's zone lies ahead, by kind.</summary>
        public Dictionary<WorkKind, int> NotDue { get; } = [];

        /// <summary>Those items' names and times, remembered for the next sweep.</summary>
        public Dictionary<string, Instant> StillAhead { get; } = new(StringComparer.Ordinal);

        /// <summary>Wall time from the first query to the last batch handed over (it overlaps the batches run meanwhile).</summary>
        public TimeSpan Elapsed { get; private set; }

        /// <summary>The next batch, or null when the selection is done; throws the selection's error.</summary>
        public async Task<List<DueItem>?> NextAsync(CancellationToken ct) =>
            await _batches.Reader.WaitToReadAsync(ct) && _batches.Reader.TryRead(out var batch) ? batch : null;

        public async Task RunAsync(WorkflowOptions options, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                // An account's other items in the order they were selected; the accounts in the order of their first item.
                var held = new Dictionary<AccountId, List<DueItem>>();
                var heldOrder = new List<AccountId>();
                foreach (var kind in (WorkKind[])[WorkKind.PromiseCheck, WorkKind.InstalmentReminder, WorkKind.InstalmentCheck])
                {
                    foreach (var item in await sweep.SelectAsync(kind, now, options, ct))
                    {
                        if (!Due(item))
                        {
                            continue;
                        }

                        if (!held.TryGetValue(item.Account, out var items))
                        {
                            held[item.Account] = items = [];
                            heldOrder.Add(item.Account);
                        }

                        items.Add(item);
                    }
                }

                await foreach (var item in sweep.CaseStepsDueAsync(now, ct))
                {
                    if (!Due(item))
                    {
                        continue;
                    }

                    if (held.TryGetValue(item.Account, out var items))
                    {
                        items.Add(item);
                    }
                    else if (!Add([item]))
                    {
                        break;
                    }
                }

                foreach (var account in heldOrder)
                {
                    if (!Add(held[account]))
                    {
                        break;
                    }
                }

                if (_batch.Count > 0)
                {
                    _batches.Writer.TryWrite(_batch);
                }

                _batches.Writer.TryComplete();
            }
            catch (Exception e)
            {
                _batches.Writer.TryComplete(e);
                throw;
            }
            finally
            {
                Elapsed = Stopwatch.GetElapsedTime(started);
            }
        }

        /// <summary>Adds one account's items; false once <c>maxAccounts</c> accounts were handed over.</summary>
        private bool Add(List<DueItem> items)
        {
            if (_accounts == maxAccounts)
            {
                return false;
            }

            if (_accounts % size == 0 && _batch.Count > 0)
            {
                _batches.Writer.TryWrite(_batch);
                _batch = [];
            }

            _accounts++;
            _batch.AddRange(items);
            return true;
        }

        private bool Due(DueItem item)
        {
            Selected++;
            // The name is formatted only when something is remembered (an item selected by date ahead of its time in the zone).
            if (notBefore.Count > 0 && notBefore.TryGetValue(item.Work.Name, out var at) && at > now)
            {
                StillAhead[item.Work.Name] = at;
                NotDue[item.Work.Kind] = NotDue.GetValueOrDefault(item.Work.Kind) + 1;
                return false;
            }

            return true;
        }
    }

    private static void Count(Dictionary<string, int> outcomes, WorkKind kind, string outcome)
    {
        var key = $"{kind}:{outcome}";
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
    }

    [LoggerMessage(EventId = 4483, Level = LogLevel.Information, Message = "Set-based due work for {Items} items rolled back ({Error}: {Message}); running the batch on the entity path")]
    private static partial void LogSetBasedFailed(ILogger logger, int items, string error, string message);

    [LoggerMessage(EventId = 4480, Level = LogLevel.Information,
        Message = "Due-work sweep ran {Ran} items ({Failed} left for the next sweep) of {Selected} selected in {Seconds:0.0} s (load {LoadSeconds:0.0} s, rules {RulesSeconds:0.0} s, write {WriteSeconds:0.0} s): {Outcomes}")]
    private static partial void LogSwept(ILogger logger, int ran, int failed, int selected, double seconds, double loadSeconds, double rulesSeconds, double writeSeconds, string outcomes);
}
