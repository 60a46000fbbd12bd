using System.ComponentModel.DataAnnotations;

namespace Collections.Shared.Analytics;

/// <summary>Effectiveness analytics settings, bound from <c>Collections:Analytics</c> (docs/analytics.md).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Collections:Analytics";

    /// <summary>Days after placement over which a case's outcome is measured; a case counts in the comparison of arms once it
    /// is this old, so every case contributes one fixed outcome (what the sequential test assumes).</summary>
    [Range(7, 730)]
    public int HorizonDays { get; set; } = 90;

    /// <summary>Significance level of the comparison and 1 - confidence of every interval.</summary>
    [Range(0.001, 0.2)]
    public double Alpha { get; set; } = 0.05;

    /// <summary>Standard deviation of the mSPRT's mixing distribution over the effect, in standard deviations of a case's
    /// outcome: the size of effect the test is tuned to find soonest (docs/analytics.md).</summary>
    [Range(0.001, 10)]
    public double MixingEffect { get; set; } = 0.1;

    /// <summary>Cost units of one call attempt.</summary>
    [Range(0, 1000)]
    public double CallCost { get; set; } = 0.40;

    /// <summary>Cost units of one SMS.</summary>
    [Range(0, 1000)]
    public double SmsCost { get; set; } = 0.08;

    /// <summary>Cost units of one WhatsApp message.</summary>
    [Range(0, 1000)]
    public double WhatsAppCost { get; set; } = 0.05;

    /// <summary>Cost units of one e-mail.</summary>
    [Range(0, 1000)]
    public double EmailCost { get; set; } = 0.01;

    /// <summary>Cost units of one printed letter with postage.</summary>
    [Range(0, 1000)]
    public double LetterCost { get; set; } = 1.20;

    /// <summary>Cost units of one field visit.</summary>
    [Range(0, 10000)]
    public double VisitCost { get; set; } = 25;

    /// <summary>Days after a touch (a step, an offer) over which what followed it is counted, in the figures per step,
    /// channel, template, script and discount.</summary>
    [Range(1, 180)]
    public int TouchWindowDays { get; set; } = 14;

    /// <summary>Days between the points of a liquidation curve.</summary>
    [Range(1, 90)]
    public int CurveStepDays { get; set; } = 7;
}
