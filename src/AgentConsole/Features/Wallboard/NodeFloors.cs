using Collections.Shared.Contracts;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>What one console node tells the others once a second (with the Redis backplane): its operators as it knows them,
/// its dialer's lines per campaign and its floor's talk and logged-in time.</summary>
/// <param name="Instance">Unique per process start: tells a node's own report from another node misconfigured with the same name.</param>
/// <param name="SentAt">The sending node's clock; staleness is judged on the receiver's clock, at arrival.</param>
public sealed record NodeFloorReport(
    string Node,
    Guid Instance,
    DateTimeOffset SentAt,
    IReadOnlyList<AgentStatusDto> Operators,
    IReadOnlyList<CampaignBoardDto> Campaigns,
    double TalkMinutes,
    double LoggedInHours);

/// <summary>The whole floor merged from the live nodes' reports.</summary>
public sealed record MergedFloor(IReadOnlyList<AgentStatusDto> Agents, IReadOnlyList<CampaignBoardDto> Campaigns, double TalkMinutesPerAgentHour, IReadOnlyList<FloorNodeDto> Nodes);

/// <summary>How the wallboard reaches the other nodes' floors: registered only with the Redis backplane (several nodes);
/// without it the wallboard is this node's floor, as it always was.</summary>
public interface IWallboardFloorShare
{
    /// <summary>This node's name on the board.</summary>
    string Node { get; }

    /// <summary>This process's instance (see <see cref="NodeFloorReport.Instance"/>).</summary>
    Guid Instance { get; }

    /// <summary>Sends this node's report to the others and returns the floor merged from every live node's latest report;
    /// when the report cannot be sent the merge still happens (the other nodes will see this one go silent).</summary>
    Task<MergedFloor> ShareAsync(NodeFloorReport own, IReadOnlyList<AgentStatusDto> ownBoard, CancellationToken ct);
}

/// <summary>The latest report of every other node, and the merge of the live ones with this node's own board. A node not
/// heard from within the timeout is silent: its operators leave the board (a dead node's operators are not on the floor;
/// if they reconnected elsewhere, that node reports them) and the board says since when it is silent.</summary>
public sealed class NodeFloors(TimeProvider time, TimeSpan timeout)
{
    /// <summary>A silent node is listed ("no report since") this long, then forgotten: long enough for a supervisor to notice
    /// a lost node, short enough that a node taken out of service does not stay on the board for days.</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (NodeFloorReport Report, DateTimeOffset ReceivedAt)> _reports = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="report"/> as its node's latest, stamped with this node's clock.</summary>
    public void Receive(NodeFloorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            _reports[report.Node] = (report, time.GetUtcNow());
        }
    }

    /// <summary>This node's board (<paramref name="ownBoard"/>: its operators and the roster's absent ones, logged out)
    /// merged with the live nodes' reports. An operator signed in on a node is shown there (with tabs on two nodes: where
    /// the state changed last); an operator signed in nowhere is logged out. Lines are summed per campaign; the ratio shown
    /// is the highest node's (each node paces its own operators, the most aggressive pacer is the one to watch).</summary>
    public MergedFloor Merge(NodeFloorReport own, IReadOnlyList<AgentStatusDto> ownBoard)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(ownBoard);
        var now = time.GetUtcNow();
        var live = new List<NodeFloorReport>();
        var nodes = new List<FloorNodeDto> { new(own.Node, now, false, SignedIn(own.Operators)) };
        lock (_gate)
        {
            foreach (var (name, (report, receivedAt)) in _reports.ToList())
            {
                if (name == own.Node)
                {
                    continue;
                }

                var quiet = now - receivedAt;
                if (quiet > Forget)
                {
                    _reports.Remove(name);
                    continue;
                }

                var silent = quiet > timeout;
                nodes.Add(new FloorNodeDto(name, receivedAt, silent, SignedIn(report.Operators)));
                if (!silent)
                {
                    live.Add(report);
                }
            }
        }

        var best = new Dictionary<Guid, AgentStatusDto>();
        foreach (var (node, statuses) in live.Select(r => (r.Node, r.Operators)).Prepend((own.Node, ownBoard)))
        {
            foreach (var status in statuses)
            {
                var candidate = status with { Node = status.State == AgentState.LoggedOut ? null : node };
                if (!best.TryGetValue(status.AgentId, out var current) || Better(candidate, current))
                {
                    best[status.AgentId] = candidate;
                }
            }
        }

        var campaigns = own.Campaigns.Select(c =>
        {
            var elsewhere = live.SelectMany(r => r.Campaigns).Where(o => o.Id == c.Id).ToList();
            return c with
            {
                Dialing = c.Dialing + elsewhere.Sum(o => o.Dialing),
                Ringing = c.Ringing + elsewhere.Sum(o => o.Ringing),
                Waiting = c.Waiting + elsewhere.Sum(o => o.Waiting),
                Ratio = elsewhere.Select(o => o.Ratio).Append(c.Ratio).Max(),
            };
        }).ToList();

        var talk = own.TalkMinutes + live.Sum(r => r.TalkMinutes);
        var hours = own.LoggedInHours + live.Sum(r => r.LoggedInHours);
        return new MergedFloor(
            [.. best.Values.OrderBy(s => s.DisplayName, StringComparer.CurrentCulture)],
            campaigns,
            hours <= 0 ? 0 : talk / hours,
            [.. nodes.OrderBy(n => n.Name, StringComparer.Ordinal)]);
    }

    private static int SignedIn(IReadOnlyList<AgentStatusDto> statuses) => statuses.Count(s => s.State != AgentState.LoggedOut);

    private static bool Better(AgentStatusDto candidate, AgentStatusDto current)
    {
        var signedIn = candidate.State != AgentState.LoggedOut;
        return signedIn != (current.State != AgentState.LoggedOut) ? signedIn : candidate.Since > current.Since;
    }
}
