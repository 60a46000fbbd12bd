using Collections.AgentConsole.Features.Auth;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>The supervisors' hub: the wallboard (pushed once a second) and campaign commands.</summary>
[Authorize(Policy = AuthSetup.SupervisorPolicy)]
public sealed class SupervisorHub(WallboardBuilder boards, CampaignBoard campaigns, WallboardAudience audience) : Hub<ISupervisorClient>
{
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, ConsoleHubs.Supervisors, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, audience.Group, Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    /// <summary>The wallboard now, for a page that just connected.</summary>
    public Task<WallboardDto> Snapshot() => boards.BuildAsync(Context.ConnectionAborted);

    /// <summary>Starts, pauses or retunes a campaign; refused values name the field.</summary>
    public async Task<CampaignBoardDto> UpdateCampaign(CampaignCommandDto command)
    {
        var (board, refusal) = await campaigns.ApplyAsync(command, Context.ConnectionAborted);
        return board ?? throw new HubException(refusal);
    }
}
