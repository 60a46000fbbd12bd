using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Dialer.Messaging;

/// <summary>Applies provider status reports (Twilio status callbacks) to outbound messages and their ledger rows.</summary>
public sealed partial class MessageStatusUpdater(Func<CollectionsDbContext> createContext, ContactLedger ledger, TimeProvider time, ILogger<MessageStatusUpdater> logger)
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
                .Take(2).ToListAsync(cancellationToken);
            if (waiting.Count != 1)
            {
                LogUnknown(logger, sid, status);
                return false;
            }

            message = waiting[0];
            message.ProviderId = sid;
        }

        if (!MessageStates.Advance(message, state.Value))
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        if (errorCode is not null && state is OutboundMessageState.Failed or OutboundMessageState.Undelivered)
        {
            message.ErrorCode = errorCode;
        }

        message.UpdatedAt = Instant.FromDateTimeOffset(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        if (message.ContactAttemptId is { } attempt)
        {
            await ledger.CompleteAsync(attempt, new ContactResult(MessageStates.LedgerOutcome(message.State), ExternalId: sid), cancellationToken);
        }

        LogApplied(logger, sid, message.State);
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

    /// <summary>Moves <paramref name="message"/> to <paramref name="state"/> unless that would go backwards; true when it changed.</summary>
    public static bool Advance(OutboundMessage message, OutboundMessageState state)
    {
        if (Rank(state) <= Rank(message.State))
        {
            return false;
        }

        message.State = state;
        return true;
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
