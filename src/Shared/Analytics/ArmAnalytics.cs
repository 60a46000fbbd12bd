using Collections.Shared.Domain;
using Collections.Shared.Workflow.Strategies;
using NodaTime;

namespace Collections.Shared.Analytics;

/// <summary>A contact attempt of a case, <paramref name="Day"/> days after placement.</summary>
/// <param name="Day">Days since placement.</param>
/// <param name="Channel">Channel.</param>
/// <param name="Reached">A call answered by a person, or a message or letter delivered (sent, for letters).</param>
/// <param name="RightParty">The debtor in person was reached (right-party contact).</param>
public readonly record struct ContactFact(int Day, ContactChannel Channel, bool Reached, bool RightParty);

/// <summary>A promise to pay made <paramref name="Day"/> days after placement; <paramref name="Kept"/>: kept in full or in part.</summary>
public readonly record struct PromiseFact(int Day, bool Kept, bool Decided);

/// <summary>A payment received <paramref name="Day"/> days after placement.</summary>
public readonly record struct PaymentFact(int Day, decimal Amount);

/// <summary>One thing done to a case <paramref name="Day"/> days after placement, under each heading it is analysed by: a
/// strategy step ("step", its id), its channel ("channel"), its letter or message template ("template"), its call script
/// ("script"), a settlement offer ("discount", its band).</summary>
/// <param name="Dimension">"step", "channel", "template", "script" or "discount".</param>
/// <param name="Value">The step id, channel, template, script stage or discount band.</param>
/// <param name="Day">Days since placement.</param>
/// <param name="Channel">The channel whose unit cost the touch costs (one attempt's); null for an offer, which costs nothing.</param>
public readonly record struct TouchFact(string Dimension, string Value, int Day, ContactChannel? Channel);

/// <summary>What one case of a champion/challenger test did and yielded, by days since placement.</summary>
/// <param name="Strategy">Strategy id.</param>
/// <param name="Arm">Arm the case was drawn into.</param>
/// <param name="Currency">The account's currency.</param>
/// <param name="PlacedOn">Day the case was opened.</param>
/// <param name="Placed">Amount placed (principal, interest and fees at placement).</param>
/// <param name="Payments">Payments received.</param>
/// <param name="Contacts">Contact attempts.</param>
/// <param name="Promises">Promises to pay.</param>
public sealed record CaseOutcome(string Strategy, string Arm, string Currency, LocalDate PlacedOn, decimal Placed,
    IReadOnlyList<PaymentFact> Payments, IReadOnlyList<ContactFact> Contacts, IReadOnlyList<PromiseFact> Promises)
{
    /// <summary>Steps run and offers made, for the figures per step, channel, template, script and discount.</summary>
    public IReadOnlyList<TouchFact> Touches { get; init; } = [];
}

/// <summary>A point of a liquidation curve: the share of the placed amount collected by <paramref name="Day"/> days after
/// placement, over the <paramref name="Cases"/> cases at least that old.</summary>
public sealed record CurvePoint(int Day, int Cases, Estimate Liquidation);

/// <summary>How much an arm used one channel within the horizon.</summary>
/// <param name="Channel">Channel name.</param>
/// <param name="AttemptsPerCase">Attempts per case.</param>
/// <param name="ReachedRate">Share of attempts that reached someone (answered, delivered).</param>
/// <param name="CostPerCase">Cost units per case on the channel.</param>
public sealed record ChannelUse(string Channel, double AttemptsPerCase, double ReachedRate, double CostPerCase);

/// <summary>The effectiveness of one arm of a strategy, in one currency, over the cases old enough to have a full horizon.</summary>
/// <param name="Strategy">Strategy id.</param>
/// <param name="Arm">Arm id.</param>
/// <param name="Currency">Currency of the amounts.</param>
/// <param name="Cases">Cases with a full horizon behind them: the sample every figure but the curve is computed on.</param>
/// <param name="Opened">Every case of the arm, also those too young to count yet.</param>
/// <param name="CollectedPerCase">Amount collected within the horizon per case.</param>
/// <param name="ContactRate">Share of cases reached at least once (a call answered, a message delivered).</param>
/// <param name="RpcRate">Share of cases with a right-party contact.</param>
/// <param name="PromiseRate">Share of cases with a promise to pay.</param>
/// <param name="PromiseKeptRate">Of the promises decided (kept, partly kept or broken), the share kept in full or in part.</param>
/// <param name="CostPerCase">Cost units of the contact attempts per case.</param>
/// <param name="CollectedPerCostUnit">Amount collected per cost unit.</param>
/// <param name="Liquidation">Share of the placed amount collected within the horizon.</param>
/// <param name="VsChampion">The sequential comparison with the champion on collected per case; null for the champion.</param>
/// <param name="Curve">Liquidation by days since placement, over all cases old enough for each point.</param>
/// <param name="Channels">Use of each channel.</param>
public sealed record ArmReport(string Strategy, string Arm, string Currency, int Cases, int Opened,
    Estimate CollectedPerCase, Estimate ContactRate, Estimate RpcRate, Estimate PromiseRate, Estimate PromiseKeptRate,
    Estimate CostPerCase, Estimate CollectedPerCostUnit, Estimate Liquidation, SequentialComparison? VsChampion,
    IReadOnlyList<CurvePoint> Curve, IReadOnlyList<ChannelUse> Channels);

