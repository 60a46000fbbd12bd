using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using PhoneNumbers;

namespace Collections.Shared.Domain;

/// <summary>One account found by <see cref="AccountSearch"/>: enough to recognise the debtor and pick the number to dial.</summary>
/// <param name="Phones">The debtor's numbers (E.164) in priority order, numbers known to be wrong left out.</param>
public sealed record AccountHit(
    AccountId AccountId,
    DebtorId DebtorId,
    string Reference,
    string DebtorName,
    string Creditor,
    string? PostalCode,
    string? Email,
    IReadOnlyList<string> Phones,
    decimal Balance,
    string Currency,
    string Language);

/// <summary>Finds accounts by the debtor's name, the creditor's reference, a phone number (E.164 or its digits), an e-mail
/// address or a postal code: what an operator types when a debtor calls or writes in.</summary>
public static class AccountSearch
{
    /// <summary>At most this many accounts are returned, best matches (reference, phone, e-mail) first.</summary>
    public const int MaxHits = 20;

    /// <summary>The shortest query searched: fewer characters would match half the book.</summary>
    public const int MinQueryLength = 2;

    /// <summary>The accounts matching <paramref name="query"/>; an error naming the query when it is too short.</summary>
    public static async Task<(IReadOnlyList<AccountHit> Hits, string? Error)> FindAsync(CollectionsDbContext db, string? query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var q = (query ?? string.Empty).Trim();
        if (q.Length < MinQueryLength)
        {
            return ([], $"query: type at least {MinQueryLength} characters (name, reference, phone, e-mail or postal code)");
        }

        var upper = q.ToUpperInvariant();
        var lower = q.ToLowerInvariant();
        var compact = upper.Replace(" ", string.Empty, StringComparison.Ordinal);
        var digits = new string([.. q.Where(char.IsAsciiDigit)]);
        var e164 = E164(q);
        var tokens = lower.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // Debtors by e-mail, phone, postal code or every word of the query in their name.
        IQueryable<Debtor> debtors = db.Debtors;
        if (q.Contains('@', StringComparison.Ordinal))
        {
            debtors = debtors.Where(d => d.Email != null && d.Email.ToLower() == lower);
        }
        else
        {
            var byName = db.Debtors.AsQueryable();
            foreach (var token in tokens)
            {
                byName = byName.Where(d => (d.FirstName != null && d.FirstName.ToLower().Contains(token))
                    || (d.LastName != null && d.LastName.ToLower().Contains(token))
                    || (d.CompanyName != null && d.CompanyName.ToLower().Contains(token)));
            }

            var matches = byName.Select(d => d.Id)
                .Concat(db.Addresses.Where(a => a.PostalCode.Replace(" ", "").ToUpper() == compact).Select(a => a.DebtorId));
            if (e164 is not null)
            {
                matches = matches.Concat(db.PhoneNumbers.Where(p => p.E164 == e164).Select(p => p.DebtorId));
            }
            else if (digits.Length >= 6)
            {
                // Digits as typed, without the country code's plus or with a national trunk prefix dropped by the typist.
                matches = matches.Concat(db.PhoneNumbers.Where(p => p.E164.Contains(digits)).Select(p => p.DebtorId));
            }

            debtors = debtors.Where(d => matches.Contains(d.Id));
        }

        var debtorIds = debtors.Select(d => d.Id);
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => a.CreditorReference.ToUpper() == upper || debtorIds.Contains(a.DebtorId))
            .OrderBy(a => a.CreditorReference)
            .Take(MaxHits)
            .ToListAsync(cancellationToken);
        if (accounts.Count == 0)
        {
            return ([], null);
        }

        var ids = accounts.Select(a => a.DebtorId).Distinct().ToList();
        var found = await db.Debtors.AsNoTracking().Include(d => d.Phones).Include(d => d.Addresses).AsSplitQuery()
            .Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var creditorIds = accounts.Select(a => a.CreditorId).Distinct().ToList();
        var creditors = await db.Creditors.AsNoTracking().Where(c => creditorIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        return ([.. accounts.Select(a =>
        {
            var debtor = found[a.DebtorId];
            return new AccountHit(
                a.Id, a.DebtorId, a.CreditorReference, debtor.DisplayName, creditors[a.CreditorId], debtor.CurrentAddress?.PostalCode, debtor.Email,
                [.. debtor.Phones.Where(p => p.WrongNumberAt is null).OrderBy(p => p.Priority).Select(p => p.E164)],
                a.Balance.Amount, a.Currency, debtor.PreferredLanguage);
        })], null);
    }

    /// <summary>The query as an E.164 number when it is one written with its country code ("+44 20 7946 0123"); else null.</summary>
    public static string? E164(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.TrimStart().StartsWith('+'))
        {
            return null;
        }

        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var number = util.Parse(query, null);
            return util.IsPossibleNumber(number) ? util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
