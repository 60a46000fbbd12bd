using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Dialer.Messaging.Inbound;

/// <summary>What became of an inbound message.</summary>
/// <param name="Duplicate">The provider delivered this message before (same MessageSid); nothing was written again.</param>
/// <param name="Debtors">How many debtors the sender's number belongs to.</param>
public sealed record InboundResult(InboundMessageId Id, InboundMessageKind Kind, int Debtors, bool Duplicate);

/// <summary>Acts on a reply saying the debt is paid (the outreach holds the case's next strategy step).</summary>
public interface IReportedPaymentHandler
{
    /// <summary>Called once per stored "PAID" reply from a number that belongs to <paramref name="debtors"/>.</summary>
    Task OnReportedPaymentAsync(IReadOnlyList<DebtorId> debtors, InboundMessageId message, CancellationToken cancellationToken);
}

/// <summary>Receives inbound SMS and WhatsApp messages: an opt-out keyword records an opt-out, a "PAID" reply is queued for the
/// operators as a reported payment (and handed to <see cref="IReportedPaymentHandler"/>), anything else joins the operators' queue.</summary>
public sealed partial class InboundMessageService(Func<CollectionsDbContext> createContext, TimeProvider time, ILogger<InboundMessageService> logger, IReportedPaymentHandler? reportedPayments = null)
{
    /// <summary>Stores the message from <paramref name="from"/> (Twilio form, "whatsapp:+..." for WhatsApp) and acts on it.</summary>
    public async Task<InboundResult> ReceiveAsync(string providerId, string from, string to, string body, CancellationToken cancellationToken)
    {
        var (whatsApp, number) = TwilioAddress.Parse(from);
        var channel = whatsApp ? ContactChannel.WhatsApp : ContactChannel.Sms;
        await using var db = createContext();
        var known = await db.InboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.ProviderId == providerId, cancellationToken);
        if (known is not null)
        {
            return new InboundResult(known.Id, known.Kind, known.DebtorId is null ? 0 : 1, Duplicate: true);
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var debtorIds = await db.PhoneNumbers.AsNoTracking().Where(p => p.E164 == number).Select(p => p.DebtorId).Distinct().ToListAsync(cancellationToken);
        var kind = OptOutKeywords.IsOptOut(body) ? InboundMessageKind.OptOut
            : PaymentReplyKeywords.ReportsPayment(body) ? InboundMessageKind.ReportsPayment
            : InboundMessageKind.Text;
        var message = new InboundMessage
        {
            Channel = channel,
            From = number,
            To = TwilioAddress.Parse(to).Number,
            Body = body.Length > 4000 ? body[..4000] : body,
            ProviderId = providerId,
            DebtorId = debtorIds.Count == 1 ? debtorIds[0] : null,
            Kind = kind,
            ReceivedAt = now,
            // An opt-out needs no operator: it is acted on here. It stays visible in the history.
            HandledAt = kind == InboundMessageKind.OptOut ? now : null,
        };
        db.InboundMessages.Add(message);
        if (kind == InboundMessageKind.OptOut)
        {
            // A number shared by several debtors (a household) opts out for each of them: the person holding the phone asked.
            foreach (var debtorId in debtorIds)
            {
                db.OptOuts.Add(new OptOut
                {
                    DebtorId = debtorId,
                    Channel = channel,
                    Address = number,
                    At = now,
                    Source = $"{(whatsApp ? "whatsapp" : "sms")}:{Keyword(body)}",
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (kind == InboundMessageKind.OptOut)
        {
            LogOptOut(logger, channel, Mask(number), debtorIds.Count);
        }
        else
        {
            LogQueued(logger, channel, Mask(number), message.Id);
        }

        if (kind == InboundMessageKind.ReportsPayment && reportedPayments is not null && debtorIds.Count > 0)
        {
            await reportedPayments.OnReportedPaymentAsync(debtorIds, message.Id, cancellationToken);
        }

        return new InboundResult(message.Id, kind, debtorIds.Count, Duplicate: false);
    }

    private static string Keyword(string body)
    {
        var word = body.Trim().Split(' ', 2)[0].ToUpperInvariant();
        return word.Length > 20 ? word[..20] : word;
    }

    internal static string Mask(string address) => address.Length <= 3 ? "***" : new string('*', address.Length - 3) + address[^3..];

    [LoggerMessage(EventId = 5121, Level = LogLevel.Information, Message = "Opt-out by {Channel} from {From} recorded for {Debtors} debtor(s)")]
    private static partial void LogOptOut(ILogger logger, ContactChannel channel, string from, int debtors);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Information, Message = "Inbound {Channel} from {From} queued for operators as {MessageId}")]
    private static partial void LogQueued(ILogger logger, ContactChannel channel, string from, InboundMessageId messageId);
}

/// <summary>An inbound message waiting for an operator, with the debtor it came from when known.</summary>
public sealed record InboundQueueItem(InboundMessageId Id, ContactChannel Channel, string From, string Body, Instant ReceivedAt, DebtorId? DebtorId, string? DebtorName);

/// <summary>The operators' queue of inbound text: what is waiting, and marking an item handled.</summary>
public sealed class InboundQueue(Func<CollectionsDbContext> createContext, TimeProvider time)
{
    /// <summary>Unhandled messages, oldest first.</summary>
    public async Task<IReadOnlyList<InboundQueueItem>> ListOpenAsync(int take, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var open = await db.InboundMessages.AsNoTracking()
            .Where(m => m.HandledAt == null)
            .OrderBy(m => m.ReceivedAt)
            .Take(take)
            .ToListAsync(cancellationToken);
        var debtorIds = open.Where(m => m.DebtorId is not null).Select(m => m.DebtorId!.Value).Distinct().ToList();
        var debtors = await db.Debtors.AsNoTracking().Where(d => debtorIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        return open.Select(m => new InboundQueueItem(m.Id, m.Channel, m.From, m.Body, m.ReceivedAt, m.DebtorId,
            m.DebtorId is { } id && debtors.TryGetValue(id, out var d) ? d.DisplayName : null)).ToList();
    }

    /// <summary>Marks a message handled by <paramref name="agent"/>; false when it does not exist or was already handled.</summary>
    public async Task<bool> MarkHandledAsync(InboundMessageId id, AgentId? agent, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        var message = await db.InboundMessages.FirstOrDefaultAsync(m => m.Id == id && m.HandledAt == null, cancellationToken);
        if (message is null)
        {
            return false;
        }

        message.HandledAt = Instant.FromDateTimeOffset(time.GetUtcNow());
        message.HandledBy = agent;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
