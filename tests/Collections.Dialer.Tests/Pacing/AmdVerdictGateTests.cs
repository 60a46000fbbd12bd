using Collections.Dialer.Amd;
using Collections.Dialer.Pacing;

namespace Collections.Dialer.Tests.Pacing;

public sealed class AmdVerdictGateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static AmdVerdictGate Gate(double share, double audit = 0) => new(new PacingOptions
    {
        TargetAbandonRate = 0.03,
        AmdFalsePositiveShare = share,
        AmdFalsePositivePriorWeight = 100000,
        AmdAuditShare = audit,
        AmdShareOfTarget = 0.7,
    });

    private static void Persons(AmdVerdictGate gate, int n)
    {
        for (var i = 0; i < n; i++)
        {
            gate.Observe(new PersonAnswered(T0, null));
        }
    }

    private static int ActedOn(AmdVerdictGate gate, int verdicts, AmdCause cause = AmdCause.Prosody)
    {
        var acted = 0;
        for (var i = 0; i < verdicts; i++)
        {
            if (gate.Decide(T0.AddMinutes(1), cause) == MachineVerdictAction.Act)
            {
                acted++;
                gate.Observe(new DialResolved(T0.AddMinutes(1), DialOutcome.MachineVerdict, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)));
            }
        }

        return acted;
    }

    [Fact]
    public void Acts_on_machine_verdicts_only_while_the_people_among_them_stay_within_the_amd_share_of_the_target()
    {
        // 1000 persons; at a 10 % false-positive share each verdict acted on is 0.1 estimated abandoned person: the cap of
        // 70 % of 3 % (about 21 of 1000) allows about 210 verdicts, the rest go to operators.
        var gate = Gate(share: 0.1);
        Persons(gate, 1000);

        var acted = ActedOn(gate, 600);

        Assert.InRange(acted, 200, 220);
        Assert.Equal(600 - acted, gate.Passed);
    }

    [Fact]
    public void A_good_detector_keeps_every_verdict()
    {
        var gate = Gate(share: 0.01);
        Persons(gate, 1000);

        Assert.Equal(600, ActedOn(gate, 600));
    }

    [Fact]
    public void A_beep_is_acted_on_whatever_the_budget_because_people_do_not_beep()
    {
        var gate = Gate(share: 0.5);
        Persons(gate, 10);

        Assert.Equal(50, ActedOn(gate, 50, AmdCause.Beep));
        Assert.Equal(0, ActedOn(gate, 50));
    }

    [Fact]
    public void A_fixed_share_of_verdicts_is_sampled_for_operators_to_review()
    {
        var gate = Gate(share: 0.0, audit: 0.1);
        Persons(gate, 1000);

        var acted = ActedOn(gate, 200);

        Assert.Equal(180, acted);
    }
}
