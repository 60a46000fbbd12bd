using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Queues;

/// <summary>Closes inbound calls a stopped process left open: their rows said InProgress forever, and the wallboard, the
/// service level and <c>activity</c> never saw them end.</summary>
public static class InboundCallClosing
{
    /// <summary>
    /// Ends the open rows among <paramref name="rows"/> at <paramref name="endedAt"/> (when their node was last seen): a call
    /// an operator had taken as <see cref="InboundCallOutcome.Answered"/> (it was), any other as
    /// <see cref="InboundCallOutcome.Lost"/>. Saves and returns how many it closed.
    /// </summary>
    public static async Task<int> CloseAsync(CollectionsDbContext db, IQueryable<InboundCall> rows, Instant endedAt, CancellationToken ct)
    {
        var open = await rows.Where(c => c.Outcome == InboundCallOutcome.InProgress).ToListAsync(ct);
        foreach (var row in open)
        {
            row.EndedAt = endedAt > row.ReceivedAt ? endedAt : row.ReceivedAt;
            row.Outcome = row.AnsweredAt is null ? InboundCallOutcome.Lost : InboundCallOutcome.Answered;
        }

        await db.SaveChangesAsync(ct);
        return open.Count;
    }
}
