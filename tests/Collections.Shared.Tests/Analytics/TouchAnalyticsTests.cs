using Collections.Shared.Analytics;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Tests.Analytics;

/// <summary>What followed each step, channel, template, script and discount offer (issue 20, item 3): counted within the
/// window after each touch, only once the window has passed, with the channel's cost.</summary>
public sealed class TouchAnalyticsTests
{
    private static readonly LocalDate Today = new(2026, 12, 1);
    private static readonly AnalyticsOptions Options = new() { TouchWindowDays = 14, LetterCost = 1.2, CallCost = 0.4 };

    private static CaseOutcome Case(int placedDaysAgo, PaymentFact[] payments, ContactFact[] contacts, PromiseFact[] promises, params TouchFact[] touches) =>
        new("consumer-standard", "champion", "EUR", Today.PlusDays(-placedDaysAgo), 500m, payments, contacts, promises) { Touches = touches };

    private static TouchFact Letter(int day) => new("step", "written-reminder", day, ContactChannel.Letter);

    [Fact]
    public void A_touch_counts_what_followed_it_within_the_window_once_the_window_has_passed()
    {
        var cases = new[]
        {
            // Paid 100 on day 10, within the letter's window [1, 15); promise on day 5, kept.
            Case(60, [new(10, 100m)], [new(1, ContactChannel.Letter, true, false), new(6, ContactChannel.Call, true, true)], [new(5, true, true)], Letter(1)),
            // Paid 80 on day 20: outside the letter's window, not counted.
            Case(60, [new(20, 80m)], [new(1, ContactChannel.Letter, true, false)], [], Letter(1)),
            // Placed 10 days ago: the letter's window has not passed, the case is not counted yet.
            Case(10, [new(2, 300m)], [], [], Letter(1)),
        };

        var report = Assert.Single(TouchAnalytics.Compute(cases, Today, Options));

        Assert.Equal(("step", "written-reminder", 2, 2), (report.Dimension, report.Value, report.Touches, report.Cases));
        Assert.Equal(50.0, report.CollectedPerTouch.Value, 6);
        Assert.Equal(1.0, report.ContactRate.Value, 6);
        Assert.Equal(0.5, report.RpcRate.Value, 6);
        Assert.Equal(0.5, report.PromiseRate.Value, 6);
        Assert.Equal(1.0, report.PromiseKeptRate.Value, 6);
        Assert.Equal(1.2, report.CostPerTouch, 6);
        Assert.Equal(100 / 2.4, report.CollectedPerCostUnit!.Value.Value, 6);
    }

    [Fact]
    public void Each_heading_is_reported_apart_in_a_fixed_order_and_an_offer_costs_nothing()
    {
        var touches = new[]
        {
            new TouchFact("discount", TouchAnalytics.DiscountBand(15m), 30, null),
            new TouchFact("template", "first-reminder", 1, ContactChannel.Letter),
            new TouchFact("channel", "letter", 1, ContactChannel.Letter),
            Letter(1),
            new TouchFact("script", "first-contact", 8, ContactChannel.Call),
        };
        var reports = TouchAnalytics.Compute([Case(90, [new(35, 200m)], [], [], touches)], Today, Options);

        Assert.Equal(["step", "channel", "template", "script", "discount"], reports.Select(r => r.Dimension));
        var discount = reports.Single(r => r.Dimension == "discount");
        Assert.Equal(("up to 20 %", 200.0, 0.0), (discount.Value, discount.CollectedPerTouch.Value, discount.CostPerTouch));
        Assert.Null(discount.CollectedPerCostUnit);
        Assert.All(reports.Where(r => r.Dimension != "discount"), r => Assert.Equal(0.0, r.CollectedPerTouch.Value));
    }

    [Fact]
    public void A_call_is_reached_only_when_a_call_is_answered_not_when_a_message_is_delivered()
    {
        var call = new TouchFact("step", "phone-campaign", 8, ContactChannel.Call);
        var reports = TouchAnalytics.Compute(
        [
            Case(60, [], [new(8, ContactChannel.Call, false, false), new(11, ContactChannel.Sms, true, false)], [], call),
            Case(60, [], [new(8, ContactChannel.Call, false, false), new(10, ContactChannel.Call, true, true)], [], call),
        ], Today, Options);

        var report = Assert.Single(reports);
        Assert.Equal((0.5, 0.5), (report.ContactRate.Value, report.RpcRate.Value));
    }

    [Theory]
    [InlineData(0, "0 %")]
    [InlineData(10, "up to 10 %")]
    [InlineData(10.01, "up to 20 %")]
    [InlineData(30, "up to 30 %")]
    [InlineData(45, "over 30 %")]
    public void Discounts_fall_into_bands_by_their_upper_bound(decimal percent, string band) => Assert.Equal(band, TouchAnalytics.DiscountBand(percent));
}
