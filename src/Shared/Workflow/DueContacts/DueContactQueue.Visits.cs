using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Workflow.DueContacts;

public sealed partial class DueContactQueue
{
    /// <summary>Closes a visit task (a Visit entry, which no dialer or dispatcher claims: a field agent carries it out) as Done
    /// with what the agent found, in the caller's transaction, counting the visit's ledger row once. Returns false when the
    /// entry is not an open visit (already closed, cancelled, or not a visit), so one visit never gets two outcomes.</summary>
    internal static async Task<bool> CompleteVisitAsync(CollectionsDbContext db, Guid id, ContactAttemptId attempt, string outcome, Instant now, CancellationToken ct)
    {
        var closedAt = (Instant?)now;
        var attemptId = (ContactAttemptId?)attempt;
        var text = Truncate(outcome);
        return await db.ScheduledContacts
            .Where(c => c.Id == id && c.Channel == ContactChannel.Visit && (c.Status == ScheduledContactStatus.Queued || c.Status == ScheduledContactStatus.Taken))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ScheduledContactStatus.Done)
                .SetProperty(c => c.ClosedAt, closedAt)
                .SetProperty(c => c.Outcome, text)
                .SetProperty(c => c.Attempts, c => c.Attempts + 1)
                .SetProperty(c => c.LastAttemptAt, now)
                .SetProperty(c => c.ContactAttemptId, attemptId)
                .SetProperty(c => c.ClaimedBy, (string?)null)
                .SetProperty(c => c.ClaimedUntil, (Instant?)null), ct) > 0;
    }
}
