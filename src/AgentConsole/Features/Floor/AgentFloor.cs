using System.Collections.Concurrent;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Wallboard;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.AspNetCore.SignalR;

namespace Collections.AgentConsole.Features.Floor;

/// <summary>Every operator's state on this node, their current call, and the time they spent talking and logged in.
/// It is what the dialer asks for ready operators (<see cref="IAgentAvailability"/>) and what the wallboard shows.</summary>
public sealed class AgentFloor(TimeProvider time, IFloorEvents events) : IAgentAvailability
{
    private readonly ConcurrentDictionary<AgentId, Operator> _operators = new();
    private readonly DateTimeOffset _started = time.GetUtcNow();

    /// <summary>Raised after every state change of an operator (the dialer listens for Ready and Logged out).</summary>
    public event Action<AgentStatusDto>? StateChanged;

    /// <summary>A tab of <paramref name="agent"/> connected; the first one puts the operator on the floor (logged out until they go ready).</summary>
    public AgentStatusDto Connect(AgentId agent, string displayName, IReadOnlyList<string> languages)
    {
        var op = _operators.GetOrAdd(agent, id => new Operator(id, displayName, languages, time.GetUtcNow()));
        lock (op)
        {
            op.Connections++;
            return op.Status(time.GetUtcNow());
        }
    }

