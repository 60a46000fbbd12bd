using Collections.Shared.Contracts;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>
/// This node's wallboard as last published, numbered (issue 17 item 5). The publisher builds the board once a second and
/// stores it here; a page that connects or missed a delta gets this board instead of building one of its own, so the
/// floor's figures (the abandonment query, the inbound counts, the nodes' merge) are computed once per second for all
/// supervisors rather than once per connection.
/// </summary>
public sealed class WallboardChanges
{
    private readonly Lock _gate = new();
    private WallboardDto? _current;

    /// <summary>Names this node's sequence of versions: a page that reconnects to another node (or to this one after a
    /// restart) sees another epoch and takes the whole board rather than apply a delta to a board it does not have.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The last published board, or null before the first.</summary>
    public WallboardDto? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Numbers <paramref name="board"/> as the next version and keeps it; returns it with what changed since the previous one
    /// (everything, for the first).</summary>
    public (WallboardDto Board, WallboardDeltaDto Delta) Publish(WallboardDto board)
    {
        lock (_gate)
        {
            var numbered = board with { Version = (_current?.Version ?? 0) + 1, Epoch = Epoch };
            var delta = Between(_current, numbered);
            _current = numbered;
            return (numbered, delta);
        }
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/> (records compare by value).</summary>
    public static WallboardDeltaDto Between(WallboardDto? before, WallboardDto after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var agentsBefore = before?.Agents.ToDictionary(a => a.AgentId) ?? [];
        var campaignsBefore = before?.Campaigns.ToDictionary(c => c.Id) ?? [];
        var agentsAfter = after.Agents.Select(a => a.AgentId).ToHashSet();
        var campaignsAfter = after.Campaigns.Select(c => c.Id).ToHashSet();
        return new WallboardDeltaDto(
            after.Epoch ?? string.Empty,
            after.Version,
            after.SentAt,
            [.. after.Agents.Where(a => !agentsBefore.TryGetValue(a.AgentId, out var was) || was != a)],
            [.. agentsBefore.Keys.Where(id => !agentsAfter.Contains(id))],
            [.. after.Campaigns.Where(c => !campaignsBefore.TryGetValue(c.Id, out var was) || was != c)],
            [.. campaignsBefore.Keys.Where(id => !campaignsAfter.Contains(id))],
            before is not null && before.TalkMinutesPerAgentHour.Equals(after.TalkMinutesPerAgentHour) ? null : after.TalkMinutesPerAgentHour,
            before is not null && before.Today == after.Today ? null : after.Today,
            before is not null && before.Rolling24h == after.Rolling24h ? null : after.Rolling24h,
            before is not null && before.Inbound == after.Inbound ? null : after.Inbound,
            before is not null && (before.Nodes ?? []).SequenceEqual(after.Nodes ?? []) ? null : after.Nodes);
    }
}
