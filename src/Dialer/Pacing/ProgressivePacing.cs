namespace Collections.Dialer.Pacing;

/// <summary>
/// One line per free agent: a line is dialed only for a ready agent that no line in flight or waiting
/// call has claimed, so a person is never left without an agent by pacing.
/// </summary>
public sealed class ProgressivePacing : IPacingStrategy
{
    /// <inheritdoc />
    public string Name => "progressive";

    /// <inheritdoc />
    public void Observe(PacingEvent pacingEvent)
    {
    }

    /// <inheritdoc />
    public int LinesToDial(PacingSnapshot snapshot) => FreeAgents(snapshot);

    /// <summary>Ready agents not yet claimed by a line in flight or a waiting call.</summary>
    internal static int FreeAgents(PacingSnapshot snapshot) =>
        Math.Max(0, snapshot.ReadyAgents - snapshot.CallsWaitingForAgent - snapshot.Lines.Count);
}
