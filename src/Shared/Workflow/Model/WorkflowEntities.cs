using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Where one step of a case's plan stands.</summary>
public enum CaseStepStatus { Planned = 0, Done = 1, Skipped = 2, Cancelled = 3 }

/// <summary>One step of a case's plan (the per-case "matrix" of seed 002): what happens, through which channel, and when.</summary>
public sealed class CaseStep
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public CaseId CaseId { get; set; }

    /// <summary>Position in the plan, 1-based; steps inserted by events (a broken promise) get the next free number.</summary>
    public int Sequence { get; set; }

    /// <summary>The step's id in the strategy file ("written-reminder"), or an event step ("broken-promise").</summary>
    public required string StepKey { get; set; }

    public CasePhase Phase { get; set; }

    /// <summary>The channel the step uses; null for steps that only change the phase (legal review, hibernation).</summary>
    public ContactChannel? Channel { get; set; }

    /// <summary>Campaign the call or message is queued to.</summary>
    public string? Campaign { get; set; }

    /// <summary>Conversation script stage ("first-contact", "broken-promise").</summary>
    public string? ScriptStage { get; set; }

    public Instant DueAt { get; set; }

    public CaseStepStatus Status { get; set; }

    public Instant? ExecutedAt { get; set; }

    /// <summary>Why the step was skipped or what it did.</summary>
    public string? Note { get; set; }
}

/// <summary>Where a queued contact stands.</summary>
public enum ScheduledContactStatus
{
    /// <summary>Waiting for its time (<see cref="ScheduledContact.NextAttemptAt"/>) and a free line or sender.</summary>
    Queued = 0,

    /// <summary>A dialer or the dispatcher is working it now (a call in progress, a message leaving).</summary>
    Taken = 1,

    /// <summary>Carried out: a conversation, or a message or letter handed over.</summary>
    Done = 2,

    /// <summary>No longer wanted (a promise made, the balance paid, the case recalled); <see cref="ScheduledContact.Outcome"/> says why.</summary>
    Cancelled = 3,

    /// <summary>Could not be carried out for good (no address, a provider's refusal).</summary>
    Failed = 4,

    /// <summary>Its time passed without a contact (<see cref="ScheduledContact.ExpiresAt"/>: a reminder after the instalment fell due).</summary>
    Expired = 5,
}

/// <summary>A call or message the workflow or an operator asks a campaign or the dispatcher to make at a time (reminders,
/// strategy steps, follow-ups, callbacks): the one queue of due contacts every channel reads.</summary>
public sealed class ScheduledContact
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public AccountId AccountId { get; set; }

    public CaseId? CaseId { get; set; }

    public ContactChannel Channel { get; set; }

    /// <summary>Name of the campaign that works the queue entry.</summary>
    public required string Campaign { get; set; }

    public string? ScriptStage { get; set; }

    /// <summary>Earliest moment to contact (already placed at the right local hour in the debtor's zone).</summary>
    public Instant DueAt { get; set; }

    /// <summary>Why the contact was queued ("strategy:phone-campaign", "instalment-reminder:3").</summary>
    public required string Reason { get; set; }

    /// <summary>One key per business event; the unique index makes a second queueing of the same event impossible.</summary>
    public required string IdempotencyKey { get; set; }

    public ScheduledContactStatus Status { get; set; }

    public Instant CreatedAt { get; set; }

    /// <summary>Why the contact is made, as the activity report and the screen-pop name it.</summary>
    public ContactPurpose Purpose { get; set; }

    /// <summary>The message or letter template ("first-reminder", "payment-reminder-sms"); null for calls.</summary>
    public string? Template { get; set; }

    /// <summary>The operator a callback was promised by: they get the call while logged in, until <see cref="AgentOnlyUntil"/>.</summary>
    public AgentId? AgentId { get; set; }

    /// <summary>After this instant a callback goes to any operator who speaks the debtor's language.</summary>
    public Instant? AgentOnlyUntil { get; set; }

    /// <summary>Earliest moment of the next attempt: <see cref="DueAt"/> at first, later after a retry delay or a refusal.</summary>
    public Instant NextAttemptAt { get; set; }

    /// <summary>After this instant the contact has no purpose any more and expires (null: it never does).</summary>
    public Instant? ExpiresAt { get; set; }

    /// <summary>Attempts made so far (calls dialed, sends tried).</summary>
    public int Attempts { get; set; }

    public Instant? LastAttemptAt { get; set; }

    /// <summary>The ledger row of the last attempt.</summary>
    public ContactAttemptId? ContactAttemptId { get; set; }

    /// <summary>The message or letter sent for it.</summary>
    public OutboundMessageId? OutboundMessageId { get; set; }

    /// <summary>The node working it (dispatcher lease); null when free.</summary>
    public string? ClaimedBy { get; set; }

    public Instant? ClaimedUntil { get; set; }

    /// <summary>When it was done, cancelled, failed or expired.</summary>
    public Instant? ClosedAt { get; set; }

    /// <summary>What happened last ("answered", "sent", "refused: calling-hours", "cancelled: promise recorded").</summary>
    public string? Outcome { get; set; }
}

