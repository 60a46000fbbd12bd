using NodaTime;

namespace Collections.Shared.Analytics;

/// <summary>
/// What followed one kind of touch (a step, a channel, a template, a script, a discount band) within the window, over the
/// touches whose window has passed.
/// </summary>
/// <param name="Strategy">Strategy id.</param>
/// <param name="Currency">Currency of the amounts.</param>
/// <param name="Dimension">"step", "channel", "template", "script" or "discount".</param>
/// <param name="Value">The step id, channel, template, script stage or discount band.</param>
/// <param name="Touches">Touches counted (their window has passed).</param>
/// <param name="Cases">Cases they were made on.</param>
/// <param name="ContactRate">Share of touches followed within the window by a contact on the touch's channel that reached someone
/// (a call answered by a person, a message delivered, a letter sent); for an offer, on any channel.</param>
/// <param name="RpcRate">Share followed by a right-party contact.</param>
/// <param name="PromiseRate">Share followed by a promise to pay.</param>
/// <param name="PromiseKeptRate">Of the promises that followed and were decided, the share kept in full or in part.</param>
/// <param name="CollectedPerTouch">Amount received within the window per touch.</param>
/// <param name="CostPerTouch">Cost units per touch.</param>
/// <param name="CollectedPerCostUnit">Amount received within the window per cost unit (null when the touch costs nothing).</param>
public sealed record TouchReport(string Strategy, string Currency, string Dimension, string Value, int Touches, int Cases,
    Estimate ContactRate, Estimate RpcRate, Estimate PromiseRate, Estimate PromiseKeptRate, Estimate CollectedPerTouch,
    double CostPerTouch, Estimate? CollectedPerCostUnit);

/// <summary>
/// Which step, channel, template, script and discount offer is followed by money (issue 20, item 3), per strategy and currency:
/// for each touch whose window (<see cref="AnalyticsOptions.TouchWindowDays"/>) has passed, what happened on the case within
/// that window. These are associations, not effects: within an arm every case gets the same steps in the same order, so a
/// step's figures also carry whatever the case's other touches and the debtor's own plans did, and touches whose windows
/// overlap share the same money (the figures do not add up). Only varying a step between arms (a challenger) measures its
/// effect; the page says so beside these figures.
/// </summary>
public static class TouchAnalytics
{
    /// <summary>Dimensions in the order the page lists them.</summary>
    public static readonly IReadOnlyList<string> Dimensions = ["step", "channel", "template", "script", "discount"];

    /// <summary>The reports of <paramref name="outcomes"/> as of <paramref name="today"/>, by strategy, currency, dimension
    /// (in <see cref="Dimensions"/> order) and value.</summary>
    public static IReadOnlyList<TouchReport> Compute(IEnumerable<CaseOutcome> outcomes, LocalDate today, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(options);
        var window = options.TouchWindowDays;
        var alpha = options.Alpha;
        var reports = new List<TouchReport>();
        var followed = outcomes
            .SelectMany(c => c.Touches.Where(t => t.Day + window <= Period.DaysBetween(c.PlacedOn, today)).Select(t => (Case: c, Touch: t)))
            .GroupBy(x => (x.Case.Strategy, x.Case.Currency, x.Touch.Dimension, x.Touch.Value));
        foreach (var group in followed
            .OrderBy(g => g.Key.Strategy, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .ThenBy(g => Rank(g.Key.Dimension)).ThenBy(g => g.Key.Value, StringComparer.Ordinal))
        {
            int reached = 0, rpc = 0, promised = 0, kept = 0, decided = 0;
            double cost = 0;
            var collected = new Moments();
            foreach (var (c, touch) in group)
            {
                bool In(int day) => day >= touch.Day && day < touch.Day + window;
                // Reached on the touch's own channel (the call answered, the message delivered); an offer: on any channel.
                reached += c.Contacts.Any(x => In(x.Day) && x.Reached && (touch.Channel is null || x.Channel == touch.Channel)) ? 1 : 0;
                rpc += c.Contacts.Any(x => In(x.Day) && x.RightParty) ? 1 : 0;
                var promises = c.Promises.Where(p => In(p.Day)).ToList();
                promised += promises.Count > 0 ? 1 : 0;
                decided += promises.Count(p => p.Decided);
                kept += promises.Count(p => p.Decided && p.Kept);
                var got = (double)c.Payments.Where(p => In(p.Day)).Sum(p => p.Amount);
                collected.Add(got);
                cost += Cost(touch, options);
            }

            var n = group.Count();
            var perCost = cost > 0 ? Statistics.Ratio([.. group.Select(x => ((double)x.Case.Payments.Where(p => p.Day >= x.Touch.Day && p.Day < x.Touch.Day + window).Sum(p => p.Amount), Cost(x.Touch, options)))], alpha) : (Estimate?)null;
            reports.Add(new TouchReport(group.Key.Strategy, group.Key.Currency, group.Key.Dimension, group.Key.Value, n, group.Select(x => x.Case).Distinct().Count(),
                Statistics.Proportion(reached, n, alpha), Statistics.Proportion(rpc, n, alpha), Statistics.Proportion(promised, n, alpha),
                Statistics.Proportion(kept, decided, alpha), Statistics.Mean(collected, alpha), cost / n, perCost));
        }

        return reports;
    }

    /// <summary>The band a settlement offer's discount falls in: "0 %", "up to 10 %", "up to 20 %", "up to 30 %", "over 30 %".</summary>
    public static string DiscountBand(decimal percent) => percent switch
    {
        <= 0m => "0 %",
        <= 10m => "up to 10 %",
        <= 20m => "up to 20 %",
        <= 30m => "up to 30 %",
        _ => "over 30 %",
    };

    private static double Cost(TouchFact touch, AnalyticsOptions options) => touch.Channel is { } channel ? ArmAnalytics.Cost(channel, options) : 0;

    private static int Rank(string dimension)
    {
        var i = Dimensions.ToList().IndexOf(dimension);
        return i < 0 ? int.MaxValue : i;
    }
}
