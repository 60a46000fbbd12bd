using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Monitoring;
using Collections.Shared.Domain;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>The supervisors' hub: the wallboard (pushed once a second) and campaign commands.</summary>
[Authorize(Policy = AuthSetup.SupervisorPolicy)]
public sealed class SupervisorHub(WallboardBuilder boards, WallboardChanges changes, CampaignBoard campaigns, WallboardAudience audience, IServiceProvider services) : Hub<ISupervisorClient>
{
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, ConsoleHubs.Supervisors, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, audience.Group, Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    /// <summary>The wallboard now, built for this call.</summary>
    public Task<WallboardDto> Snapshot() => boards.BuildAsync(Context.ConnectionAborted);

    /// <summary>
    /// From now on this connection gets <c>WallboardDelta</c> (what changed, once a second) instead of the whole board; returns
    /// the last published board, whose <see cref="WallboardDto.Version"/> the next delta follows. A page calls it again when a
    /// delta's version is not the next one, or its epoch another (it missed one, or reconnected to another node).
    /// </summary>
    public async Task<WallboardDto> FollowChanges()
    {
        // Joined before the board is read: a delta published in between is one the page already has (its version is not newer).
        await Groups.AddToGroupAsync(Context.ConnectionId, audience.DeltaGroup, Context.ConnectionAborted);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, audience.Group, Context.ConnectionAborted);
        // Before the first second's board: one built now, version 0 of this epoch (the first delta carries everything).
        return changes.Current ?? await boards.BuildAsync(Context.ConnectionAborted) with { Epoch = changes.Epoch };
    }

    /// <summary>Starts, pauses or retunes a campaign; refused values name the field.</summary>
    public async Task<CampaignBoardDto> UpdateCampaign(CampaignCommandDto command)
    {
        var (board, refusal) = await campaigns.ApplyAsync(command, Context.ConnectionAborted);
        return board ?? throw new HubException(refusal);
    }

    /// <summary>Joins a live call from the supervisor's phone in <paramref name="mode"/> (listen, whisper, barge), or changes the
    /// mode of the call they are on. Supervisors only (not administrators): it is the floor's job, and each use is audited.</summary>
    [Authorize(Roles = ConsoleRoles.Supervisor)]
    public Task<MonitoringDto> Monitor(Guid callId, MonitorMode mode) =>
        Desk.MonitorAsync(callId, mode, AuditActor.Of(Context), Context.ConnectionAborted);

    /// <summary>Leaves the call: the supervisor's leg is hung up, the call goes on.</summary>
    [Authorize(Roles = ConsoleRoles.Supervisor)]
    public Task<MonitoringDto> StopMonitoring(Guid callId) => Desk.LeaveAsync(callId, AuditActor.Of(Context), Context.ConnectionAborted);

    /// <summary>The calls being monitored now, for a wallboard that just connected.</summary>
    public IReadOnlyList<MonitoringDto> Monitorings() => services.GetService<MonitoringDesk>()?.Current() ?? [];

    private MonitoringDesk Desk => services.GetService<MonitoringDesk>() ?? throw new HubException("This console node has no dialer: calls cannot be joined here.");
}
