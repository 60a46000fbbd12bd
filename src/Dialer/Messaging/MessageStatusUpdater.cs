using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Dialer.Messaging;

/// <summary>Applies provider status reports (Twilio status callbacks) to outbound messages and their ledger rows.</summary>
public sealed partial class MessageStatusUpdater(Func<CollectionsDbContext> createContext, TimeProvider time, ILogger<MessageStatusUpdater> logger)
{
    /// <summary>Applies <paramref name="status"/> for the message <paramref name="sid"/>; false when no message matches.</summary>
    /// <remarks>Callbacks may arrive out of order and more than once: a state never moves backwards. A callback may also
    /// arrive before our own request has recorded the SID; then the one message still "sending" to that address adopts it.</remarks>
    public async Task<bool> ApplyAsync(string sid, string status, string to, int? errorCode, CancellationToken cancellationToken)
    {
        var state = MessageStates.FromTwilio(status);
        if (state is null)
        {
            return false;
        }

        await using var db = createContext();
        var message = await db.OutboundMessages.FirstOrDefaultAsync(m => m.ProviderId == sid, cancellationToken);
        if (message is null)
        {
            var (_, number) = TwilioAddress.Parse(to);
            var waiting = await db.OutboundMessages
                .Where(m => m.ProviderId == null && m.To == number && (m.State == OutboundMessageState.Sending || m.State == OutboundMessageState.Uncertain))
                .OrderBy(m => m.SendingAt).Take(2).ToListAsync(cancellationToken);
            if (waiting.Count != 1)
            {
                LogUnknown(logger, sid, status);
                return false;
            }

            message = waiting[0];
            message.ProviderId = sid;
        }

        await db.SaveChangesAsync(cancellationToken);
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var changed = await MessageStates.AdvanceAsync(db, message.Id, state.Value, sid,
            state is OutboundMessageState.Failed or OutboundMessageState.Undelivered ? errorCode : null, now, cancellationToken);
        if (changed && message.ContactAttemptId is { } attempt)
        {
            await MessageStates.AdvanceLedgerAsync(db, attempt, MessageStates.LedgerOutcome(state.Value), sid, now, cancellationToken);
        }

        LogApplied(logger, sid, state.Value);
        return true;
    }

    [LoggerMessage(EventId = 5131, Level = LogLevel.Information, Message = "Message {Sid} is now {State}")]
    private static partial void LogApplied(ILogger logger, string sid, OutboundMessageState state);

    [LoggerMessage(EventId = 5132, Level = LogLevel.Warning, Message = "Status {Status} for unknown message {Sid} ignored")]
    private static partial void LogUnknown(ILogger logger, string sid, string status);
}

/// <summary>How provider statuses map onto our message states and ledger outcomes.</summary>
public static class MessageStates
{
    /// <summary>Our state for a Twilio message status; null for statuses of inbound messages.</summary>
    public static OutboundMessageState? FromTwilio(string? status) => status?.ToLowerInvariant() switch
    {
        "accepted" or "scheduled" or "queued" or "sending" => OutboundMessageState.Accepted,
        "sent" => OutboundMessageState.Sent,
        "delivered" or "read" => OutboundMessageState.Delivered,
        "undelivered" => OutboundMessageState.Undelivered,
        "failed" or "canceled" => OutboundMessageState.Failed,
        _ => null,
    };

    /// <summary>Moves a message forward in one UPDATE that only matches earlier states, so a status callback and the sender's
    /// own answer racing each other can never move it back; true when the row changed.</summary>
    public static async Task<bool> AdvanceAsync(CollectionsDbContext db, OutboundMessageId id, OutboundMessageState state, string? providerId, int? errorCode, Instant now, CancellationToken cancellationToken)
    {
        var earlier = Enum.GetValues<OutboundMessageState>().Where(s => Rank(s) < Rank(state)).ToList();
        var rows = await db.OutboundMessages
            .Where(m => m.Id == id && earlier.Contains(m.State))
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.State, state)
                .SetProperty(m => m.ProviderId, m => providerId ?? m.ProviderId)
                .SetProperty(m => m.ErrorCode, m => errorCode ?? m.ErrorCode)
                .SetProperty(m => m.UpdatedAt, now), cancellationToken);
        return rows == 1;
    }

    /// <summary>Writes a message's outcome over its ledger row, the same way: pending, then sent, then a final outcome, never back.</summary>
    public static async Task AdvanceLedgerAsync(CollectionsDbContext db, ContactAttemptId attemptId, ContactOutcome outcome, string? externalId, Instant now, CancellationToken cancellationToken)
    {
        var earlier = outcome == ContactOutcome.Sent
            ? new List<ContactOutcome> { ContactOutcome.Pending }
            : [ContactOutcome.Pending, ContactOutcome.Sent];
        await db.ContactAttempts
            .Where(a => a.Id == attemptId && earlier.Contains(a.Outcome))
            .ExecuteUpdateAsync(u => u
                .SetProperty(a => a.Outcome, outcome)
                .SetProperty(a => a.EndedAt, now)
                .SetProperty(a => a.ExternalId, a => externalId ?? a.ExternalId), cancellationToken);
    }

    /// <summary>The ledger outcome of a message in <paramref name="state"/>.</summary>
    public static ContactOutcome LedgerOutcome(OutboundMessageState state) => state switch
    {
        OutboundMessageState.Delivered => ContactOutcome.Delivered,
        OutboundMessageState.Undelivered => ContactOutcome.Undelivered,
        OutboundMessageState.Failed => ContactOutcome.Failed,
        _ => ContactOutcome.Sent,
    };

    private static int Rank(OutboundMessageState state) => state switch
    {
        OutboundMessageState.Reserved or OutboundMessageState.Refused => 0,
        OutboundMessageState.Sending or OutboundMessageState.Uncertain => 1,
        OutboundMessageState.Accepted => 2,
        OutboundMessageState.Sent => 3,
        _ => 4,
    };
}
