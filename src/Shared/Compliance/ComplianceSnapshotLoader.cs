using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>Reads what the compliance rules need about one account from the database.</summary>
public static class ComplianceSnapshotLoader
{
    // The longest look-back of any rule: 7 consecutive days (Regulation F) plus a day of zone slack, 72 h (Ofcom);
    // two weeks covers every shipped pack with margin.
    private static readonly Duration LookBack = Duration.FromDays(14);

    /// <summary>Loads the account, its debtor with addresses and numbers, opt-outs, holds and recent ledger rows; null when no such account.</summary>
    public static async Task<ComplianceSubject?> LoadAsync(CollectionsDbContext db, AccountId accountId, Instant at, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var debtor = await db.Debtors.AsNoTracking()
            .Include(d => d.Addresses)
            .Include(d => d.Phones)
            .AsSplitQuery()
            .FirstAsync(d => d.Id == account.DebtorId, cancellationToken);
        var optOuts = await db.OptOuts.AsNoTracking().Where(o => o.DebtorId == debtor.Id).ToListAsync(cancellationToken);
        var holds = await db.Holds.AsNoTracking().Where(h => h.AccountId == accountId).ToListAsync(cancellationToken);

        // Per-number rules (Ofcom's repeat rules, attempts per number per day) count calls to a number whatever account they were about.
        var addresses = debtor.Phones.Select(p => p.E164).ToList();
        if (!string.IsNullOrWhiteSpace(debtor.Email))
        {
            addresses.Add(debtor.Email);
        }

        var since = at - LookBack;
        var ledger = await db.ContactAttempts.AsNoTracking()
            .Where(c => (c.AccountId == accountId || addresses.Contains(c.Address)) && c.StartedAt >= since)
            .ToListAsync(cancellationToken);

        var reports = (await PartyReportsAsync(db, [debtor.Id], cancellationToken))[debtor.Id].ToList();

        return new ComplianceSubject { Account = account, Debtor = debtor, OptOuts = optOuts, Holds = holds, Ledger = ledger, PartyReports = reports };
    }

    /// <summary>Who each contact reached at the debtors' numbers and addresses, over all time (a wrong number stays wrong):
    /// the operator's disposition for a wrong number or another person, and every right-party contact, which lifts an
    /// earlier report for that address. Keyed by debtor; the hopper reads a page of debtors at once.</summary>
    public static async Task<ILookup<DebtorId, PartyReport>> PartyReportsAsync(CollectionsDbContext db, IReadOnlyCollection<DebtorId> debtorIds, CancellationToken cancellationToken)
    {
        var wrong = await db.Dispositions.AsNoTracking()
            .Where(d => d.Code == DispositionCode.WrongNumber || d.Code == DispositionCode.WrongParty)
            .Join(db.ContactAttempts.AsNoTracking().Where(c => debtorIds.Contains(c.DebtorId)), d => d.ContactAttemptId, c => (ContactAttemptId?)c.Id,
                (d, c) => new { c.DebtorId, c.Address, c.Channel, d.Code, d.At })
            .ToListAsync(cancellationToken);
        var reached = await db.ContactAttempts.AsNoTracking()
            .Where(c => debtorIds.Contains(c.DebtorId) && c.RightPartyContact)
            .Select(c => new { c.DebtorId, c.Address, c.Channel, c.StartedAt })
            .ToListAsync(cancellationToken);
        return wrong.Select(w => (w.DebtorId, Report: new PartyReport(w.Address, w.Channel, w.Code == DispositionCode.WrongNumber ? PartyReached.WrongNumber : PartyReached.OtherPerson, w.At)))
            .Concat(reached.Select(r => (r.DebtorId, Report: new PartyReport(r.Address, r.Channel, PartyReached.Debtor, r.StartedAt))))
            .ToLookup(x => x.DebtorId, x => x.Report);
    }
}
