using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Legal;

/// <summary>Why a case is on the legal queue.</summary>
public enum LegalQueueReason
{
    /// <summary>The case is in legal review (by its strategy, a supervisor or the creditor).</summary>
    LegalReview = 1,

    /// <summary>Its limitation period ends within the pack's warning days.</summary>
    NearingLimitation = 2,

    /// <summary>Its limitation period has ended and the case is still open.</summary>
    TimeBarred = 3,
}

/// <summary>One case on the legal queue.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Reference">The creditor's reference.</param>
/// <param name="Creditor">The creditor's code.</param>
/// <param name="Debtor">The debtor's name.</param>
/// <param name="Outstanding">What is owed.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Phase">The case's phase.</param>
/// <param name="Reason">Why it is on the queue.</param>
/// <param name="LimitationLastDay">The last day to go to court, as last computed; null when unknown.</param>
public sealed record LegalQueueRow(AccountId AccountId, string Reference, string Creditor, string Debtor, decimal Outstanding, string Currency, CasePhase Phase, LegalQueueReason Reason, LocalDate? LimitationLastDay);

/// <summary>The legal team's work list: cases in legal review, and open cases nearing or past limitation (the stored dates
/// <see cref="LimitationService.RefreshAsync"/> keeps), soonest limitation first.</summary>
public sealed class LegalQueue(ICollectionsDbContextFactory contexts, TimeProvider time)
{
    /// <summary>The queue today (UTC date: a case is flagged at most a day early or late at the zone boundary, against
    /// warning windows of months).</summary>
    public async Task<IReadOnlyList<LegalQueueRow>> LoadAsync(int limit = 500, CancellationToken ct = default)
    {
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date;
        await using var db = contexts.CreateDbContext();
        var rows = await (from c in db.Cases.AsNoTracking()
                          join a in db.Accounts.AsNoTracking() on c.AccountId equals a.Id
                          join cr in db.Creditors.AsNoTracking() on a.CreditorId equals cr.Id
                          join d in db.Debtors.AsNoTracking() on a.DebtorId equals d.Id
                          // A filed claim no longer runs towards limitation (BGB § 204(1) Nr. 1 and 3; Ptk. 6:25(1)).
                          where c.Phase == CasePhase.LegalReview || (c.Phase != CasePhase.Closed && c.Phase != CasePhase.Filed && c.LimitationWarnFrom != null && c.LimitationWarnFrom <= today)
                          orderby c.LimitationLastDay
                          select new
                          {
                              a.Id, a.CreditorReference, cr.Code, d.Kind, d.FirstName, d.LastName, d.CompanyName, a.Currency,
                              Outstanding = a.Principal + a.Interest + a.StatutoryInterest + a.Fees - a.Paid,
                              c.Phase, c.LimitationLastDay,
                          }).Take(limit).ToListAsync(ct);
        return [.. rows.Select(r => new LegalQueueRow(r.Id, r.CreditorReference, r.Code,
                new Debtor { Kind = r.Kind, FirstName = r.FirstName, LastName = r.LastName, CompanyName = r.CompanyName, PreferredLanguage = "en" }.DisplayName,
                r.Outstanding, r.Currency, r.Phase,
                r.Phase == CasePhase.LegalReview ? LegalQueueReason.LegalReview : r.LimitationLastDay < today ? LegalQueueReason.TimeBarred : LegalQueueReason.NearingLimitation,
                r.LimitationLastDay))
            .OrderBy(r => r.LimitationLastDay ?? LocalDate.MaxIsoValue).ThenBy(r => r.Reference, StringComparer.Ordinal)];
    }
}
