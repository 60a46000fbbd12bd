using Collections.Shared.Domain;
using Collections.Shared.Interest;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>Builds a letter's model from an account's rows: invoices, statutory interest per period, earlier messages.</summary>
public sealed class LetterComposer(Func<CollectionsDbContext> createContext, StatutoryInterestCalculator? interest, AgencyDetails agency)
{
    /// <summary>Days the debtor is given to pay from the letter's date.</summary>
    public const int PaymentDays = 14;

    /// <summary>The model of a <paramref name="kind"/> letter dated <paramref name="date"/>; null when the account does not exist.</summary>
    /// <remarks>Interest: the statutory rate of the creditor's country (BGB § 288, Ptk. 6:48) from the day after each
    /// invoice's due date to the letter's date, when the rule book covers that country and those dates; otherwise the
    /// interest already booked on the account, without periods. Costs are the account's booked fees.</remarks>
    public async Task<LetterModel?> ComposeAsync(AccountId accountId, LetterKind kind, LocalDate date, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var account = await db.Accounts.AsNoTracking().Include(a => a.Invoices).FirstOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).FirstAsync(d => d.Id == account.DebtorId, cancellationToken);
        var creditor = await db.Creditors.AsNoTracking().FirstAsync(c => c.Id == account.CreditorId, cancellationToken);
        var earlier = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.AccountId == accountId && (m.State == OutboundMessageState.Accepted || m.State == OutboundMessageState.Sent || m.State == OutboundMessageState.Delivered))
            .OrderBy(m => m.CreatedAt)
            .Select(m => new { m.CreatedAt, m.Channel, m.Template })
            .ToListAsync(cancellationToken);

        var invoices = account.Invoices.OrderBy(i => i.DueOn).ToList();
        var letterInvoices = invoices.Count > 0
            ? invoices.Select(i => new LetterInvoice(i.Number, i.IssuedOn, i.DueOn, i.Amount)).ToList()
            : [new LetterInvoice(account.CreditorReference, account.DueDate, account.DueDate, account.Principal)];
        var (interestAmount, periods, law) = Interest(account, debtor, creditor, letterInvoices, date);
        var address = debtor.CurrentAddress;
        var arrangement = await ArrangementAsync(db, accountId, kind, date, cancellationToken);
        return new LetterModel(
            kind,
            debtor.PreferredLanguage,
            date,
            agency,
            creditor.Name,
            creditor.Country,
            debtor.DisplayName,
            address is null ? [] : [address.Street, $"{address.PostalCode} {address.City}", address.Country],
            account.CreditorReference,
            account.Origin ?? account.Industry.ToString(),
            letterInvoices.Min(i => i.IssuedOn),
            account.Currency,
            letterInvoices,
            account.Principal,
            interestAmount,
            account.Fees,
            account.Paid,
            periods,
            law,
            earlier.Select(e => new EarlierNotice(e.CreatedAt.InUtc().Date, $"{e.Channel}: {e.Template}")).ToList(),
            date.PlusDays(PaymentDays),
            address?.Country ?? "",
            arrangement);
    }

    /// <summary>What a confirmation or pre-instalment letter states: the latest agreed or approved settlement, or the
    /// instalments of the active plan (for a pre-instalment reminder, those still due from the letter's date on).</summary>
    private static async Task<LetterArrangement?> ArrangementAsync(CollectionsDbContext db, AccountId accountId, LetterKind kind, LocalDate date, CancellationToken cancellationToken)
    {
        if (kind == LetterKind.SettlementConfirmation)
        {
            var offers = await db.SettlementOffers.AsNoTracking()
                .Where(o => o.AccountId == accountId && (o.Status == Collections.Shared.Workflow.SettlementStatus.Agreed || o.Status == Collections.Shared.Workflow.SettlementStatus.Approved))
                .ToListAsync(cancellationToken);
            var offer = offers.MaxBy(o => o.CreatedAt);
            return offer is null ? null : new LetterArrangement(offer.Amount, offer.PayBy, []);
        }

        if (kind is LetterKind.InstalmentPlanConfirmation or LetterKind.PreInstalmentReminder)
        {
            var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments)
                .Where(p => p.AccountId == accountId && p.Status == InstalmentPlanStatus.Active)
                .ToListAsync(cancellationToken);
            var plan = plans.MaxBy(p => p.CreatedAt);
            if (plan is null)
            {
                return null;
            }

            var instalments = plan.Instalments
                .Where(i => kind == LetterKind.InstalmentPlanConfirmation || (i.Status is InstalmentStatus.Due or InstalmentStatus.PartlyPaid && i.DueDate >= date))
                .OrderBy(i => i.Number)
                .Select(i => new LetterInstalment(i.Number, i.DueDate, i.Amount - i.PaidAmount))
                .ToList();
            return new LetterArrangement(null, null, instalments);
        }

        return null;
    }

    private (decimal Amount, IReadOnlyList<LetterInterestPeriod> Periods, string Law) Interest(Account account, Debtor debtor, Creditor creditor, IReadOnlyList<LetterInvoice> invoices, LocalDate until)
    {
        if (interest is null)
        {
            return (account.Interest, [], "");
        }

        try
        {
            var periods = new List<LetterInterestPeriod>();
            var law = "";
            foreach (var invoice in invoices)
            {
                var result = interest.Calculate(new InterestRequest(creditor.Country, debtor.Kind == Collections.Shared.Domain.DebtorKind.Business ? Collections.Shared.Interest.DebtorKind.Business : Collections.Shared.Interest.DebtorKind.Consumer,
                    invoice.Amount, account.Currency, invoice.DueOn, until));
                periods.AddRange(result.Periods.Select(p => new LetterInterestPeriod(p.From, p.To, p.Days, p.RatePercent, p.Amount)));
                law = result.Law;
            }

            return (periods.Sum(p => p.Amount), periods, law);
        }
        catch (InterestInputException)
        {
            // No statutory table for the country or the dates: print the interest booked by the creditor, without a calculation.
            return (account.Interest, [], "");
        }
    }
}
