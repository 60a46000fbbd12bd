using Collections.Dialer.Pacing;
using static Collections.Dialer.Tests.Pacing.PacingTestData;

namespace Collections.Dialer.Tests.Pacing;

public sealed class PredictivePacingTests
{
    private static readonly DateTimeOffset Later = T0.AddMinutes(15);

    [Fact]
    public void Paces_progressively_until_it_has_learnt_the_population()
    {
        var predictive = new PredictivePacing(new PacingOptions());

        Assert.Equal(3, predictive.LinesToDial(Snapshot(T0, ready: 3, onCall: 37, onCallFor: TimeSpan.FromSeconds(110))));
    }

    [Fact]
    public void Dials_ahead_for_agents_about_to_finish_their_calls()
    {
        var predictive = new PredictivePacing(new PacingOptions());
        Teach(predictive, T0);

        // 40 agents all 110 s into calls that last 100 to 120 s: most will be free within the next 12 s.
        var lines = predictive.LinesToDial(Snapshot(Later, ready: 0, onCall: 40, onCallFor: TimeSpan.FromSeconds(110)));

        Assert.InRange(lines, 1, 120);
    }

    [Fact]
    public void Does_not_dial_ahead_for_agents_early_in_their_calls()
    {
        var predictive = new PredictivePacing(new PacingOptions());
        Teach(predictive, T0);

        Assert.Equal(0, predictive.LinesToDial(Snapshot(Later, ready: 0, onCall: 40, onCallFor: TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public void Never_dials_fewer_lines_than_progressive()
    {
        var predictive = new PredictivePacing(new PacingOptions());
        Teach(predictive, T0);

        Assert.True(predictive.LinesToDial(Snapshot(Later, ready: 6, onCall: 4, onCallFor: TimeSpan.FromSeconds(10))) >= 6);
    }

    [Fact]
    public void Falls_back_to_progressive_when_the_rolling_window_nears_the_target()
    {
        var predictive = new PredictivePacing(new PacingOptions { TargetAbandonRate = 0.03 });
        Teach(predictive, T0);
        var snapshot = Snapshot(Later, ready: 2, onCall: 40, onCallFor: TimeSpan.FromSeconds(110));
        Assert.True(predictive.LinesToDial(snapshot) > 2);

        // 300 persons in the last hour and 9 abandoned for want of an agent: the window is at the target.
        for (var i = 0; i < 300; i++)
        {
            predictive.Observe(new PersonAnswered(Later.AddMinutes(-30), i < 9 ? AbandonCause.NoAgentWithinConnectLimit : null));
        }

        Assert.Equal(2, predictive.LinesToDial(snapshot));
    }

    [Fact]
    public void Falls_back_to_progressive_when_the_estimated_people_among_machine_verdicts_fill_the_window()
    {
        // No person abandoned for want of an agent, but 300 MACHINE verdicts acted on at a configured 3 % false-positive
        // share: 9 estimated people hung up on among 300 persons, the target (Ofcom 2016, Annex 3).
        var predictive = new PredictivePacing(new PacingOptions { TargetAbandonRate = 0.03, AmdFalsePositiveShare = 0.03, AmdFalsePositivePriorWeight = 100000 });
        Teach(predictive, T0);
        var snapshot = Snapshot(Later, ready: 2, onCall: 40, onCallFor: TimeSpan.FromSeconds(110));
        Assert.True(predictive.LinesToDial(snapshot) > 2);

        for (var i = 0; i < 291; i++)
        {
            predictive.Observe(new PersonAnswered(Later.AddMinutes(-30), null));
        }

        for (var i = 0; i < 300; i++)
        {
            predictive.Observe(new DialResolved(Later.AddMinutes(-30), DialOutcome.MachineVerdict, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2)));
        }

        Assert.Equal(2, predictive.LinesToDial(snapshot));
    }

    [Fact]
    public void Never_exceeds_the_lines_per_agent_cap()
    {
        var predictive = new PredictivePacing(new PacingOptions { MaxLinesPerAgent = 1.5 });
        Teach(predictive, T0);

        var lines = predictive.LinesToDial(Snapshot(Later, ready: 0, onCall: 40, onCallFor: TimeSpan.FromSeconds(110), lines: 50));

        Assert.InRange(lines, 0, 10);
    }
}
