using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Floor;
using Collections.Scripts.Runtime;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>The operator's hub: state changes, the script of the current call, the outcome. Every call-bound method checks
/// that the call (and the account) is the operator's own current call: the server decides, not the page.</summary>
[Authorize(Roles = ConsoleRoles.Operator)]
public sealed class AgentHub(
    AgentFloor floor,
    CallRouter router,
    ScreenPopBuilder pops,
    OutcomeWriter outcomes,
    CallbackQueries callbacks,
    Settlements.SettlementDesk settlements,
    ICallEvents dialer,
    ICollectionsDbContextFactory databases,
    IServiceProvider services,
    Collections.Shared.Audit.AuditTrail audit,
    IOptions<ConsoleOptions> options) : Hub<IAgentClient>
{
    public override async Task OnConnectedAsync()
    {
        var agentId = Me;
        await using (var db = databases.CreateDbContext())
        {
            var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, Context.ConnectionAborted)
                ?? throw new HubException("no operator record for this sign-in");
            floor.Connect(agentId, agent.DisplayName, agent.LanguageList);
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, ConsoleHubs.Agent(agentId.Value), Context.ConnectionAborted);
        // Her page reconnected here after her node died in the middle of a call: the call comes back to save its outcome.
        if (services.GetService<OrphanedCalls>() is { } orphaned && floor.Idle().Contains(agentId))
        {
            await orphaned.TryAdoptAsync(agentId, Context.ConnectionAborted);
        }

        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (AuthSetup.AgentIdOf(Context.User) is { } agent)
        {
            floor.Disconnect(agent);
        }

        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The operator's state, the current call's pop and script (after a reload or a second tab), and the wrap-up time.</summary>
    public CurrentDto Current()
    {
        var status = floor.Status(Me) ?? throw new HubException("not connected");
        var call = floor.CurrentCall(Me);
        ScriptViewDto? script = null;
        if (call?.Script is { } run)
        {
            lock (call.Gate)
            {
                script = ScriptSetup.View(run);
            }
        }

        return new CurrentDto(status, call is null ? null : router.PopOf(call.CallId), script, call?.Disconnected ?? false, call?.OutcomeSaved ?? false, options.Value.WrapUpSeconds,
            services.GetService<Dialing.OperatorDesk>()?.OfferOf(Me),
            call?.UnknownCaller is { } from ? new UnknownCallerDto(call.CallId.Value, call.ConnectedAt, from) : null);
    }

    /// <summary>Whether a supervisor is listening to, whispering into or barging into the operator's call now (where the
    /// policy tells operators; null otherwise), for a page that just loaded.</summary>
    public MonitoringDto? Monitoring() => services.GetService<Monitoring.MonitoringDesk>()?.ToldTo(Me);

    /// <summary>Ready, paused (with a reason) or logged out; on call and wrap-up come from calls.</summary>
    public AgentStatusDto SetState(AgentState state, string? reason)
    {
        var closing = floor.CurrentCall(Me);
        var (status, refusal) = floor.Request(Me, state, reason);
        if (status is null)
        {
            throw new HubException(refusal);
        }

        if (closing is not null)
        {
            router.Forget(closing.CallId);
        }

        return status;
    }

    /// <summary>The account on the operator's current call; any other account is refused.</summary>
    public async Task<AccountDto> OpenAccount(Guid accountId)
    {
        var call = floor.CurrentCall(Me);
        if (call is null || call.AccountId.Value != accountId)
        {
            throw new HubException("you may open only the account on your current call");
        }

        var loaded = await pops.LoadAsync(call.AccountId, Context.ConnectionAborted, call.ScheduledContactId) ?? throw new HubException("account not found");
        return loaded.Account;
    }

    /// <summary>Asks to settle for <see cref="SettlementRequestCommandDto.Amount"/>: agreed at once within the creditor's consented
    /// discount, else a request the supervisors decide; the decision arrives as <see cref="IAgentClient.SettlementDecided"/>.</summary>
    public async Task<SettlementRequestDto> RequestSettlement(SettlementRequestCommandDto request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = CallFor(request.CallId);
        try
        {
            var requested = await settlements.RequestAsync(call, request.Amount, request.PayBy, request.Note, Context.ConnectionAborted);
            await audit.ChangedAsync(AuditActor.Of(Context), $"account:{call.AccountId.Value}", "settlement request", Context.ConnectionAborted);
            return requested;
        }
        catch (ArgumentException ex)
        {
            throw new HubException(ex.Message);
        }
    }

    public ScriptViewDto Choose(Guid callId, string answerId) => Walk(callId, run => run.Choose(answerId));

    public ScriptViewDto Continue(Guid callId) => Walk(callId, run => run.Continue());

    /// <summary>Completes (or declines) the current node's action with what the operator filled in.</summary>
    public ScriptViewDto Act(Guid callId, ScriptActionDto action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var call = CallFor(callId);
        var run = call.Script ?? throw new HubException("this call has no script");
        lock (call.Gate)
        {
            ActionResult result;
            try
            {
                result = action.Action switch
                {
                    "record-promise" => run.RecordPromise(Money(run, action.Amount), Date(action.Date)),
                    "offer-instalment-plan" => run.OfferInstalmentPlan(new InstalmentPlanProposal(action.Instalments ?? 0, Money(run, action.Amount), Date(action.Date))),
                    "offer-settlement" => run.OfferSettlement(Money(run, action.Amount), Date(action.Date)),
                    "schedule-callback" => run.ScheduleCallback(LocalDateTime.FromDateTime(action.When ?? throw new HubException("give the call-back time")), action.Reason),
                    "flag-dispute" => run.FlagDispute(action.Reason ?? ""),
                    "flag-vulnerable" => run.FlagVulnerable(action.Reason ?? ""),
                    "hand-over-to-supervisor" => run.HandOverToSupervisor(action.Reason ?? ""),
                    "decline" => run.Decline(action.Reason ?? ""),
                    _ => throw new HubException($"unknown action '{action.Action}'"),
                };
            }
            catch (InvalidOperationException ex)
            {
                throw new HubException(ex.Message);
            }

            return ScriptSetup.View(run, result.Accepted ? null : result.Reason);
        }
    }

    /// <summary>Asks the dialer to hang up the debtor's leg; the operator goes to wrap-up when it reports the end.</summary>
    public Task HangUp(Guid callId) => dialer.HangUpAsync(CallFor(callId).CallId, Context.ConnectionAborted);

    /// <summary>
    /// The operator's mark on their call, "Person" or "Machine": what really answered. On a MACHINE verdict passed to them it
    /// measures the campaign's AMD false-positive share; on any call it takes a machine out of the persons counted
    /// (<see cref="Shared.Abandonment.AmdMarks"/>). A call keeps its first mark.
    /// </summary>
    public async Task<AnswerMarkedDto> MarkAnswer(Guid callId, string mark)
    {
        var call = CallFor(callId);
        if (!Enum.TryParse<AnswerMark>(mark, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            throw new HubException($"mark: '{mark}' is neither Person nor Machine");
        }

        var marks = services.GetRequiredService<Shared.Abandonment.AmdMarks>();
        var (_, refusal) = await marks.MarkAsync(call.CallId, parsed, Context.ConnectionAborted, onOperatorsCall: true);
        if (refusal is not null)
        {
            throw new HubException(refusal);
        }

        var who = AuditActor.Of(Context);
        await audit.EnqueueAsync(who.Name, AuditSetup.Change, $"call:{call.CallId.Value}", $"answer marked {parsed}", who.From, Context.ConnectionAborted);
        return new AnswerMarkedDto(call.CallId.Value, parsed.ToString());
    }

    /// <summary>Saves the outcome in one transaction; hangs up first if the debtor is still on the line.</summary>
    public async Task<OutcomeSavedDto> SaveOutcome(SaveOutcomeDto outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var call = CallFor(outcome.CallId);
        if (call.AccountId.Value != outcome.AccountId)
        {
            throw new HubException("the account is not the one on this call");
        }

        if (!Enum.TryParse<DispositionCode>(outcome.Disposition, ignoreCase: true, out var code) || !Enum.IsDefined(code))
        {
            throw new HubException($"unknown disposition '{outcome.Disposition}'");
        }

        var payment = outcome.PaymentAmount is { } amount ? new PhonePayment(amount, outcome.PaymentReceipt ?? string.Empty) : null;
        var (saved, refusal) = await outcomes.SaveAsync(call, code, outcome.Note, Context.ConnectionAborted, payment, AuditActor.Of(Context));
        if (saved is null)
        {
            throw new HubException(refusal);
        }

        if (!call.Disconnected)
        {
            await dialer.HangUpAsync(call.CallId, Context.ConnectionAborted);
        }

        return saved;
    }

    /// <summary>Dials the account a preview campaign shows the operator (<see cref="IAgentClient.Preview"/>); compliance is checked
    /// now, and <see cref="IAgentClient.DialStatus"/> tells what became of it.</summary>
    public void DialPreview(Guid offerId)
    {
        if (!Desk.Answer(Me, offerId, dial: true, null))
        {
            throw new HubException("that preview is no longer open");
        }
    }

    /// <summary>Skips the previewed account with a reason: it goes back to the queue for later, nothing is dialed.</summary>
    public void SkipPreview(Guid offerId, string reason)
    {
        try
        {
            if (!Desk.Answer(Me, offerId, dial: false, reason))
            {
                throw new HubException("that preview is no longer open");
            }
        }
        catch (ArgumentException ex)
        {
            throw new HubException(ex.Message);
        }
    }

    /// <summary>Accounts by the debtor's name, the reference, a phone number, an e-mail address or a postal code.</summary>
    public async Task<IReadOnlyList<AccountHitDto>> Search(string query)
    {
        await using var db = databases.CreateDbContext();
        var (hits, error) = await AccountSearch.FindAsync(db, query, Context.ConnectionAborted);
        if (error is not null)
        {
            throw new HubException(error);
        }

        // The hits show names, numbers and addresses: the search is a read of them, named by what was searched.
        var who = AuditActor.Of(Context);
        await audit.EnqueueAsync(who.Name, AuditSetup.Read, $"search:{query}", $"operator search ({hits.Count} found)", who.From, Context.ConnectionAborted);
        return [.. hits.Select(ToDto)];
    }

    /// <summary>Dials one of the debtor's numbers by hand (Ready or Paused, no call open): "dialing", or "refused" with every
    /// rule's reason as <c>explain</c> gives it; the screen-pop follows the answer.</summary>
    public async Task<DialStatusDto> ManualDial(Guid accountId, string? number)
    {
        try
        {
            return await Desk.ManualDialAsync(Me, accountId, number, Context.ConnectionAborted);
        }
        catch (ArgumentException ex)
        {
            throw new HubException(ex.Message);
        }
    }

    internal static AccountHitDto ToDto(AccountHit hit) =>
        new(hit.AccountId.Value, hit.Reference, hit.DebtorName, hit.Creditor, hit.PostalCode, hit.Email, hit.Phones, hit.Balance, hit.Currency);

    /// <summary>The operator's own callbacks.</summary>
    public Task<IReadOnlyList<CallbackDto>> Callbacks() => callbacks.ForAsync(Me, Context.ConnectionAborted);

    private Dialing.OperatorDesk Desk => services.GetService<Dialing.OperatorDesk>() ?? throw new HubException("no dialer on this console node");

    private AgentId Me => AuthSetup.AgentIdOf(Context.User) ?? throw new HubException("this sign-in is not an operator");

    private CallSession CallFor(Guid callId)
    {
        var call = floor.CurrentCall(Me);
        return call is not null && call.CallId.Value == callId ? call : throw new HubException("that call is not yours");
    }

    private ScriptViewDto Walk(Guid callId, Action<ScriptRun> step)
    {
        var call = CallFor(callId);
        var run = call.Script ?? throw new HubException("this call has no script");
        lock (call.Gate)
        {
            try
            {
                step(run);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                throw new HubException(ex.Message);
            }

            return ScriptSetup.View(run);
        }
    }

    private static ScriptMoney Money(ScriptRun run, decimal? amount) =>
        new(amount ?? throw new HubException("give the amount"), run.Context.Balance.Currency);

    private static LocalDate Date(DateOnly? date) =>
        date is { } d ? LocalDate.FromDateOnly(d) : throw new HubException("give the date");
}

/// <summary>What an operator's page needs when it (re)connects.</summary>
public sealed record CurrentDto(AgentStatusDto Status, ScreenPopDto? Pop, ScriptViewDto? Script, bool CallEnded, bool OutcomeSaved, int WrapUpSeconds, PreviewDto? Preview = null, UnknownCallerDto? Caller = null);
