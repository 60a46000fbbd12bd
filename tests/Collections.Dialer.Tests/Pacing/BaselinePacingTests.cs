using Collections.Dialer.Pacing;
using static Collections.Dialer.Tests.Pacing.PacingTestData;

namespace Collections.Dialer.Tests.Pacing;

public sealed class BaselinePacingTests
{
    [Fact]
    public void Progressive_dials_one_line_per_ready_agent_not_yet_claimed()
    {
        var progressive = new ProgressivePacing();

        Assert.Equal(4, progressive.LinesToDial(Snapshot(T0, ready: 4, onCall: 6)));
        Assert.Equal(1, progressive.LinesToDial(Snapshot(T0, ready: 4, lines: 2, waiting: 1)));
        Assert.Equal(0, progressive.LinesToDial(Snapshot(T0, ready: 2, lines: 3)));
    }

    [Fact]
    public void Fixed_ratio_keeps_that_many_lines_per_ready_agent()
    {
        var ratio = new FixedRatioPacing(2.5);

        Assert.Equal("ratio:2.5", ratio.Name);
        Assert.Equal(10, ratio.LinesToDial(Snapshot(T0, ready: 4)));
        Assert.Equal(3, ratio.LinesToDial(Snapshot(T0, ready: 4, lines: 7)));
        Assert.Equal(0, ratio.LinesToDial(Snapshot(T0, ready: 0, onCall: 10)));
    }

    [Fact]
    public void Adaptive_raises_its_dial_level_while_agents_wait_but_never_above_3()
    {
        var adaptive = new AdaptiveRatioPacing(new PacingOptions());
        var levels = new List<double>();

        // Ten agents, all of them ready every second for ten minutes: the level climbs and stops at 3.0.
        for (var s = 0; s <= 600; s++)
        {
            var lines = adaptive.LinesToDial(Snapshot(T0.AddSeconds(s), ready: 10));
            Assert.InRange(lines, 0, 30);
            levels.Add(adaptive.Level);
        }

        Assert.Equal(1.0, levels[0]);
        Assert.True(levels[20] > 1.0);
        Assert.Equal(AdaptiveRatioPacing.MaxLevel, levels[^1]);
        Assert.All(levels, level => Assert.InRange(level, 1.0, 3.0));
        Assert.Equal(30, adaptive.LinesToDial(Snapshot(T0.AddSeconds(601), ready: 10)));
    }

    [Fact]
    public void Adaptive_lowers_its_dial_level_when_the_drop_rate_is_above_target()
    {
        var adaptive = new AdaptiveRatioPacing(new PacingOptions { TargetAbandonRate = 0.03 });
        for (var s = 0; s <= 120; s++)
        {
            adaptive.LinesToDial(Snapshot(T0.AddSeconds(s), ready: 10));
        }

        var before = adaptive.Level;
        for (var i = 0; i < 100; i++)
        {
            adaptive.Observe(new PersonAnswered(T0.AddSeconds(121), i < 10 ? AbandonCause.NoAgentWithinConnectLimit : null));
        }

        for (var s = 121; s <= 160; s++)
        {
            adaptive.LinesToDial(Snapshot(T0.AddSeconds(s), ready: 10));
        }

        Assert.True(adaptive.Level < before, $"level {adaptive.Level} after {before}");
    }

    [Fact]
    public void Adaptive_lowers_its_level_while_calls_wait_for_agents()
    {
        var adaptive = new AdaptiveRatioPacing(new PacingOptions());
        for (var s = 0; s <= 60; s++)
        {
            adaptive.LinesToDial(Snapshot(T0.AddSeconds(s), ready: 10));
        }

        var before = adaptive.Level;
        for (var s = 61; s <= 100; s++)
        {
            adaptive.LinesToDial(Snapshot(T0.AddSeconds(s), ready: 0, onCall: 10, waiting: 3));
        }

        Assert.True(adaptive.Level < before);
    }
}
