using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Workflow;

/// <summary>
/// What the workflow's timed rules (a case step, a promise check, an instalment reminder or check) read and change about
/// one account, loaded together: the per-item path loads it for one account, the due-work sweep for thousands at once with
/// the same queries, and both hand it to the same rule methods. The entities the rules change (case, steps, pending
/// promises, the active plan and its instalments) are tracked by the context; the rest is read-only to the rules.
/// </summary>
internal sealed class AccountState(AccountContext context)
{
    public AccountContext Context { get; } = context;

    public Account Account => Context.Account;

    public Case? Case => Context.Case;

    /// <summary>Every step of the account's case; empty without a case.</summary>
    public List<CaseStep> Steps { get; } = [];

    /// <summary>The account's promises that were pending when loaded (a decided one keeps its new status here).</summary>
    public List<PromiseToPay> PendingPromises { get; } = [];

    /// <summary>The account's active instalment plan with its instalments, if any (there is at most one).</summary>
    public InstalmentPlan? ActivePlan { get; set; }

    /// <summary>Idempotency keys of the account's queue entries (scheduled_contacts), and those queued since loading.</summary>
    public HashSet<string> QueuedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Payments matched to the account.</summary>
    public List<Payment> Payments { get; } = [];

    /// <summary>Promises of the account stored as broken.</summary>
    public int BrokenPromises { get; set; }

    /// <summary>Null for state whose entities a context tracks. For detached state (the sweep's set-based path,
    /// <see cref="Sweep.SetBasedSteps"/>), the queue entries the rules make are collected here for the caller to insert,
    /// and nothing is added to a context.</summary>
    public List<ScheduledContact>? Queued { get; init; }

    /// <summary>Loads the state of <paramref name="accountIds"/> in one set of queries (nine, whatever the count). Each
    /// query sends its ids as one parameter (<see cref="EF.Parameter{T}"/>: a JSON array on SQLite, an array on PostgreSQL):
    /// a thousand separate parameters cost more to bind in Microsoft.Data.Sqlite than the query costs to run. With
    /// <paramref name="trackReadOnly"/> the account, debtor and creditor are tracked too, so a caller that changed them in
    /// the same context sees its own changes; the sweep leaves them untracked, which is cheaper.</summary>
    public static async Task<Dictionary<AccountId, AccountState>> LoadAsync(CollectionsDbContext db, IReadOnlyCollection<AccountId> accountIds, bool trackReadOnly, CancellationToken ct)
    {
        var ids = accountIds.Distinct().ToList();
        var nullableIds = ids.Select(id => (AccountId?)id).ToList();
        var states = (await LoadContextsAsync(db, ids, trackReadOnly, ct)).ToDictionary(c => c.Account.Id, c => new AccountState(c));
        var cases = states.Values.Where(s => s.Case is not null).ToDictionary(s => s.Case!.Id, s => s.Case!);
        var caseIds = cases.Keys.ToList();
        foreach (var step in await db.CaseSteps.AsTracking().Where(s => EF.Parameter(caseIds).Contains(s.CaseId)).ToListAsync(ct))
        {
            states[cases[step.CaseId].AccountId].Steps.Add(step);
        }

        foreach (var promise in await db.Promises.AsTracking().Where(p => EF.Parameter(ids).Contains(p.AccountId) && p.Status == PromiseStatus.Pending).ToListAsync(ct))
        {
            states[promise.AccountId].PendingPromises.Add(promise);
        }

        foreach (var broken in await db.Promises.Where(p => EF.Parameter(ids).Contains(p.AccountId) && p.Status == PromiseStatus.Broken)
                     .GroupBy(p => p.AccountId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
        {
            states[broken.Key].BrokenPromises = broken.Count;
        }

        foreach (var plan in await db.InstalmentPlans.AsTracking().Include(p => p.Instalments)
                     .Where(p => EF.Parameter(ids).Contains(p.AccountId) && p.Status == InstalmentPlanStatus.Active).ToListAsync(ct))
        {
            states[plan.AccountId].ActivePlan ??= plan;
        }

        foreach (var entry in await db.ScheduledContacts.AsNoTracking().Where(c => EF.Parameter(ids).Contains(c.AccountId))
                     .Select(c => new { c.AccountId, c.IdempotencyKey }).ToListAsync(ct))
        {
            states[entry.AccountId].QueuedKeys.Add(entry.IdempotencyKey);
        }

        foreach (var payment in await db.Payments.AsNoTracking().Where(p => EF.Parameter(nullableIds).Contains(p.AccountId)).ToListAsync(ct))
        {
            states[payment.AccountId!.Value].Payments.Add(payment);
        }

        return states;
    }

    /// <summary>Accounts with their debtor (addresses, phones), creditor and case (always tracked: the rules change it).</summary>
    internal static async Task<List<AccountContext>> LoadContextsAsync(CollectionsDbContext db, IReadOnlyCollection<AccountId> accountIds, bool track, CancellationToken ct)
    {
        var ids = accountIds as List<AccountId> ?? [.. accountIds];
        var accounts = await (track ? db.Accounts.AsTracking() : db.Accounts.AsNoTracking()).Where(a => EF.Parameter(ids).Contains(a.Id)).ToListAsync(ct);
        var debtorIds = accounts.Select(a => a.DebtorId).Distinct().ToList();
        var creditorIds = accounts.Select(a => a.CreditorId).Distinct().ToList();
        var debtors = await (track ? db.Debtors.AsTracking() : db.Debtors.AsNoTracking()).Include(d => d.Addresses).Include(d => d.Phones).AsSplitQuery()
            .Where(d => EF.Parameter(debtorIds).Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var creditors = await (track ? db.Creditors.AsTracking() : db.Creditors.AsNoTracking()).Where(c => EF.Parameter(creditorIds).Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var cases = await db.Cases.AsTracking().Where(c => EF.Parameter(ids).Contains(c.AccountId)).ToDictionaryAsync(c => c.AccountId, ct);
        return [.. accounts.Select(a => AccountContext.Create(a, debtors[a.DebtorId], creditors[a.CreditorId], cases.GetValueOrDefault(a.Id)))];
    }

    /// <summary>The state of one account (the per-item path), with everything tracked.</summary>
    public static async Task<AccountState> LoadAsync(CollectionsDbContext db, AccountId accountId, CancellationToken ct) =>
        (await LoadAsync(db, [accountId], trackReadOnly: true, ct)).TryGetValue(accountId, out var state)
            ? state
            : throw new InvalidOperationException($"Account {accountId} does not exist.");
}
