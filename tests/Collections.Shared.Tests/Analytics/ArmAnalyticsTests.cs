using Collections.Shared.Analytics;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Tests.Analytics;

/// <summary>
/// The honesty of the arm comparison on simulated outcomes with deterministic seeds: a planted effect (the challenger collects
/// 10 % more) is found with the stated confidence, and where nothing is planted the rate of false "significant" verdicts, with
/// the page looked at again and again as cases come in, stays at or below alpha.
/// </summary>
public sealed class ArmAnalyticsTests
{
    private static readonly LocalDate Today = new(2026, 12, 1);
    private static readonly AnalyticsOptions Options = new();

    // A case pays with probability 0.3, a uniform 30-100 % of a balance uniform on 100-900: the mean collected per case is
    // 0.3 x 500 x 0.65 = 97.50, its standard deviation about 176 (most cases pay nothing, as in collections).
    private const double ChampionMean = 0.3 * 500 * 0.65;

    private static IEnumerable<CaseOutcome> Simulate(Random random, string arm, int cases, double lift)
    {
        for (var i = 0; i < cases; i++)
        {
            var placed = Math.Round((decimal)(100 + 800 * random.NextDouble()), 2);
            var pays = random.NextDouble() < 0.3;
            var amount = Math.Round(placed * (decimal)((0.3 + 0.7 * random.NextDouble()) * (1 + lift)), 2);
            var day = random.Next(0, 90);
            var reached = pays || random.NextDouble() < 0.2;
            yield return new CaseOutcome("consumer-standard", arm, "EUR", Today.PlusDays(-120 - random.Next(0, 60)), placed,
                pays ? [new PaymentFact(day, amount)] : [],
                [new ContactFact(1, ContactChannel.Letter, true, false), new ContactFact(Math.Max(0, day - 1), ContactChannel.Call, reached, reached)],
                pays ? [new PromiseFact(Math.Max(0, day - 1), true, true)] : []);
        }
    }

    [Fact]
    public void A_challenger_that_collects_ten_percent_more_is_found_and_its_interval_covers_the_planted_difference()
    {
        // With 24,000 cases per arm, a 9.75 difference is 6 standard errors; the mSPRT rejects from about 3.3 of them
        // (alpha 0.05, mixing effect 0.1 sd), so its power is about 99 %: at least 19 of 20 seeds must find it.
        const int seeds = 20;
        var found = 0;
        var covered = 0;
        for (var seed = 1; seed <= seeds; seed++)
        {
            var random = new Random(seed);
            var reports = ArmAnalytics.Compute([.. Simulate(random, "champion", 24_000, 0), .. Simulate(random, "early-call", 24_000, 0.10)], Today, Options);
            var challenger = reports.Single(r => r.Arm == "early-call");
            var vs = challenger.VsChampion!.Value;
            found += vs.Significant && vs.Difference > 0 ? 1 : 0;
            covered += vs.Low <= ChampionMean * 0.10 && ChampionMean * 0.10 <= vs.High ? 1 : 0;
            Assert.Equal(24_000, challenger.Cases);
            Assert.InRange(reports.Single(r => r.Arm == "champion").CollectedPerCase.Value, ChampionMean * 0.97, ChampionMean * 1.03);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"planted +10 %: found in {found} of {seeds} seeds, interval covered the difference in {covered}");
        Assert.True(found >= 19, $"the planted effect was found in {found} of {seeds} seeds");
        Assert.True(covered >= 19, $"the always-valid 95 % interval covered the planted difference in {covered} of {seeds} seeds");
    }

