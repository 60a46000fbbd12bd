using Collections.Dialer.Amd;

namespace Collections.Dialer.Pacing;

/// <summary>
/// What a campaign tells its pacing, in one place for the campaign runner and the simulator alike, so that both report the
/// same events at the same moments of a call and neither can tell pacing anything a real dialer does not know: how a line
/// ended its progress, what the dialer did after the AMD verdict, whether an agent took the call or it was abandoned, an
/// agent's handle time, and what operators found calls to be. A call's truth is no argument of any method here.
/// </summary>
public sealed class PacingFeed
{
    private readonly Action<PacingEvent> _sink;

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

        _sink(new DialResolved(at, outcome, progress, TimeSpan.Zero));
    }

    /// <summary>
    /// An answered call's AMD verdict: decides whether a MACHINE verdict is acted on or passed to an operator, reports it,
    /// and returns true when the call now needs an agent.
    /// </summary>
    public bool Answered(DateTimeOffset at, AmdVerdict verdict, AmdCause cause, TimeSpan progress, TimeSpan amdTime, out MachineVerdictAction action)
    {
        action = verdict == AmdVerdict.Machine ? Gate.Decide(at, cause) : MachineVerdictAction.PassOverBudget;
        var act = verdict == AmdVerdict.Machine && action == MachineVerdictAction.Act;
        _sink(new DialResolved(at, act ? DialOutcome.MachineVerdict : DialOutcome.AgentNeeded, progress, amdTime));
        return !act;
    }

    /// <summary>An agent took the call within the connect limit (counted as a person until an operator says otherwise).</summary>
    public void Connected(DateTimeOffset at) => _sink(new PersonAnswered(at, null));

    /// <summary>No agent within the connect limit: the information message played and the line was released.</summary>
    public void Abandoned(DateTimeOffset at) => _sink(new PersonAnswered(at, AbandonCause.NoAgentWithinConnectLimit));

    /// <summary>An agent finished a call and its wrap-up.</summary>
    public void HandleCompleted(DateTimeOffset at, TimeSpan talk, TimeSpan wrapUp) => _sink(new HandleCompleted(at, talk, wrapUp));

    /// <summary>An operator marked a call (or a reviewed recording) as a person or a machine.</summary>
    public void Reviewed(DateTimeOffset at, AmdVerdict verdict, bool person, bool reachedOperator) =>
        _sink(new OperatorReview(at, verdict, person, reachedOperator));
}
