using Collections.Dialer.Pacing;
using Collections.Dialer.Routing;
using ContactAttemptId = Collections.Shared.Domain.ContactAttemptId;

namespace Collections.Dialer.Campaigns;

/// <summary>
/// The in-process agent pool: <see cref="AgentRouter"/> (longest-idle ready agent with the debtor's language) behind a
/// lock, with log-in and ready raised as events. The console can feed it from its SignalR hub, or implement
/// <see cref="IAgentPool"/> itself.
/// </summary>
public sealed class AgentPool : IAgentPool
{
    private readonly AgentRouter _router = new();
    private readonly Lock _gate = new();
    private readonly HashSet<AgentId> _held = [];
    private readonly Dictionary<Collections.Shared.Domain.AgentId, AgentId> _operators = [];

    /// <inheritdoc />
    public event Action<AgentId, DateTimeOffset>? AgentReady;

    /// <summary>Logs an agent in, ready from <paramref name="at"/>; <paramref name="operatorId"/> is the operator's domain id,
    /// by which a callback they promised finds them (<see cref="TryHoldOperator"/>).</summary>
    public void LogIn(AgentId agent, IEnumerable<string> languages, DateTimeOffset at, Collections.Shared.Domain.AgentId? operatorId = null)
    {
        lock (_gate)
        {
            _router.LogIn(agent, languages, at);
            if (operatorId is { } id)
            {
                _operators[id] = agent;
            }
        }

        AgentReady?.Invoke(agent, at);
    }

    /// <summary>The agent finished wrap-up and is ready for the next call.</summary>
    public void Ready(AgentId agent, DateTimeOffset at)
    {
        lock (_gate)
        {
            _router.Set(agent, AgentActivity.Ready, at);
        }

        AgentReady?.Invoke(agent, at);
    }

    /// <summary>What the agent is doing.</summary>
    public AgentActivity ActivityOf(AgentId agent)
    {
        lock (_gate)
        {
            return _router.ActivityOf(agent);
        }
    }

    /// <inheritdoc />
    public bool CanServe(string language)
    {
        lock (_gate)
        {
            return _router.CanServe(language);
        }
    }

    /// <inheritdoc />
    public AgentId? TakeLongestIdle(string language, DateTimeOffset at, ContactAttemptId call, AgentId? preferred = null)
    {
        lock (_gate)
        {
            if (preferred is { } p && _router.TryTake(p, language, at))
            {
                return p;
            }

            foreach (var agent in _router.ReadySpeakers(language).OrderBy(_held.Contains))
            {
                if (_router.TryTake(agent, language, at))
                {
                    return agent;
                }
            }

            return null;
        }
    }

    /// <inheritdoc />
    public AgentHold? TryHold(string language)
    {
        lock (_gate)
        {
            foreach (var agent in _router.ReadySpeakers(language))
            {
                if (_held.Add(agent))
                {
                    return Hold(agent);
                }
            }

            return null;
        }
    }

    /// <inheritdoc />
    public AgentHold? TryHoldOperator(Collections.Shared.Domain.AgentId operatorId, string language)
    {
        lock (_gate)
        {
            return _operators.TryGetValue(operatorId, out var agent) && _router.ReadySpeakers(language).Contains(agent) && _held.Add(agent)
                ? Hold(agent)
                : null;
        }
    }

    /// <summary>A hold on <paramref name="agent"/> (already added to the held set) that frees them when disposed.</summary>
    private AgentHold Hold(AgentId agent) => new(agent, () =>
    {
        lock (_gate)
        {
            _held.Remove(agent);
        }
    });

    /// <inheritdoc />
    /// <remarks>Only an agent still on the call goes to wrap-up: one who already came back (a wrap-up shorter than the
    /// runner's own bookkeeping after the hang-up) stays ready.</remarks>
    public void WrapUp(AgentId agent, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_router.ActivityOf(agent) == AgentActivity.OnCall)
            {
                _router.Set(agent, AgentActivity.WrapUp, at);
            }
        }
    }

    /// <inheritdoc />
    public void Snapshot(DateTimeOffset now, List<AgentSnapshot> into)
    {
        lock (_gate)
        {
            _router.Snapshot(now, into);
        }
    }

    /// <inheritdoc />
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }
}
