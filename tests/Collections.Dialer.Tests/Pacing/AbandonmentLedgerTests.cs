using Collections.Dialer.Pacing;

namespace Collections.Dialer.Tests.Pacing;

public sealed class AbandonmentLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_rolling_window_forgets_calls_older_than_24_hours_and_the_campaign_keeps_them()
    {
        var ledger = new AbandonmentLedger();
        ledger.Record(T0, abandoned: true);
        ledger.Record(T0.AddMinutes(1), abandoned: false);
        ledger.Record(T0.AddHours(23), abandoned: false, byAmd: false);

        Assert.Equal((3, 1), ledger.Rolling(T0.AddHours(23).AddMinutes(59)));
        Assert.Equal((2, 0), ledger.Rolling(T0.AddHours(24).AddMinutes(1)));
        Assert.Equal((1, 0), ledger.Rolling(T0.AddHours(24).AddMinutes(2)));
        Assert.Equal(3, ledger.CampaignPersons);
        Assert.Equal(1, ledger.CampaignAbandoned);
    }

    [Fact]
    public void Amd_abandons_are_counted_apart_as_well()
    {
        var ledger = new AbandonmentLedger();
        ledger.Record(T0, abandoned: true, byAmd: true);
        ledger.Record(T0, abandoned: true);

        Assert.Equal(2, ledger.CampaignAbandoned);
        Assert.Equal(1, ledger.CampaignAmdAbandoned);
    }
}
