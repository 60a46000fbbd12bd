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
    public static async Task<ComplianceSubject?> LoadAsync(CollectionsDbContext db, AccountId accountId, Instant at, CancellationToken cancellationToken) =>
        (await LoadManyAsync(db, [accountId], at, cancellationToken)).GetValueOrDefault(accountId);

    /// <summary><see cref="LoadAsync"/> for many accounts with a handful of queries in all; accounts that do not exist are missing from the answer.</summary>
    public static async Task<IReadOnlyDictionary<AccountId, ComplianceSubject>> LoadManyAsync(CollectionsDbContext db, IReadOnlyCollection<AccountId> accountIds, Instant at, CancellationToken cancellationToken)
    {
        var ids = accountIds.Distinct().ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(cancellationToken);
        if (accounts.Count == 0)
        {
            return new Dictionary<AccountId, ComplianceSubject>();
        }

        var debtorIds = accounts.Select(a => a.DebtorId).Distinct().ToList();
        var debtors = await db.Debtors.AsNoTracking()
            .Include(d => d.Addresses)
            .Include(d => d.Phones)
            .AsSplitQuery()
            .Where(d => debtorIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        var optOuts = await db.OptOuts.AsNoTracking().Where(o => debtorIds.Contains(o.DebtorId)).ToListAsync(cancellationToken);
        // Opt-outs of erased debtors whose numbers or addresses these debtors hold now (Privacy/SuppressionList.cs).
        optOuts.AddRange((await Privacy.SuppressionList.OptOutsAsync(db, debtors.Values, cancellationToken)).SelectMany(g => g));
        var holds = await db.Holds.AsNoTracking().Where(h => ids.Contains(h.AccountId)).ToListAsync(cancellationToken);

        // Per-number rules (Ofcom's repeat rules, attempts per number per day) count calls to a number whatever account they were about.
        static List<string> AddressesOf(Debtor debtor)
        {
            var addresses = debtor.Phones.Select(p => p.E164).ToList();
            if (!string.IsNullOrWhiteSpace(debtor.Email))
            {
                addresses.Add(debtor.Email);
            }

            return addresses;
        }

        var allAddresses = debtors.Values.SelectMany(AddressesOf).Distinct().ToList();
        var since = at - LookBack;
        var ledger = await db.ContactAttempts.AsNoTracking()
            .Where(c => (ids.Contains(c.AccountId) || allAddresses.Contains(c.Address)) && c.StartedAt >= since)
            .ToListAsync(cancellationToken);

        var reports = await PartyReportsAsync(db, debtorIds, cancellationToken);
        return accounts.ToDictionary(a => a.Id, account =>
        {
            var debtor = debtors[account.DebtorId];
            var addresses = AddressesOf(debtor);
            return new ComplianceSubject
            {
                Account = account,
                Debtor = debtor,
                OptOuts = [.. optOuts.Where(o => o.DebtorId == debtor.Id)],
                Holds = [.. holds.Where(h => h.AccountId == account.Id)],
                Ledger = [.. ledger.Where(c => c.AccountId == account.Id || addresses.Contains(c.Address))],
                PartyReports = [.. reports[debtor.Id]],
            };
        });
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
