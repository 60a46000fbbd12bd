using System.Linq.Expressions;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Workflow.DueContacts;

/// <summary>How one attempt of a claimed entry ended (<see cref="DueContactQueue.SettleManyAsync"/>).</summary>
/// <param name="Attempt">The attempt's ledger row, counted on the entry once.</param>
/// <param name="Message">The message or letter that carried it out.</param>
public sealed record Settlement(Guid Id, ScheduledContactStatus Status, string Outcome, ContactAttemptId? Attempt = null, OutboundMessageId? Message = null);

/// <summary>Which queue entries a reader works: the channels it carries and, for dialers, the campaign queues it serves.</summary>
/// <param name="Channels">Channels the reader carries (calls for a dialer; SMS, WhatsApp, e-mail and letters for the dispatcher).</param>
/// <param name="Campaigns">Queue keys (scheduled_contacts.campaign) served; null for every queue.</param>
public sealed record DueContactFilter(IReadOnlyCollection<ContactChannel> Channels, IReadOnlyCollection<string>? Campaigns = null);

/// <summary>
/// The one writer of the queue of due contacts (<see cref="ScheduledContact"/>, table scheduled_contacts) after it is
/// queued: readers (the dialers' hoppers, the message dispatcher) claim due entries under a lease, report each attempt and
/// its end, and the workflow cancels what is no longer wanted. Every transition is a conditional update on the row's state,
/// so two nodes never carry out one entry and a crash leaves an entry that a later lease expiry gives back.
/// </summary>
public sealed partial class DueContactQueue(Func<CollectionsDbContext> createContext, TimeProvider time, ILogger<DueContactQueue> logger)
{
    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Queued entries matching <paramref name="filter"/> that are due at <paramref name="now"/> (next attempt reached,
    /// not expired, not under another node's unexpired lease), oldest first, without claiming them.</summary>
    public IQueryable<ScheduledContact> Due(CollectionsDbContext db, DueContactFilter filter, Instant now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var channels = filter.Channels.ToList();
        var query = db.ScheduledContacts.Where(Claimable(now)).Where(c => channels.Contains(c.Channel));
        if (filter.Campaigns is { } campaigns)
        {
            var keys = campaigns.ToList();
            query = query.Where(c => keys.Contains(c.Campaign));
        }

        return query.OrderBy(c => c.NextAttemptAt).ThenBy(c => c.Id);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due entries for <paramref name="node"/> until now + <paramref name="lease"/>: each
    /// is moved to Taken by a conditional update that only one node can win, so the entries returned are this node's alone.
    /// A lease that runs out (the node died) makes the entry due again.
    /// </summary>
    public async Task<IReadOnlyList<ScheduledContact>> ClaimAsync(DueContactFilter filter, int limit, string node, Duration lease, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        var now = Now;
        await using var db = createContext();
        var candidates = await Due(db, filter, now).AsNoTracking().Select(c => c.Id).Take(limit * 2).ToListAsync(ct);
        var claimed = new List<Guid>(limit);
        var until = now + lease;
        foreach (var id in candidates)
        {
            if (claimed.Count == limit)
            {
                break;
            }

            if (await TryClaimAsync(db, id, node, now, until, ct))
            {
                claimed.Add(id);
            }
        }

        return claimed.Count == 0 ? [] : await db.ScheduledContacts.AsNoTracking().Where(c => claimed.Contains(c.Id)).OrderBy(c => c.NextAttemptAt).ToListAsync(ct);
    }

    /// <summary>Claims one entry for <paramref name="node"/> (a dialer taking an account the hopper picked); false when another
    /// node holds it or it is no longer due.</summary>
    public async Task<bool> TryClaimAsync(Guid id, string node, Duration lease, CancellationToken ct)
    {
        var now = Now;
        await using var db = createContext();
        return await TryClaimAsync(db, id, node, now, now + lease, ct);
    }

    /// <summary>
    /// Claims the given entries for <paramref name="node"/> in one statement (a dialer taking the accounts its hopper picked and
    /// locked): the same conditional update as <see cref="TryClaimAsync(Guid, string, Duration, CancellationToken)"/> over
    /// the whole batch, then the entries this node now holds are read back. Returns the ids claimed; an entry cancelled,
    /// done or taken by another node since it was ranked is not among them.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> TryClaimEachAsync(IReadOnlyCollection<Guid> ids, string node, Duration lease, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        if (ids.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var now = Now;
        var holder = (string?)node;
        var leaseEnd = (Instant?)(now + lease);
        var wanted = ids.ToList();
        await using var db = createContext();
        await db.ScheduledContacts
            .Where(Claimable(now))
            .Where(c => wanted.Contains(c.Id))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ScheduledContactStatus.Taken)
                .SetProperty(c => c.ClaimedBy, holder)
                .SetProperty(c => c.ClaimedUntil, leaseEnd), ct);