/// <summary>
/// Champion/challenger effectiveness (issue 20): per strategy, currency and arm, the rates, amounts and costs of the cases
/// with a full horizon, their intervals, the liquidation curve, and the sequential comparison of each challenger with the
/// champion. Pure: the CLI, the page and the tests give it outcomes (<see cref="ArmOutcomeQuery"/> reads them from the database).
/// </summary>
public static class ArmAnalytics
{
    /// <summary>The reports of <paramref name="outcomes"/> as of <paramref name="today"/>, by strategy, currency, then arm
    /// (the champion first).</summary>
    public static IReadOnlyList<ArmReport> Compute(IEnumerable<CaseOutcome> outcomes, LocalDate today, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(options);
        var reports = new List<ArmReport>();
        foreach (var test in outcomes.GroupBy(o => (o.Strategy, o.Currency)).OrderBy(g => g.Key.Strategy, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal))
        {
            var arms = test.GroupBy(o => o.Arm)
                .OrderBy(g => g.Key == Strategy.Champion ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (Arm: g.Key, All: g.ToList(), Collected: Collected(g, today, options.HorizonDays)))
                .ToList();
            var champion = arms.FirstOrDefault(a => a.Arm == Strategy.Champion).Collected;
            foreach (var (arm, all, collected) in arms)
            {
                var comparison = arm == Strategy.Champion || champion is null ? (SequentialComparison?)null
                    : Statistics.Compare(champion, collected, options.Alpha, options.MixingEffect);
                reports.Add(Report(test.Key.Strategy, arm, test.Key.Currency, all, collected, comparison, today, options));
            }
        }

        return reports;
    }

    /// <summary>Collected within the horizon, per case old enough to have one.</summary>
    private static Moments Collected(IEnumerable<CaseOutcome> cases, LocalDate today, int horizon)
    {
        var moments = new Moments();
        foreach (var c in cases.Where(c => Matured(c, today, horizon)))
        {
            moments.Add((double)c.Payments.Where(p => p.Day < horizon).Sum(p => p.Amount));
        }

        return moments;
    }

    private static bool Matured(CaseOutcome c, LocalDate today, int days) => Period.DaysBetween(c.PlacedOn, today) >= days;

    private static ArmReport Report(string strategy, string arm, string currency, List<CaseOutcome> all, Moments collected, SequentialComparison? comparison, LocalDate today, AnalyticsOptions options)
    {
        var horizon = options.HorizonDays;
        var alpha = options.Alpha;
        var cases = all.Where(c => Matured(c, today, horizon)).ToList();
        var n = cases.Count;
        var contacts = cases.Select(c => c.Contacts.Where(x => x.Day < horizon).ToList()).ToList();
        var promises = cases.SelectMany(c => c.Promises.Where(p => p.Day < horizon && p.Decided)).ToList();
        var costs = new Moments();
        var perCost = new List<(double Y, double X)>(n);
        var liquidation = new List<(double Y, double X)>(n);
        for (var i = 0; i < n; i++)
        {
            var cost = contacts[i].Sum(x => Cost(x.Channel, options));
            var got = (double)cases[i].Payments.Where(p => p.Day < horizon).Sum(p => p.Amount);
            costs.Add(cost);
            perCost.Add((got, cost));
            liquidation.Add((got, (double)cases[i].Placed));
        }

        var channels = contacts.SelectMany(x => x).GroupBy(x => x.Channel).OrderBy(g => g.Key)
            .Select(g => new ChannelUse(g.Key.ToString().ToLowerInvariant(), n == 0 ? 0 : (double)g.Count() / n, (double)g.Count(x => x.Reached) / g.Count(),
                n == 0 ? 0 : g.Count() * Cost(g.Key, options) / n))
            .ToList();
        return new ArmReport(strategy, arm, currency, n, all.Count,
            Statistics.Mean(collected, alpha),
            Statistics.Proportion(contacts.Count(x => x.Exists(c => c.Reached)), n, alpha),
            Statistics.Proportion(contacts.Count(x => x.Exists(c => c.RightParty)), n, alpha),
            Statistics.Proportion(cases.Count(c => c.Promises.Any(p => p.Day < horizon)), n, alpha),
            Statistics.Proportion(promises.Count(p => p.Kept), promises.Count, alpha),
            Statistics.Mean(costs, alpha),
            Statistics.Ratio(perCost, alpha),
            Statistics.Ratio(liquidation, alpha),
            comparison,
            Curve(all, today, options),
            channels);
    }

    /// <summary>Liquidation by day since placement; each point over the cases at least that many days old, so young cases
    /// do not drag the curve down.</summary>
    private static List<CurvePoint> Curve(List<CaseOutcome> all, LocalDate today, AnalyticsOptions options)
    {
        var points = new List<CurvePoint>();
        for (var day = 0; day <= options.HorizonDays; day += options.CurveStepDays)
        {
            var d = day;
            var old = all.Where(c => Matured(c, today, d)).ToList();
            if (old.Count == 0)
            {
                break;
            }

            var pairs = old.Select(c => ((double)c.Payments.Where(p => p.Day < d).Sum(p => p.Amount), (double)c.Placed)).ToList();
            points.Add(new CurvePoint(d, old.Count, Statistics.Ratio(pairs, options.Alpha)));
        }

        return points;
    }

    /// <summary>Cost units of one attempt on <paramref name="channel"/>.</summary>
    public static double Cost(ContactChannel channel, AnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return channel switch
        {
            ContactChannel.Call => options.CallCost,
            ContactChannel.Sms => options.SmsCost,
            ContactChannel.WhatsApp => options.WhatsAppCost,
            ContactChannel.Email => options.EmailCost,
            ContactChannel.Letter => options.LetterCost,
            ContactChannel.Visit => options.VisitCost,
            _ => 0,
        };
    }
}
