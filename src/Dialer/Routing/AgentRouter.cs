using Collections.Dialer.Pacing;
using Collections.Shared.Domain;

namespace Collections.Dialer.Routing;

/// <summary>An agent's identity within a dialer node.</summary>
/// <param name="Value">The agent's number.</param>
public readonly record struct AgentId(int Value);

/// <summary>
/// Chooses the agent for a call: the ready agent idle longest among those who speak the debtor's language
/// (<see cref="LanguageMatch"/>, the rule the console's floor uses too). Also answers whether a call may be dialed at
/// all: a call whose language no logged-in agent speaks is not dialed, since it could only be abandoned.
/// </summary>
public sealed class AgentRouter
{
    private readonly Dictionary<AgentId, Seat> _seats = [];
    private readonly List<Seat> _order = [];

    /// <summary>Logged-in agents.</summary>
    public int Count => _order.Count;

    /// <summary>Logs an agent in, ready from <paramref name="at"/>.</summary>
    public void LogIn(AgentId id, IEnumerable<string> languages, DateTimeOffset at)
    {
        var seat = new Seat(id, [.. languages])
        {
            Activity = AgentActivity.Ready,
            Since = at,
        };
        if (!_seats.TryAdd(id, seat))
        {
            throw new InvalidOperationException($"Agent {id.Value} is already logged in.");
        }

        _order.Add(seat);
    }

    /// <summary>Logs an agent out.</summary>
    public void LogOut(AgentId id)
    {
        if (_seats.Remove(id, out var seat))
        {
            _order.Remove(seat);
        }
    }

    /// <summary>Whether any logged-in agent speaks <paramref name="language"/> (otherwise the call is not dialed).</summary>
    public bool CanServe(string language)
    {
        foreach (var seat in _order)
        {
            if (seat.Speaks(language))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What an agent is doing.</summary>
    public AgentActivity ActivityOf(AgentId id) => _seats[id].Activity;

    /// <summary>Moves an agent to <paramref name="activity"/> from <paramref name="at"/>.</summary>
    public void Set(AgentId id, AgentActivity activity, DateTimeOffset at)
    {
        var seat = _seats[id];
        seat.Activity = activity;
        seat.Since = at;
    }

    /// <summary>
    /// Takes the ready agent who has been idle longest among those who speak <paramref name="language"/>
    /// and puts them on the call; null when none is ready.
    /// </summary>
    public AgentId? TakeLongestIdle(string language, DateTimeOffset at)
    {
        Seat? best = null;
        foreach (var seat in _order)
        {
            if (seat.Activity == AgentActivity.Ready && seat.Speaks(language)
                && (best is null || seat.Since < best.Since))
            {
                best = seat;
            }
        }

        if (best is null)
        {
            return null;
        }

        best.Activity = AgentActivity.OnCall;
        best.Since = at;
        return best.Id;
    }

    /// <summary>Ready agents who speak <paramref name="language"/>, longest idle first.</summary>
    public IReadOnlyList<AgentId> ReadySpeakers(string language) =>
        [.. _order.Where(s => s.Activity == AgentActivity.Ready && s.Speaks(language)).OrderBy(s => s.Since).Select(s => s.Id)];

    /// <summary>Puts <paramref name="id"/> on the call when they are ready and speak <paramref name="language"/>.</summary>
    public bool TryTake(AgentId id, string language, DateTimeOffset at)
    {
        if (!_seats.TryGetValue(id, out var seat) || seat.Activity != AgentActivity.Ready || !seat.Speaks(language))
        {
            return false;
        }

        seat.Activity = AgentActivity.OnCall;
        seat.Since = at;
        return true;
    }

    /// <summary>Fills <paramref name="into"/> with every agent's activity and time in it at <paramref name="now"/>.</summary>
    public void Snapshot(DateTimeOffset now, List<AgentSnapshot> into)
    {
        into.Clear();
        foreach (var seat in _order)
        {
            into.Add(new AgentSnapshot(seat.Activity, now - seat.Since));
        }
    }

    private sealed class Seat(AgentId id, List<string> languages)
    {
        public AgentId Id { get; } = id;

        public List<string> Languages { get; } = languages;

        public bool Speaks(string language) => LanguageMatch.AnyServes(Languages, language);

        public AgentActivity Activity { get; set; }

        public DateTimeOffset Since { get; set; }
    }
}
