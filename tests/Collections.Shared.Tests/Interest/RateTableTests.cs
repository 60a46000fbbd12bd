using Collections.Shared.Interest;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

public sealed class RateTableTests
{
    private static readonly InterestRuleBook Book = InterestRuleBook.Load(RepoConfig.InterestDirectory);

    // Values published by the Deutsche Bundesbank (Bekanntgabe des Basiszinssatzes).
    [Theory]
    [InlineData("2019-01-01", -0.88)]
    [InlineData("2022-07-01", -0.88)]
    [InlineData("2023-01-01", 1.62)]
    [InlineData("2023-07-01", 3.12)]
    [InlineData("2024-01-01", 3.62)]
    [InlineData("2024-07-01", 3.37)]
    [InlineData("2025-01-01", 2.27)]
    [InlineData("2025-07-01", 1.27)]
    [InlineData("2026-01-01", 1.27)]
    public void Basiszinssatz_MatchesBundesbank(string date, double percent)
    {
        Assert.True(Book.TryGet("DE", out var de));
        Assert.Equal((decimal)percent, de.ReferenceRate.InForceOn(Parse(date))!.Percent);
    }

    // BGB § 247 (1): the base rate moves on each 1 January / 1 July by exactly as many points as the ECB main refinancing
    // rate moved since the previous change. The two tables come from different publishers; this checks one against the other.
    [Fact]
    public void Basiszinssatz_MovesWithTheEcbRate_AsBgb247Prescribes()
    {
        Assert.True(Book.TryGet("DE", out var de));
        Assert.True(Book.TryGet("EU", out var eu));
        for (var half = new LocalDate(2019, 7, 1); half <= new LocalDate(2026, 1, 1); half = half.PlusMonths(6))
        {
            var previous = half.PlusMonths(-6);
            // § 247 (1) sentence 3: the ECB rate of the most recent operation before the first day of the half-year.
            var ecbMove = eu.ReferenceRate.InForceOn(half.PlusDays(-1))!.Percent - eu.ReferenceRate.InForceOn(previous.PlusDays(-1))!.Percent;
            var baseMove = de.ReferenceRate.InForceOn(half)!.Percent - de.ReferenceRate.InForceOn(previous)!.Percent;
            Assert.True(ecbMove == baseMove, $"{half:yyyy-MM-dd}: ECB moved {ecbMove}, Basiszinssatz moved {baseMove}");
        }
    }

    [Theory]
    [InlineData("fixing: monthly", "referenceRate.fixing")]
    [InlineData("knownThrough: 2026-13-01", "referenceRate.knownThrough")]
    [InlineData("changes out of order", "referenceRate.changes[1].from")]
    public void BrokenRuleFile_IsRejectedNamingTheKey(string breakage, string expectedKey)
    {
        var yaml = breakage switch
        {
            "fixing: monthly" => Valid.Replace("fixing: continuous", breakage, StringComparison.Ordinal),
            "knownThrough: 2026-13-01" => Valid.Replace("knownThrough: 2026-06-30", breakage, StringComparison.Ordinal),
            _ => Valid.Replace("from: 2026-01-01", "from: 2019-01-01", StringComparison.Ordinal),
        };

        var ex = Assert.Throws<InterestConfigException>(() => InterestRuleBook.Parse(yaml, "xx.yaml"));
        Assert.Contains(expectedKey, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("xx.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolder_IsReported()
    {
        var ex = Assert.Throws<InterestConfigException>(() => InterestRuleBook.Load(Path.Combine(Path.GetTempPath(), "no-such-interest-folder")));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    // Half away from zero: 1.00 x 36.5 % x 5/365 = 0.005 exactly, which banker's rounding would make 0.00.
    [Fact]
    public void PeriodAmounts_RoundHalfAwayFromZero()
    {
        var calculator = new StatutoryInterestCalculator(new InterestRuleBook([InterestRuleBook.Parse(Valid.Replace("marginPoints: 5", "marginPoints: 36.5", StringComparison.Ordinal), "xx.yaml")]));

        var result = calculator.Calculate(new InterestRequest("XX", DebtorKind.Consumer, 1.00m, "EUR", new LocalDate(2025, 1, 1), new LocalDate(2025, 1, 6)));

        Assert.Equal(0.01m, Assert.Single(result.Periods).Amount);
    }

    private static LocalDate Parse(string text) => NodaTime.Text.LocalDatePattern.Iso.Parse(text).Value;

    private const string Valid = """
        jurisdiction: XX
        referenceRate:
          name: Test rate
          fixing: continuous
          knownThrough: 2026-06-30
          changes:
            - { from: 2020-01-01, percent: 0, source: test }
            - { from: 2026-01-01, percent: 1.27, source: test }
        debtors:
          consumer:
            marginPoints: 5
            law: test
        """;
}
