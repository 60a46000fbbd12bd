using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>The industry a claim comes from; it selects strategies and conversation scripts.</summary>
public enum Industry { Other = 0, Telecom = 1, Utilities = 2, ConsumerCredit = 3, B2BTradeCredit = 4, Healthcare = 5, Retail = 6, Rental = 7 }

/// <summary>A claim: what a debtor owes a creditor under one reference, made of one or more invoices.</summary>
public sealed class Account
{
    public AccountId Id { get; set; } = AccountId.New();

    public CreditorId CreditorId { get; set; }

    public PortfolioId PortfolioId { get; set; }

    public DebtorId DebtorId { get; set; }

    /// <summary>The creditor's own reference; unique per creditor, the key of re-imports.</summary>
    public required string CreditorReference { get; set; }

    public Industry Industry { get; set; }

    /// <summary>How the debt arose (unpaid subscription, loan instalment, goods delivered, treatment ...).</summary>
    public string? Origin { get; set; }

    /// <summary>ISO 4217 code every amount of the account is in.</summary>
    public required string Currency { get; set; }

    public decimal Principal { get; set; }

    public decimal Interest { get; set; }

    public decimal Fees { get; set; }

    /// <summary>Statutory default interest accrued since the due date by the debtor's jurisdiction (BGB 288, Ptk. 6:155 ...),
    /// recomputed by the nightly accrual up to <see cref="InterestAccruedUntil"/>; part of the balance.</summary>
    public decimal StatutoryInterest { get; set; }

    /// <summary>The day <see cref="StatutoryInterest"/> was last accrued to; null when never.</summary>
    public LocalDate? InterestAccruedUntil { get; set; }

    /// <summary>Amounts paid so far, already allocated to fees, interest and principal.</summary>
    public decimal Paid { get; set; }

    public LocalDate DueDate { get; set; }

    public Instant CreatedAt { get; set; }

    public Instant UpdatedAt { get; set; }

    /// <summary>Hash of the imported row's content, so a re-import of the same row changes nothing.</summary>
    public string? ImportHash { get; set; }

    public List<Invoice> Invoices { get; set; } = [];

    /// <summary>What is still owed: principal, interest (contractual and statutory) and fees less what was paid.</summary>
    public Money Balance => new(Principal + Interest + StatutoryInterest + Fees - Paid, Currency);
}

/// <summary>An invoice or statement the claim rests on; demands cite them (seed 001).</summary>
public sealed class Invoice
{
    public InvoiceId Id { get; set; } = InvoiceId.New();

    public AccountId AccountId { get; set; }

    public required string Number { get; set; }

    public LocalDate IssuedOn { get; set; }

    public LocalDate DueOn { get; set; }

    public decimal Amount { get; set; }
}
