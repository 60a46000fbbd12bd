using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Queues;

/// <summary>How a call a debtor (or anyone) made to one of our numbers ended.</summary>
public enum InboundCallOutcome
{
    /// <summary>Still in the IVR or the queue, or talking to an operator.</summary>
    InProgress = 0,

    /// <summary>An operator took the call.</summary>
    Answered = 1,

    /// <summary>The caller hung up in the IVR, before asking for an operator.</summary>
    AbandonedInIvr = 2,

    /// <summary>The caller hung up while waiting in the queue.</summary>
    AbandonedInQueue = 3,

    /// <summary>Outside opening hours (or after the longest wait): the caller left a message in the voicemail box.</summary>
    Voicemail = 4,

    /// <summary>Outside opening hours, and the caller hung up without leaving a message.</summary>
    ClosedNoMessage = 5,

    /// <summary>The process taking the call stopped before it ended.</summary>
    Lost = 6,
}

/// <summary>One call to one of our inbound numbers (issue 17): who called which number, the account the caller's number
/// matched (if any), and what became of the call (IVR, queue, operator, voicemail). The id is the call's one identity in the
/// console; for a matched caller it is also the contact ledger row's id (<see cref="ContactAttempt"/>, purpose inbound).</summary>
public sealed class InboundCall
{
    public ContactAttemptId Id { get; set; } = ContactAttemptId.New();

    /// <summary>The caller's number, E.164 when it could be read as one, else as the carrier sent it.</summary>
    public required string From { get; set; }

    /// <summary>Our number that was called (E.164, one of <c>Dialer:Inbound:Numbers</c>).</summary>
    public required string Did { get; set; }

    /// <summary>The SIP Call-ID of the caller's leg.</summary>
    public required string SipCallId { get; set; }

    public Instant ReceivedAt { get; set; }

    /// <summary>The debtor whose phone the number is, when exactly one debtor has it.</summary>
    public DebtorId? DebtorId { get; set; }

    /// <summary>The account the call was matched to (the debtor's open account with the highest balance).</summary>
    public AccountId? AccountId { get; set; }

    /// <summary>The language the IVR spoke and the queue asked an operator for.</summary>
    public required string Language { get; set; }

    /// <summary>When the caller joined the queue (pressed 1, or no key); null when they never did.</summary>
    public Instant? QueuedAt { get; set; }

    /// <summary>When an operator took it.</summary>
    public Instant? AnsweredAt { get; set; }

    public Instant? EndedAt { get; set; }

    public AgentId? AgentId { get; set; }

    public InboundCallOutcome Outcome { get; set; }

    /// <summary>The voicemail recording (WAV), when the caller left a message.</summary>
    public string? VoicemailPath { get; set; }

    /// <summary>For a message from a number no debtor has: when a supervisor dealt with it (null while it waits).</summary>
    public Instant? HandledAt { get; set; }

    /// <summary>The process that took the call (a node that stops leaves its open calls to be closed as lost).</summary>
    public string? Node { get; set; }
}
