using System.Net.Http.Json;
using System.Threading.Channels;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Tests.Console;
using Collections.Shared.Contracts;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.ScaleOut;

/// <summary>Issue 17 item 4: with the Redis backplane the wallboard is the whole floor. Two real Kestrel console nodes
/// (console-only) on one PostgreSQL database and one redis-server; each node reports its floor once a second.</summary>
[Trait("Category", "Integration")]
public sealed class FloorAcrossNodesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wallboard_on_node_A_shows_both_nodes_operators_a_campaign_command_on_A_reaches_B_and_B_stopping_leaves_A_board()
    {
        var redisStarting = RedisServer.StartAsync(Ct);
        await using var postgres = await PostgresServer.StartAsync();
        await using var redis = await redisStarting;
        var connection = await postgres.CreateDatabaseAsync("floor");
        await using (var db = DatabaseSetup.CreateContext(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connection }))
        {
            await db.Database.MigrateAsync(Ct);
        }

        var keys = Path.Combine(Path.GetTempPath(), $"collections-keys-{Guid.NewGuid():N}");
        (string, string)[] common =
        [
            ("Collections:Database:Provider", "Postgres"),
            ("Collections:Database:ConnectionString", connection),
            ("Collections:Dialing:InProcess", "false"),
            ("Collections:SignalR:Redis", redis.ConnectionString),
            ("Collections:SignalR:ChannelPrefix", $"collections-test-{Guid.NewGuid():N}"),
            ("Collections:SignalR:WallboardNodeTimeout", "00:00:03"),
            ("Collections:DataProtection:KeysDirectory", keys),
        ];
        try
        {
            // Node A first: it loads the demo data into the empty database; node B starts on what A loaded.
            using var a = new KestrelConsole([.. common, ("Collections:SignalR:NodeName", "node-a")]);
            var b = new KestrelConsole([.. common, ("Collections:SignalR:NodeName", "node-b")]);
            try
            {
                var (supervisorHttp, supervisorCookie) = await a.SignInAsync(DemoUsers.SupervisorLogin, Ct);
                var (harrietHttp, harrietCookie) = await a.SignInAsync("harriet.collins", Ct);
                var (annaHttp, annaCookie) = await b.SignInAsync("anna.schneider", Ct);
                using var _ = supervisorHttp;
                using var __ = harrietHttp;
                using var ___ = annaHttp;
                var harriet = (await harrietHttp.GetFromJsonAsync<MeDto>("/api/me", Ct))!.AgentId!.Value;
                var anna = (await annaHttp.GetFromJsonAsync<MeDto>("/api/me", Ct))!.AgentId!.Value;

                await using var wallboard = a.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
                var boards = Channel.CreateUnbounded<WallboardDto>();
                wallboard.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), board => boards.Writer.TryWrite(board));
                await wallboard.StartAsync(Ct);

                await using var harrietOnA = a.Hub(ConsoleHubs.AgentPath, harrietCookie);
                await harrietOnA.StartAsync(Ct);
                await harrietOnA.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);
                var annaOnB = b.Hub(ConsoleHubs.AgentPath, annaCookie);
                await annaOnB.StartAsync(Ct);
                await annaOnB.InvokeAsync<AgentStatusDto>("SetState", AgentState.Paused, "coffee", Ct);

                // Node A's board shows Anna, signed in on node B only, paused there, and Harriet ready on A; both nodes report.
                var both = await BoardAsync(boards, board =>
                    Is(board, harriet, AgentState.Ready, "node-a") && Is(board, anna, AgentState.Paused, "node-b"));
                Assert.Equal("coffee", both.Agents.Single(s => s.AgentId == anna).PauseReason);
                Assert.Equal([("node-a", false, 1), ("node-b", false, 1)], both.Nodes!.Select(n => (n.Name, n.Silent, n.SignedIn)));

                // A supervisor's campaign command on node A reaches node B (its dialer and its campaign list), through Redis.
                var campaign = both.Campaigns[0];
                var wanted = campaign.Status == "Running" ? "Paused" : "Running";
                await wallboard.InvokeAsync<CampaignBoardDto>("UpdateCampaign", new CampaignCommandDto(campaign.Id, wanted, null, null, null), Ct);
                await using (var wallboardOnB = b.Hub(ConsoleHubs.SupervisorPath, supervisorCookie))
                {
                    await wallboardOnB.StartAsync(Ct);
                    using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                    patience.CancelAfter(TimeSpan.FromSeconds(10));
                    while ((await wallboardOnB.InvokeAsync<WallboardDto>("Snapshot", patience.Token)).Campaigns.Single(c => c.Id == campaign.Id).Status != wanted)
                    {
                        await Task.Delay(100, patience.Token);
                    }
                }

                // Node B stops: its operators leave node A's board (Anna is signed in nowhere now), Harriet stays, and the
                // board says node B is silent since its last report.
                await annaOnB.DisposeAsync();
                b.Dispose();
                var after = await BoardAsync(boards, board => board.Nodes!.Any(n => n.Name == "node-b" && n.Silent));
                var annaAfter = after.Agents.Single(s => s.AgentId == anna);
                Assert.Equal(AgentState.LoggedOut, annaAfter.State);
                Assert.Null(annaAfter.Node);
                Assert.True(Is(after, harriet, AgentState.Ready, "node-a"));
            }
            finally
            {
                b.Dispose();
            }
        }
        finally
        {
            if (Directory.Exists(keys))
            {
                Directory.Delete(keys, recursive: true);
            }
        }
    }

    private static bool Is(WallboardDto board, Guid agent, AgentState state, string node) =>
        board.Agents.Any(s => s.AgentId == agent && s.State == state && s.Node == node);

    /// <summary>The first board (1 Hz) that satisfies <paramref name="wanted"/>, within 20 s.</summary>
    private static async Task<WallboardDto> BoardAsync(Channel<WallboardDto> boards, Func<WallboardDto, bool> wanted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var board = await boards.Reader.ReadAsync(timeout.Token);
            if (wanted(board))
            {
                return board;
            }
        }
    }
}
