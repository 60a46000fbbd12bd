using Collections.Dialer.Pacing;

namespace Collections.Dialer.Tests.Pacing;

internal static class PacingTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static PacingSnapshot Snapshot(
        DateTimeOffset now, int ready, int onCall = 0, TimeSpan? onCallFor = null, int lines = 0, int waiting = 0)
    {
        var agents = new List<AgentSnapshot>();
        agents.AddRange(Enumerable.Repeat(new AgentSnapshot(AgentActivity.Ready, TimeSpan.FromSeconds(5)), ready));
        agents.AddRange(Enumerable.Repeat(new AgentSnapshot(AgentActivity.OnCall, onCallFor ?? TimeSpan.FromSeconds(30)), onCall));
        var inFlight = Enumerable.Repeat(new LineSnapshot(LineState.Ringing, TimeSpan.FromSeconds(1)), lines).ToList();
        return new PacingSnapshot(now, agents, inFlight, waiting);
    }

    /// <summary>Teaches a strategy a population: 30 % of dials need an agent after 10 s, talks last 100 to 120 s.</summary>
    public static void Teach(IPacingStrategy strategy, DateTimeOffset at, int calls = 300)
    {
        for (var i = 0; i < calls; i++)
        {
            var outcome = i % 10 < 3 ? DialOutcome.AgentNeeded : DialOutcome.NoAnswer;
            var progress = outcome == DialOutcome.AgentNeeded ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(25);
            strategy.Observe(new DialResolved(at, outcome, progress, TimeSpan.FromSeconds(outcome == DialOutcome.AgentNeeded ? 1 : 0)));
            strategy.Observe(new HandleCompleted(at, TimeSpan.FromSeconds(100 + (i % 21)), TimeSpan.FromSeconds(5)));
        }
    }
}
