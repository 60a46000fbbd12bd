using System.Collections.Concurrent;
using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Dialing;
using Collections.AgentConsole.Features.Floor;
using Collections.AgentConsole.Features.Wallboard;
using Collections.Dialer.Calls;
using Collections.Shared.Audit;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Features.Monitoring;

/// <summary>
/// The console's side of listen, whisper and barge: which live call a supervisor may join (an operator's call whose debtor is
/// still on the line), with which phone (<see cref="ConsoleOptions.SupervisorExtensions"/>, else the demo phone), each join,
/// change of mode and leave in the audit trail, every supervisor told, and the operator told by a badge where
/// <see cref="ConsoleOptions.TellOperatorWhenMonitored"/> says so. The audio is the dialer's (<see cref="CallMonitors"/>).
/// </summary>
public sealed partial class MonitoringDesk(
    AgentFloor floor,
    DialerBridge bridge,
    CallMonitors monitors,
    AuditTrail audit,
    ICollectionsDbContextFactory databases,
    IHubContext<AgentHub, IAgentClient> agents,
    IHubContext<SupervisorHub, ISupervisorClient> supervisors,
    IOptions<ConsoleOptions> options,
    ILogger<MonitoringDesk> logger) : IHostedService
{
    /// <summary>The audit kind of every entry, followed by the mode or "left".</summary>
    public const string AuditKind = "call monitoring";

    private readonly ConcurrentDictionary<AgentId, Watch> _watches = new();

    /// <summary>Every call being monitored now (for a wallboard that just connected).</summary>
    public IReadOnlyList<MonitoringDto> Current() => [.. _watches.Values.Select(w => w.Dto)];

    /// <summary>The monitoring of the operator's call, if the policy lets them know of it.</summary>
    public MonitoringDto? ToldTo(AgentId agent) =>
        options.Value.TellOperatorWhenMonitored && _watches.TryGetValue(agent, out var w) ? w.Dto : null;

    /// <summary>Joins <paramref name="who"/> into the live call <paramref name="callId"/> in <paramref name="mode"/>, or changes
    /// their mode on it. Refusals (the call is not live, another supervisor is on it, no phone) are <see cref="HubException"/>s.</summary>
    public async Task<MonitoringDto> MonitorAsync(Guid callId, MonitorMode mode, AuditActor who, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(who);
        if (!Enum.IsDefined(mode))
        {
            throw new HubException("mode: Listen, Whisper or Barge");
        }

        var call = LiveCall(callId) ?? throw new HubException("That call is not live: only a call whose debtor is on the line can be joined.");
        var number = bridge.NumberOf(call.AgentId);
        options.Value.SupervisorExtensions.TryGetValue(who.Name, out var extension);
        var joined = await monitors.JoinAsync(number, who.Name, extension, mode, ct);
        if (!joined.Joined)
        {
            throw new HubException(joined.Refusal);
        }

        var name = await DisplayNameAsync(who.Name, ct);
        var dto = new MonitoringDto(callId, call.AgentId.Value, name, mode, joined.Phone.ToString());
        var watch = new Watch(dto, who.Name, call.AccountId);
        _watches[call.AgentId] = watch;
        LogMode(logger, who.Name, mode, callId);
        await audit.ChangedAsync(who, Subject(call.AccountId), $"{AuditKind}: {mode.ToString().ToLowerInvariant()} (call {callId:D})", ct);
        await TellAsync(dto);
        if (monitors.Of(number) is null)
        {
            // The call (or the supervisor's phone) ended between the join and here, before this watch was kept: end it now.
            return await EndAsync(call.AgentId, watch, who, ct) ?? dto with { Mode = null };
        }

        return dto;
    }

    /// <summary>Ends the supervisor's part in the call (their leg is hung up; the call goes on). Refused when they are not on it.</summary>
    public async Task<MonitoringDto> LeaveAsync(Guid callId, AuditActor who, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(who);
        var (agent, watch) = _watches.FirstOrDefault(w => w.Value.Dto.CallId == callId);
        if (watch is null || !string.Equals(watch.Login, who.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new HubException("You are not monitoring that call.");
        }

        await monitors.LeaveAsync(bridge.NumberOf(agent));
        return await EndAsync(agent, watch, who, ct) ?? watch.Dto with { Mode = null };
    }

    private CallSession? LiveCall(Guid callId)
    {
        foreach (var agent in floor.Present())
        {
            if (agent.State == AgentState.OnCall && floor.CurrentCall(agent.AgentId) is { Disconnected: false } call && call.CallId.Value == callId)
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>The dialer ended the supervisor's leg by itself: the call ended, or the supervisor's phone hung up.</summary>
    private void OnEnded(RoutingAgentId number, string supervisor)
    {
        var agent = bridge.OperatorOf(number);
        if (_watches.TryGetValue(agent, out var watch))
        {
            _ = EndAsync(agent, watch, new AuditActor(watch.Login, null), CancellationToken.None);
        }
    }

    private async Task<MonitoringDto?> EndAsync(AgentId agent, Watch watch, AuditActor who, CancellationToken ct)
    {
        if (!_watches.TryRemove(new KeyValuePair<AgentId, Watch>(agent, watch)))
        {
            return null;
        }

        var ended = watch.Dto with { Mode = null };
        try
        {
            LogLeft(logger, watch.Login, watch.Dto.CallId);
            await audit.ChangedAsync(who, Subject(watch.Account), $"{AuditKind}: left (call {watch.Dto.CallId:D})", ct);
            await TellAsync(ended);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogTellFailed(logger, ex);
        }

        return ended;
    }

    private async Task TellAsync(MonitoringDto dto)
    {
        await supervisors.Clients.Group(ConsoleHubs.Supervisors).Monitoring(dto);
        if (options.Value.TellOperatorWhenMonitored)
        {
            await agents.Clients.Group(ConsoleHubs.Agent(dto.AgentId)).Monitored(dto);
        }
    }

    private async Task<string> DisplayNameAsync(string login, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.Users.AsNoTracking().Where(u => u.UserName == login).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) is { Length: > 0 } name ? name : login;
    }

    private static string Subject(AccountId account) => $"account:{account.Value}";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        monitors.Ended += OnEnded;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        monitors.Ended -= OnEnded;
        return Task.CompletedTask;
    }

    private sealed record Watch(MonitoringDto Dto, string Login, AccountId Account);

    [LoggerMessage(EventId = 2631, Level = LogLevel.Information, Message = "Supervisor {Supervisor} monitors call {CallId} in mode {Mode}")]
    private static partial void LogMode(ILogger logger, string supervisor, MonitorMode mode, Guid callId);

    [LoggerMessage(EventId = 2632, Level = LogLevel.Information, Message = "Supervisor {Supervisor} left call {CallId}")]
    private static partial void LogLeft(ILogger logger, string supervisor, Guid callId);

    [LoggerMessage(EventId = 2633, Level = LogLevel.Warning, Message = "Telling the floor that a monitoring ended failed")]
    private static partial void LogTellFailed(ILogger logger, Exception exception);
}
