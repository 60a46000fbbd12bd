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

    /// <summary>The connect limit as a duration.</summary>
    public TimeSpan ConnectLimit => TimeSpan.FromSeconds(ConnectLimitSeconds);
}
