using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>Where a case stands in the escalation the agencies describe (seeds 000, 002, 003).</summary>
public enum CasePhase
{
    New = 0,
    PreDueReminder = 1,
    WrittenReminder = 2,
    PhoneAndMessages = 3,
    SecondReminder = 4,
    FinalDemand = 5,
    LegalReview = 6,
    Hibernation = 7,
    PaymentArrangement = 8,
    Closed = 9,

    /// <summary>Legal action taken: a court claim or a payment order filed after legal review (issue 16).</summary>
    Filed = 10,
}

/// <summary>The collection case working one account: its strategy, phase and next step.</summary>
public sealed class Case
{
    public CaseId Id { get; set; } = CaseId.New();

    public AccountId AccountId { get; set; }

    public CasePhase Phase { get; set; }

    /// <summary>Id of the strategy (from config/strategies) the claim analysis chose.</summary>
    public string? StrategyId { get; set; }

    /// <summary>Why the claim analysis chose the strategy: the facts it matched ("consumer, balance 412.50 EUR, 34 days past due").</summary>
    public string? StrategyReason { get; set; }

    /// <summary>The champion/challenger arm of the strategy the case was assigned to when it was opened ("champion" when the
    /// strategy has no challengers); set once, never changed, so outcomes stay attributable to the arm.</summary>
    public string? Arm { get; set; }

    /// <summary>Name of the next step of the strategy.</summary>
    public string? NextStep { get; set; }

    public Instant? NextStepDueAt { get; set; }

    /// <summary>Risk flags raised by the claim analysis (comma separated: "new-bank-details,address-changes").</summary>
    public string? RiskFlags { get; set; }

    /// <summary>The last day the claim can be taken to court under its jurisdiction's limitation rule (rule pack
    /// <c>limitation</c>), as last computed; null when the pack gives no rule.</summary>
    public LocalDate? LimitationLastDay { get; set; }

    /// <summary>From this day the case is on the legal queue as nearing limitation (<see cref="LimitationLastDay"/> less the
    /// pack's warning days).</summary>
    public LocalDate? LimitationWarnFrom { get; set; }

    public Instant OpenedAt { get; set; }

    public Instant? ClosedAt { get; set; }
}