    /// <summary>A tab closed; with the last one gone and no call in progress the operator is logged out.</summary>
    public void Disconnect(AgentId agent)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return;
        }

        AgentStatusDto? changed = null;
        lock (op)
        {
            op.Connections--;
            if (op.Connections <= 0 && op.Call is null && op.State != AgentState.LoggedOut)
            {
                changed = op.Move(AgentState.LoggedOut, null, time.GetUtcNow());
            }
        }

        Publish(changed);
    }

    /// <summary>The operator asks for a state; returns the new status or the reason it is refused.</summary>
    public (AgentStatusDto? Status, string? Refusal) Request(AgentId agent, AgentState wanted, string? reason)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return (null, "not connected");
        }

        AgentStatusDto status;
        lock (op)
        {
            if (wanted is AgentState.OnCall or AgentState.WrapUp)
            {
                return (null, "on call and wrap-up are set by calls, not by the operator");
            }

            // Saving the outcome hangs up the debtor's leg; the dialer's CallDisconnected may still be on its way.
            if (op.State == AgentState.OnCall && op.Call is not { OutcomeSaved: true })
            {
                return (null, "hang up the call first");
            }

            if (op.Call is { OutcomeSaved: false })
            {
                return (null, "save the call's outcome first");
            }

            if (wanted == AgentState.Paused && string.IsNullOrWhiteSpace(reason))
            {
                return (null, "a pause needs a reason");
            }

            // A call reserved for the operator but not yet bridged is given up: the router hangs it up when it arrives. A preview
            // shown or a manual dial being set up is given up too (the desk hears of it through StateChanged).
            op.ReservedCall = null;
            op.Dialing = null;
            op.Call = null;
            status = op.Move(wanted, wanted == AgentState.Paused ? reason!.Trim() : null, time.GetUtcNow());
        }

        Publish(status);
        return (status, null);
    }

    public IReadOnlyList<ReadyAgent> ReadyAgents() =>
    [
        .. _operators.Values.Select(o => { lock (o) { return o.State == AgentState.Ready && o.ReservedCall is null && o.Dialing is null ? new ReadyAgent(o.Id, o.Languages, o.Since) : null; } })
            .OfType<ReadyAgent>()
            .OrderBy(r => r.ReadySince),
    ];

    /// <summary>Every operator on the floor who is not logged out, with their languages and what they do now (an operator
    /// with a call reserved counts as on call).</summary>
    public IReadOnlyList<FloorAgent> Present() =>
    [
        .. _operators.Values.Select(o =>
        {
            lock (o)
            {
                if (o.State == AgentState.LoggedOut)
                {
                    return null;
                }

                var state = o.State == AgentState.Ready && o.ReservedCall is not null ? AgentState.OnCall : o.State;
                return new FloorAgent(o.Id, o.Languages, state, o.Since);
            }
        }).OfType<FloorAgent>(),
    ];

    public bool TryReserve(AgentId agentId, ContactAttemptId callId)
    {
        if (!_operators.TryGetValue(agentId, out var op))
        {
            return false;
        }

        lock (op)
        {
            if (op.State != AgentState.Ready || op.ReservedCall is not null || op.Dialing is not null)
            {
                return false;
            }

            op.ReservedCall = callId;
            return true;
        }
    }

    /// <summary>
    /// Sets the operator aside for a dial of their own under <paramref name="marker"/>: a preview campaign's account shown to them
    /// (only while Ready) or a manual dial (Ready or Paused). No campaign call is routed to them meanwhile. False when they
    /// are in another state, have a call (or its wrap-up), a call reserved or another dial under way.
    /// </summary>
    public bool TryBeginDial(AgentId agent, Guid marker, bool manual)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return false;
        }

        lock (op)
        {
            var stateAllows = op.State == AgentState.Ready || (manual && op.State == AgentState.Paused);
            if (!stateAllows || op.Call is not null || op.ReservedCall is not null || op.Dialing is not null)
            {
                return false;
            }

            op.Dialing = marker;
            return true;
        }
    }

    /// <summary>The operator's dial under <paramref name="marker"/> is being placed: the call <paramref name="callId"/> is
    /// reserved for them (<see cref="Attach"/> takes it when answered); false when the dial was given up meanwhile.</summary>
    public bool ClaimDial(AgentId agent, Guid marker, ContactAttemptId callId)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return false;
        }

        lock (op)
        {
            if (op.Dialing != marker || op.State is not (AgentState.Ready or AgentState.Paused))
            {
                return false;
            }

            op.Dialing = null;
            op.ReservedCall = callId;
            return true;
        }
    }

    /// <summary>The dial under <paramref name="marker"/> ended before a call was placed (skipped, refused, timed out).</summary>
    public void EndDial(AgentId agent, Guid marker)
    {
        if (_operators.TryGetValue(agent, out var op))
        {
            lock (op)
            {
                if (op.Dialing == marker)
                {
                    op.Dialing = null;
                }
            }
        }
    }

    /// <summary>The marker of the operator's dial under way, if any.</summary>
    public Guid? DialingOf(AgentId agent)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return null;
        }

        lock (op)
        {
            return op.Dialing;
        }
    }

    /// <summary>The call reserved for the operator was bridged: they are on call with <paramref name="call"/>.</summary>
    public bool Attach(CallSession call)
    {
        if (!_operators.TryGetValue(call.AgentId, out var op))
        {
            return false;
        }

        AgentStatusDto status;
        lock (op)
        {
            // Paused: a manual dial (the operator dialed by hand while paused for campaign calls).
            if (op.ReservedCall != call.CallId || op.State is not (AgentState.Ready or AgentState.Paused))
            {
                return false;
            }

            op.ReservedCall = null;
            op.Call = call;
            status = op.Move(AgentState.OnCall, null, call.ConnectedAt, call.CallId);
        }

        Publish(status);
        return true;
    }

    /// <summary>Operators with a tab open and nothing in hand (no call, none reserved, no dial being set up): those a call left
    /// behind by a dead node may be given back to (<see cref="Adopt"/>).</summary>
    public IReadOnlyList<AgentId> Idle() =>
    [
        .. _operators.Values.Where(o =>
        {
            lock (o)
            {
                return o.Connections > 0 && o.Call is null && o.ReservedCall is null && o.Dialing is null && o.State is not (AgentState.OnCall or AgentState.WrapUp);
            }
        }).Select(o => o.Id),
    ];

    /// <summary>Gives an idle operator a call whose node died while she was on it: ended, in wrap-up, so she saves its outcome
    /// here. False when she is no longer idle (a call or a dial came first).</summary>
    public bool Adopt(CallSession call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!_operators.TryGetValue(call.AgentId, out var op))
        {
            return false;
        }

        AgentStatusDto status;
        lock (op)
        {
            if (op.Connections <= 0 || op.Call is not null || op.ReservedCall is not null || op.Dialing is not null || op.State is AgentState.OnCall or AgentState.WrapUp)
            {
                return false;
            }

            call.Disconnected = true;
            op.Call = call;
            status = op.Move(AgentState.WrapUp, null, time.GetUtcNow(), call.CallId);
        }

        Publish(status);
        return true;
    }

    /// <summary>The debtor's leg ended: the operator goes to wrap-up; the call stays theirs until they leave wrap-up.</summary>
    public CallSession? Detach(AgentId agent, ContactAttemptId callId)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return null;
        }

        AgentStatusDto? status = null;
        CallSession? call;
        lock (op)
        {
            if (op.ReservedCall == callId)
            {
                op.ReservedCall = null;
            }

            call = op.Call?.CallId == callId ? op.Call : null;
            if (call is not null)
            {
                call.Disconnected = true;
                if (op.State == AgentState.OnCall)
                {
                    status = op.Move(AgentState.WrapUp, null, time.GetUtcNow(), callId);
                }
            }
        }

        Publish(status);
        return call;
    }

    /// <summary>The operator's current (or just ended, not yet closed) call.</summary>
    public CallSession? CurrentCall(AgentId agent)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return null;
        }

        lock (op)
        {
            return op.Call;
        }
    }

    /// <summary>How many tabs (or simulations) hold <paramref name="agent"/> on the floor.</summary>
    public int Connections(AgentId agent)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return 0;
        }

        lock (op)
        {
            return op.Connections;
        }
    }

    public AgentStatusDto? Status(AgentId agent)
    {
        if (!_operators.TryGetValue(agent, out var op))
        {
            return null;
        }

        lock (op)
        {
            return op.Status(time.GetUtcNow());
        }
    }

    /// <summary>Every operator of <paramref name="roster"/> (active operators; logged out unless connected) and every operator
    /// connected to this node, by name.</summary>
    public IReadOnlyList<AgentStatusDto> Snapshot(IReadOnlyList<(AgentId Id, string Name)> roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        var now = time.GetUtcNow();
        var known = _operators.Values.Select(o => { lock (o) { return o.Status(now); } }).ToList();
        var absent = roster.Where(r => !_operators.ContainsKey(r.Id)).Select(r => new AgentStatusDto(r.Id.Value, r.Name, AgentState.LoggedOut, null, _started, null, 0));
        return [.. known.Concat(absent).OrderBy(s => s.DisplayName, StringComparer.CurrentCulture)];
    }

    /// <summary>Talk minutes per logged-in hour over the whole floor.</summary>
    public double TalkMinutesPerAgentHour()
    {
        var (talk, logged) = Totals();
        return logged.TotalHours <= 0 ? 0 : talk.TotalMinutes / logged.TotalHours;
    }

    /// <summary>Talk and logged-in time of every operator this node has seen since it started (summed across nodes for the
    /// floor's talk minutes per agent-hour).</summary>
    public (TimeSpan Talk, TimeSpan LoggedIn) Totals()
    {
        var now = time.GetUtcNow();
        TimeSpan talk = TimeSpan.Zero, logged = TimeSpan.Zero;
        foreach (var o in _operators.Values)
        {
            lock (o)
            {
                var (t, l) = o.Totals(now);
                talk += t;
                logged += l;
            }
        }

        return (talk, logged);
    }

    /// <summary>Every operator who connected to this node since it started, as this node knows them (what it reports to
    /// the other nodes; the roster's absent operators are left to each reader).</summary>
    public IReadOnlyList<AgentStatusDto> Known()
    {
        var now = time.GetUtcNow();
        return [.. _operators.Values.Select(o => { lock (o) { return o.Status(now); } })];
    }

    private void Publish(AgentStatusDto? status)
    {
        if (status is not null)
        {
            events.Changed(status);
            StateChanged?.Invoke(status);
        }
    }

    private sealed class Operator(AgentId id, string displayName, IReadOnlyList<string> languages, DateTimeOffset now)
    {
        private TimeSpan _talk;
        private TimeSpan _loggedIn;

        public AgentId Id { get; } = id;

        public IReadOnlyList<string> Languages { get; } = languages;

        public int Connections { get; set; }

        public AgentState State { get; private set; } = AgentState.LoggedOut;

        public string? PauseReason { get; private set; }

        public DateTimeOffset Since { get; private set; } = now;

        public ContactAttemptId? ReservedCall { get; set; }

        /// <summary>A dial of the operator's own under way (a preview shown, a manual dial being placed).</summary>
        public Guid? Dialing { get; set; }

        public CallSession? Call { get; set; }

        public AgentStatusDto Move(AgentState state, string? reason, DateTimeOffset at, ContactAttemptId? callId = null)
        {
            var spent = at - Since;
            if (spent > TimeSpan.Zero)
            {
                if (State == AgentState.OnCall)
                {
                    _talk += spent;
                }

                if (State != AgentState.LoggedOut)
                {
                    _loggedIn += spent;
                }
            }

            State = state;
            PauseReason = reason;
            Since = at;
            return Status(at, callId);
        }

        public (TimeSpan Talk, TimeSpan LoggedIn) Totals(DateTimeOffset now)
        {
            var open = now - Since;
            return (_talk + (State == AgentState.OnCall ? open : TimeSpan.Zero), _loggedIn + (State != AgentState.LoggedOut ? open : TimeSpan.Zero));
        }

        public AgentStatusDto Status(DateTimeOffset now, ContactAttemptId? callId = null)
        {
            var (talk, logged) = Totals(now);
            return new AgentStatusDto(Id.Value, displayName, State, PauseReason, Since, (callId ?? Call?.CallId)?.Value,
                logged.TotalHours <= 0 ? 0 : Math.Round(talk.TotalMinutes / logged.TotalHours, 1));
        }
    }
}

