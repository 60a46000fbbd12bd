using Collections.Dialer.Pacing;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Pacing;

public sealed class PacingLoopTests
{
    [Fact]
    public void Decides_every_second_of_the_clock_and_after_every_event()
    {
        var time = new FakeTimeProvider(PacingTestData.T0);
        var dialed = 0;
        var ready = 3;
        using var loop = new PacingLoop(
            new ProgressivePacing(),
            now => PacingTestData.Snapshot(now, ready: ready, lines: dialed),
            lines => dialed += lines,
            time);

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, loop.Decisions);
        Assert.Equal(3, dialed);

        ready = 5;
        loop.Observe(new HandleCompleted(time.GetUtcNow(), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(10)));
        Assert.Equal(4, loop.Decisions);
        Assert.Equal(5, dialed);
    }

    [Fact]
    public void Refuses_a_tick_slower_than_one_second()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacingLoop(
            new ProgressivePacing(), now => PacingTestData.Snapshot(now, ready: 1), _ => { }, TimeProvider.System, TimeSpan.FromSeconds(2)));
    }
}
