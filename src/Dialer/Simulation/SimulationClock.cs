namespace Collections.Dialer.Simulation;

/// <summary>A clock the simulation moves forward from event to event; nothing sleeps.</summary>
public sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>Seconds since the start.</summary>
    public double Seconds { get; private set; }

    /// <summary>The start instant.</summary>
    public DateTimeOffset Start { get; } = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => At(Seconds);

    /// <summary>The instant <paramref name="seconds"/> after the start.</summary>
    public DateTimeOffset At(double seconds) => Start + TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    /// <summary>Moves the clock to <paramref name="seconds"/> after the start (never backwards).</summary>
    public void MoveTo(double seconds)
    {
        if (seconds < Seconds)
        {
            throw new InvalidOperationException("The simulation clock cannot go backwards.");
        }

        Seconds = seconds;
    }
}
