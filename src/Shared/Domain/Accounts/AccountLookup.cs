using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Domain;

/// <summary>Finds an account the way people name one: by its id, or by the creditor's reference and, where that reference
/// exists at several creditors, the creditor's code.</summary>
public static class AccountLookup
{
    /// <summary>The account with id <paramref name="reference"/> (a GUID) or creditor reference <paramref name="reference"/>
    /// at the creditor <paramref name="creditorCode"/> (any when null); else an error naming what was not found or ambiguous.</summary>
    public static async Task<(AccountId? Account, string? Error)> FindAsync(CollectionsDbContext db, string reference, string? creditorCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Guid.TryParse(reference, out var guid))
        {
            var id = new AccountId(guid);
            if (await db.Accounts.AnyAsync(a => a.Id == id, cancellationToken))
            {
                return (id, null);
            }
        }

        var query = db.Accounts.AsNoTracking().Where(a => a.CreditorReference == reference);
        if (creditorCode is not null)
        {
            var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == creditorCode, cancellationToken);
            if (creditor is null)
            {
                return (null, $"unknown creditor '{creditorCode}'");
            }

            query = query.Where(a => a.CreditorId == creditor.Id);
        }

        var matches = await query.Select(a => a.Id).Take(2).ToListAsync(cancellationToken);
        return matches.Count switch
        {
            0 => (null, creditorCode is null ? $"unknown account '{reference}'" : $"unknown account '{reference}' for creditor '{creditorCode}'"),
            1 => (matches[0], null),
            _ => (null, $"account reference '{reference}' exists for several creditors; name one with --creditor"),
        };
    }
}
