using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>How a payment was made; a change of method is a warning sign (seed 000).</summary>
public enum PaymentMethod { BankTransfer = 1, DirectDebit = 2, Card = 3, Cash = 4, Cheque = 5, Other = 9 }

/// <summary>Money received; unmatched payments (no account) wait for a person.</summary>
public sealed class Payment
{
    public PaymentId Id { get; set; } = PaymentId.New();

    /// <summary>The account it was matched to; null while unmatched.</summary>
    public AccountId? AccountId { get; set; }

    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    public LocalDate ReceivedOn { get; set; }

    /// <summary>The remittance reference the payer gave.</summary>
    public string? Reference { get; set; }

    public PaymentMethod Method { get; set; }

    /// <summary>The payer's IBAN or account number; new bank details are a warning sign.</summary>
    public string? PayerAccount { get; set; }

    public decimal AllocatedFees { get; set; }

    public decimal AllocatedInterest { get; set; }

    public decimal AllocatedPrincipal { get; set; }

    public Instant RecordedAt { get; set; }
}