/// <summary>Where a settlement offer stands.</summary>
public enum SettlementStatus { Agreed = 0, AwaitingCreditorApproval = 1, Approved = 2, Rejected = 3, Withdrawn = 4 }

/// <summary>A lump sum below the balance that settles the account, within or beyond the creditor's consented discount (seed 001).</summary>
public sealed class SettlementOffer
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public AccountId AccountId { get; set; }

    public required string Currency { get; set; }

    /// <summary>The balance when the offer was made.</summary>
    public decimal Balance { get; set; }

    /// <summary>What the debtor pays to settle.</summary>
    public decimal Amount { get; set; }

    /// <summary>(Balance - Amount) / Balance, in percent, two decimals.</summary>
    public decimal DiscountPercent { get; set; }

    /// <summary>The creditor's consented maximum when the offer was made.</summary>
    public decimal ConsentedDiscountPercent { get; set; }

    public SettlementStatus Status { get; set; }

    public LocalDate PayBy { get; set; }

    public Instant CreatedAt { get; set; }

    /// <summary>When the request for the creditor's approval was recorded; null when within the consented discount.</summary>
    public Instant? ApprovalRequestedAt { get; set; }

    public Instant? DecidedAt { get; set; }

    public string? DecidedBy { get; set; }

    public string? Note { get; set; }

    /// <summary>The operator who made the offer on a call; null when made elsewhere.</summary>
    public AgentId? RequestedBy { get; set; }

    /// <summary>The call the offer was made on.</summary>
    public ContactAttemptId? ContactAttemptId { get; set; }

    /// <summary>When the confirmation to the debtor was queued.</summary>
    public Instant? ConfirmationQueuedAt { get; set; }
}

/// <summary>One payment file loaded (CSV or camt.053): counts for the report and the people who check it.</summary>
public sealed class PaymentImportBatch
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string FileName { get; set; }

    /// <summary>"csv" or "camt.053".</summary>
    public required string Format { get; set; }

    public Instant ImportedAt { get; set; }

    public int Rows { get; set; }

    public int Matched { get; set; }

    public int Unmatched { get; set; }

    public int Rejected { get; set; }

    public int Duplicates { get; set; }
}

/// <summary>Links a payment to the file line it came from; its key makes a re-import of the same line a no-op.</summary>
public sealed class PaymentImportEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid BatchId { get; set; }

    public int Line { get; set; }

    public PaymentId PaymentId { get; set; }

    /// <summary>Bank entry reference, or a hash of date, amount, currency, reference and payer.</summary>
    public required string DedupKey { get; set; }

    /// <summary>Why the payment went to the unmatched queue; null when matched.</summary>
    public string? UnmatchedReason { get; set; }
}
