namespace Collections.Dialer.Pacing;

/// <summary>
/// Drives one campaign's pacing strategy in the dialer: a decision on a timer from the injected clock
/// (once a second by default) and after every call or agent event. The snapshot and the dialing are the
/// campaign runner's; this class holds no SIP or database types, so the strategy stays the one the
/// simulator runs.
/// </summary>
public sealed class PacingLoop : IDisposable
{
    /// <summary>The default decision interval (the issue asks for at least one decision a second).</summary>
    public static readonly TimeSpan DefaultTick = TimeSpan.FromSeconds(1);

    private readonly IPacingStrategy _strategy;
    private readonly Func<DateTimeOffset, PacingSnapshot> _snapshot;
    private readonly Action<int> _dial;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();

    /// <summary>Starts deciding every <paramref name="tick"/> (default 1 s) on <paramref name="time"/>.</summary>
    /// <param name="strategy">The campaign's strategy.</param>
    /// <param name="snapshot">Builds the campaign's state at an instant.</param>
    /// <param name="dial">Dials that many lines (the runner takes accounts from the hopper).</param>
    /// <param name="time">The clock.</param>
    /// <param name="tick">Decision interval, at most 1 s.</param>
    public PacingLoop(
        IPacingStrategy strategy,
        Func<DateTimeOffset, PacingSnapshot> snapshot,
        Action<int> dial,
        TimeProvider time,
        TimeSpan? tick = null)
    {
        var interval = tick ?? DefaultTick;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(interval, DefaultTick, nameof(tick));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(tick));
        _strategy = strategy;
        _snapshot = snapshot;
        _dial = dial;
        _time = time;
        _timer = time.CreateTimer(_ => Decide(), null, interval, interval);
    }

    /// <summary>Decisions taken so far.</summary>
    public long Decisions { get; private set; }

    /// <summary>Lines requested so far.</summary>
    public long LinesRequested { get; private set; }

    /// <summary>Passes a call or agent event to the strategy and decides at once.</summary>
    public void Observe(PacingEvent pacingEvent)
    {
        lock (_gate)
        {
            _strategy.Observe(pacingEvent);
        }

        Decide();
    }

    /// <summary>Asks the strategy how many lines to dial now and dials them.</summary>
    public void Decide()
    {
        int lines;
        lock (_gate)
        {
            lines = _strategy.LinesToDial(_snapshot(_time.GetUtcNow()));
            Decisions++;
            LinesRequested += lines;
        }

        if (lines > 0)
        {
            _dial(lines);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
