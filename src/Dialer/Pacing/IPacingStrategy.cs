namespace Collections.Dialer.Pacing;

/// <summary>
/// Decides how many new lines a campaign dials now. Called on a tick (at least once a second) and on
/// every call or agent event; <see cref="Observe"/> receives every event before the next decision.
/// </summary>
public interface IPacingStrategy
{
    /// <summary>The name printed by <c>simulate</c> (predictive, progressive, ratio:x, adaptive).</summary>
    string Name { get; }

    /// <summary>Learns from a call or agent event.</summary>
    void Observe(PacingEvent pacingEvent);

    /// <summary>How many lines to dial now (zero or more).</summary>
    int LinesToDial(PacingSnapshot snapshot);
}
