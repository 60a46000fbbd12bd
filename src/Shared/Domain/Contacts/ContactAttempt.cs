using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>How a contact attempt ended; <see cref="Pending"/> is written before the call or message leaves.</summary>
public enum ContactOutcome
{
    Pending = 0,
    Answered = 1,
    Busy = 2,
    NoAnswer = 3,
    Failed = 4,
    Machine = 5,
    Abandoned = 6,
    Sent = 7,
    Delivered = 8,
    Undelivered = 9,
    Cancelled = 10,

    /// <summary>The node placing the call stopped before it ended (a crash, kill -9, a lost machine); closed by
    /// <see cref="Compliance.LedgerReconciler"/>. Whether a person answered is unknown.</summary>
    Lost = 11,
}

/// <summary>What an operator (or a reviewer of the recording) found a call's answer to be: the measure of AMD in the field.</summary>
public enum AnswerMark
{
    /// <summary>A live person answered.</summary>
    Person = 1,

    /// <summary>An answering machine or voicemail answered.</summary>
    Machine = 2,
}

/// <summary>One row of the contact ledger: every call and message about an account, written before it leaves
/// so a crash cannot lose a count (Regulation F 12 CFR 1006.14(b)(2) counts attempts, not completed calls).</summary>
public sealed class ContactAttempt
{
    public ContactAttemptId Id { get; set; } = ContactAttemptId.New();

    public AccountId AccountId { get; set; }

    public DebtorId DebtorId { get; set; }

    public ContactChannel Channel { get; set; }

    /// <summary>The number or address contacted (E.164 or e-mail).</summary>
    public required string Address { get; set; }

    public CampaignId? CampaignId { get; set; }

    public AgentId? AgentId { get; set; }

    public Instant StartedAt { get; set; }

    public Instant? EndedAt { get; set; }

    public ContactOutcome Outcome { get; set; }

    /// <summary>A telephone conversation with the debtor took place (12 CFR 1006.14(b)(2)(ii) starts a 7-day quiet period).</summary>
    public bool RightPartyContact { get; set; }

    /// <summary>The answering-machine detector flagged this answered call (Ofcom: no repeat within 24 h without an operator).</summary>
    public bool AmdFlagged { get; set; }

    /// <summary>What the operator who took the call (or a reviewer of its recording) found the answer to be; null when nobody said.
    /// On calls AMD called MACHINE (<see cref="AmdFlagged"/>) the marks measure the campaign's false-positive share.</summary>
    public AnswerMark? OperatorMark { get; set; }

    /// <summary>When <see cref="OperatorMark"/> was given.</summary>
    public Instant? MarkedAt { get; set; }

    /// <summary>An abandoned call played the information message (who called, a number to call back) before hanging up
    /// (Ofcom's persistent-misuse policy; FTC TSR 16 CFR 310.4(b)(4)(iii)).</summary>
    public bool InformationMessagePlayed { get; set; }

    /// <summary>Provider's id for the message or call (Twilio SID, SIP Call-ID).</summary>
    public string? ExternalId { get; set; }

    /// <summary>Why the contact was made; null for rows written before purposes were recorded.</summary>
    public ContactPurpose? Purpose { get; set; }

    /// <summary>The queue entry (scheduled_contacts) this attempt carried out; null for contacts not queued (manual, inbound).</summary>
    public Guid? ScheduledContactId { get; set; }

    /// <summary>The process that placed the contact (<see cref="Compliance.LedgerNode"/>): when it stops, its calls still open
    /// are closed by another node or by its successor.</summary>
    public string? Node { get; set; }
}
