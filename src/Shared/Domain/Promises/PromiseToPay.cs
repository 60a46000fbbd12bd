using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>Where a promise to pay stands once its date has passed.</summary>
public enum PromiseStatus { Pending = 0, Kept = 1, PartlyKept = 2, Broken = 3, Cancelled = 4 }

/// <summary>A debtor's promise to pay an amount by a date through a channel.</summary>
public sealed class PromiseToPay
{
    public PromiseId Id { get; set; } = PromiseId.New();

    public AccountId AccountId { get; set; }

    public AgentId? AgentId { get; set; }

    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    public LocalDate DueDate { get; set; }

    /// <summary>How the debtor said they would pay ("bank-transfer", "card", "cash").</summary>
    public string? PaymentMethod { get; set; }

    /// <summary>The channel on which the promise was made.</summary>
    public ContactChannel Channel { get; set; }

    public PromiseStatus Status { get; set; }

    public decimal AmountReceived { get; set; }

    public Instant CreatedAt { get; set; }

    public Money Promised => new(Amount, Currency);
}