    [Fact]
    public void Without_an_effect_peeking_at_every_200_cases_keeps_false_positives_at_or_below_alpha()
    {
        // 400 simulated tests of two identical arms, each looked at 20 times as its cases come in (every 200 per arm, up to
        // 4,000): the share of tests ever called significant is the false-positive rate a supervisor who checks the page
        // every day would suffer. The fixed-sample z-test on the same looks shows what the sequential test protects from.
        const int seeds = 400;
        var sequential = 0;
        var naive = 0;
        for (var seed = 1; seed <= seeds; seed++)
        {
            var random = new Random(10_000 + seed);
            var champion = new Moments();
            var challenger = new Moments();
            var everSequential = false;
            var everNaive = false;
            var a = Simulate(random, "champion", 4_000, 0).ToList();
            var b = Simulate(random, "challenger", 4_000, 0).ToList();
            for (var i = 0; i < 4_000; i++)
            {
                champion.Add((double)a[i].Payments.Sum(p => p.Amount));
                challenger.Add((double)b[i].Payments.Sum(p => p.Amount));
                if ((i + 1) % 200 == 0)
                {
                    everSequential |= Statistics.Compare(champion, challenger, Options.Alpha, Options.MixingEffect).Significant;
                    everNaive |= Statistics.FixedSamplePValue(champion, challenger) < Options.Alpha;
                }
            }

            // The last look through the analytics themselves gives the same verdict as the running comparison.
            var last = ArmAnalytics.Compute([.. a, .. b], Today, Options).Single(r => r.Arm == "challenger").VsChampion!.Value;
            Assert.Equal(Statistics.Compare(champion, challenger, Options.Alpha, Options.MixingEffect).PValue, last.PValue, 9);
            sequential += everSequential ? 1 : 0;
            naive += everNaive ? 1 : 0;
        }

        var rate = (double)sequential / seeds;
        TestContext.Current.TestOutputHelper?.WriteLine($"no effect, 20 looks: mSPRT significant in {sequential} of {seeds}, fixed-sample z-test in {naive} of {seeds}");
        Assert.True(rate <= Options.Alpha, $"false-positive rate with peeking {rate:P1} ({sequential} of {seeds}) is above alpha {Options.Alpha}");
        Assert.True((double)naive / seeds > 2 * Options.Alpha, $"the fixed-sample test with the same peeking should inflate well beyond alpha, and was wrong in {naive} of {seeds}");
    }

    [Fact]
    public void Intervals_and_rates_match_hand_computed_values()
    {
        // Wilson interval for 30 of 100 at 95 %: 0.2189 to 0.3958 (Newcombe, Statistics in Medicine 17, 1998, table I method 3).
        var wilson = Statistics.Proportion(30, 100, 0.05);
        Assert.Equal(0.2189, wilson.Low, 4);
        Assert.Equal(0.3958, wilson.High, 4);
        Assert.Equal(1.959964, Statistics.Z(0.05), 5);
        Assert.Equal(0.975, Statistics.NormalCdf(1.959964), 6);

        // Two arms of two cases each: means 1 and 3, variances 2 and 2.
        var a = new Moments();
        var b = new Moments();
        foreach (var v in new[] { 0.0, 2.0 })
        {
            a.Add(v);
            b.Add(v + 2);
        }

        // V = 2/2 + 2/2 = 2, pooled sd sqrt(2), tau^2 = 0.02: log ratio = 0.5 ln(2/2.02) + 4 x 0.02 / (2 x 2 x 2.02).
        var vs = Statistics.Compare(a, b, 0.05, 0.1);
        Assert.Equal(2, vs.Difference, 9);
        Assert.Equal(Math.Exp(-(0.5 * Math.Log(2 / 2.02) + 0.08 / 8.08)), vs.PValue, 9);
        Assert.False(vs.Significant);
    }

    [Fact]
    public void Only_cases_with_a_full_horizon_count_and_the_curve_uses_every_case_old_enough_for_its_point()
    {
        var young = new CaseOutcome("s", "champion", "EUR", Today.PlusDays(-30), 100m, [new PaymentFact(3, 50m)], [], []);
        var old = new CaseOutcome("s", "champion", "EUR", Today.PlusDays(-100), 100m, [new PaymentFact(10, 20m), new PaymentFact(95, 80m)], [], []);

        var report = ArmAnalytics.Compute([young, old], Today, Options).Single();

        Assert.Equal((1, 2), (report.Cases, report.Opened));
        Assert.Equal(20, report.CollectedPerCase.Value, 9);
        Assert.Null(report.VsChampion);
        // Day 7: both cases are old enough; the young one has paid 50 of 100, the old one nothing yet: 50 / 200.
        Assert.Equal((7, 2, 0.25), (report.Curve[1].Day, report.Curve[1].Cases, report.Curve[1].Liquidation.Value));
        // Day 35 and later: only the old case.
        Assert.Equal((35, 1, 0.2), (report.Curve[5].Day, report.Curve[5].Cases, report.Curve[5].Liquidation.Value));
    }
}
