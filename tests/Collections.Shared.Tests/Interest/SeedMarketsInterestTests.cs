using Collections.Shared.Interest;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

/// <summary>Latvia, Slovenia and Albania (config/interest/lv.yaml, si.yaml, al.yaml), figures computed by hand from the
/// published rates. ECB main refinancing rate in force on each half-year's first day (ECB "Key ECB interest rates",
/// eu.yaml): 4.50 % (2024-01-01, since 2023-09-20), 4.25 % (2024-07-01, since 2024-06-12), 3.15 % (2025-01-01, since
/// 2024-12-18), 2.15 % (2025-07-01 and 2026-01-01, since 2025-06-11; held on 2025-12-18 and 2026-02-05).</summary>
public sealed class SeedMarketsInterestTests
{
    private static readonly StatutoryInterestCalculator Calculator = new(InterestRuleBook.Load(RepoConfig.InterestDirectory));

    // Civillikums 1765 (2): six percent a year where a consumer is party, whatever the ECB does.
    //   2024-03-16..2025-09-30 = 107 + 184 + 181 + 92 = 564 days: 1000 x 0.06 x 564/365 = 92.7123 -> 92.71; no flat fee.
    [Fact]
    public void LatvianConsumer_OwesSixPercentAYear_InOnePeriod()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "LV", DebtorKind.Consumer, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        var period = Assert.Single(result.Periods);
        Assert.Equal((new LocalDate(2024, 3, 16), new LocalDate(2025, 9, 30), 564, 6m, 92.71m), (period.From, period.To, period.Days, period.RatePercent, period.Amount));
        Assert.Equal(92.71m, result.Interest);
        Assert.Equal(0m, result.FlatFee);
        Assert.Contains("Civillikums 1765", result.Law, StringComparison.Ordinal);
    }

    // Civillikums 1765 (2), (3): ECB rate before the half-year + 8 points.
    //   2024-03-16..2024-06-30 107 days x 12.50 % : 1000 x 0.1250 x 107/365 = 36.6438 -> 36.64
    //   2024-07-01..2024-12-31 184 days x 12.25 % : 1000 x 0.1225 x 184/365 = 61.7534 -> 61.75
    //   2025-01-01..2025-06-30 181 days x 11.15 % : 1000 x 0.1115 x 181/365 = 55.2918 -> 55.29
    //   2025-07-01..2025-09-30  92 days x 10.15 % : 1000 x 0.1015 x  92/365 = 25.5836 -> 25.58
    //   total 179.26; 40 EUR (Directive 2011/7/EU Art. 6(1)).
    [Theory]
    [InlineData("LV")]
    [InlineData("SI")]
    public void Business_OwesTheEcbRateOfTheHalfYearPlusEightPoints_AndFortyEuros(string country)
    {
        var result = Calculator.Calculate(new InterestRequest(
            country, DebtorKind.Business, 1000m, "EUR", new LocalDate(2024, 3, 15), new LocalDate(2025, 9, 30)));

        Assert.Equal([12.50m, 12.25m, 11.15m, 10.15m], result.Periods.Select(p => p.RatePercent));
        Assert.Equal([36.64m, 61.75m, 55.29m, 25.58m], result.Periods.Select(p => p.Amount));
        Assert.Equal(179.26m, result.Interest);
        Assert.Equal(40.00m, result.FlatFee);
        Assert.DoesNotContain("not modelled", result.Law, StringComparison.Ordinal);
    }

    // ZPOMZO-1: the same ECB + 8 points for a consumer, without the flat fee of the late-payment directive.
    //   2026-01-01..2026-03-31 90 days x 10.15 % : 500 x 0.1015 x 90/365 = 12.5137 -> 12.51
    [Fact]
    public void SlovenianConsumer_OwesTheSameRate_WithoutAFlatFee()
    {
        var result = Calculator.Calculate(new InterestRequest(
            "SI", DebtorKind.Consumer, 500m, "EUR", new LocalDate(2025, 12, 31), new LocalDate(2026, 3, 31)));

        var period = Assert.Single(result.Periods);
        Assert.Equal((90, 2.15m, 10.15m, 12.51m), (period.Days, period.ReferenceRatePercent, period.RatePercent, period.Amount));
        Assert.Equal(0m, result.FlatFee);
    }

    // The ECB rate in force on 1 July 2026 is not in eu.yaml (known through 2026-02-05): the second half of 2026 is
    // refused, and the message sends the reader to the file that holds the table, not to si.yaml.
    [Fact]
    public void SlovenianSecondHalfOf2026_IsRefused_NamingTheEcbTable()
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "SI", DebtorKind.Consumer, 500m, "EUR", new LocalDate(2026, 6, 1), new LocalDate(2026, 7, 15))));

        Assert.Equal(InterestInput.Until, ex.Input);
        Assert.Contains("2026-07-01", ex.Message, StringComparison.Ordinal);
        Assert.Contains("config/interest/eu.yaml", ex.Message, StringComparison.Ordinal);
    }

    // No Albanian rate could be verified for this build: both debtor kinds are refused, naming al.yaml.
    [Theory]
    [InlineData(DebtorKind.Consumer)]
    [InlineData(DebtorKind.Business)]
    public void Albania_IsRefusedUntilItsRatesAreEntered(DebtorKind debtor)
    {
        var ex = Assert.Throws<InterestInputException>(() => Calculator.Calculate(new InterestRequest(
            "AL", debtor, 100_000m, "ALL", new LocalDate(2025, 3, 15), new LocalDate(2025, 9, 30))));

        Assert.Contains("config/interest/al.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("add the published rates", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_borrows_a_table_needs_the_folder_and_a_known_owner()
    {
        const string Yaml = "jurisdiction: XX\nreferenceRate: { sameAs: EU }\ndebtors:\n  business: { marginPoints: 8, law: x }\n";
        var alone = Assert.Throws<InterestConfigException>(() => InterestRuleBook.Parse(Yaml, "xx.yaml"));
        Assert.Contains("sameAs", alone.Message, StringComparison.Ordinal);

        var directory = Directory.CreateTempSubdirectory("interest-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "xx.yaml"), Yaml.Replace("EU", "ZZ", StringComparison.Ordinal));
            var unknown = Assert.Throws<InterestConfigException>(() => InterestRuleBook.Load(directory.FullName));
            Assert.Contains("'ZZ' names no rule file", unknown.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_debtor_rule_with_both_a_margin_and_a_fixed_rate_is_rejected()
    {
        const string Yaml = "jurisdiction: XX\nreferenceRate: { name: r, fixing: halfYear, changes: [] }\ndebtors:\n  consumer: { marginPoints: 1, fixedPercent: 6, law: x }\n";
        var ex = Assert.Throws<InterestConfigException>(() => InterestRuleBook.Parse(Yaml, "xx.yaml"));
        Assert.Contains("debtors.consumer", ex.Message, StringComparison.Ordinal);
    }
}
