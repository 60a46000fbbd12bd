using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>Where an outbound message is in its life: reserved before it leaves, then what the provider reports.</summary>
public enum OutboundMessageState
{
    /// <summary>Persisted with its idempotency key; the ledger row is being reserved.</summary>
    Reserved = 0,

    /// <summary>The request to the provider may be in flight: a crash here is reconciled before anything is sent again.</summary>
    Sending = 1,

    /// <summary>The provider accepted the message and gave it an id (Twilio "queued" or "accepted").</summary>
    Accepted = 2,

    /// <summary>The provider handed the message to the carrier (Twilio "sent").</summary>
    Sent = 3,

    /// <summary>The handset or mailbox confirmed receipt (Twilio "delivered").</summary>
    Delivered = 4,

    /// <summary>The carrier could not deliver it (Twilio "undelivered").</summary>
    Undelivered = 5,

    /// <summary>The provider refused or could not send it (Twilio "failed" or a 4xx answer).</summary>
    Failed = 6,

    /// <summary>Compliance refused the message (calling hours, opt-out, hold): nothing left.</summary>
    Refused = 7,

    /// <summary>A send whose outcome could not be established after a crash; an operator decides, it is never resent on its own.</summary>
    Uncertain = 8,

    /// <summary>A transient error before anything left (rate limited after every retry, the provider or mail server
    /// unreachable): nothing was sent and the ledger row is cancelled; a later request with the same key sends it.</summary>
    Retrying = 9,
}

/// <summary>A message to a debtor on SMS, WhatsApp or e-mail, or a printed letter, persisted with an idempotency key before it leaves.</summary>
public sealed class OutboundMessage
{
    public OutboundMessageId Id { get; set; } = OutboundMessageId.New();

    /// <summary>Caller-chosen key (for example "first-reminder:{account}:2026-11-26"); one message per key, ever.</summary>
    public required string IdempotencyKey { get; set; }

    public AccountId AccountId { get; set; }

    public DebtorId DebtorId { get; set; }

    public ContactChannel Channel { get; set; }

    /// <summary>E.164 number or e-mail address, without a channel prefix; for a letter the postal address on one line.</summary>
    public required string To { get; set; }

    /// <summary>Sender number or address used (without a channel prefix).</summary>
    public string? From { get; set; }

    /// <summary>Template id and stage the text came from (for example "sms.first-reminder").</summary>
    public required string Template { get; set; }

    public required string Language { get; set; }

    /// <summary>The rendered text; for a WhatsApp content template, the text the template renders to.</summary>
    public required string Body { get; set; }

    /// <summary>Subject line, for e-mail.</summary>
    public string? Subject { get; set; }

    /// <summary>WhatsApp content template id (Twilio ContentSid), when the 24 h session window is closed.</summary>
    public string? ContentSid { get; set; }

    /// <summary>JSON of the content template's variables (Twilio ContentVariables).</summary>
    public string? ContentVariables { get; set; }

    public OutboundMessageState State { get; set; }

    /// <summary>The contact ledger row reserved for this message.</summary>
    public ContactAttemptId? ContactAttemptId { get; set; }

    /// <summary>Provider id (Twilio message SID, SMTP Message-Id).</summary>
    public string? ProviderId { get; set; }

    /// <summary>Provider's error code (Twilio error code such as 21211 or 30003).</summary>
    public int? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>How many times the request was put on the wire (including retries after a 429 or a 5xx).</summary>
    public int Attempts { get; set; }

    public Instant CreatedAt { get; set; }

    /// <summary>When the state last changed to <see cref="OutboundMessageState.Sending"/>: reconciliation looks for provider messages created after it.</summary>
    public Instant? SendingAt { get; set; }

    public Instant UpdatedAt { get; set; }

    /// <summary>The queue entry (scheduled_contacts) this message carries out; null for messages sent on their own.</summary>
    public Guid? ScheduledContactId { get; set; }

    /// <summary>For a printed letter: the PDF handed to the print queue (relative to the letters folder).</summary>
    public string? DocumentPath { get; set; }
}

/// <summary>What an inbound message turned out to be.</summary>
public enum InboundMessageKind
{
    Text = 0,
    OptOut = 1,

    /// <summary>The debtor says the debt is paid ("PAID", "bezahlt", "fizettem" ...): an operator checks the bank statement.</summary>
    ReportsPayment = 2,
}

/// <summary>A message a debtor sent us (SMS or WhatsApp); opt-outs are recorded, other text waits for an operator.</summary>
public sealed class InboundMessage
{
    public InboundMessageId Id { get; set; } = InboundMessageId.New();

    public ContactChannel Channel { get; set; }

    /// <summary>Sender's number (E.164, without a "whatsapp:" prefix).</summary>
    public required string From { get; set; }

    /// <summary>Our number that received it.</summary>
    public required string To { get; set; }

    public required string Body { get; set; }

    /// <summary>Provider id (Twilio MessageSid); unique, so a webhook delivered twice is stored once.</summary>
    public required string ProviderId { get; set; }

    /// <summary>The debtor the number belongs to, when exactly one does.</summary>
    public DebtorId? DebtorId { get; set; }

    public InboundMessageKind Kind { get; set; }

    public Instant ReceivedAt { get; set; }

    /// <summary>When an operator dealt with it; null while it is in the queue.</summary>
    public Instant? HandledAt { get; set; }

    public AgentId? HandledBy { get; set; }
}
