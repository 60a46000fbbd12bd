using Collections.AgentConsole.Features.Wallboard;
using Collections.Shared.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace Collections.AgentConsole.Tests.Floor;

/// <summary>The wallboard's floor across nodes: how the nodes' reports merge, and a silent node's operators leaving.</summary>
public sealed class NodeFloorsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 14, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly NodeFloors _floors;
    private readonly Guid _anna = Guid.NewGuid();
    private readonly Guid _bela = Guid.NewGuid();
    private readonly Guid _campaign = Guid.NewGuid();

    public NodeFloorsTests() => _floors = new NodeFloors(_clock, TimeSpan.FromSeconds(5));

    [Fact]
    public void Operators_signed_in_on_another_node_are_on_this_nodes_board_with_their_node_and_lines_add_up()
    {
        // Node A knows Anna (ready) and has Béla only from the roster (logged out); node B has Béla on a call.
        _floors.Receive(Report("node-b", [Status(_bela, "Béla Nagy", AgentState.OnCall, Start.AddMinutes(-2))], Lines(dialing: 2, ratio: 2.5), talk: 30, hours: 1));
        var own = Report("node-a", [Status(_anna, "Anna Schneider", AgentState.Ready, Start.AddMinutes(-1))], Lines(dialing: 1, ratio: 1.5), talk: 10, hours: 1);
        var merged = _floors.Merge(own, [.. own.Operators, Status(_bela, "Béla Nagy", AgentState.LoggedOut, Start.AddHours(-1))]);

        var anna = Assert.Single(merged.Agents, a => a.AgentId == _anna);
        var bela = Assert.Single(merged.Agents, a => a.AgentId == _bela);
        Assert.Equal((AgentState.Ready, "node-a"), (anna.State, anna.Node));
        Assert.Equal((AgentState.OnCall, "node-b"), (bela.State, bela.Node));
        var campaign = Assert.Single(merged.Campaigns);
        Assert.Equal(3, campaign.Dialing);
        Assert.Equal(2.5, campaign.Ratio);
        Assert.Equal(20, merged.TalkMinutesPerAgentHour);
        Assert.Equal(["node-a", "node-b"], merged.Nodes.Select(n => n.Name));
        Assert.All(merged.Nodes, n => Assert.False(n.Silent));
    }

    [Fact]
    public void A_node_silent_past_the_timeout_loses_its_operators_and_is_listed_silent_since_its_last_report()
    {
        _floors.Receive(Report("node-b", [Status(_bela, "Béla Nagy", AgentState.Ready, Start)], Lines(dialing: 2, ratio: 2), talk: 0, hours: 0));
        var own = Report("node-a", [], Lines(dialing: 0, ratio: 1), talk: 0, hours: 0);
        AgentStatusDto[] ownBoard = [Status(_bela, "Béla Nagy", AgentState.LoggedOut, Start.AddHours(-1))];

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("node-b", Assert.Single(_floors.Merge(own, ownBoard).Agents).Node);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var merged = _floors.Merge(own, ownBoard);
        var bela = Assert.Single(merged.Agents);
        Assert.Equal(AgentState.LoggedOut, bela.State);
        Assert.Null(bela.Node);
        Assert.Equal(0, Assert.Single(merged.Campaigns).Dialing);
        var silent = Assert.Single(merged.Nodes, n => n.Name == "node-b");
        Assert.True(silent.Silent);
        Assert.Equal(Start, silent.LastReport);

        // Listed for an hour, then forgotten.
        _clock.Advance(NodeFloors.Forget);
        Assert.Equal(["node-a"], _floors.Merge(own, ownBoard).Nodes.Select(n => n.Name));
    }

    [Fact]
    public void An_operator_with_tabs_on_two_nodes_is_shown_where_she_is_signed_in_then_where_her_state_changed_last()
    {
        // Her second tab on node B only connected there: B's floor has her logged out, A's has her paused.
        _floors.Receive(Report("node-b", [Status(_anna, "Anna Schneider", AgentState.LoggedOut, Start)], Lines(0, 1), 0, 0));
        var own = Report("node-a", [Status(_anna, "Anna Schneider", AgentState.Paused, Start.AddMinutes(-5))], Lines(0, 1), 0, 0);
        Assert.Equal((AgentState.Paused, "node-a"), Pick(_floors.Merge(own, own.Operators)));

        // She pressed Ready on B later than she paused on A.
        _floors.Receive(Report("node-b", [Status(_anna, "Anna Schneider", AgentState.Ready, Start.AddMinutes(-1))], Lines(0, 1), 0, 0));
        Assert.Equal((AgentState.Ready, "node-b"), Pick(_floors.Merge(own, own.Operators)));
    }

    private static (AgentState, string?) Pick(MergedFloor merged)
    {
        var anna = Assert.Single(merged.Agents);
        return (anna.State, anna.Node);
    }

    private static NodeFloorReport Report(string node, AgentStatusDto[] operators, CampaignBoardDto[] lines, double talk, double hours) =>
        new(node, Guid.NewGuid(), Start, operators, lines, talk, hours);

    private static AgentStatusDto Status(Guid id, string name, AgentState state, DateTimeOffset since) => new(id, name, state, null, since, null, 0);

    private CampaignBoardDto[] Lines(int dialing, double ratio) =>
        [new(_campaign, "Consumer credit", "Running", "Predictive", 2, 0.03, dialing, 0, 0, "predictive", ratio)];
}
