using Collections.Shared.Domain;
using Collections.Shared.Interest;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;
using InterestDebtor = Collections.Shared.Interest.DebtorKind;

namespace Collections.Shared.Workflow.Accrual;

/// <summary>Why an account's statutory interest is what it is.</summary>
public enum AccrualState
{
    /// <summary>Not in default yet (due date today or later in the debtor's zone).</summary>
    NotDue = 0,

    /// <summary>Accrued through today in the debtor's zone.</summary>
    Accrued = 1,

    /// <summary>Accrued through the last day the rate table covers; the days after wait for the new rate.</summary>
    RatesPending = 2,

    /// <summary>An instalment plan is being kept: no default interest while it lasts (accrued up to the plan).</summary>
    Paused = 3,

    /// <summary>The creditor waives statutory interest (<see cref="CreditorPolicy.WaivesStatutoryInterest"/>): none.</summary>
    Waived = 4,

    /// <summary>No statutory rule for the debtor's jurisdiction, kind or the claim's currency: none, and the note says why.</summary>
    NoRule = 5,

    /// <summary>The balance is paid: the figure stays as it was when it was paid.</summary>
    Paid = 6,
}

/// <summary>An account's statutory interest as the nightly accrual computes it, with why.</summary>
/// <param name="Account">The account.</param>
/// <param name="Interest">The statutory interest (in the account's currency).</param>
/// <param name="AccruedUntil">The last day it runs for; null when none accrues.</param>
/// <param name="State">Why it is what it is.</param>
/// <param name="Note">The reason in words (the rule's law, what is missing), or null.</param>
/// <param name="Jurisdiction">The jurisdiction whose law applies.</param>
/// <param name="Segments">The stretches of days with one principal outstanding, paused or not, that make up the figure
/// (a court's claim statement lists them); empty when none accrues.</param>
public sealed record AccountInterest(AccountId Account, decimal Interest, LocalDate? AccruedUntil, AccrualState State, string? Note, string Jurisdiction, IReadOnlyList<AccrualSegment>? Segments = null);

/// <summary>What a nightly run did.</summary>
/// <param name="Accounts">Accounts looked at.</param>
/// <param name="Updated">Accounts whose interest or accrual day changed.</param>
/// <param name="States">Accounts by state; <see cref="AccrualState.NoRule"/> also by jurisdiction ("NoRule GB").</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record AccrualReport(int Accounts, int Updated, IReadOnlyDictionary<string, int> States, TimeSpan Elapsed);

/// <summary>
/// The nightly accrual of statutory default interest (<see cref="Account.StatutoryInterest"/>, <see cref="Account.InterestAccruedUntil"/>):
/// recomputed for every unpaid account from its due date to today in the debtor's zone by the debtor's jurisdiction
/// (<see cref="AccountContext.Jurisdiction"/>) and kind, on the principal outstanding each day (<see cref="InterestAccrual"/>).
/// Recomputing rather than adding a night's share keeps the figure exactly what the rule gives for the whole stretch (no
/// rounding carried night to night) and makes a rerun harmless. Kept instalment plans pause it (see <see cref="PauseOf"/>).
/// </summary>
public sealed partial class StatutoryInterestAccrual(ICollectionsDbContextFactory contexts, StatutoryInterestCalculator calculator, TimeProvider time, ILogger<StatutoryInterestAccrual> logger)
{
    /// <summary>Accounts per transaction by default.</summary>
    public const int DefaultBatchSize = 1000;

