using System.Net.Http.Json;
using Collections.AgentConsole.Features.Auth;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The hubs speak MessagePack to a client that asks for it (the console benchmark's clients, issue 17 item 5) and
/// JSON to every other (the browser pages), on one node at the same time.</summary>
[Trait("Category", "Integration")]
public sealed class MessagePackProtocolTests(KestrelConsoleFixture fixture) : IClassFixture<KestrelConsoleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_MessagePack_wallboard_and_a_JSON_wallboard_both_see_an_operators_state_change_with_its_pause_reason()
    {
        var console = fixture.Console;
        var (supervisorHttp, supervisorCookie) = await console.SignInAsync(DemoUsers.SupervisorLogin, Ct);
        var (operatorHttp, operatorCookie) = await console.SignInAsync("kovacs.eszter", Ct);
        using var _ = supervisorHttp;
        using var __ = operatorHttp;
        var me = (await operatorHttp.GetFromJsonAsync<MeDto>("/api/me", Ct))!.AgentId!.Value;

        var messagePack = new HubConnectionBuilder()
            .WithUrl(new Uri(console.BaseAddress, ConsoleHubs.SupervisorPath), o => o.Headers["Cookie"] = supervisorCookie)
            .AddMessagePackProtocol()
            .Build();
        await using var ___ = messagePack;
        await using var json = console.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
        var pausedOnMessagePack = PausedOf(messagePack, me);
        var pausedOnJson = PausedOf(json, me);
        await messagePack.StartAsync(Ct);
        await json.StartAsync(Ct);

        // A whole board, read through MessagePack: every operator of the roster, campaigns, abandonment.
        var board = await messagePack.InvokeAsync<WallboardDto>("Snapshot", Ct);
        Assert.Contains(board.Agents, a => a.AgentId == me);
        Assert.NotEmpty(board.Campaigns);
        Assert.Null(board.Nodes);

        await using var operatorTab = console.Hub(ConsoleHubs.AgentPath, operatorCookie);
        await operatorTab.StartAsync(Ct);
        var set = await operatorTab.InvokeAsync<AgentStatusDto>("SetState", AgentState.Paused, "training", Ct);

        var viaMessagePack = await pausedOnMessagePack.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var viaJson = await pausedOnJson.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(set, viaMessagePack);
        Assert.Equal(set, viaJson);
        Assert.Equal("training", viaMessagePack.PauseReason);
    }

    private static Task<AgentStatusDto> PausedOf(HubConnection hub, Guid agent)
    {
        var seen = new TaskCompletionSource<AgentStatusDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<AgentStatusDto>(nameof(ISupervisorClient.AgentChanged), s =>
        {
            if (s.AgentId == agent && s.State == AgentState.Paused)
            {
                seen.TrySetResult(s);
            }
        });
        return seen.Task;
    }
}
