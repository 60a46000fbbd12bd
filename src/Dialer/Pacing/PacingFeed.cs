using Collections.Dialer.Amd;

namespace Collections.Dialer.Pacing;

/// <summary>
/// What a campaign tells its pacing, in one place for the campaign runner and the simulator alike, so that both report the
/// same events at the same moments of a call and neither can tell pacing anything a real dialer does not know: how a line
/// ended its progress, what the dialer did after the AMD verdict, whether an agent took the call or it was abandoned, an
/// agent's handle time, and what operators found calls to be. A call's truth is no argument of any method here.
/// Calls of a live campaign report from many threads at once: each report (and the gate's decision) is made under one lock,
/// so pacing and the gate see one order of events.
/// </summary>
public sealed class PacingFeed
{
    private readonly Action<PacingEvent> _sink;
    private readonly Lock _lock = new();

    /// <summary>A feed that reports to <paramref name="sink"/> and asks <paramref name="gate"/> about MACHINE verdicts.</summary>
    public PacingFeed(Action<PacingEvent> sink, AmdVerdictGate gate)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(gate);
        Gate = gate;
        _sink = e =>
        {
            gate.Observe(e);
            sink(e);
        };
    }

    /// <summary>The campaign's gate on MACHINE verdicts.</summary>
    public AmdVerdictGate Gate { get; }

    /// <summary>A line ended without an answer: no answer, busy or failed.</summary>
    public void Unanswered(DateTimeOffset at, DialOutcome outcome, TimeSpan progress)
    {
        if (outcome is DialOutcome.MachineVerdict or DialOutcome.AgentNeeded)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "An answered call is reported with Answered.");
        }

        Report(new DialResolved(at, outcome, progress, TimeSpan.Zero));
    }

    /// <summary>
    /// An answered call's AMD verdict: decides whether a MACHINE verdict is acted on or passed to an operator, reports it,
    /// and returns true when the call now needs an agent.
    /// </summary>
    /// <param name="at">When the verdict came.</param>
    /// <param name="verdict">The detector's verdict.</param>
    /// <param name="cause">Why it decided (a tone-confirmed MACHINE verdict is always acted on).</param>
    /// <param name="progress">Dial to answer.</param>
    /// <param name="amdTime">Answer to verdict.</param>
    /// <param name="action">What became of a MACHINE verdict (<see cref="MachineVerdictAction.PassOverBudget"/> for the others).</param>
    /// <param name="actsOnMachines">False for a campaign that sends every call to an operator whatever the verdict.</param>
    public bool Answered(DateTimeOffset at, AmdVerdict verdict, AmdCause cause, TimeSpan progress, TimeSpan amdTime, out MachineVerdictAction action, bool actsOnMachines = true)
    {
        lock (_lock)
        {
            action = verdict == AmdVerdict.Machine && actsOnMachines ? Gate.Decide(at, cause) : MachineVerdictAction.PassOverBudget;
            var act = verdict == AmdVerdict.Machine && action == MachineVerdictAction.Act;
            _sink(new DialResolved(at, act ? DialOutcome.MachineVerdict : DialOutcome.AgentNeeded, progress, amdTime));
            return !act;
        }
    }

    /// <summary>An agent took the call within the connect limit (counted as a person until an operator says otherwise).</summary>
    public void Connected(DateTimeOffset at) => Report(new PersonAnswered(at, null));

    /// <summary>No agent within the connect limit: the information message played and the line was released.</summary>
    public void Abandoned(DateTimeOffset at) => Report(new PersonAnswered(at, AbandonCause.NoAgentWithinConnectLimit));

    /// <summary>An agent finished a call and its wrap-up.</summary>
    public void HandleCompleted(DateTimeOffset at, TimeSpan talk, TimeSpan wrapUp) => Report(new HandleCompleted(at, talk, wrapUp));

    /// <summary>An operator marked a call (or a reviewed recording) as a person or a machine.</summary>
    public void Reviewed(DateTimeOffset at, AmdVerdict verdict, bool person, bool reachedOperator) =>
        Report(new OperatorReview(at, verdict, person, reachedOperator));

    private void Report(PacingEvent pacingEvent)
    {
        lock (_lock)
        {
            _sink(pacingEvent);
        }
    }
}
