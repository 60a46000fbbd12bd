using System.Collections.Concurrent;
using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.AspNetCore.SignalR;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>Reads the dialer's call events and turns them into operator states and screen-pops: on connect the pop leaves
/// as soon as the account is read, in the same moment the dialer bridges the audio.</summary>
public sealed partial class CallRouter(
    ICallEvents calls,
    AgentFloor floor,
    ScreenPopBuilder pops,
    IHubContext<AgentHub, IAgentClient> agents,
    Collections.Shared.Audit.AuditTrail audit,
    ILogger<CallRouter> logger,
    Collections.Shared.Compliance.ContactLedger? ledger = null) : BackgroundService
{
    private readonly ConcurrentDictionary<ContactAttemptId, ScreenPopDto> _pops = new();

    /// <summary>The pop of a call still on an operator's screen (sent again when a tab reconnects).</summary>
    public ScreenPopDto? PopOf(ContactAttemptId callId) => _pops.TryGetValue(callId, out var pop) ? pop : null;

    /// <summary>Keeps the pop of a call given back after its node died (<see cref="OrphanedCalls"/>), as for a routed one.</summary>
    public void Remember(ContactAttemptId callId, ScreenPopDto pop) => _pops[callId] = pop;

    /// <summary>Forgets a closed call's pop.</summary>
    public void Forget(ContactAttemptId callId) => _pops.TryRemove(callId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var e in calls.ReadAllAsync(stoppingToken))
        {
            try
            {
                switch (e)
                {
                    case CallConnected connected:
                        await ConnectAsync(connected, stoppingToken);
                        break;
                    case UnknownCallerConnected unknown:
                        await ConnectUnknownAsync(unknown, stoppingToken);
                        break;
                    case CallDisconnected ended:
                        if (floor.Detach(ended.AgentId, ended.CallId) is { } session)
                        {
                            // An unknown caller's call has no account and so no outcome to save: the operator may go ready.
                            session.OutcomeSaved |= session.UnknownCaller is not null;
                            await agents.Clients.Group(ConsoleHubs.Agent(ended.AgentId.Value)).CallEnded(new CallEndedDto(ended.CallId.Value, ended.ByDebtor, ended.At));
                        }

                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEventFailed(logger, e.GetType().Name, e.CallId, ex);
            }
        }
    }

    private async Task ConnectAsync(CallConnected connected, CancellationToken ct)
    {
        var loaded = await pops.LoadAsync(connected.AccountId, ct, connected.ScheduledContactId, connected.ScriptStage);
        if (loaded is null)
        {
            LogUnknownAccount(logger, connected.CallId);
            await calls.RefuseAsync(connected.CallId, ct);
            return;
        }

        var facts = loaded.Facts;
        var session = new CallSession(connected.CallId, connected.AgentId, connected.AccountId, connected.CampaignId, connected.At)
        {
            DebtorZone = facts.Zone,
            ScriptStage = facts.Stage,
            ScheduledContactId = connected.ScheduledContactId,
        };
        var agentName = floor.Status(connected.AgentId)?.DisplayName ?? "";
        session.Script = pops.StartScript(facts, agentName);
        if (!floor.Attach(session))
        {
            LogNotReady(logger, connected.CallId);
            await calls.RefuseAsync(connected.CallId, ct);
            return;
        }

        var pop = new ScreenPopDto(connected.CallId.Value, connected.At, loaded.Debtor, loaded.Account, session.Script is null ? null : ScriptSetup.View(session.Script), loaded.Case, loaded.Reason, connected.AmdMachine);
        _pops[connected.CallId] = pop;
        await agents.Clients.Group(ConsoleHubs.Agent(connected.AgentId.Value)).ScreenPop(pop);
        // After the pop has left (the operator is not kept waiting for the trail): the debtor's data was shown to this operator.
        await audit.EnqueueAsync($"operator:{agentName} ({connected.AgentId.Value})", "read", $"account:{connected.AccountId.Value}", "screen-pop", null, ct);
        // Not awaited: the router handles one call event after another, and the next (a hang-up, another pop) must not wait on
        // this database write. It never throws (failures are logged), and it only sets the row's operator.
        _ = ledger?.PutThroughAsync(connected.CallId, connected.AgentId, CancellationToken.None);
    }

    /// <summary>An inbound caller no one debtor matches: the operator is on the call with the caller's number and the search; no
    /// account, so no outcome to save (the operator finds the account and works it from the search).</summary>
    private async Task ConnectUnknownAsync(UnknownCallerConnected connected, CancellationToken ct)
    {
        var session = new CallSession(connected.CallId, connected.AgentId, default, null, connected.At) { UnknownCaller = connected.From };
        if (!floor.Attach(session))
        {
            LogNotReady(logger, connected.CallId);
            await calls.RefuseAsync(connected.CallId, ct);
            return;
        }

        await agents.Clients.Group(ConsoleHubs.Agent(connected.AgentId.Value)).UnknownCaller(new UnknownCallerDto(connected.CallId.Value, connected.At, connected.From));
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Call event {Event} for call {CallId} failed")]
    private static partial void LogEventFailed(ILogger logger, string @event, ContactAttemptId callId, Exception ex);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Call {CallId} connected for an account that does not exist: refused, the dialer ends it as abandoned")]
    private static partial void LogUnknownAccount(ILogger logger, ContactAttemptId callId);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Call {CallId} connected to an operator who is no longer ready: refused, the dialer ends it as abandoned")]
    private static partial void LogNotReady(ILogger logger, ContactAttemptId callId);
}
