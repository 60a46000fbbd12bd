namespace Collections.Dialer.Pacing;

/// <summary>
/// Online estimates predictive pacing needs: the chance a dial ends with a call for an agent (overall
/// and for a line still ringing after a given time), the delay from dial to that verdict, and the talk
/// and wrap-up distributions. Each estimate uses a sliding window of recent calls.
/// </summary>
internal sealed class CallStatistics
{
    // Before any data: assume half the dials need an agent (few lines: errs towards progressive).
    private const double PriorAgentNeeded = 0.5;
    private const double PriorWeight = 10;

    private readonly DialRecord[] _dials;
    private readonly BinnedCounts _allProgress = new(0.25, 180);
    private readonly BinnedCounts _agentNeededProgress = new(0.25, 180);
    private int _next;
    private int _agentNeeded;
    private int _machine;
    private double _verdictDelaySum;

    public CallStatistics(int dialWindow = 600, int handleWindow = 500)
    {
        _dials = new DialRecord[dialWindow];
        Talk = new SlidingHistogram(1.0, 7200, handleWindow);
        WrapUp = new SlidingHistogram(1.0, 1800, handleWindow);
    }

    public SlidingHistogram Talk { get; }

    public SlidingHistogram WrapUp { get; }

    public int Dials { get; private set; }

    /// <summary>P(a new dial ends with a call for an agent).</summary>
    public double AgentNeededRate => (_agentNeeded + (PriorAgentNeeded * PriorWeight)) / (Dials + PriorWeight);

    /// <summary>P(an answered line's AMD verdict sends it to an agent).</summary>
    public double AgentNeededGivenAnswered => (_agentNeeded + 1.0) / (_agentNeeded + _machine + 1.0);

    /// <summary>Mean time from dial to the verdict of calls that need an agent (seconds).</summary>
    public double MeanVerdictDelay => _agentNeeded == 0 ? 15.0 : _verdictDelaySum / _agentNeeded;

    public void Add(DialResolved resolved)
    {
        if (Dials == _dials.Length)
        {
            Remove(_dials[_next]);
        }
        else
        {
            Dials++;
        }

        var record = new DialRecord(resolved.Outcome, resolved.ProgressTime.TotalSeconds, resolved.AmdTime.TotalSeconds);
        _dials[_next] = record;
        _next = (_next + 1) % _dials.Length;
        Apply(record, +1);
    }

    /// <summary>P(a line still in progress after <paramref name="elapsed"/> seconds will need an agent).</summary>
    public double AgentNeededAfter(double elapsed)
    {
        var p = AgentNeededRate;
        var still = _allProgress.CountAbove(elapsed);
        var needed = _agentNeededProgress.CountAbove(elapsed);
        const double smoothing = 2.0;
        return (needed + (p * smoothing)) / (still + smoothing);
    }

    private void Remove(DialRecord record) => Apply(record, -1);

    private void Apply(DialRecord record, int delta)
    {
        _allProgress.Add(record.Progress, delta);
        switch (record.Outcome)
        {
            case DialOutcome.AgentNeeded:
                _agentNeeded += delta;
                _agentNeededProgress.Add(record.Progress, delta);
                _verdictDelaySum += delta * (record.Progress + record.Amd);
                break;
            case DialOutcome.MachineVerdict:
                _machine += delta;
                break;
            default:
                break;
        }
    }

    private readonly record struct DialRecord(DialOutcome Outcome, double Progress, double Amd);
}
