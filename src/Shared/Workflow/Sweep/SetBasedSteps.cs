using System.Diagnostics;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Workflow.Sweep;

/// <summary>
/// The sweep's fast path for the common night: case steps of accounts whose state the step's rule reads no more of than the
/// case, its planned steps, the balance and the creditor's policy (no pending promise, no active plan, no re-check that
/// reads payments and addresses, nothing but case steps due). A batch's facts are selected with a few lean queries
/// (projections, untracked, no debtor graph), the same rule code (<see cref="CaseWorkflow.RunStep"/>, in the order
/// <see cref="DueWorkExecutor"/> runs it) runs on them in memory, and what changed is written with prepared statements
/// (<see cref="RowUpdater"/>: steps done or skipped, each case's phase and next step, conflict-checked on the values read;
/// <see cref="BulkInserter"/>: the queue entries) in one transaction. Accounts it does not take are returned to the entity
/// path. Any error rolls the whole batch back and the caller runs it on the entity path, so nothing is applied twice.
/// </summary>
/// <remarks>SQLite and PostgreSQL; on SQL Server every account takes the entity path (<see cref="Supports"/>).</remarks>
internal sealed class SetBasedSteps(ICollectionsDbContextFactory contexts, Func<CollectionsDbContext, WorkflowServices> services, DueWorkExecutor executor)
{
    // The step's rules read no debtor (no zone: no hold without a promise or plan; no addresses: no re-check); the context
    // still needs one.
    private static readonly Debtor NotLoaded = new() { PreferredLanguage = "und" };

    /// <summary>Whether the set-based write supports the database's provider.</summary>
    public static bool Supports(CollectionsDbContext db) => db.Database.IsSqlite() || db.Database.IsNpgsql();

