using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Legal;

/// <summary>Where a claim stands against its limitation period.</summary>
public enum LimitationState
{
    /// <summary>The period runs and the warning window has not begun.</summary>
    Running = 1,

    /// <summary>Inside the pack's warning window: the case belongs on the legal queue.</summary>
    Nearing = 2,

    /// <summary>The last day has passed: the claim can no longer be enforced in court.</summary>
    TimeBarred = 3,

    /// <summary>The debtor's jurisdiction has no limitation rule in the packs.</summary>
    NoRule = 4,
}

/// <summary>A claim's limitation today, with how it was reached.</summary>
/// <param name="Jurisdiction">The jurisdiction whose law applies (the debtor's country, else the creditor's).</param>
/// <param name="State">Where the claim stands.</param>
/// <param name="LastDay">The last day on which proceedings stop the period; null without a rule.</param>
/// <param name="WarnFrom">From this day the case is flagged to the legal queue; null without a rule.</param>
/// <param name="DaysLeft">Days from today to <paramref name="LastDay"/> (negative once barred); null without a rule.</param>
/// <param name="Rule">The rule applied, or null.</param>
/// <param name="Result">The computation: due day, restarts, each event looked at; null without a rule.</param>
public sealed record LimitationStatus(string Jurisdiction, LimitationState State, LocalDate? LastDay, LocalDate? WarnFrom, int? DaysLeft, LimitationRule? Rule, LimitationResult? Result);

/// <summary>What a refresh did.</summary>
/// <param name="Cases">Open cases looked at.</param>
/// <param name="Changed">Cases whose stored limitation changed.</param>
/// <param name="Nearing">Cases inside their warning window (on the legal queue for limitation).</param>
/// <param name="TimeBarred">Cases past their last day.</param>
public sealed record LimitationRefreshReport(int Cases, int Changed, int Nearing, int TimeBarred);

/// <summary>Computes each claim's limitation from its record and its jurisdiction's rule pack (<see cref="LimitationCalculator"/>),
/// and keeps the open cases' <see cref="Case.LimitationLastDay"/> current so the legal queue can find those nearing it.</summary>
public sealed partial class LimitationService(ICollectionsDbContextFactory contexts, ComplianceEngine compliance, TimeProvider time, ILogger<LimitationService> logger)
{
    /// <summary>Open cases per transaction in <see cref="RefreshAsync"/>.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>The limitation of <paramref name="accountId"/> today, or null when there is no such account.</summary>
    public async Task<LimitationStatus?> ForAccountAsync(AccountId accountId, CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        var contextsById = await AccountContext.LoadManyAsync(db, [accountId], ct);
        return contextsById.TryGetValue(accountId, out var ctx) ? (await ComputeAsync(db, [ctx], ct))[accountId] : null;
    }

    /// <summary>Recomputes the limitation of every open case and stores its last day and warning day where they changed.</summary>
    public async Task<LimitationRefreshReport> RefreshAsync(int batchSize = DefaultBatchSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        List<AccountId> ids;
        await using (var db = contexts.CreateDbContext())
        {
            ids = await db.Cases.AsNoTracking().Where(c => c.Phase != CasePhase.Closed).OrderBy(c => c.AccountId).Select(c => c.AccountId).ToListAsync(ct);
        }

        int changed = 0, nearing = 0, barred = 0;
        foreach (var batch in ids.Chunk(batchSize))
        {
            await using var db = contexts.CreateDbContext();
            var ctxs = await AccountState.LoadContextsAsync(db, batch, track: false, ct);
            var statuses = await ComputeAsync(db, ctxs, ct);
            foreach (var ctx in ctxs)
            {
                var status = statuses[ctx.Account.Id];
                nearing += status.State == LimitationState.Nearing ? 1 : 0;
                barred += status.State == LimitationState.TimeBarred ? 1 : 0;
                // The cases were loaded tracked (LoadContextsAsync always tracks cases): only the changed ones are written.
                if (ctx.Case is { } c && (c.LimitationLastDay != status.LastDay || c.LimitationWarnFrom != status.WarnFrom))
                {
                    c.LimitationLastDay = status.LastDay;
                    c.LimitationWarnFrom = status.WarnFrom;
                    changed++;
                }
            }

            await db.SaveChangesAsync(ct);
        }

        var report = new LimitationRefreshReport(ids.Count, changed, nearing, barred);
        Refreshed(logger, report.Cases, report.Changed, report.Nearing, report.TimeBarred);
        return report;
    }

