using NodaTime;

namespace Collections.Shared.Legal;

/// <summary>When a limitation period starts to run.</summary>
public enum LimitationStart
{
    /// <summary>From the day the claim fell due (HU Ptk. 6:22(2), GB Limitation Act 1980 s.5, SI OZ 336).</summary>
    DueDate = 1,

    /// <summary>From the end of the year in which the claim arose (DE BGB § 199(1)).</summary>
    EndOfYear = 2,
}

/// <summary>Something in the record that restarts (interrupts) a running limitation period.</summary>
public enum LimitationEventKind
{
    /// <summary>An acknowledgement of debt the debtor signed (field visit, returned letter).</summary>
    Acknowledgement = 1,

    /// <summary>A payment on account of the claim.</summary>
    PartPayment = 2,

    /// <summary>An instalment agreement the debtor made.</summary>
    InstalmentPlan = 3,

    /// <summary>A written demand for payment sent to the debtor (a letter).</summary>
    WrittenDemand = 4,
}

/// <summary>A jurisdiction's limitation rule for ordinary money claims, from the rule pack's <c>limitation</c> section.</summary>
public sealed class LimitationRule
{
    /// <summary>Length of the period in years.</summary>
    public required int Years { get; init; }

    /// <summary>When the period starts.</summary>
    public required LimitationStart Start { get; init; }

    /// <summary>The text the period comes from.</summary>
    public required string Source { get; init; }

    /// <summary>What a reader must know: where the rule is a default or a simplification.</summary>
    public string? Note { get; init; }

    /// <summary>Flag the case to the legal queue this many days before the last day.</summary>
    public required int WarnDays { get; init; }

    /// <summary>The events that restart the period, each with its source.</summary>
    public required IReadOnlyList<LimitationEventRule> Restarts { get; init; }
}

/// <summary>One kind of event that restarts the period, with the text that says so.</summary>
/// <param name="Kind">The event.</param>
/// <param name="Source">The text that makes it restart the period.</param>
/// <param name="ClaimsArisenBefore">Only for claims that fell due before this day (a transitional rule), else null.</param>
public sealed record LimitationEventRule(LimitationEventKind Kind, string Source, LocalDate? ClaimsArisenBefore);