    /// <summary>
    /// Opens the connections a sweep's batches share: one that reads (the batches' facts) and one that writes (their changes),
    /// each with the bulk-write settings on SQLite. Each keeps its page cache warm from batch to batch, and the reader can run
    /// batches ahead of the writer without a connection per batch. Not supported on the provider: a session with neither
    /// (every account takes the entity path).
    /// </summary>
    public async Task<Session> OpenAsync(CancellationToken ct)
    {
        var session = new Session();
        try
        {
            var reader = contexts.CreateDbContext();
            session.Reader = reader;
            if (!Supports(reader))
            {
                await session.DisposeAsync();
                return new Session();
            }

            session.Writer = contexts.CreateDbContext();
            foreach (var db in (CollectionsDbContext[])[reader, session.Writer])
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                await db.Database.OpenConnectionAsync(ct);
                if (db.Database.IsSqlite())
                {
                    await SqlitePragmas.ForBulkWritesAsync(db, relaxedSync: true, SqlitePragmas.WriterCheckpointPages, ct);
                    session.Sqlite = true;
                }
            }

            if (session.Sqlite)
            {
                // The writer's WAL is copied into the database file beside it, not inside its commits.
                session.Checkpoint = await SqliteBackgroundCheckpoint.StartAsync(contexts.CreateDbContext(), ct);
            }

            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Loads the accounts of <paramref name="items"/> the fast path can take and runs the rules on them, writing nothing, on
    /// the session's reader: the sweep prepares the next batches this way while an earlier one is written
    /// (<see cref="DueWorkSweep"/>). Batches hold different accounts, and every row written is checked against the values
    /// read, so a batch prepared before an earlier one committed writes nothing it should not. <see cref="CommitAsync"/> writes it.
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<DueItem> items, Instant now, Session session, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var groups = items.GroupBy(i => i.Account).ToDictionary(g => g.Key, g => g.ToList());
        var candidates = groups.Where(g => g.Value.TrueForAll(i => i.Work.Kind == WorkKind.CaseStep)).Select(g => g.Key).ToList();
        var batch = new PreparedBatch(items) { Started = started };
        if (candidates.Count == 0 || session.Reader is not { } db)
        {
            return batch;
        }

        try
        {
            var states = await LoadAsync(db, candidates, now, ct);
            batch.Loaded = Stopwatch.GetTimestamp();
            var rules = services(db);
            foreach (var state in states)
            {
                var run = new Run(state);
                executor.Run(rules, state, groups[state.Account.Id], now, chainSteps: true, batch.Outcomes);
                batch.Runs.Add(run);
            }

            batch.Ruled = Stopwatch.GetTimestamp();
            return batch;
        }
        finally
        {
            // The reader serves the whole sweep: nothing of one batch stays with it.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Writes what <see cref="PrepareAsync"/> ran, in one transaction on the session's writer; returns the outcomes
    /// and the items left for the entity path. Throws (having written nothing) on a conflict or an error.</summary>
    public async Task<(List<ItemOutcome> Outcomes, List<DueItem> Left)> CommitAsync(PreparedBatch batch, Session session, PhaseTimer? timer, CancellationToken ct)
    {
        if (session.Writer is not { } db || batch.Runs.Count == 0)
        {
            return ([], [.. batch.Items]);
        }

        var writing = Stopwatch.GetTimestamp();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            using var steps = new RowUpdater(db, db.Model.FindEntityType(typeof(CaseStep))!,
                [nameof(CaseStep.Status), nameof(CaseStep.ExecutedAt), nameof(CaseStep.Note)], [nameof(CaseStep.Id), nameof(CaseStep.Status)]);
            using var cases = new RowUpdater(db, db.Model.FindEntityType(typeof(Case))!,
                [nameof(Case.Phase), nameof(Case.NextStep), nameof(Case.NextStepDueAt), nameof(Case.ClosedAt)],
                [nameof(Case.Id), nameof(Case.Phase), nameof(Case.NextStep), nameof(Case.NextStepDueAt)]);
            var queued = new List<ScheduledContact>();
            foreach (var run in batch.Runs)
            {
                run.Collect(steps, cases);
                queued.AddRange(run.State.Queued!);
            }

            await steps.FlushAsync(ct);
            await cases.FlushAsync(ct);
            if (queued.Count > 0)
            {
                using var inserter = new BulkInserter<ScheduledContact>(db);
                await inserter.InsertAsync(queued, ct);
            }

            await transaction.CommitAsync(ct);
            session.Checkpoint?.Committed();
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        // Load and rules as prepared (while an earlier batch was written, in a sweep); the write from its start here.
        timer?.Add(batch.Started, batch.Loaded, batch.Ruled, batch.Ruled + (Stopwatch.GetTimestamp() - writing));
        var taken = batch.Runs.Select(r => r.State.Account.Id).ToHashSet();
        return (batch.Outcomes, [.. batch.Items.Where(i => !taken.Contains(i.Account))]);
    }

    /// <summary>The detached state of the candidates the fast path can take: their open case with the planned steps the rules can
    /// reach (those due and the next one), the balance, the creditor and the queue keys; accounts with a pending promise, an
    /// active plan, a due re-check or a paid balance are left out.</summary>
    private async Task<List<AccountState>> LoadAsync(CollectionsDbContext db, List<AccountId> candidates, Instant now, CancellationToken ct)
    {
        // The case's columns the rules read, not its whole row (the strategy's reason is long, and nothing here writes it).
        var rows = await (from c in db.Cases.AsNoTracking()
                          join a in db.Accounts on c.AccountId equals a.Id
                          where EF.Parameter(candidates).Contains(c.AccountId) && c.ClosedAt == null
                          select new
                          {
                              Case = new Case
                              {
                                  Id = c.Id, AccountId = c.AccountId, Phase = c.Phase, StrategyId = c.StrategyId, Arm = c.Arm, NextStep = c.NextStep, NextStepDueAt = c.NextStepDueAt,
                                  RiskFlags = c.RiskFlags, OpenedAt = c.OpenedAt, ClosedAt = c.ClosedAt,
                              },
                              a.CreditorId, a.DebtorId, a.CreditorReference, a.Currency, a.Principal, a.Interest, a.StatutoryInterest, a.Fees, a.Paid,
                          })
            .ToListAsync(ct);
        var held = (await db.Promises.Where(p => EF.Parameter(candidates).Contains(p.AccountId) && p.Status == PromiseStatus.Pending).Select(p => p.AccountId)
                .Concat(db.InstalmentPlans.Where(p => EF.Parameter(candidates).Contains(p.AccountId) && p.Status == InstalmentPlanStatus.Active).Select(p => p.AccountId))
                .ToListAsync(ct)).ToHashSet();
        // A paid balance closes the case and cancels every planned step, which needs them all: the entity path takes it.
        rows.RemoveAll(r => held.Contains(r.Case.AccountId) || r.Principal + r.Interest + r.StatutoryInterest + r.Fees - r.Paid <= 0);
        var caseIds = rows.Select(r => r.Case.Id).ToList();

        // Of the planned steps, those due now (the rules may run them all, one after the other) and the first after now (the case's
        // next step once they ran): the rest cannot change, and a case has several (most of a strategy is planned at the start).
        // Both read the partial index of planned steps by case and due time (IX_case_steps_planned): a range for those due, and
        // per case one seek for the next (a correlated subquery; a window over every planned step of the batch sorts them all
        // and costs three times as much on SQLite), then those steps by key.
        var planned = db.CaseSteps.AsNoTracking().Where(s => s.Status == CaseStepStatus.Planned);
        var due = await planned.Where(s => EF.Parameter(caseIds).Contains(s.CaseId) && s.DueAt <= now).ToListAsync(ct);
        var nextIds = (await db.Cases.AsNoTracking().Where(c => EF.Parameter(caseIds).Contains(c.Id))
                .Select(c => planned.Where(s => s.CaseId == c.Id && s.DueAt > now).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).Select(s => (Guid?)s.Id).FirstOrDefault())
                .ToListAsync(ct))
            .OfType<Guid>().ToList();
        var next = await db.CaseSteps.AsNoTracking().Where(s => EF.Parameter(nextIds).Contains(s.Id)).ToListAsync(ct);
        var reachable = due.Concat(next).Where(s => s.Status == CaseStepStatus.Planned).ToLookup(s => s.CaseId);
        var accountIds = rows.Select(r => r.Case.AccountId).ToList();
        var keys = (await db.ScheduledContacts.AsNoTracking().Where(c => EF.Parameter(accountIds).Contains(c.AccountId))
            .Select(c => new { c.AccountId, c.IdempotencyKey }).ToListAsync(ct)).ToLookup(k => k.AccountId, k => k.IdempotencyKey);
        // Read per batch (a handful of rows), so a policy changed meanwhile (SMS no longer allowed) holds from the next batch.
        var creditorIds = rows.Select(r => r.CreditorId).Distinct().ToList();
        var creditors = await db.Creditors.AsNoTracking().Where(c => EF.Parameter(creditorIds).Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);

        var cases = services(db).Cases;
        var states = new List<AccountState>(rows.Count);
        foreach (var row in rows)
        {
            var steps = reachable[row.Case.Id].ToList();
            // A mandate that limits frequency or order reads the case's earlier steps, which this path does not load, and may move a
            // step's due time, which it does not write: such creditors' accounts take the entity path.
            if (steps.Exists(s => s.DueAt <= now && cases.PlansRecheck(row.Case, s)) || Mandates.Mandate.ReadsHistory(creditors[row.CreditorId].Policy))
            {
                continue;
            }

            var account = new Account
            {
                Id = row.Case.AccountId,
                CreditorId = row.CreditorId,
                DebtorId = row.DebtorId,
                CreditorReference = row.CreditorReference,
                Currency = row.Currency,
                Principal = row.Principal,
                Interest = row.Interest,
                StatutoryInterest = row.StatutoryInterest,
                Fees = row.Fees,
                Paid = row.Paid,
            };
            var state = new AccountState(new AccountContext(account, NotLoaded, creditors[row.CreditorId], row.Case, DateTimeZone.Utc, null)) { Queued = [] };
            state.Steps.AddRange(steps);
            state.QueuedKeys.UnionWith(keys[account.Id]);
            states.Add(state);
        }

        return states;
    }

    /// <summary>A sweep's reader and writer connections (<see cref="OpenAsync"/>); disposing it gives them back with the
    /// settings they had.</summary>
    internal sealed class Session : IAsyncDisposable
    {
        public CollectionsDbContext? Reader { get; set; }

        public CollectionsDbContext? Writer { get; set; }

        public bool Sqlite { get; set; }

        /// <summary>The writer's checkpoints (SQLite in WAL mode).</summary>
        public SqliteBackgroundCheckpoint? Checkpoint { get; set; }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (Checkpoint is not null)
                {
                    await Checkpoint.DisposeAsync();
                }
            }
            finally
            {
                try
                {
                    await ReleaseAsync(Reader);
                }
                finally
                {
                    await ReleaseAsync(Writer);
                }
            }
        }