/// <summary>An operator on the floor as the dialer sees them.</summary>
public sealed record FloorAgent(AgentId AgentId, IReadOnlyList<string> Languages, AgentState State, DateTimeOffset Since);

/// <summary>Where the floor reports an operator's state change.</summary>
public interface IFloorEvents
{
    void Changed(AgentStatusDto status);
}

/// <summary>Sends state changes to the operator's tabs at once and, through <see cref="AgentChangeFeed"/>, to every supervisor;
/// with several nodes the supervisors' copy names this node, as the wallboard does.</summary>
public sealed class HubFloorEvents(
    IHubContext<AgentHub, IAgentClient> agents,
    AgentChangeFeed supervisors,
    IWallboardFloorShare? share = null) : IFloorEvents
{
    public void Changed(AgentStatusDto status)
    {
        ArgumentNullException.ThrowIfNull(status);
        // Fire and forget on purpose: a slow client must not hold the operator's state change; SignalR queues per connection.
        _ = agents.Clients.Group(ConsoleHubs.Agent(status.AgentId)).StateChanged(status);
        var onBoard = share is not null && status.State != AgentState.LoggedOut ? status with { Node = share.Node } : status;
        // Queued, not sent here: sending to every supervisor's connection holds the caller (the operator's request, the call
        // router before the screen-pop) for as long as it takes to walk them all.
        supervisors.Post(onBoard);
    }
}
