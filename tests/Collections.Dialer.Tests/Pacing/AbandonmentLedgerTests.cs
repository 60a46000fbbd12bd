using Collections.Dialer.Amd;
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
        ledger.Record(T0.AddHours(23), abandoned: false);

        Assert.Equal((3, 1), ledger.Rolling(T0.AddHours(23).AddMinutes(59)));
        Assert.Equal((2, 0), ledger.Rolling(T0.AddHours(24).AddMinutes(1)));
        Assert.Equal((1, 0), ledger.Rolling(T0.AddHours(24).AddMinutes(2)));
        Assert.Equal(3, ledger.CampaignPersons);
        Assert.Equal(1, ledger.CampaignAbandoned);
    }

    [Fact]
    public void Machine_verdicts_add_the_estimated_people_among_them_to_persons_and_abandoned_alike()
    {
        // Ofcom 2016 Annex 3: a reasoned estimate of AMD false positives is added to the abandoned calls (and to the live calls).
        var ledger = new AbandonmentLedger(configuredFalsePositiveShare: 0.1, priorWeight: 50);
        for (var i = 0; i < 97; i++)
        {
            ledger.Record(T0, abandoned: i < 2);
        }

        for (var i = 0; i < 30; i++)
        {
            ledger.RecordMachineVerdict(T0);
        }

        var (persons, abandoned) = ledger.Rolling(T0.AddMinutes(1));
        Assert.Equal(100, persons, precision: 6);
        Assert.Equal(5, abandoned, precision: 6);
        Assert.Equal(ledger.Campaign, (persons, abandoned));
    }

    [Fact]
    public void Reviews_of_machine_verdicts_move_the_share_from_the_configured_one_towards_the_measured_one()
    {
        var ledger = new AbandonmentLedger(configuredFalsePositiveShare: 0.04, priorWeight: 50);
        for (var i = 0; i < 150; i++)
        {
            ledger.Record(new OperatorReview(T0, AmdVerdict.Machine, Person: i < 30, ReachedOperator: true));
        }

        // (30 people + 0.04 x 50) / (150 + 50) = 0.16: the measured 20 % outweighs the configured 4 % three to one.
        Assert.Equal(0.16, ledger.Estimate.Share, precision: 6);
    }

    [Fact]
    public void A_call_an_operator_marks_as_a_machine_leaves_the_persons_it_was_counted_in()
    {
        var ledger = new AbandonmentLedger();
        ledger.Record(T0, abandoned: false);
        ledger.Record(T0, abandoned: false);
        ledger.Record(new OperatorReview(T0.AddSeconds(20), AmdVerdict.Human, Person: false, ReachedOperator: true));

        Assert.Equal(1, ledger.CampaignPersons);
        Assert.Equal((1, 0), ledger.Rolling(T0.AddMinutes(2)));
        Assert.Equal(0, ledger.Estimate.Reviewed);
    }
}
