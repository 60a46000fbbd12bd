namespace Collections.Dialer.Pacing;

/// <summary>
/// A fixed number of lines in flight per ready agent (ratio:1 is progressive). A baseline: it ignores
/// abandonment entirely.
/// </summary>
public sealed class FixedRatioPacing : IPacingStrategy
{
    /// <summary>Creates the strategy with <paramref name="linesPerReadyAgent"/> lines per ready agent.</summary>
    public FixedRatioPacing(double linesPerReadyAgent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(linesPerReadyAgent, 0);
        Ratio = linesPerReadyAgent;
    }

    /// <summary>Lines in flight per ready agent.</summary>
    public double Ratio { get; }

    /// <inheritdoc />
    public string Name => FormattableString.Invariant($"ratio:{Ratio:0.###}");

    /// <inheritdoc />
    public void Observe(PacingEvent pacingEvent)
    {
    }

    /// <inheritdoc />
    public int LinesToDial(PacingSnapshot snapshot)
    {
        var freeAgents = Math.Max(0, snapshot.ReadyAgents - snapshot.CallsWaitingForAgent);
        var goal = (int)Math.Floor((Ratio * freeAgents) + 1e-9);
        return Math.Max(0, goal - snapshot.Lines.Count);
    }
}
