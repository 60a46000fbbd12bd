using Collections.AgentConsole.Features.Wallboard;
using Collections.Shared.Contracts;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The wallboard's deltas (issue 17 item 5): numbered boards of one epoch, and only what changed between two.</summary>
public sealed class WallboardChangesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 14, 0, 0, TimeSpan.Zero);
    private static readonly Guid Anna = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Harriet = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Eszter = Guid.Parse("00000000-0000-0000-0000-000000000003");
    private static readonly Guid Gb = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    private static readonly Guid De = Guid.Parse("00000000-0000-0000-0000-0000000000c2");

    [Fact]
    public void The_first_board_is_version_1_and_its_delta_carries_everything()
    {
        var changes = new WallboardChanges();
        var (board, delta) = changes.Publish(Board(T0, Agent(Anna, AgentState.Ready), Agent(Harriet, AgentState.LoggedOut)));

        Assert.Equal((1L, changes.Epoch), (board.Version, board.Epoch));
        Assert.Equal((1L, changes.Epoch), (delta.Version, delta.Epoch));
        Assert.Equal([Anna, Harriet], delta.Agents.Select(a => a.AgentId));
        Assert.Equal([Gb, De], delta.Campaigns.Select(c => c.Id));
        Assert.NotNull(delta.Today);
        Assert.NotNull(delta.Rolling24h);
        Assert.Equal(0.5, delta.TalkMinutesPerAgentHour);
        Assert.Same(board, changes.Current);
    }

    [Fact]
    public void A_delta_holds_the_operator_who_changed_the_one_who_left_and_only_the_figures_that_moved()
    {
        var changes = new WallboardChanges();
        changes.Publish(Board(T0, Agent(Anna, AgentState.Ready), Agent(Harriet, AgentState.Ready), Agent(Eszter, AgentState.Paused)));
        var later = Board(T0.AddSeconds(1), Agent(Anna, AgentState.Ready), Agent(Harriet, AgentState.OnCall)) with
        {
            Campaigns = [Campaign(Gb, dialing: 2), Campaign(De, dialing: 0)],
        };

        var (board, delta) = changes.Publish(later);

        Assert.Equal(2, board.Version);
        Assert.Equal(2, delta.Version);
        Assert.Equal(T0.AddSeconds(1), delta.SentAt);
        var changed = Assert.Single(delta.Agents);
        Assert.Equal((Harriet, AgentState.OnCall), (changed.AgentId, changed.State));
        Assert.Equal([Eszter], delta.AgentsGone);
        Assert.Equal([Gb], delta.Campaigns.Select(c => c.Id));
        Assert.Empty(delta.CampaignsGone);
        Assert.Null(delta.TalkMinutesPerAgentHour);
        Assert.Null(delta.Today);
        Assert.Null(delta.Rolling24h);
        Assert.Null(delta.Inbound);
        Assert.Null(delta.Nodes);
    }

    [Fact]
    public void Applying_each_delta_to_the_first_board_gives_the_last_board()
    {
        var changes = new WallboardChanges();
        var boards = new[]
        {
            Board(T0, Agent(Anna, AgentState.Ready), Agent(Harriet, AgentState.Ready)),
            Board(T0.AddSeconds(1), Agent(Anna, AgentState.OnCall), Agent(Harriet, AgentState.Ready), Agent(Eszter, AgentState.Ready)) with { TalkMinutesPerAgentHour = 3.5 },
            Board(T0.AddSeconds(2), Agent(Anna, AgentState.WrapUp), Agent(Eszter, AgentState.Ready)) with { Campaigns = [Campaign(De, dialing: 4)] },
        };
        var held = changes.Publish(boards[0]).Board;
        var agents = held.Agents.ToDictionary(a => a.AgentId);
        var campaigns = held.Campaigns.ToDictionary(c => c.Id);
        var talk = held.TalkMinutesPerAgentHour;
        foreach (var next in boards.Skip(1))
        {
            var (_, delta) = changes.Publish(next);
            Assert.Equal(held.Version + 1, delta.Version);
            held = held with { Version = delta.Version };
            delta.ApplyTo(agents, campaigns);

            talk = delta.TalkMinutesPerAgentHour ?? talk;
        }

        var last = changes.Current!;
        Assert.Equal(last.Agents.OrderBy(a => a.AgentId), agents.Values.OrderBy(a => a.AgentId));
        Assert.Equal(last.Campaigns.OrderBy(c => c.Id), campaigns.Values.OrderBy(c => c.Id));
        Assert.Equal(last.TalkMinutesPerAgentHour, talk);
        Assert.Equal(3, last.Version);
    }

    [Fact]
    public void Two_nodes_number_their_boards_in_different_epochs()
    {
        Assert.NotEqual(new WallboardChanges().Epoch, new WallboardChanges().Epoch);
    }

    private static AgentStatusDto Agent(Guid id, AgentState state) => new(id, $"agent {id:N}", state, null, T0, state == AgentState.OnCall ? id : null, 0);

    private static CampaignBoardDto Campaign(Guid id, int dialing) => new(id, $"campaign {id:N}", "Running", "Predictive", 2, 0.03, dialing, 0, 0, "predictive", 1.5);

    private static WallboardDto Board(DateTimeOffset at, params AgentStatusDto[] agents) => new(
        at, agents, [Campaign(Gb, dialing: 1), Campaign(De, dialing: 0)], 0.5,
        new AbandonmentDto(10, 0, 0, 0.03), new AbandonmentDto(40, 1, 0.024, 0.03));
}
