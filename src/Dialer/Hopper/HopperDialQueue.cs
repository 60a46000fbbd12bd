using Collections.Dialer.Campaigns;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Dialer.Hopper;

/// <summary>
/// The campaign runner's dial queue over the hopper: the calls due in the campaign's queue come best first (purpose and
/// strategy priority, best hour), already checked against compliance and the retry table, each account claimed under this
/// node's lease (no other node dials it) with its queue entry. The runner's reports close the loop: an attempt is counted on
/// the entry, a finished call makes it Done or retries it and releases the account's claim, a target not dialed is given
/// back at once.
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

        // The excluded accounts (calls in flight, accounts the runner stepped past for a while) are left out of the ranking,
        // so exactly the accounts the runner may use are claimed: nothing claimed here stays claimed unused.
        var claimed = await hopper.ClaimAsync(campaign, count, exclude, cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return [];
        }

        var debtors = claimed.Select(e => e.DebtorId).Distinct().ToList();
        Dictionary<DebtorId, string> languages;
        await using (var db = createContext())
        {
            languages = await db.Debtors.AsNoTracking()
                .Where(d => debtors.Contains(d.Id))
                .Select(d => new { d.Id, d.PreferredLanguage })
                .ToDictionaryAsync(d => d.Id, d => d.PreferredLanguage, cancellationToken)
                .ConfigureAwait(false);
        }

        var targets = new List<DialTarget>(claimed.Count);
        foreach (var entry in claimed)
        {
            if (languages.TryGetValue(entry.DebtorId, out var language))
            {
                targets.Add(new DialTarget(entry.AccountId, entry.DebtorId, entry.Phone, language,
                    new QueuedCall(entry.EntryId, entry.Purpose, entry.ScriptStage, entry.Operator)));
            }
            else
            {
                // The debtor vanished between ranking and claiming: nothing to dial, nothing to keep.
                await hopper.ReleaseAsync(entry.AccountId, entry.EntryId, cancellationToken).ConfigureAwait(false);
            }
        }

        return targets;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(DialTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Queued is { } queued)
        {
            await hopper.ReleaseAsync(target.AccountId, queued.Id, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await hopper.ReleaseAsync(target.AccountId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task AttemptedAsync(DialTarget target, ContactAttemptId attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Queued is { } queued ? hopper.AttemptedAsync(queued.Id, attempt, cancellationToken) : Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task FinishedAsync(DialTarget target, DialEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Queued is { } queued)
        {
            await hopper.FinishAsync(target.AccountId, queued.Id, end, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await hopper.ReleaseAsync(target.AccountId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task RenewAsync(IReadOnlyCollection<DialTarget> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        await hopper.RenewAsync([.. targets.Select(t => t.AccountId)], cancellationToken).ConfigureAwait(false);
        await hopper.RenewEntriesAsync(targets.Select(t => t.Queued?.Id).OfType<Guid>(), cancellationToken).ConfigureAwait(false);
    }
}
