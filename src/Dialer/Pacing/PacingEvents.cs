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
public enum AbandonCause
{
    /// <summary>No agent was connected within the connect limit after the greeting.</summary>
    NoAgentWithinConnectLimit,

    /// <summary>AMD classified the person as a machine and the dialer hung up or played a message.</summary>
    AmdCalledPersonMachine,
}

/// <summary>Something pacing learns from: a call or agent event.</summary>
public abstract record PacingEvent(DateTimeOffset At);

/// <summary>A dialed line left the progress phase.</summary>
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
