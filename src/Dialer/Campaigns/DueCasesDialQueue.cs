using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Campaigns;

/// <summary>
/// The plain dial queue: open cases whose next step is due (<see cref="Case.NextStepDueAt"/> at or before now), matching
/// the campaign's industry and strategy step, oldest due first, each with the debtor's highest-priority number. An account
/// with a call in the ledger within <see cref="RecentAttemptWindow"/> is left out, so one run does not redial the same
/// debtor; the hopper replaces this with retries by outcome, best hour and a row-lock claim across nodes.
/// </summary>
public sealed class DueCasesDialQueue(Func<CollectionsDbContext> createContext, TimeProvider time) : IDialQueue
{
    /// <summary>How long after any call about an account it is not offered again.</summary>
    public TimeSpan RecentAttemptWindow { get; init; } = TimeSpan.FromHours(4);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DialTarget>> TakeAsync(Campaign campaign, int count, IReadOnlySet<AccountId> exclude, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(exclude);
        if (count <= 0)
        {
            return [];
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var since = now - Duration.FromTimeSpan(RecentAttemptWindow);
        await using var db = createContext();
        var due =
            from c in db.Cases
            where c.NextStepDueAt != null && c.NextStepDueAt <= now && c.ClosedAt == null && c.Phase != CasePhase.Closed
            join a in db.Accounts on c.AccountId equals a.Id
            join d in db.Debtors on a.DebtorId equals d.Id
            where !db.ContactAttempts.Any(x => x.AccountId == a.Id && x.Channel == ContactChannel.Call && x.StartedAt >= since)
            select new { c, a, d };
        if (campaign.Industry is { } industry)
        {
            due = due.Where(x => x.a.Industry == industry);
        }

        if (campaign.StrategyStep is { } step)
        {
            due = due.Where(x => x.c.NextStep == step);
        }

        var rows = await due
            .OrderBy(x => x.c.NextStepDueAt)
            .Select(x => new
            {
                AccountId = x.a.Id,
                DebtorId = x.d.Id,
                x.d.PreferredLanguage,
                Number = db.PhoneNumbers.Where(p => p.DebtorId == x.d.Id).OrderBy(p => p.Priority).Select(p => p.E164).FirstOrDefault(),
            })
            .Take(count + exclude.Count)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var targets = new List<DialTarget>(count);
        foreach (var row in rows)
        {
            if (row.Number is null || exclude.Contains(row.AccountId))
            {
                continue;
            }

            targets.Add(new DialTarget(row.AccountId, row.DebtorId, row.Number, row.PreferredLanguage));
            if (targets.Count == count)
            {
                break;
            }
        }

        return targets;
    }
}
