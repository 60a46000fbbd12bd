using Collections.Dialer.Campaigns;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The supervisor's hub: the 1 Hz board lists every active operator, and campaign commands are saved or refused.</summary>
[Trait("Category", "Integration")]
public sealed class WallboardTests(KestrelConsoleFixture fixture) : IClassFixture<KestrelConsoleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_board_arrives_by_itself_and_lists_every_active_operator_with_the_campaigns()
    {
        var (http, cookie) = await fixture.Console.SignInAsync("supervisor", Ct);
        using var _ = http;
        await using var hub = fixture.Console.Hub(ConsoleHubs.SupervisorPath, cookie);
        var pushed = new TaskCompletionSource<WallboardDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), b => pushed.TrySetResult(b));
        await hub.StartAsync(Ct);

        var board = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await using var db = fixture.Console.OpenDatabase();
        var active = await db.Agents.Where(a => a.Active).Select(a => a.DisplayName).ToListAsync(Ct);
        Assert.Equal(active.Order(), board.Agents.Select(a => a.DisplayName).Order());
        Assert.DoesNotContain(board.Agents, a => a.DisplayName == "Thomas Brandt");   // the inactive demo operator
        Assert.Equal(await db.Campaigns.CountAsync(Ct), board.Campaigns.Count);
        // The floor's target is the strictest running campaign's; another test in this class retunes one, so read it back.
        var running = await db.Campaigns.Where(c => c.Status == CampaignStatus.Running).Select(c => c.TargetAbandonRate).ToListAsync(Ct);
        Assert.Equal(running.DefaultIfEmpty(0.03).Min(), board.Rolling24h.Target);
    }

    [Fact]
    public async Task A_connection_that_follows_the_changes_gets_numbered_deltas_instead_of_the_board_and_they_rebuild_it()
    {
        var (http, cookie) = await fixture.Console.SignInAsync("supervisor", Ct);
        using var _ = http;
        await using var hub = fixture.Console.Hub(ConsoleHubs.SupervisorPath, cookie);
        var deltas = System.Threading.Channels.Channel.CreateUnbounded<WallboardDeltaDto>();
        var wholeBoards = 0;
        hub.On<WallboardDeltaDto>(nameof(ISupervisorClient.WallboardDelta), d => deltas.Writer.TryWrite(d));
        hub.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), _ => Interlocked.Increment(ref wholeBoards));
        await hub.StartAsync(Ct);

        var board = await hub.InvokeAsync<WallboardDto>("FollowChanges", Ct);
        Assert.False(string.IsNullOrEmpty(board.Epoch));
        var agents = board.Agents.ToDictionary(a => a.AgentId);
        var version = board.Version;
        var boardsBefore = Volatile.Read(ref wholeBoards);
        for (var applied = 0; applied < 3;)
        {
            var delta = await deltas.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(board.Epoch, delta.Epoch);
            if (delta.Version <= version)
            {
                continue;   // published while FollowChanges read the board: already in it
            }

            Assert.Equal(version + 1, delta.Version);
            version = delta.Version;
            foreach (var id in delta.AgentsGone)
            {
                agents.Remove(id);
            }

            foreach (var a in delta.Agents)
            {
                agents[a.AgentId] = a;
            }

            applied++;
        }

        // No whole board once the connection follows the changes (one may have been on its way as it asked).
        Assert.True(Volatile.Read(ref wholeBoards) - boardsBefore <= 1, $"{wholeBoards - boardsBefore} whole boards after FollowChanges");
        // Asking again (what a page does on a gap) gives the board the deltas led to, or a later one of the same epoch.
        var again = await hub.InvokeAsync<WallboardDto>("FollowChanges", Ct);
        Assert.Equal(board.Epoch, again.Epoch);
        Assert.True(again.Version >= version);
        Assert.Equal(again.Agents.Select(a => a.AgentId).Order(), agents.Keys.Order());
    }

    [Fact]
    public async Task A_supervisor_pauses_and_retunes_a_campaign_and_out_of_range_values_are_refused()
    {
        var (http, cookie) = await fixture.Console.SignInAsync("supervisor", Ct);
        using var _ = http;
        await using var hub = fixture.Console.Hub(ConsoleHubs.SupervisorPath, cookie);
        await hub.StartAsync(Ct);
        Guid id;
        await using (var db = fixture.Console.OpenDatabase())
        {
            id = (await db.Campaigns.SingleAsync(c => c.Mode == DialMode.Predictive, Ct)).Id.Value;
        }

        // The dialer runs the campaign from the start (DESIGN.md 6: the console hosts the dialer on one node).
        var dialer = fixture.Console.Services.GetRequiredService<CampaignSupervisor>();
        Assert.Contains(dialer.Running(), c => c.Id == new CampaignId(id) && c.Mode == DialMode.Predictive);

        var board = await hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(id, "Paused", null, 1.8, 0.02), Ct);
        Assert.Equal("Paused", board.Status);
        Assert.DoesNotContain(dialer.Running(), c => c.Id == new CampaignId(id));
        Assert.DoesNotContain(dialer.Lines(), l => l.CampaignId == new CampaignId(id));
        await using (var db = fixture.Console.OpenDatabase())
        {
            var saved = await db.Campaigns.SingleAsync(c => c.Id == new CampaignId(id), Ct);
            Assert.Equal(CampaignStatus.Paused, saved.Status);
            Assert.Equal(1.8, saved.MaxLinesPerAgent);
            Assert.Equal(0.02, saved.TargetAbandonRate);
        }

        var tooMany = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(id, null, null, 9, null), Ct));
        Assert.Contains("maxLinesPerAgent", tooMany.Message);
        var tooHigh = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(id, null, null, null, 0.2), Ct));
        Assert.Contains("targetAbandonRate", tooHigh.Message);

        var running = await hub.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(id, "Running", "Progressive", null, null), Ct);
        Assert.Equal(("Running", "Progressive", 1.8), (running.Status, running.Mode, running.MaxLinesPerAgent));
        var restarted = Assert.Single(dialer.Running(), c => c.Id == new CampaignId(id));
        Assert.Equal((DialMode.Progressive, 1.8), (restarted.Mode, restarted.MaxLinesPerAgent));
        Assert.Contains(dialer.Lines(), l => l.CampaignId == new CampaignId(id) && l.PacingMode == "progressive");
    }
}
