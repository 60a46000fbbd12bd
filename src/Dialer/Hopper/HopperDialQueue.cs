using Collections.Dialer.Campaigns;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Dialer.Hopper;

/// <summary>
/// The campaign runner's dial queue over the hopper: accounts come best first (strategy priority, best hour), already
/// checked against compliance and the retry table, and claimed under this node's lease so no other node dials them.
/// Claims the runner cannot use now are given back at once.
/// </summary>
public sealed class HopperDialQueue(DialerHopper hopper, Func<CollectionsDbContext> createContext) : IDialQueue
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DialTarget>> TakeAsync(Campaign campaign, int count, IReadOnlySet<AccountId> exclude, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(exclude);
        if (count <= 0)
        {
            return [];
        }

        // Accounts this node holds for calls in progress come back from the claim (a node may renew its own lease): ask for
        // enough to still find count new ones.
        var claimed = await hopper.ClaimAsync(campaign, count + exclude.Count, cancellationToken).ConfigureAwait(false);
        var fresh = claimed.Where(e => !exclude.Contains(e.AccountId)).Take(count).ToList();
        foreach (var unused in claimed.Where(e => !exclude.Contains(e.AccountId)).Skip(count))
        {
            await hopper.ReleaseAsync(unused.AccountId, cancellationToken).ConfigureAwait(false);
        }

        if (fresh.Count == 0)
        {
            return [];
        }

        var debtors = fresh.Select(e => e.DebtorId).Distinct().ToList();
        await using var db = createContext();
        var languages = await db.Debtors.AsNoTracking()
            .Where(d => debtors.Contains(d.Id))
            .Select(d => new { d.Id, d.PreferredLanguage })
            .ToDictionaryAsync(d => d.Id, d => d.PreferredLanguage, cancellationToken)
            .ConfigureAwait(false);
        return [.. fresh.Where(e => languages.ContainsKey(e.DebtorId)).Select(e => new DialTarget(e.AccountId, e.DebtorId, e.Phone, languages[e.DebtorId]))];
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(AccountId account, CancellationToken cancellationToken) =>
        await hopper.ReleaseAsync(account, cancellationToken).ConfigureAwait(false);
}
