using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Audit;
using Collections.Shared.Compliance;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>
/// Gives an operator back the call she was on when its node died (kill -9, a lost machine), so its outcome is saved on the
/// node her page reconnected to (issue 19, item 2: nothing lost when one node of two dies). The call comes back ended, in
/// wrap-up, with its screen-pop and a fresh script: she saves the outcome as after any call.
/// <para>
/// A call qualifies when the ledger says a conversation took place with her (the connect mark names the operator), its node
/// is gone (the <see cref="LedgerReconciler"/> closed its calls and forgot it), it has no disposition yet, and it began within
/// <see cref="Window"/>. Checked when her page connects and every heartbeat for every idle operator on this floor, because her
/// page usually reconnects before the dead node's lease has run out.
/// </para>
/// </summary>
public sealed partial class OrphanedCalls(
    ICollectionsDbContextFactory databases,
    LedgerNodeIdentity node,
    AgentFloor floor,
    ScreenPopBuilder pops,
    CallRouter router,
    IHubContext<AgentHub, IAgentClient> agents,
    AuditTrail audit,
    IOptions<LedgerNodeOptions> ledger,
    TimeProvider time,
    ILogger<OrphanedCalls> logger) : BackgroundService
{
    /// <summary>How old a call may be and still be given back: a conversation of a node that died longer ago is left alone.</summary>
    public static readonly Duration Window = Duration.FromHours(1);

    /// <summary>Gives each of <paramref name="operators"/> (idle ones) the most recent call left behind for them; returns how many were.</summary>
    public async Task<int> AdoptAsync(IReadOnlyList<AgentId> operators, CancellationToken ct)
    {
        if (operators.Count == 0)
        {
            return 0;
        }

        var ids = operators.Select(o => (AgentId?)o).ToList();
        var since = Instant.FromDateTimeOffset(time.GetUtcNow()) - Window;
        List<ContactAttempt> left;
        await using (var db = databases.CreateDbContext())
        {
            left = await db.ContactAttempts.AsNoTracking()
                .Where(a => ids.Contains(a.AgentId) && a.Channel == ContactChannel.Call && a.Outcome == ContactOutcome.Answered && a.EndedAt != null
                    && a.StartedAt >= since && a.Node != null && a.Node != node.Id && !db.LedgerNodes.Any(n => n.Id == a.Node)
                    && !db.Dispositions.Any(d => d.ContactAttemptId == a.Id))
                .ToListAsync(ct);
        }

        var adopted = 0;
        foreach (var attempt in left.GroupBy(a => a.AgentId!.Value).Select(g => g.MaxBy(a => a.StartedAt)!))
        {
            if (await AdoptAsync(attempt, ct))
            {
                adopted++;
            }
        }

        return adopted;
    }

    /// <summary>When an operator's page connects: <see cref="AdoptAsync(IReadOnlyList{AgentId}, CancellationToken)"/> for her
    /// alone, never failing the connection (a failure is logged; the next heartbeat tries again).</summary>
    public async Task TryAdoptAsync(AgentId agent, CancellationToken ct)
    {
        try
        {
            await AdoptAsync([agent], ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    private async Task<bool> AdoptAsync(ContactAttempt attempt, CancellationToken ct)
    {
        var agent = attempt.AgentId!.Value;
        var loaded = await pops.LoadAsync(attempt.AccountId, ct, attempt.ScheduledContactId);
        if (loaded is null)
        {
            return false;
        }

        var connectedAt = attempt.StartedAt.ToDateTimeOffset();
        var call = new CallSession(attempt.Id, agent, attempt.AccountId, attempt.CampaignId, connectedAt)
        {
            DebtorZone = loaded.Facts.Zone,
            ScriptStage = loaded.Facts.Stage,
            ScheduledContactId = attempt.ScheduledContactId,
        };
        var agentName = floor.Status(agent)?.DisplayName ?? "";
        call.Script = pops.StartScript(loaded.Facts, agentName);
        if (!floor.Adopt(call))
        {
            return false;
        }

        var pop = new ScreenPopDto(attempt.Id.Value, connectedAt, loaded.Debtor, loaded.Account, call.Script is null ? null : ScriptSetup.View(call.Script), loaded.Case, loaded.Reason);
        router.Remember(attempt.Id, pop);
        var group = agents.Clients.Group(ConsoleHubs.Agent(agent.Value));
        await group.ScreenPop(pop);
        await group.CallEnded(new CallEndedDto(attempt.Id.Value, false, attempt.EndedAt!.Value.ToDateTimeOffset()));
        await audit.EnqueueAsync($"operator:{agentName} ({agent.Value})", "read", $"account:{attempt.AccountId.Value}", "screen-pop", null, ct);
        LogAdopted(logger, attempt.Id, agent, attempt.Node!);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ledger.Value.Heartbeat, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await AdoptAsync(floor.Idle(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2310, Level = LogLevel.Information, Message = "Call {CallId} of dead node {Node} given back to operator {AgentId} to save its outcome")]
    private static partial void LogAdopted(ILogger logger, ContactAttemptId callId, AgentId agentId, string node);

    [LoggerMessage(EventId = 2311, Level = LogLevel.Error, Message = "Giving back calls of dead nodes failed; tried again at the next heartbeat")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
