using System.Globalization;
using Collections.Shared.Reporting;

namespace Collections.Shared.Analytics;

/// <summary>An interval as exported: value, low and high, rounded.</summary>
public sealed record RateLine(double Value, double Low, double High);

/// <summary>The comparison with the champion as exported; <see cref="Verdict"/> says in words whether it is significant yet.</summary>
/// <remarks><see cref="CiLow"/> and <see cref="CiHigh"/> are null while an arm has fewer than two cases (no interval yet).</remarks>
public sealed record ComparisonLine(double Difference, double PValue, bool Significant, double? CiLow, double? CiHigh, string Verdict);

/// <summary>One arm as the <c>analytics arms</c> verb prints it and the API returns it (stable contract, docs/analytics.md):
/// the contract's fields first, then the rest of the figures.</summary>
public sealed record ArmLine(
    string Strategy, string Arm, int Cases, double CollectedPerCase, double CiLow, double CiHigh, ComparisonLine? VsChampion,
    string Currency, int Opened, int HorizonDays, RateLine ContactRate, RateLine RpcRate, RateLine PromiseRate, RateLine PromiseKeptRate,
    RateLine CostPerCase, RateLine CollectedPerCostUnit, RateLine Liquidation, IReadOnlyList<ChannelUse> Channels);

/// <summary>What followed one kind of touch as <c>analytics touches</c> prints it and the API returns it (docs/analytics.md).</summary>
public sealed record TouchLine(string Strategy, string Currency, string Dimension, string Value, int Touches, int Cases, int WindowDays,
    RateLine ContactRate, RateLine RpcRate, RateLine PromiseRate, RateLine PromiseKeptRate, RateLine CollectedPerTouch, double CostPerTouch,
    RateLine? CollectedPerCostUnit);

/// <summary>Turns <see cref="ArmReport"/>s into the verb's JSON lines and the curves' CSV.</summary>
public static class ArmExport
{
    /// <summary>The line of <paramref name="report"/>.</summary>
    public static ArmLine Line(ArmReport report, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var confidence = (1 - options.Alpha).ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);
        var vs = report.VsChampion is { } c
            ? new ComparisonLine(Round(c.Difference, 2), Significant(c.PValue, 3), c.Significant, Finite(c.Low, 2), Finite(c.High, 2),
                c.Significant
                    ? string.Create(CultureInfo.InvariantCulture, $"significant at alpha {options.Alpha}: {(c.Difference > 0 ? "collects more" : "collects less")} than the champion")
                    : double.IsFinite(c.Low)
                        ? string.Create(CultureInfo.InvariantCulture, $"not yet significant at alpha {options.Alpha}: the {confidence} always-valid interval {Round(c.Low, 2)} to {Round(c.High, 2)} includes no difference")
                        : string.Create(CultureInfo.InvariantCulture, $"not yet significant at alpha {options.Alpha}: too few cases with a full horizon to compare"))
            : null;
        return new ArmLine(report.Strategy, report.Arm, report.Cases, Round(report.CollectedPerCase.Value, 2), Round(report.CollectedPerCase.Low, 2), Round(report.CollectedPerCase.High, 2), vs,
            report.Currency, report.Opened, options.HorizonDays, Rate(report.ContactRate), Rate(report.RpcRate), Rate(report.PromiseRate), Rate(report.PromiseKeptRate),
            Money(report.CostPerCase), Money(report.CollectedPerCostUnit), Rate(report.Liquidation),
            [.. report.Channels.Select(u => u with { AttemptsPerCase = Round(u.AttemptsPerCase, 3), ReachedRate = Round(u.ReachedRate, 4), CostPerCase = Round(u.CostPerCase, 3) })]);
    }

    /// <summary>The liquidation curves as CSV (RFC 4180): a header, then one row per strategy, currency, arm and day.</summary>
    public static string CurvesCsv(IEnumerable<ArmReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string> { Csv.Line("strategy", "currency", "arm", "day", "cases", "liquidation", "ci_low", "ci_high") };
        foreach (var report in reports)
        {
            lines.AddRange(report.Curve.Select(p => Csv.Line(report.Strategy, report.Currency, report.Arm, p.Day.ToString(c), p.Cases.ToString(c),
                Round(p.Liquidation.Value, 5).ToString("0.#####", c), Round(p.Liquidation.Low, 5).ToString("0.#####", c), Round(p.Liquidation.High, 5).ToString("0.#####", c))));
        }

        return string.Join("\r\n", lines) + "\r\n";
    }

    /// <summary>The line of <paramref name="report"/>.</summary>
    public static TouchLine Line(TouchReport report, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        return new TouchLine(report.Strategy, report.Currency, report.Dimension, report.Value, report.Touches, report.Cases, options.TouchWindowDays,
            Rate(report.ContactRate), Rate(report.RpcRate), Rate(report.PromiseRate), Rate(report.PromiseKeptRate), Money(report.CollectedPerTouch),
            Round(report.CostPerTouch, 3), report.CollectedPerCostUnit is { } perCost ? Money(perCost) : null);
    }

    /// <summary>The figures per touch as CSV (RFC 4180): a header, then one row per strategy, currency, dimension and value.</summary>
    public static string TouchesCsv(IEnumerable<TouchLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var c = CultureInfo.InvariantCulture;
        string F(double v) => v.ToString("0.####", c);
        var rows = new List<string> { Csv.Line("strategy", "currency", "dimension", "value", "touches", "cases", "window_days", "contact_rate", "rpc_rate",
            "promise_rate", "promise_kept_rate", "collected_per_touch", "ci_low", "ci_high", "cost_per_touch", "collected_per_cost_unit") };
        rows.AddRange(lines.Select(l => Csv.Line(l.Strategy, l.Currency, l.Dimension, l.Value, l.Touches.ToString(c), l.Cases.ToString(c), l.WindowDays.ToString(c),
            F(l.ContactRate.Value), F(l.RpcRate.Value), F(l.PromiseRate.Value), F(l.PromiseKeptRate.Value), F(l.CollectedPerTouch.Value),
            F(l.CollectedPerTouch.Low), F(l.CollectedPerTouch.High), F(l.CostPerTouch), l.CollectedPerCostUnit is { } p ? F(p.Value) : string.Empty)));
        return string.Join("\r\n", rows) + "\r\n";
    }

    private static RateLine Rate(Estimate e) => new(Round(e.Value, 4), Round(e.Low, 4), Round(e.High, 4));

    private static RateLine Money(Estimate e) => new(Round(e.Value, 2), Round(e.Low, 2), Round(e.High, 2));

    // A p-value keeps three significant digits: 2.0E-08 says more than a rounded 0.
    private static double Significant(double value, int digits) =>
        value <= 0 || !double.IsFinite(value) ? value : Math.Round(value, Math.Clamp(digits - 1 - (int)Math.Floor(Math.Log10(value)), 0, 15), MidpointRounding.AwayFromZero);

    private static double? Finite(double value, int digits) => double.IsFinite(value) ? Round(value, digits) : null;

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits, MidpointRounding.AwayFromZero) : value;
}
