using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Privacy;

/// <summary>Why one account's data may not be erased yet: the account's reference, a stable kind, what was found, and the
/// ground of GDPR Art. 17(3) it falls under.</summary>
public sealed record ErasureHold(string Account, string Kind, string Reason, string Ground);

/// <summary>
/// The legal holds on a debtor's data, read from the data itself. GDPR Art. 17(1) gives the right to erasure; Art. 17(3)
/// takes out data still needed "(b) for compliance with a legal obligation" and "(e) for the establishment, exercise or
/// defence of legal claims". A claim is still being pursued while its case is open, in legal review, filed at court or
/// under a payment order, disputed, under a legal or insolvency hold, or while a balance is outstanding that can still be
/// enforced (not time-barred, not handed back to the creditor). Bookkeeping records are not a hold on the person: the
/// erasure keeps the payments' amounts and dates and removes who paid (<see cref="SubjectErasure"/>).
/// </summary>
public static class ErasureHolds
{
    private const string Claims = "GDPR Art. 17(3)(e): needed to establish, exercise or defend the claim";
    private const string Obligation = "GDPR Art. 17(3)(b): kept to comply with a legal obligation";

    /// <summary>Every hold on the debtor's accounts at <paramref name="now"/>, in account order; empty when none applies.</summary>
    public static async Task<IReadOnlyList<ErasureHold>> FindAsync(CollectionsDbContext db, DebtorId debtorId, Instant now, CancellationToken ct)
    {
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.DebtorId == debtorId).OrderBy(a => a.CreditorReference).ToListAsync(ct);
        var ids = accounts.Select(a => a.Id).ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.AccountId)).ToDictionaryAsync(c => c.AccountId, ct);
        var holds = (await db.Holds.AsNoTracking().Where(h => ids.Contains(h.AccountId)).ToListAsync(ct)).ToLookup(h => h.AccountId);
        var orders = (await db.LegalActionConsents.AsNoTracking().Where(c => ids.Contains(c.AccountId) && c.Filing == "payment-order").ToListAsync(ct)).ToLookup(c => c.AccountId);
        var today = now.InUtc().Date;
        var found = new List<ErasureHold>();
        foreach (var account in accounts)
        {
            var reference = account.CreditorReference;
            var @case = cases.GetValueOrDefault(account.Id);
            var active = holds[account.Id].Where(h => h.IsActiveAt(now)).ToList();
            var closed = @case is { Phase: CasePhase.Closed };
            switch (@case?.Phase)
            {
                case CasePhase.LegalReview:
                    found.Add(new(reference, "legal-review", "the case is in legal review", Claims));
                    break;
                case CasePhase.Filed:
                    found.Add(new(reference, "filed", "legal action was filed (court claim or payment order)", Claims));
                    break;
                case { } phase when phase != CasePhase.Closed:
                    found.Add(new(reference, "open-case", $"the case is open (phase {phase})", Claims));
                    break;
            }

            // A payment order not refused by the creditor becomes an enforceable title (ZPO § 699, § 794(1) no. 4): kept
            // while anything of the claim is unpaid, even after the case was closed.
            if (orders[account.Id].Any(o => o.Approved != false) && (!closed || account.Balance.Amount > 0))
            {
                found.Add(new(reference, "payment-order", "a payment order was requested or filed", Claims));
            }

            foreach (var hold in active)
            {
                var (kind, ground) = hold.Kind switch
                {
                    HoldKind.Dispute => ("dispute", Claims),
                    HoldKind.LegalHold => ("legal-hold", Claims),
                    HoldKind.Bankruptcy => ("insolvency", Obligation),
                    _ => (null, null),
                };
                if (kind is not null)
                {
                    found.Add(new(reference, kind, $"{hold.Kind} since {hold.From.InUtc().Date:uuuu'-'MM'-'dd} is active", ground!));
                }
            }

            // An unpaid balance is a claim the creditor may still enforce, unless it is time-barred (the case closed after its
            // limitation's last day) or the claim went back to the creditor (a recall on a closed case), who keeps its own record.
            var balance = account.Balance.Amount;
            var timeBarred = closed && @case!.LimitationLastDay is { } last && last < today;
            var recalled = closed && holds[account.Id].Any(h => h.Kind == HoldKind.CreditorRecall);
            if (balance > 0 && !timeBarred && !recalled)
            {
                found.Add(new(reference, "balance-outstanding", $"{balance:0.00} {account.Currency} is outstanding", Claims));
            }
        }

        return found;
    }
}
