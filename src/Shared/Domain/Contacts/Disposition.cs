using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>What an operator concluded at the end of a contact.</summary>
public enum DispositionCode
{
    PromiseToPay = 1,
    InstalmentPlan = 2,
    Callback = 3,
    RefusedToPay = 4,
    Dispute = 5,
    WrongParty = 6,
    WrongNumber = 7,
    LeftMessage = 8,
    PaidAlready = 9,
    Vulnerable = 10,
    Deceased = 11,
    NoContact = 12,
    Settlement = 13,

    /// <summary>The debtor paid on the phone (card); the payment is booked with its receipt number.</summary>
    PaymentTaken = 14,
}

/// <summary>An operator's disposition of a contact, saved in the same transaction as any promise or plan.</summary>
public sealed class Disposition
{
    public DispositionId Id { get; set; } = DispositionId.New();

    public AccountId AccountId { get; set; }

    public ContactAttemptId? ContactAttemptId { get; set; }

    public AgentId? AgentId { get; set; }

    public DispositionCode Code { get; set; }

    public string? Note { get; set; }

    /// <summary>When a callback was agreed, the moment to call back.</summary>
    public Instant? CallbackAt { get; set; }

    public Instant At { get; set; }
}
