using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Pacing;

/// <summary>A campaign's pacing limits.</summary>
public sealed class PacingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Pacing";

    /// <summary>
    /// Highest abandoned-call rate allowed in any window (abandoned over answered by a person). 3 % is
    /// Ofcom's limit per campaign over 24 h and the US TSR limit over 30 days (16 CFR 310.4(b)(4)(i)).
    /// </summary>
    [Range(0.0, 0.5)]
    public double TargetAbandonRate { get; set; } = 0.03;

    /// <summary>Seconds after the greeting within which an agent must be connected (Ofcom; TSR 16 CFR 310.4(b)(4)(iii)).</summary>
    [Range(0.1, 10.0)]
    public double ConnectLimitSeconds { get; set; } = 2.0;

    /// <summary>Most lines in flight per logged-in agent.</summary>
    [Range(1.0, 10.0)]
    public double MaxLinesPerAgent { get; set; } = 3.0;

    /// <summary>
    /// The campaign's configured share of MACHINE verdicts that are live people (AMD false positives), from the AMD evaluation
    /// or recordings reviewed; operators' reviews update it (<see cref="Shared.Abandonment.AmdFalsePositiveEstimate"/>).
    /// </summary>
    [Range(0.0, 1.0)]
    public double AmdFalsePositiveShare { get; set; }

    /// <summary>How many reviewed verdicts the configured share is worth.</summary>
    [Range(0.0, 100000.0)]
    public double AmdFalsePositivePriorWeight { get; set; } = Shared.Abandonment.AmdFalsePositiveEstimate.DefaultPriorWeight;

    /// <summary>The most of the target the estimated AMD abandonment may use before MACHINE verdicts go to operators.</summary>
    [Range(0.0, 1.0)]
    public double AmdShareOfTarget { get; set; } = 0.7;

    /// <summary>Share of MACHINE verdicts passed to operators as a sample that measures the false-positive share.</summary>
    [Range(0.0, 1.0)]
    public double AmdAuditShare { get; set; } = 0.1;

    /// <summary>Normal quantile of the upper bound on the false-positive share the gate assumes (1.28: one-sided 90 %).</summary>
    [Range(0.0, 5.0)]
    public double AmdShareConfidenceZ { get; set; } = 1.28;

    /// <summary>The connect limit as a duration.</summary>
    public TimeSpan ConnectLimit => TimeSpan.FromSeconds(ConnectLimitSeconds);
}
