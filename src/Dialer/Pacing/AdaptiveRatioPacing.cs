namespace Collections.Dialer.Pacing;

/// <summary>
/// A baseline that behaves as VICIdial documents its ADAPT_AVERAGE dial method: a dial level (lines per
/// active agent, counting calls already with agents) that is re-set at the end of each interval, lowered
/// when the campaign's drop percentage is above the target, otherwise raised or lowered by the average of
/// ready agents minus calls waiting, and never above the adaptive maximum level (3.0).
/// </summary>
public sealed class AdaptiveRatioPacing : IPacingStrategy
{
    /// <summary>The adaptive maximum dial level.</summary>
    public const double MaxLevel = 3.0;

    /// <summary>The lowest dial level (one line per active agent).</summary>
    public const double MinLevel = 1.0;

    /// <summary>Largest change of the dial level from idle agents in one interval.</summary>
    public const double MaxStep = 0.1;

    /// <summary>How often the dial level is re-set (VICIdial's adapt script runs every 15 s).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly PacingOptions _options;
    private readonly AbandonmentLedger _ledger = new();
    private DateTimeOffset? _intervalStart;
    private DateTimeOffset _lastSample;
    private double _lastDiffRatio;
    private double _weightedDiff;
    private double _weight;

    /// <summary>Creates the controller at dial level 1.0.</summary>
    public AdaptiveRatioPacing(PacingOptions options) => _options = options;

    /// <summary>The current dial level (lines per active agent).</summary>
    public double Level { get; private set; } = MinLevel;

    /// <inheritdoc />
    public string Name => "adaptive";

    /// <inheritdoc />
    public void Observe(PacingEvent pacingEvent)
    {
        // VICIdial's drop percentage counts calls dropped for want of an agent over answered calls; a person
        // AMD hung up on is an answering-machine status there, not a drop, so it does not count here either.
        if (pacingEvent is PersonAnswered person)
        {
            _ledger.Record(person.At, person.Abandoned is not null);
        }
    }

    /// <inheritdoc />
    public int LinesToDial(PacingSnapshot snapshot)
    {
        Sample(snapshot);
        var active = snapshot.ReadyAgents + snapshot.AgentsOnCall;
        var goal = (int)Math.Ceiling((Level * active) - 1e-9);
        var calls = snapshot.Lines.Count + snapshot.CallsWaitingForAgent + snapshot.AgentsOnCall;
        return Math.Max(0, goal - calls);
    }

    private void Sample(PacingSnapshot snapshot)
    {
        var now = snapshot.Now;
        if (_intervalStart is null)
        {
            _intervalStart = now;
            _lastSample = now;
        }
        else if (now > _lastSample)
        {
            // Time-weighted average of (ready agents - calls waiting) over the interval.
            var dt = (now - _lastSample).TotalSeconds;
            _weightedDiff += _lastDiffRatio * dt;
            _weight += dt;
        }

        _lastSample = now;
        var agents = Math.Max(1, snapshot.Agents.Count);
        _lastDiffRatio = (double)(snapshot.ReadyAgents - snapshot.CallsWaitingForAgent) / agents;

        if (now - _intervalStart.Value >= Interval)
        {
            Adjust(_weight > 0 ? _weightedDiff / _weight : _lastDiffRatio);
            _intervalStart = now;
            _weightedDiff = 0;
            _weight = 0;
        }
    }

    private void Adjust(double averageReadyMinusWaiting)
    {
        var target = _options.TargetAbandonRate;
        var persons = _ledger.CampaignPersons;
        var drop = persons == 0 ? 0 : (double)_ledger.CampaignAbandoned / persons;
        if (persons > 0 && drop > target)
        {
            // Above the drop limit: lower the level in proportion to how far above it the average is.
            var excess = Math.Min(1.0, (drop - target) / target);
            Level -= Level * 0.25 * excess;
        }
        else
        {
            // Within the limit: agents idle on average raise the level, calls queueing lower it, by at most
            // MaxStep per interval so that one idle start of shift does not throw the level to its cap.
            Level += Math.Clamp(averageReadyMinusWaiting, -MaxStep, MaxStep);
        }

        Level = Math.Clamp(Level, MinLevel, MaxLevel);
    }
}