        private async Task ReleaseAsync(CollectionsDbContext? db)
        {
            if (db is null)
            {
                return;
            }

            try
            {
                if (Sqlite)
                {
                    await SqlitePragmas.AfterBulkWritesAsync(db, CancellationToken.None);
                }
            }
            finally
            {
                await db.DisposeAsync();
            }
        }
    }

    /// <summary>A batch loaded and run by <see cref="PrepareAsync"/>, not yet written.</summary>
    internal sealed class PreparedBatch(IReadOnlyList<DueItem> items)
    {
        public IReadOnlyList<DueItem> Items { get; } = items;

        public long Started { get; init; }

        public long Loaded { get; set; }

        public long Ruled { get; set; }

        public List<ItemOutcome> Outcomes { get; } = [];

        public List<Run> Runs { get; } = [];
    }

    /// <summary>One account's case and planned steps as read, to write what the rules changed, checked against what was read.</summary>
    internal sealed class Run
    {
        private readonly (CasePhase Phase, string? NextStep, Instant? NextStepDueAt, Instant? ClosedAt, string? RiskFlags) _case;
        private readonly Dictionary<Guid, Instant> _dueAt;

        public Run(AccountState state)
        {
            State = state;
            var @case = state.Case!;
            _case = (@case.Phase, @case.NextStep, @case.NextStepDueAt, @case.ClosedAt, @case.RiskFlags);
            _dueAt = state.Steps.ToDictionary(s => s.Id, s => s.DueAt);
        }

        public AccountState State { get; }

        public void Collect(RowUpdater steps, RowUpdater cases)
        {
            foreach (var step in State.Steps)
            {
                // Only planned steps were loaded and the path runs none that plans a new one; a step moved (a hold) would mean
                // the rules read state this path did not load.
                if (!_dueAt.TryGetValue(step.Id, out var dueAt) || dueAt != step.DueAt)
                {
                    throw new InvalidOperationException($"Step {step.StepKey} of case {step.CaseId} was added or moved: not a set-based step.");
                }

                if (step.Status != CaseStepStatus.Planned)
                {
                    steps.Add(step.Status, step.ExecutedAt, step.Note, step.Id, CaseStepStatus.Planned);
                }
            }

            var @case = State.Case!;
            if (@case.RiskFlags != _case.RiskFlags)
            {
                throw new InvalidOperationException($"Case {@case.Id} changed its risk flags: not a set-based step.");
            }

            if ((@case.Phase, @case.NextStep, @case.NextStepDueAt, @case.ClosedAt) != (_case.Phase, _case.NextStep, _case.NextStepDueAt, _case.ClosedAt))
            {
                cases.Add(@case.Phase, @case.NextStep, @case.NextStepDueAt, @case.ClosedAt, @case.Id, _case.Phase, _case.NextStep, _case.NextStepDueAt);
            }
        }
    }
}