        // Another node that wins a row writes its own name: what carries ours under a live lease is ours.
        var claimed = await db.ScheduledContacts.AsNoTracking()
            .Where(c => wanted.Contains(c.Id) && c.Status == ScheduledContactStatus.Taken && c.ClaimedBy == holder && c.ClaimedUntil > now)
            .Select(c => c.Id)
            .ToListAsync(ct);
        return claimed.ToHashSet();
    }

    /// <summary>Extends this node's lease (a long call, a slow provider).</summary>
    public async Task<bool> RenewAsync(Guid id, string node, Duration lease, CancellationToken ct)
    {
        var until = (Instant?)(Now + lease);
        await using var db = createContext();
        return await db.ScheduledContacts
            .Where(c => c.Id == id && c.Status == ScheduledContactStatus.Taken && c.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClaimedUntil, until), ct) > 0;
    }

    /// <summary>Gives an entry back untouched (claimed, then not attempted: no free line, no operator with the language).</summary>
    public async Task ReleaseAsync(Guid id, string node, CancellationToken ct)
    {
        await using var db = createContext();
        await db.ScheduledContacts
            .Where(c => c.Id == id && c.Status == ScheduledContactStatus.Taken && c.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ScheduledContactStatus.Queued)
                .SetProperty(c => c.ClaimedBy, (string?)null)
                .SetProperty(c => c.ClaimedUntil, (Instant?)null), ct);
    }

    /// <summary>An attempt left (the ledger row <paramref name="attempt"/> is committed): counts it on the entry.</summary>
    public async Task AttemptedAsync(Guid id, ContactAttemptId attempt, CancellationToken ct)
    {
        var now = (Instant?)Now;
        var attemptId = (ContactAttemptId?)attempt;
        await using var db = createContext();
        await db.ScheduledContacts
            .Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Attempts, c => c.Attempts + 1)
                .SetProperty(c => c.LastAttemptAt, now)
                .SetProperty(c => c.ContactAttemptId, attemptId), ct);
    }

    /// <summary>Carried out (a conversation, a message or letter handed over): Done, with what happened.</summary>
    public Task DoneAsync(Guid id, string outcome, CancellationToken ct, OutboundMessageId? message = null) =>
        CloseAsync(id, ScheduledContactStatus.Done, outcome, message, ct);

    /// <summary>Cannot be carried out for good (no address, the provider refused it): Failed, with why.</summary>
    public Task FailAsync(Guid id, string outcome, CancellationToken ct) => CloseAsync(id, ScheduledContactStatus.Failed, outcome, null, ct);

    /// <summary>
    /// Tries again at <paramref name="next"/> (no answer, busy, a transient provider error, a compliance refusal until a
    /// rule allows it): back to Queued without a lease. An entry whose next attempt would fall after its expiry expires
    /// instead, since the contact no longer has a purpose then (a reminder after the instalment fell due).
    /// </summary>
    public async Task RetryAsync(Guid id, Instant next, string outcome, CancellationToken ct)
    {
        await using var db = createContext();
        var entry = await db.ScheduledContacts.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (entry is null || entry.Status is not (ScheduledContactStatus.Queued or ScheduledContactStatus.Taken))
        {
            return;
        }

        if (entry.ExpiresAt is { } expires && next >= expires)
        {
            entry.Status = ScheduledContactStatus.Expired;
            entry.ClosedAt = Now;
            entry.Outcome = Truncate($"expired: {outcome}");
            LogClosed(logger, id, entry.Status, entry.Outcome);
        }
        else
        {
            entry.Status = ScheduledContactStatus.Queued;
            entry.NextAttemptAt = next;
            entry.Outcome = Truncate(outcome);
        }

        entry.ClaimedBy = null;
        entry.ClaimedUntil = null;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Cancels the open entries of an account (queued, or taken but not yet attempted by a live lease holder's call) whose
    /// purpose is one of <paramref name="purposes"/> (null: every purpose), within the caller's context and transaction:
    /// a promise to pay stops the strategy's calls and reminders, a paid balance or a recall stops everything.
    /// Returns how many were cancelled.
    /// </summary>
    public static async Task<int> CancelOpenAsync(CollectionsDbContext db, AccountId accountId, IReadOnlyCollection<ContactPurpose>? purposes, string reason, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var open = await db.ScheduledContacts
            .Where(c => c.AccountId == accountId && c.Status == ScheduledContactStatus.Queued)
            .ToListAsync(ct);
        var local = db.ScheduledContacts.Local.Where(c => c.AccountId == accountId && c.Status == ScheduledContactStatus.Queued);
        var cancelled = 0;
        foreach (var entry in open.Concat(local).Distinct())
        {
            if (purposes is not null && !purposes.Contains(entry.Purpose))
            {
                continue;
            }

            entry.Status = ScheduledContactStatus.Cancelled;
            entry.ClosedAt = now;
            entry.Outcome = Truncate($"cancelled: {reason}");
            cancelled++;
        }

        return cancelled;
    }

    /// <summary>Expires every open entry whose time has passed; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken ct)
    {
        var now = Now;
        var closedAt = (Instant?)now;
        await using var db = createContext();
        return await db.ScheduledContacts
            .Where(c => c.Status == ScheduledContactStatus.Queued && c.ExpiresAt != null && c.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ScheduledContactStatus.Expired)
                .SetProperty(c => c.ClosedAt, closedAt)
                .SetProperty(c => c.Outcome, "expired: its time passed without a contact"), ct);
    }

    /// <summary>
    /// Ends one attempt of an entry this node holds in a single statement: the entry is closed as
    /// <paramref name="status"/> (Done, Failed or Cancelled), the ledger row <paramref name="attempt"/> is counted once (a
    /// re-report of the same row, after a restart, does not count again) and the message or letter is linked. False when the
    /// entry is no longer this node's (its lease ran out and another node took it).
    /// </summary>
    public async Task<bool> SettleAsync(Guid id, string node, ScheduledContactStatus status, string outcome, ContactAttemptId? attempt, OutboundMessageId? message, CancellationToken ct) =>
        (await SettleManyAsync([new Settlement(id, status, outcome, attempt, message)], node, ct)).Count == 0;

    /// <summary><see cref="SettleAsync"/> for many entries in one transaction (one commit); returns the ids that were no longer this node's.</summary>
    public async Task<IReadOnlyList<Guid>> SettleManyAsync(IReadOnlyList<Settlement> settlements, string node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        if (settlements.Count == 0)
        {
            return [];
        }

        var now = Now;
        var closedAt = (Instant?)now;
        var lost = new List<Guid>();
        await using var db = createContext();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (id, status, outcome, attempt, message) in settlements)
        {
            if (status is not (ScheduledContactStatus.Done or ScheduledContactStatus.Failed or ScheduledContactStatus.Cancelled))
            {
                throw new ArgumentOutOfRangeException(nameof(settlements), status, "An attempt settles an entry as Done, Failed or Cancelled.");
            }

            var text = Truncate(outcome);
            var changed = await db.ScheduledContacts
                .Where(c => c.Id == id && c.Status == ScheduledContactStatus.Taken && c.ClaimedBy == node)
                .ExecuteUpdateAsync(s => Attempt(s, attempt, message, now)
                    .SetProperty(c => c.Status, status)
                    .SetProperty(c => c.ClosedAt, closedAt)
                    .SetProperty(c => c.Outcome, text)
                    .SetProperty(c => c.ClaimedBy, (string?)null)
                    .SetProperty(c => c.ClaimedUntil, (Instant?)null), ct) > 0;
            if (changed)
            {
                LogClosed(logger, id, status, text);
            }
            else
            {
                lost.Add(id);
            }
        }

        await transaction.CommitAsync(ct);
        return lost;
    }

    /// <summary>
    /// The attempt's outcome is not known yet (a message in doubt after a lost answer): the entry stays Taken by this node
    /// until <paramref name="until"/>, with the attempt counted and the message linked. When the lease runs out the entry is
    /// due again, and whoever claims it asks the sender with the same idempotency key, which settles it (reconciliation)
    /// instead of sending again.
    /// </summary>
    public async Task<bool> KeepTakenAsync(Guid id, string node, Instant until, string outcome, ContactAttemptId? attempt, OutboundMessageId? message, CancellationToken ct)
    {
        var now = Now;
        var leaseEnd = (Instant?)until;
        var text = Truncate(outcome);
        await using var db = createContext();
        return await db.ScheduledContacts
            .Where(c => c.Id == id && c.Status == ScheduledContactStatus.Taken && c.ClaimedBy == node)
            .ExecuteUpdateAsync(s => Attempt(s, attempt, message, now)
                .SetProperty(c => c.ClaimedUntil, leaseEnd)
                .SetProperty(c => c.Outcome, text), ct) > 0;
    }

    /// <summary>Counts <paramref name="attempt"/> unless it is the entry's last ledger row already, and links the message.</summary>
    private static Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<ScheduledContact> Attempt(
        Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<ScheduledContact> s, ContactAttemptId? attempt, OutboundMessageId? message, Instant now)
    {
        if (attempt is { } row)
        {
            var attemptId = (ContactAttemptId?)row;
            var at = (Instant?)now;
            s.SetProperty(c => c.Attempts, c => c.ContactAttemptId == attemptId ? c.Attempts : c.Attempts + 1)
                .SetProperty(c => c.LastAttemptAt, c => c.ContactAttemptId == attemptId ? c.LastAttemptAt : at)
                .SetProperty(c => c.ContactAttemptId, attemptId);
        }

        if (message is { } sent)
        {
            s.SetProperty(c => c.OutboundMessageId, (OutboundMessageId?)sent);
        }

        return s;
    }

    private async Task CloseAsync(Guid id, ScheduledContactStatus status, string outcome, OutboundMessageId? message, CancellationToken ct)
    {
        var now = (Instant?)Now;
        var text = Truncate(outcome);
        await using var db = createContext();
        var changed = await db.ScheduledContacts
            .Where(c => c.Id == id && (c.Status == ScheduledContactStatus.Queued || c.Status == ScheduledContactStatus.Taken))
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(c => c.Status, status)
                    .SetProperty(c => c.ClosedAt, now)
                    .SetProperty(c => c.Outcome, text)
                    .SetProperty(c => c.ClaimedBy, (string?)null)
                    .SetProperty(c => c.ClaimedUntil, (Instant?)null);
                if (message is { } sent)
                {
                    s.SetProperty(c => c.OutboundMessageId, (OutboundMessageId?)sent);
                }
            }, ct);
        if (changed > 0)
        {
            LogClosed(logger, id, status, text);
        }
    }

    private static async Task<bool> TryClaimAsync(CollectionsDbContext db, Guid id, string node, Instant now, Instant until, CancellationToken ct)
    {
        var holder = (string?)node;
        var leaseEnd = (Instant?)until;
        // The state test is in the UPDATE itself: of two nodes racing for one row, only one changes it.
        return await db.ScheduledContacts
            .Where(Claimable(now))
            .Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ScheduledContactStatus.Taken)
                .SetProperty(c => c.ClaimedBy, holder)
                .SetProperty(c => c.ClaimedUntil, leaseEnd), ct) > 0;
    }

    /// <summary>Due and free at <paramref name="now"/>: queued (or taken under a lapsed lease: its node died), its next attempt
    /// reached, not expired. The one test for reading the queue and for every claim's conditional update.</summary>
    private static Expression<Func<ScheduledContact, bool>> Claimable(Instant now) => c =>
        (c.Status == ScheduledContactStatus.Queued || (c.Status == ScheduledContactStatus.Taken && c.ClaimedUntil != null && c.ClaimedUntil <= now))
        && c.NextAttemptAt <= now
        && (c.ExpiresAt == null || c.ExpiresAt > now);

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300];

    [LoggerMessage(EventId = 4470, Level = LogLevel.Information, Message = "Queued contact {Id} closed {Status}: {Outcome}")]
    private static partial void LogClosed(ILogger logger, Guid id, ScheduledContactStatus status, string outcome);
}
