using Collections.Shared.Interest;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

public sealed class GermanStatutoryInterestTests
{
    private static readonly StatutoryInterestCalculator Calculator = new(InterestRuleBook.Load(RepoConfig.InterestDirectory));

    // 1000.00 EUR due 2024-03-15, paid 2025-09-30; consumer debtor, BGB § 288 (1) sentence 2: Basiszinssatz + 5 points.
    // Basiszinssatz (BGB § 247, Deutsche Bundesbank announcements): 2024-01-01 3.62 %, 2024-07-01 3.37 %,
    // 2025-01-01 2.27 %, 2025-07-01 1.27 %. Interest from the day after the due date, actual days / 365:
    //   2024-03-16..2024-06-30  107 days x  8.62 % : 1000 x 0.0862 x 107/365 = 25.2696 -> 25.27
    //   2024-07-01..2024-12-31  184 days x  8.37 % : 1000 x 0.0837 x 184/365 = 42.1940 -> 42.19
    //   2025-01-01..2025-06-30  181 days x  7.27 % : 1000 x 0.0727 x 181/365 = 36.0512 -> 36.05
    //   2025-07-01..2025-09-30   92 days x  6.27 % : 1000 x 0.0627 x  92/365 = 15.8038 -> 15.80
    //   total 119.31; no flat fee for a consumer (§ 288 (5) needs a non-consumer debtor).
    [Fact]
    public void Consumer_AcrossThreeRateChanges_MatchesHandComputation()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "DE", DebtorKind.Consumer, 1000.00m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        Assert.Equal(
            [
                new InterestPeriod(new LocalDate(2024, 3, 16), new LocalDate(2024, 6, 30), 107, 3.62m, 8.62m, 25.27m),
                new InterestPeriod(new LocalDate(2024, 7, 1), new LocalDate(2024, 12, 31), 184, 3.37m, 8.37m, 42.19m),
                new InterestPeriod(new LocalDate(2025, 1, 1), new LocalDate(2025, 6, 30), 181, 2.27m, 7.27m, 36.05m),
                new InterestPeriod(new LocalDate(2025, 7, 1), new LocalDate(2025, 9, 30), 92, 1.27m, 6.27m, 15.80m),
            ],
            result.Periods);
        Assert.Equal(119.31m, result.Interest);
        Assert.Equal(0m, result.FlatFee);
    }

    // Same claim, business debtor: BGB § 288 (2) Basiszinssatz + 9 points, and the 40 EUR flat fee of § 288 (5).
    //   107 days x 12.62 % : 1000 x 0.1262 x 107/365 = 36.9956 -> 37.00
    //   184 days x 12.37 % : 1000 x 0.1237 x 184/365 = 62.3584 -> 62.36
    //   181 days x 11.27 % : 1000 x 0.1127 x 181/365 = 55.8868 -> 55.89
    //    92 days x 10.27 % : 1000 x 0.1027 x  92/365 = 25.8860 -> 25.89
    //   total 181.14, flat fee 40.00
    [Fact]
    public void Business_AcrossThreeRateChanges_MatchesHandComputationWithFlatFee()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "DE", DebtorKind.Business, 1000.00m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        Assert.Equal([12.62m, 12.37m, 11.27m, 10.27m], result.Periods.Select(p => p.RatePercent));
        Assert.Equal([37.00m, 62.36m, 55.89m, 25.89m], result.Periods.Select(p => p.Amount));
        Assert.Equal(181.14m, result.Interest);
        Assert.Equal(40.00m, result.FlatFee);
        Assert.Contains("§ 288 (5)", result.Law, StringComparison.Ordinal);
    }

    // Due 2023-06-29: the first day of interest is 2023-06-30 (1.62 % base), then the rate changes on 1 July 2023
    // (3.12 %) and 1 January 2024 (3.62 %). 5000 EUR consumer:
    //   2023-06-30..2023-06-30    1 day  x 6.62 % : 5000 x 0.0662 x   1/365 =   0.9068 ->   0.91
    //   2023-07-01..2023-12-31  184 days x 8.12 % : 5000 x 0.0812 x 184/365 = 204.6685 -> 204.67
    //   2024-01-01..2024-01-02    2 days x 8.62 % : 5000 x 0.0862 x   2/365 =   2.3616 ->   2.36
    [Fact]
    public void Periods_SplitOnFirstJanuaryAndFirstJuly()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "DE", DebtorKind.Consumer, 5000m, "EUR", new LocalDate(2023, 6, 29), new LocalDate(2024, 1, 2)));

        Assert.Equal(
            [
                (new LocalDate(2023, 6, 30), new LocalDate(2023, 6, 30), 0.91m),
                (new LocalDate(2023, 7, 1), new LocalDate(2023, 12, 31), 204.67m),
                (new LocalDate(2024, 1, 1), new LocalDate(2024, 1, 2), 2.36m),
            ],
            result.Periods.Select(p => (p.From, p.To, p.Amount)));
        Assert.Equal(207.94m, result.Interest);
    }

    // The Basiszinssatz stayed at -0.88 % from 1 July 2016 to 31 December 2022: one period, not eight half-years.
    // 2019-01-01..2022-12-31 = 1461 days (2020 is a leap year; still over 365): 1000 x 0.0412 x 1461/365 = 164.9129 -> 164.91
    [Fact]
    public void EqualRatesInConsecutiveHalfYears_AreOnePeriod()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "DE", DebtorKind.Consumer, 1000m, "EUR", new LocalDate(2018, 12, 31), new LocalDate(2022, 12, 31)));

        var period = Assert.Single(result.Periods);
        Assert.Equal((new LocalDate(2019, 1, 1), new LocalDate(2022, 12, 31), 1461, 4.12m, 164.91m), (period.From, period.To, period.Days, period.RatePercent, period.Amount));
    }

    [Theory]
    [InlineData("2024-03-15")]
    [InlineData("2024-03-01")]
    public void UntilNotAfterDue_GivesNoInterestAndNoFee(string until)
    {
        var result = Calculator.Calculate(new InterestRequest(
            "DE", DebtorKind.Business, 1000m, "EUR", new LocalDate(2024, 3, 15), NodaTime.Text.LocalDatePattern.Iso.Parse(until).Value));

        Assert.Equal(0m, result.Interest);
        Assert.Equal(0m, result.FlatFee);
        Assert.Empty(result.Periods);
    }

    [Fact]
    public void UntilBeyondPublishedRates_IsRefusedRatherThanGuessed()
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "DE", DebtorKind.Consumer, 1000m, "EUR", new LocalDate(2026, 3, 1), new LocalDate(2026, 7, 1))));

        Assert.Equal(InterestInput.Until, ex.Input);
        Assert.Contains("2026-07-01", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("XX", 1000, "EUR", InterestInput.Jurisdiction)]
    [InlineData("DE", -0.01, "EUR", InterestInput.Principal)]
    [InlineData("DE", 1000, "EUX", InterestInput.Currency)]
    public void BadInput_NamesTheInput(string jurisdiction, double principal, string currency, InterestInput expected)
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            jurisdiction, DebtorKind.Consumer, (decimal)principal, currency, new LocalDate(2024, 3, 15), new LocalDate(2024, 9, 30))));

        Assert.Equal(expected, ex.Input);
    }
}