    /// <summary>Accrues every account due by now, <paramref name="batchSize"/> per transaction; writes only what changed.</summary>
    public async Task<AccrualReport> RunAsync(int batchSize = DefaultBatchSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var started = time.GetTimestamp();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        // In default somewhere on earth: the due date is before the latest local date (UTC+14).
        var latestDue = now.InUtc().Date;
        List<AccountId> ids;
        await using (var db = contexts.CreateDbContext())
        {
            ids = await db.Accounts.AsNoTracking().Where(a => a.DueDate <= latestDue).Select(a => a.Id).ToListAsync(ct);
        }

        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        var updated = 0;
        foreach (var chunk in ids.Chunk(batchSize))
        {
            updated += await AccrueAsync(chunk, now, states, ct);
        }

        var report = new AccrualReport(ids.Count, updated, states, time.GetElapsedTime(started));
        LogRun(logger, report.Accounts, report.Updated, report.Elapsed.TotalSeconds,
            string.Join(", ", states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")));
        foreach (var (state, count) in states.Where(s => s.Key.StartsWith(nameof(AccrualState.NoRule), StringComparison.Ordinal)
                     || s.Key.StartsWith(nameof(AccrualState.RatesPending), StringComparison.Ordinal)))
        {
            LogNotAccrued(logger, count, state);
        }

        return report;
    }

    /// <summary>The statutory interest of <paramref name="accountId"/> to today as the nightly run would compute it, with why;
    /// null when the account does not exist. Reads only.</summary>
    public async Task<AccountInterest?> ExplainAsync(AccountId accountId, CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        var (context, payments, plans) = await LoadAsync(db, [accountId], ct);
        return context.TryGetValue(accountId, out var ctx)
            ? Compute(ctx, payments[accountId], plans[accountId], Instant.FromDateTimeOffset(time.GetUtcNow()))
            : null;
    }

    private async Task<int> AccrueAsync(AccountId[] chunk, Instant now, Dictionary<string, int> states, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var (accounts, payments, plans) = await LoadAsync(db, chunk, ct);
        var changed = 0;
        foreach (var ctx in accounts.Values)
        {
            var result = Compute(ctx, payments[ctx.Account.Id], plans[ctx.Account.Id], now);
            var key = result.State == AccrualState.NoRule ? $"{result.State} {result.Jurisdiction}" : result.State.ToString();
            states[key] = states.GetValueOrDefault(key) + 1;
            var account = ctx.Account;
            if (account.StatutoryInterest != result.Interest || account.InterestAccruedUntil != result.AccruedUntil)
            {
                // Attached as read, then changed: the writer's update applies only if nobody changed the figure meanwhile.
                db.Accounts.Attach(account);
                account.StatutoryInterest = result.Interest;
                account.InterestAccruedUntil = result.AccruedUntil;
                changed++;
            }
        }

        if (changed > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            using (var writer = new ChangeWriter(db))
            {
                await writer.WriteAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }

        return changed;
    }

    private static async Task<(Dictionary<AccountId, AccountContext> Accounts, ILookup<AccountId, PrincipalReduction> Payments, ILookup<AccountId, InstalmentPlan> Plans)> LoadAsync(
        CollectionsDbContext db, IReadOnlyCollection<AccountId> ids, CancellationToken ct)
    {
        // One parameter per id list (AccountState.LoadAsync says why).
        var list = ids.ToList();
        var nullable = list.Select(id => (AccountId?)id).ToList();
        var accounts = (await AccountState.LoadContextsAsync(db, list, track: false, ct)).ToDictionary(c => c.Account.Id);
        var payments = (await db.Payments.AsNoTracking().Where(p => EF.Parameter(nullable).Contains(p.AccountId) && p.AllocatedPrincipal > 0)
                .Select(p => new { p.AccountId, p.ReceivedOn, p.AllocatedPrincipal }).ToListAsync(ct))
            .ToLookup(p => p.AccountId!.Value, p => new PrincipalReduction(p.ReceivedOn, p.AllocatedPrincipal));
        var plans = (await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => EF.Parameter(list).Contains(p.AccountId)).ToListAsync(ct))
            .ToLookup(p => p.AccountId);
        return (accounts, payments, plans);
    }

    /// <summary>The rule, on one account's data.</summary>
    internal AccountInterest Compute(AccountContext ctx, IEnumerable<PrincipalReduction> payments, IEnumerable<InstalmentPlan> plans, Instant now)
    {
        var account = ctx.Account;
        var jurisdiction = ctx.Jurisdiction;
        var today = ctx.Today(now);
        if (account.DueDate >= today)
        {
            return new(account.Id, 0m, null, AccrualState.NotDue, null, jurisdiction);
        }

        if (ctx.Creditor.Policy.WaivesStatutoryInterest)
        {
            return new(account.Id, 0m, null, AccrualState.Waived, "the creditor waives statutory interest", jurisdiction);
        }

        if (account.Balance.Amount <= 0)
        {
            // A claim paid in full is settled with the interest claimed when it was paid; recomputing would add the cents of
            // the days since the last run to a closed account.
            return new(account.Id, account.StatutoryInterest, account.InterestAccruedUntil, AccrualState.Paid, "paid in full", jurisdiction);
        }

        var pauses = plans.Select(p => PauseOf(p, ctx.Zone, today)).OfType<DateInterval>().ToList();
        var kind = ctx.Debtor.Kind == Domain.DebtorKind.Business ? InterestDebtor.Business : InterestDebtor.Consumer;
        var result = InterestAccrual.Accrue(calculator, new AccrualRequest(jurisdiction, kind, account.Currency, account.Principal, account.DueDate, today, [.. payments], pauses));
        if (result.NoRule is { } noRule)
        {
            return new(account.Id, 0m, null, AccrualState.NoRule, noRule, jurisdiction);
        }

        if (result.RatesPending is { } pending)
        {
            return new(account.Id, result.Interest, result.AccruedUntil, AccrualState.RatesPending, pending, jurisdiction, result.Segments);
        }

        return pauses.FirstOrDefault(p => p.Contains(today)) is { } pause
            ? new(account.Id, result.Interest, result.AccruedUntil, AccrualState.Paused, $"paused while the instalment plan agreed on {pause.Start:yyyy-MM-dd} is kept", jurisdiction, result.Segments)
            : new(account.Id, result.Interest, result.AccruedUntil, AccrualState.Accrued, null, jurisdiction, result.Segments);
    }

    /// <summary>
    /// The days an instalment plan defers the claim (no default interest): from the day it was agreed, while it is active
    /// (through today), to the due date of the instalment whose miss defaulted it (interest resumes the day after: that
    /// instalment was due and unpaid), to its last due date once completed (whatever it did not cover accrues after), and to
    /// the last paid instalment's due date when it was cancelled. Null when the range is empty.
    /// </summary>
    internal static DateInterval? PauseOf(InstalmentPlan plan, DateTimeZone zone, LocalDate today)
    {
        var start = plan.CreatedAt.InZone(zone).Date;
        LocalDate? end = plan.Status switch
        {
            InstalmentPlanStatus.Active => today,
            InstalmentPlanStatus.Defaulted => plan.Instalments.Where(i => i.Status == InstalmentStatus.Missed).Select(i => (LocalDate?)i.DueDate).Max() ?? start,
            InstalmentPlanStatus.Completed => plan.Instalments.Select(i => (LocalDate?)i.DueDate).Max() ?? start,
            _ => plan.Instalments.Where(i => i.Status == InstalmentStatus.Paid).Select(i => (LocalDate?)i.DueDate).Max(),
        };
        return end is { } last && last >= start ? new DateInterval(start, last) : null;
    }

    [LoggerMessage(EventId = 4490, Level = LogLevel.Information, Message = "Statutory interest accrued on {Accounts} accounts ({Updated} changed) in {Seconds:0.0} s: {States}")]
    private static partial void LogRun(ILogger logger, int accounts, int updated, double seconds, string states);

    [LoggerMessage(EventId = 4491, Level = LogLevel.Warning, Message = "{Count} accounts accrue no statutory interest or stop short of today: {State} (see each account's note)")]
    private static partial void LogNotAccrued(ILogger logger, int count, string state);
}
