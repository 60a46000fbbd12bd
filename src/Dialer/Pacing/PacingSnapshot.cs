namespace Collections.Dialer.Pacing;

/// <summary>What an agent is doing, as pacing sees it.</summary>
public enum AgentActivity
{
    /// <summary>Logged in and waiting for a call.</summary>
    Ready,

    /// <summary>Connected to a call (talking, or handling a machine AMD missed).</summary>
    OnCall,

    /// <summary>Wrap-up after a call (disposition, notes).</summary>
    WrapUp,
}

/// <summary>Where an outbound line is before a person or machine is known.</summary>
public enum LineState
{
    /// <summary>INVITE sent, no provisional response yet.</summary>
    Dialing,

    /// <summary>Ringing (180/183 received).</summary>
    Ringing,

    /// <summary>Answered; the answering-machine verdict is pending.</summary>
    AwaitingAmd,
}

/// <summary>One logged-in agent at the moment of a pacing decision.</summary>
/// <param name="Activity">What the agent is doing.</param>
/// <param name="TimeInState">How long the agent has been doing it.</param>
public readonly record struct AgentSnapshot(AgentActivity Activity, TimeSpan TimeInState);

/// <summary>One line in flight (dialed, not yet connected to an agent nor finished).</summary>
/// <param name="State">Progress of the line.</param>
/// <param name="Elapsed">Time since the line was dialed.</param>
public readonly record struct LineSnapshot(LineState State, TimeSpan Elapsed);

/// <summary>
/// The state of one campaign that a pacing strategy decides on. Free of SIP and database types so the
/// same strategies run in the dialer and in the simulator.
/// </summary>
/// <param name="Now">The instant of the decision (from the injected clock).</param>
/// <param name="Agents">Logged-in, unpaused agents of the campaign.</param>
/// <param name="Lines">Lines in flight.</param>
/// <param name="CallsWaitingForAgent">Calls with a person verdict that wait for an agent (inside the connect limit).</param>
public sealed record PacingSnapshot(
    DateTimeOffset Now,
    IReadOnlyList<AgentSnapshot> Agents,
    IReadOnlyList<LineSnapshot> Lines,
    int CallsWaitingForAgent)
{
    /// <summary>Agents ready for a call.</summary>
    public int ReadyAgents => Count(AgentActivity.Ready);

    /// <summary>Agents talking.</summary>
    public int AgentsOnCall => Count(AgentActivity.OnCall);

    /// <summary>Agents in wrap-up.</summary>
    public int AgentsInWrapUp => Count(AgentActivity.WrapUp);

    private int Count(AgentActivity activity)
    {
        var n = 0;
        foreach (var agent in Agents)
        {
            if (agent.Activity == activity)
            {
                n++;
            }
        }

        return n;
    }
}
