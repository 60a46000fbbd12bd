using Collections.Shared.Interest;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

public sealed class HungarianAndEuInterestTests
{
    private static readonly StatutoryInterestCalculator Calculator = new(InterestRuleBook.Load(RepoConfig.InterestDirectory));

    // 1 000 000 HUF between businesses, due 2024-03-15, paid 2025-09-30. Ptk. 6:155 (1): MNB base rate in force on the
    // first day of the half-year + 8 points. MNB base rate (mnb.hu, Jegybanki alapkamat alakulása): 10.75 % from
    // 2023-12-20 (so on 2024-01-01), 7.00 % from 2024-06-19 (so on 2024-07-01), 6.50 % from 2024-09-25 to 2026-02-24
    // (so on 2025-01-01 and 2025-07-01). The cuts of 2024-01-31, 02-28, 03-27, 04-24 and 05-22 fall inside the first
    // half of 2024 and do not change that half-year's rate.
    //   2024-03-16..2024-06-30  107 days x 18.75 % : 1 000 000 x 0.1875 x 107/365 =  54 965.7534 ->  54 965.75
    //   2024-07-01..2024-12-31  184 days x 15.00 % : 1 000 000 x 0.1500 x 184/365 =  75 616.4384 ->  75 616.44
    //   2025-01-01..2025-09-30  273 days x 14.50 % : 1 000 000 x 0.1450 x 273/365 = 108 452.0548 -> 108 452.05
    //   total 239 034.24; flat fee 40 EUR (2016. évi IX. törvény) at 393.50 HUF/EUR = 15 740.00 HUF
    [Fact]
    public void HungarianBusiness_UsesTheBaseRateOfEachHalfYearsFirstDay()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "HU", DebtorKind.Business, 1_000_000m, "HUF", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30), FeeExchangeRate: 393.50m));

        Assert.Equal(
            [
                (new LocalDate(2024, 3, 16), new LocalDate(2024, 6, 30), 10.75m, 18.75m, 54_965.75m),
                (new LocalDate(2024, 7, 1), new LocalDate(2024, 12, 31), 7.00m, 15.00m, 75_616.44m),
                (new LocalDate(2025, 1, 1), new LocalDate(2025, 9, 30), 6.50m, 14.50m, 108_452.05m),
            ],
            result.Periods.Select(p => (p.From, p.To, p.ReferenceRatePercent, p.RatePercent, p.Amount)));
        Assert.Equal(239_034.24m, result.Interest);
        Assert.Equal(15_740.00m, result.FlatFee);
    }

    [Fact]
    public void HungarianBusiness_InForints_WithoutExchangeRate_AsksForIt()
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "HU", DebtorKind.Business, 1_000_000m, "HUF", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30))));

        Assert.Equal(InterestInput.FeeExchangeRate, ex.Input);
    }

    // Ptk. 6:48 (1): a consumer owes the base rate of the half-year's first day, without a margin.
    //   2025-01-01..2025-06-30 181 days x 6.50 % : 200 000 x 0.065 x 181/365 = 6 446.5753 -> 6 446.58
    [Fact]
    public void HungarianConsumer_OwesTheBareBaseRate()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "HU", DebtorKind.Consumer, 200_000m, "HUF", new LocalDate(2024, 12, 31), new LocalDate(2025, 6, 30)));

        var period = Assert.Single(result.Periods);
        Assert.Equal((6.50m, 6_446.58m), (period.RatePercent, period.Amount));
        Assert.Equal(0m, result.FlatFee);
    }

    // Directive 2011/7/EU: ECB main refinancing rate on 1 January / 1 July + 8 points (Art. 2(6), 3(5)); 40 EUR (Art. 6).
    // ECB MRO (Key ECB interest rates): 4.50 % since 2023-09-20 (on 2024-01-01), 4.25 % since 2024-06-12 (on 2024-07-01),
    // 3.15 % since 2024-12-18 (on 2025-01-01), 2.15 % since 2025-06-11 (on 2025-07-01).
    //   107 days x 12.50 % : 1000 x 0.1250 x 107/365 = 36.6438 -> 36.64
    //   184 days x 12.25 % : 1000 x 0.1225 x 184/365 = 61.7534 -> 61.75
    //   181 days x 11.15 % : 1000 x 0.1115 x 181/365 = 55.2918 -> 55.29
    //    92 days x 10.15 % : 1000 x 0.1015 x  92/365 = 25.5836 -> 25.58
    //   total 179.26, flat fee 40.00
    [Fact]
    public void EuDirective_BusinessDefault_MatchesHandComputation()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "EU", DebtorKind.Business, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        Assert.Equal([12.50m, 12.25m, 11.15m, 10.15m], result.Periods.Select(p => p.RatePercent));
        Assert.Equal([36.64m, 61.75m, 55.29m, 25.58m], result.Periods.Select(p => p.Amount));
        Assert.Equal(179.26m, result.Interest);
        Assert.Equal(40.00m, result.FlatFee);
    }

    [Fact]
    public void EuDirective_ConsumerDebtor_IsOutsideItsScope()
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "EU", DebtorKind.Consumer, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30))));

        Assert.Equal(InterestInput.Debtor, ex.Input);
    }

    [Fact]
    public void EuDirective_NonEuroClaim_IsRefused()
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "EU", DebtorKind.Business, 1000m, "PLN", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30))));

        Assert.Equal(InterestInput.Currency, ex.Input);
    }

    // Austria and Finland have no file of their own: a business debt falls back to the directive (same figures as EU).
    [Theory]
    [InlineData("AT")]
    [InlineData("fi")]
    public void EuroAreaStateWithoutOwnFile_BusinessDebt_UsesTheDirective(string country)
    {
        var result = Calculator.Calculate(new InterestRequest(
            country, DebtorKind.Business, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        Assert.Equal(179.26m, result.Interest);
        Assert.Equal(40.00m, result.FlatFee);
        Assert.Contains("not modelled", result.Law, StringComparison.Ordinal);
    }

    [Fact]
    public void EuroAreaStateWithoutOwnFile_ConsumerDebt_IsRefused()
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "AT", DebtorKind.Consumer, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30))));

        Assert.Equal(InterestInput.Debtor, ex.Input);
        Assert.Contains("AT", ex.Message, StringComparison.Ordinal);
    }
}
