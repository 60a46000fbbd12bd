using Collections.Shared.Interest;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

public sealed class ContractualPenaltyTests
{
    private static readonly LocalDate Due = new(2025, 3, 31);

    // 0.1 % a day on 1000.00 EUR for 30 days (2025-04-01..2025-04-30) = 30.00, under a cap of 10 % (100.00).
    [Fact]
    public void PerDayPenalty_BelowCap_IsNotCut()
    {
        var result = new ContractualPenalty(0.1m, PenaltyBasis.PerDay, PenaltyCap.Percent(10)).Calculate(1000m, "EUR", Due, new LocalDate(2025, 4, 30));

        Assert.Equal(new PenaltyResult(30.00m, 30.00m, false, 30), result);
    }

    // 200 days x 0.1 % = 200.00 uncapped; the cap of 10 % of the principal limits it to 100.00.
    [Fact]
    public void PerDayPenalty_AboveCap_IsCutToThePercentOfPrincipal()
    {
        var result = new ContractualPenalty(0.1m, PenaltyBasis.PerDay, PenaltyCap.Percent(10)).Calculate(1000m, "EUR", Due, Due.PlusDays(200));

        Assert.Equal(new PenaltyResult(100.00m, 200.00m, true, 200), result);
    }

    // 12 % a year on 2500.00 for 73 days = 2500 x 0.12 x 73/365 = 60.00; a fixed cap of 50.00 applies.
    [Fact]
    public void PerYearPenalty_WithAmountCap()
    {
        var result = new ContractualPenalty(12m, PenaltyBasis.PerYear, PenaltyCap.Fixed(50m)).Calculate(2500m, "EUR", Due, Due.PlusDays(73));

        Assert.Equal(new PenaltyResult(50.00m, 60.00m, true, 73), result);
    }

    [Fact]
    public void Penalty_BeforeDefault_IsZero()
    {
        var result = new ContractualPenalty(0.5m, PenaltyBasis.PerDay).Calculate(1000m, "EUR", Due, Due);

        Assert.Equal(0m, result.Amount);
    }
}
