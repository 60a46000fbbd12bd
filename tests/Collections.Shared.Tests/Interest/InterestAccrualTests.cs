using Collections.Shared.Interest;
using NodaTime;

namespace Collections.Shared.Tests.Interest;

/// <summary>Statutory interest on a claim paid in parts and paused by a plan (<see cref="InterestAccrual"/>), by hand.
/// German consumer, BGB § 288 (1) sentence 2: Basiszinssatz + 5 points; Basiszinssatz 2.27 % from 2025-01-01, 1.27 % from
/// 2025-07-01 and 2026-01-01 (BGB § 247, Deutsche Bundesbank), so 7.27 % in the first half of 2025 and 6.27 % after.
/// Simple interest on the principal only (BGB § 289: no interest on interest), actual days / 365.</summary>
public sealed class InterestAccrualTests
{
    private static readonly StatutoryInterestCalculator Calculator = new(InterestRuleBook.Load(RepoConfig.InterestDirectory));

    private static readonly LocalDate Due = new(2025, 1, 31);

    private static AccrualRequest Request(LocalDate until, PrincipalReduction[]? paid = null, DateInterval[]? pauses = null, string jurisdiction = "DE", DebtorKind debtor = DebtorKind.Consumer) =>
        new(jurisdiction, debtor, "EUR", 1000m, Due, until, paid ?? [], pauses ?? []);

    // 1000.00 due 31 January 2025; 400.00 of principal paid on 31 March (interest for that day still on 1000.00):
    //   2025-02-01..2025-03-31  59 days on 1000.00 x 7.27 % : 1000 x 0.0727 x 59/365 = 11.7515 -> 11.75
    //   2025-04-01..2025-06-30  91 days on  600.00 x 7.27 % :  600 x 0.0727 x 91/365 = 10.8751 -> 10.88
    //   total 22.63 (the same claim unpaid would have 29.88: 1000 x 0.0727 x 150/365 = 29.8767)
    [Fact]
    public void A_principal_payment_lowers_the_interest_from_the_next_day()
    {
        var result = InterestAccrual.Accrue(Calculator, Request(new LocalDate(2025, 6, 30), [new PrincipalReduction(new LocalDate(2025, 3, 31), 400m)]));

        Assert.Equal(
            [
                new AccrualSegment(new LocalDate(2025, 2, 1), new LocalDate(2025, 3, 31), 1000m, false, 11.75m),
                new AccrualSegment(new LocalDate(2025, 4, 1), new LocalDate(2025, 6, 30), 600m, false, 10.88m),
            ],
            result.Segments);
        Assert.Equal((22.63m, new LocalDate(2025, 6, 30)), (result.Interest, result.AccruedUntil));
        Assert.Equal(29.88m, InterestAccrual.Accrue(Calculator, Request(new LocalDate(2025, 6, 30))).Interest);
    }

    // The second stretch runs into the second half of 2025 and is split where the rate changes:
    //   2025-04-01..2025-06-30  91 days on 600.00 x 7.27 % = 10.8751 -> 10.88
    //   2025-07-01..2025-09-30  92 days on 600.00 x 6.27 % : 600 x 0.0627 x 92/365 = 9.4823 -> 9.48
    //   total 11.75 + 10.88 + 9.48 = 32.11
    [Fact]
    public void A_stretch_across_a_rate_change_is_split_at_it()
    {
        var result = InterestAccrual.Accrue(Calculator, Request(new LocalDate(2025, 9, 30), [new PrincipalReduction(new LocalDate(2025, 3, 31), 400m)]));

        Assert.Equal(32.11m, result.Interest);
    }

    // A plan agreed on 1 March and kept through 30 June defers the claim: only February runs.
    //   2025-02-01..2025-02-28  28 days on 1000.00 x 7.27 % : 1000 x 0.0727 x 28/365 = 5.5770 -> 5.58
    [Fact]
    public void A_kept_instalment_plan_pauses_the_interest()
    {
        var result = InterestAccrual.Accrue(Calculator, Request(new LocalDate(2025, 6, 30), pauses: [new DateInterval(new LocalDate(2025, 3, 1), new LocalDate(2025, 6, 30))]));

        Assert.Equal(5.58m, result.Interest);
        Assert.True(result.Segments[^1].Paused);
    }

    // The plan agreed on 1 March defaulted with the instalment due 1 June; 200.00 of principal was paid on 1 April:
    //   2025-02-01..2025-02-28  28 days on 1000.00 x 7.27 %                       =  5.5770 -> 5.58
    //   2025-03-01..2025-06-01  paused (800.00 from 2 April)
    //   2025-06-02..2025-06-30  29 days on  800.00 x 7.27 % : 800 x 0.0727 x 29/365 = 4.6209 -> 4.62
    //   total 10.20
    [Fact]
    public void Interest_resumes_the_day_after_the_instalment_whose_miss_ended_the_plan()
    {
        var result = InterestAccrual.Accrue(Calculator, Request(
            new LocalDate(2025, 6, 30),
            [new PrincipalReduction(new LocalDate(2025, 4, 1), 200m)],
            [new DateInterval(new LocalDate(2025, 3, 1), new LocalDate(2025, 6, 1))]));

        Assert.Equal(10.20m, result.Interest);
        Assert.Equal(new AccrualSegment(new LocalDate(2025, 6, 2), new LocalDate(2025, 6, 30), 800m, false, 4.62m), result.Segments[^1]);
    }

    // de.yaml knows the Basiszinssatz through 2026-06-30; a claim due 31 December 2025 accrued to 30 September 2026 stops there:
    //   2026-01-01..2026-06-30  181 days on 1000.00 x 6.27 % : 1000 x 0.0627 x 181/365 = 31.0923 -> 31.09
    [Fact]
    public void Days_after_the_last_published_rate_wait_for_it_and_say_so()
    {
        var result = InterestAccrual.Accrue(Calculator, new AccrualRequest("DE", DebtorKind.Consumer, "EUR", 1000m, new LocalDate(2025, 12, 31), new LocalDate(2026, 9, 30), [], []));

        Assert.Equal((31.09m, new LocalDate(2026, 6, 30)), (result.Interest, result.AccruedUntil));
        Assert.Contains("de.yaml", result.RatesPending, StringComparison.Ordinal);
        Assert.Null(result.NoRule);
    }

    [Fact]
    public void A_jurisdiction_without_rules_accrues_nothing_and_says_why()
    {
        var result = InterestAccrual.Accrue(Calculator, Request(new LocalDate(2025, 6, 30), jurisdiction: "GB"));

        Assert.Equal((0m, (LocalDate?)null), (result.Interest, result.AccruedUntil));
        Assert.Contains("unknown jurisdiction 'GB'", result.NoRule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_claim_not_yet_in_default_accrues_nothing()
    {
        var result = InterestAccrual.Accrue(Calculator, Request(Due));

        Assert.Equal((0m, (LocalDate?)null, (string?)null), (result.Interest, result.AccruedUntil, result.NoRule));
    }

    // Business debtor, BGB § 288 (2): Basiszinssatz + 9 points = 11.27 % in 2025 H1; the 40 EUR flat fee of § 288 (5) is
    // not interest and is not accrued.
    //   2025-02-01..2025-06-30  150 days on 1000.00 x 11.27 % : 1000 x 0.1127 x 150/365 = 46.3151 -> 46.32
    [Fact]
    public void A_business_debt_accrues_the_higher_rate_without_the_flat_fee()
    {
        Assert.Equal(46.32m, InterestAccrual.Accrue(Calculator, Request(new LocalDate(2025, 6, 30), debtor: DebtorKind.Business)).Interest);
    }
}
