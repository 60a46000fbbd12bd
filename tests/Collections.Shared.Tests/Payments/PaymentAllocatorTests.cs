using Collections.Shared.Payments.Allocation;

namespace Collections.Shared.Tests.Payments;

public sealed class PaymentAllocatorTests
{
    // 1000.00 principal, 119.31 interest (docs/interest.md example), 40.00 fee; a part payment of 100.00.
    private static readonly OutstandingBalance Claim = new(Costs: 40.00m, Interest: 119.31m, Principal: 1000.00m, Currency: "EUR");

    // BGB § 367 (1): costs, then interest, then principal.
    [Fact]
    public void Germany_PartPayment_GoesToCostsThenInterest()
    {
        var result = PaymentAllocator.Allocate(100.00m, Claim, "DE");

        Assert.Equal((40.00m, 60.00m, 0m, 0m), (result.ToCosts, result.ToInterest, result.ToPrincipal, result.Unapplied));
        Assert.Equal(Claim with { Costs = 0m, Interest = 59.31m }, result.Remaining);
        Assert.Equal("BGB § 367 (1)", result.Law);
    }

    // BGB § 497 (3): consumer credit in default: costs, then principal, interest last.
    [Fact]
    public void GermanConsumerCredit_PartPayment_GoesToCostsThenPrincipal()
    {
        var result = PaymentAllocator.Allocate(100.00m, Claim, "DE", consumerCredit: true);

        Assert.Equal((40.00m, 0m, 60.00m), (result.ToCosts, result.ToInterest, result.ToPrincipal));
        Assert.Equal(940.00m, result.Remaining.Principal);
        Assert.Equal(119.31m, result.Remaining.Interest);
    }

    [Theory]
    [InlineData("HU", "Ptk. 6:46")]
    [InlineData("SI", "Obligacijski zakonik Art. 288 (1)")]
    public void HungaryAndSlovenia_CostsInterestPrincipal(string jurisdiction, string law)
    {
        var result = PaymentAllocator.Allocate(500.00m, Claim, jurisdiction);

        Assert.Equal((40.00m, 119.31m, 340.69m), (result.ToCosts, result.ToInterest, result.ToPrincipal));
        Assert.Equal(law, result.Law);
    }

    [Fact]
    public void Overpayment_SettlesEverythingAndReportsTheRest()
    {
        var result = PaymentAllocator.Allocate(1200.00m, Claim, "DE");

        Assert.Equal(0m, result.Remaining.Total);
        Assert.Equal(40.69m, result.Unapplied);
    }

    [Fact]
    public void UnknownJurisdiction_AndNegativePayment_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => PaymentAllocator.Allocate(10m, Claim, "US"));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentAllocator.Allocate(-1m, Claim, "DE"));
    }
}
