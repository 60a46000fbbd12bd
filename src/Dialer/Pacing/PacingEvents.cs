namespace Collections.Dialer.Pacing;

/// <summary>How a dialed line ended its progress phase.</summary>
public enum DialOutcome
{
    /// <summary>Nobody answered before the ring timeout.</summary>
    NoAnswer,

    /// <summary>Busy.</summary>
    Busy,

    /// <summary>Network or number failure.</summary>
    Failed,

    /// <summary>Answered and AMD said machine: the dialer leaves a message or hangs up, no agent needed.</summary>
    MachineVerdict,

    /// <summary>Answered and AMD said person (or was unsure): the call needs an agent.</summary>
    AgentNeeded,
}

/// <summary>Why a call answered by a person counts as abandoned.</summary>
/// <remarks>
/// A person AMD called a machine is abandoned too, but no dialer knows which MACHINE verdicts were people when it hangs up:
/// those abandonments are estimated from the MACHINE verdicts acted on (<see cref="DialOutcome.MachineVerdict"/>) and the
/// campaign's false-positive share (<see cref="AbandonmentLedger"/>), never reported one by one.
/// </remarks>
public enum AbandonCause
{
    /// <summary>No agent was connected within the connect limit after the greeting.</summary>
    NoAgentWithinConnectLimit,
}

/// <summary>Something pacing learns from: a call or agent event.</summary>
public abstract record PacingEvent(DateTimeOffset At);

/// <summary>A dialed line left the progress phase: no answer, busy or failed; or answered, with what the dialer did after the
/// AMD verdict: <see cref="DialOutcome.MachineVerdict"/> when it acted on a MACHINE verdict (hang-up or message),
/// <see cref="DialOutcome.AgentNeeded"/> when the call went to an agent (HUMAN, NOTSURE, or a MACHINE verdict passed on).</summary>
/// <param name="At">When the outcome became known.</param>
/// <param name="Outcome">The outcome.</param>
/// <param name="ProgressTime">Dial to answer, busy or give-up.</param>
/// <param name="AmdTime">Answer to AMD verdict (zero when not answered).</param>
public sealed record DialResolved(DateTimeOffset At, DialOutcome Outcome, TimeSpan ProgressTime, TimeSpan AmdTime) : PacingEvent(At);

/// <summary>An agent finished a call and its wrap-up.</summary>
/// <param name="At">When the agent became ready again.</param>
/// <param name="Talk">Time connected to the call.</param>
/// <param name="WrapUp">Time in wrap-up.</param>
public sealed record HandleCompleted(DateTimeOffset At, TimeSpan Talk, TimeSpan WrapUp) : PacingEvent(At);

/// <summary>
/// A call answered by a person reached its outcome: connected to an agent, or abandoned. These are the
/// numerator and denominator regulators use (Ofcom, Statement of policy on the persistent misuse of an
/// electronic communications network or service, 2016: abandoned calls over live calls, AMD false
/// positives included by a reasoned estimate).
/// </summary>
/// <param name="At">When the outcome became known.</param>
/// <param name="Abandoned">Why it was abandoned, or null when an agent took it.</param>
public sealed record PersonAnswered(DateTimeOffset At, AbandonCause? Abandoned) : PacingEvent(At);

/// <summary>
/// What an operator found a call to be: on a call that reached them ("this was a machine" / "this was a person"), or on a
/// recording reviewed later. A review of a MACHINE verdict is evidence for the campaign's false-positive share; a call
/// counted as a person at connect that the operator found to be a machine is taken out of the persons.
/// </summary>
/// <param name="At">When the mark was made.</param>
/// <param name="Verdict">The AMD verdict the call had.</param>
/// <param name="Person">True when it was a live person.</param>
/// <param name="ReachedOperator">True when the call was connected to an operator (and so counted as a person at connect).</param>
public sealed record OperatorReview(DateTimeOffset At, Amd.AmdVerdict Verdict, bool Person, bool ReachedOperator) : PacingEvent(At);
