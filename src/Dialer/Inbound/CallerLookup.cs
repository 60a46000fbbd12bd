using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using PhoneNumbers;

namespace Collections.Dialer.Inbound;

/// <summary>Who is calling: the debtor whose phone the caller's number is, the account the call is about and the language to
/// greet in; <see cref="Matched"/> false for a number no debtor has, or several have (a shared line: the operator asks).</summary>
internal sealed record Caller(string Number, DebtorId? DebtorId, AccountId? AccountId, string Language)
{
    public bool Matched => AccountId is not null;
}

/// <summary>Finds the caller by number among all phones of all debtors (E.164, libphonenumber).</summary>
internal static class CallerLookup
{
    /// <summary>
    /// The caller's number as E.164: "+..." as given, "00..." as an international prefix, anything else read as a national
    /// number of <paramref name="did"/>'s country (carriers send UK callers as 020..., or without the "+"); null when it is no
    /// number at all (an anonymous or withheld caller, RFC 3323 "anonymous@anonymous.invalid").
    /// </summary>
    public static string? Normalize(string? user, string did)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return null;
        }

        var util = PhoneNumberUtil.GetInstance();
        var text = user.Trim();
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = "+" + text[2..];
        }

        try
        {
            var region = util.GetRegionCodeForNumber(util.Parse(did, null));
            var parsed = util.Parse(text, region);
            if (!util.IsPossibleNumber(parsed))
            {
                // "442079460123" without its plus: read again as international.
                parsed = util.Parse("+" + text, null);
            }

            return util.IsPossibleNumber(parsed) ? util.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// The caller: the one debtor with <paramref name="number"/> among their phones (numbers marked wrong left out), their open
    /// account with the highest balance (or the newest account when none is open), and their preferred language when the IVR
    /// speaks it; else an unknown caller in <paramref name="defaultLanguage"/>.
    /// </summary>
    public static async Task<Caller> FindAsync(CollectionsDbContext db, string? number, string defaultLanguage, CancellationToken ct)
    {
        if (number is null)
        {
            return new Caller("anonymous", null, null, defaultLanguage);
        }

        var debtors = await db.PhoneNumbers.AsNoTracking().Where(p => p.E164 == number && p.WrongNumberAt == null)
            .Select(p => p.DebtorId).Distinct().Take(2).ToListAsync(ct);
        if (debtors.Count != 1)
        {
            return new Caller(number, null, null, defaultLanguage);
        }

        var debtorId = debtors[0];
        var language = await db.Debtors.AsNoTracking().Where(d => d.Id == debtorId).Select(d => d.PreferredLanguage).FirstAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.DebtorId == debtorId).ToListAsync(ct);
        var ids = accounts.Select(a => a.Id).ToList();
        var open = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.AccountId) && c.ClosedAt == null).Select(c => c.AccountId).ToListAsync(ct);
        var account = accounts.Where(a => open.Contains(a.Id)).OrderByDescending(a => a.Balance.Amount).FirstOrDefault()
            ?? accounts.OrderByDescending(a => a.Id.Value).FirstOrDefault();
        return new Caller(number, debtorId, account?.Id, InboundPrompts.Languages.Contains(language) ? language : defaultLanguage);
    }
}