    private async Task<Dictionary<AccountId, LimitationStatus>> ComputeAsync(CollectionsDbContext db, IReadOnlyCollection<AccountContext> ctxs, CancellationToken ct)
    {
        var ids = ctxs.Select(c => c.Account.Id).ToList();
        var nullableIds = ids.Select(i => (AccountId?)i).ToList();
        var events = ids.ToDictionary(i => i, _ => new List<(LimitationEventKind Kind, Instant? At, LocalDate? On, string Text)>());
        var firstInvoiceDue = await db.Invoices.AsNoTracking().Where(i => EF.Parameter(ids).Contains(i.AccountId))
            .GroupBy(i => i.AccountId).Select(g => new { g.Key, Due = g.Min(i => i.DueOn) }).ToDictionaryAsync(g => g.Key, g => g.Due, ct);
        foreach (var p in await db.Payments.AsNoTracking().Where(p => EF.Parameter(nullableIds).Contains(p.AccountId))
                     .Select(p => new { p.AccountId, p.ReceivedOn, p.Amount, p.Currency }).ToListAsync(ct))
        {
            events[p.AccountId!.Value].Add((LimitationEventKind.PartPayment, null, p.ReceivedOn, $"payment {p.Amount:0.00} {p.Currency} received"));
        }

        foreach (var p in await db.InstalmentPlans.AsNoTracking().Where(p => EF.Parameter(ids).Contains(p.AccountId))
                     .Select(p => new { p.AccountId, p.CreatedAt, p.Total, p.Currency }).ToListAsync(ct))
        {
            events[p.AccountId].Add((LimitationEventKind.InstalmentPlan, p.CreatedAt, null, $"instalment plan of {p.Total:0.00} {p.Currency} agreed"));
        }

        // A letter counts once it left (sent or delivered); a letter still pending or returned undelivered demanded nothing.
        foreach (var l in await db.ContactAttempts.AsNoTracking()
                     .Where(c => EF.Parameter(ids).Contains(c.AccountId) && c.Channel == ContactChannel.Letter
                                 && (c.Outcome == ContactOutcome.Sent || c.Outcome == ContactOutcome.Delivered))
                     .Select(c => new { c.AccountId, c.StartedAt }).ToListAsync(ct))
        {
            events[l.AccountId].Add((LimitationEventKind.WrittenDemand, l.StartedAt, null, "written demand (letter) sent"));
        }

        foreach (var a in await db.DebtAcknowledgements.AsNoTracking().Where(a => EF.Parameter(ids).Contains(a.AccountId))
                     .Select(a => new { a.AccountId, a.SignedOn, a.Amount, a.SignedBy }).ToListAsync(ct))
        {
            events[a.AccountId].Add((LimitationEventKind.Acknowledgement, null, a.SignedOn, $"acknowledgement of debt of {a.Amount:0.00} signed by {a.SignedBy}"));
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var result = new Dictionary<AccountId, LimitationStatus>();
        foreach (var ctx in ctxs)
        {
            var jurisdiction = ctx.Jurisdiction;
            if (!compliance.Packs.TryGetValue(jurisdiction, out var pack) || pack.Limitation is not { } rule)
            {
                result[ctx.Account.Id] = new LimitationStatus(jurisdiction, LimitationState.NoRule, null, null, null, null, null);
                continue;
            }

            // Each invoice is a claim of its own; the earliest falls due first and is barred first, so it sets the date.
            var due = firstInvoiceDue.TryGetValue(ctx.Account.Id, out var invoiceDue) && invoiceDue < ctx.Account.DueDate ? invoiceDue : ctx.Account.DueDate;
            var computed = LimitationCalculator.Compute(rule, due,
                events[ctx.Account.Id].Select(e => new LimitationEvent(e.Kind, e.On ?? e.At!.Value.InZone(ctx.Zone).Date, e.Text)));
            var today = ctx.Today(now);
            var warnFrom = computed.LastDay.PlusDays(-rule.WarnDays);
            var state = today > computed.LastDay ? LimitationState.TimeBarred : today >= warnFrom ? LimitationState.Nearing : LimitationState.Running;
            result[ctx.Account.Id] = new LimitationStatus(jurisdiction, state, computed.LastDay, warnFrom, Period.Between(today, computed.LastDay, PeriodUnits.Days).Days, rule, computed);
        }

        return result;
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Limitation refreshed: {Cases} open cases, {Changed} changed, {Nearing} nearing limitation, {TimeBarred} time-barred")]
    private static partial void Refreshed(ILogger logger, int cases, int changed, int nearing, int timeBarred);
}
