namespace Collections.Shared.Contracts;

/// <summary>An operator's state, as the console and the wallboard show it.</summary>
public enum AgentState { LoggedOut = 0, Ready = 1, OnCall = 2, WrapUp = 3, Paused = 4 }

/// <summary>Hub paths and SignalR group names, in one place so server and clients agree.</summary>
public static class ConsoleHubs
{
    /// <summary>Path of the operators' hub.</summary>
    public const string AgentPath = "/hubs/agent";

    /// <summary>Path of the supervisors' hub.</summary>
    public const string SupervisorPath = "/hubs/supervisor";

    /// <summary>Every supervisor connection: wallboard updates go here.</summary>
    public const string Supervisors = "supervisors";

    /// <summary>The connections (tabs) of one operator.</summary>
    public static string Agent(Guid agentId) => $"agent:{agentId:N}";

    /// <summary>Path of the creditor portal's hub.</summary>
    public const string CreditorPath = "/hubs/creditor";

    /// <summary>The portal connections of the users bound to one creditor.</summary>
    public static string Creditor(Guid creditorId) => $"creditor:{creditorId:N}";
}

/// <summary>Messages the server sends to a creditor portal page: only about that creditor's own accounts.</summary>
public interface ICreditorClient
{
    /// <summary>An operator asked to settle one of the creditor's accounts beyond its consented discount, or such a request
    /// was decided (by the creditor or a supervisor).</summary>
    Task SettlementRequest(SettlementRequestDto request);
}

/// <summary>Messages the server sends to an operator's page.</summary>
public interface IAgentClient
{
    /// <summary>The operator's state changed (by them, by a call, or by the server).</summary>
    Task StateChanged(AgentStatusDto status);

    /// <summary>A call was bridged: everything about the debtor and the script to follow.</summary>
    Task ScreenPop(ScreenPopDto pop);

    /// <summary>An inbound call from a number that matches no one debtor was bridged: the caller's number, to search by.</summary>
    Task UnknownCaller(UnknownCallerDto caller);

    /// <summary>The debtor's leg ended.</summary>
    Task CallEnded(CallEndedDto ended);

    /// <summary>A settlement request the operator made was decided (approved or refused), live.</summary>
    Task SettlementDecided(SettlementRequestDto request);

    /// <summary>A preview campaign offers the operator an account before the dial: dial it or skip it before the deadline.</summary>
    Task Preview(PreviewDto preview);

    /// <summary>What became of the operator's own dial (a previewed account, a manual dial): dialing, refused with the rules'
    /// reasons, busy, no answer, failed, or the preview skipped or timed out.</summary>
    Task DialStatus(DialStatusDto status);

    /// <summary>A supervisor listens to, whispers into or barges into the operator's call, or stopped (Mode null); sent only
    /// where the policy tells operators (<c>Collections:Console:TellOperatorWhenMonitored</c>).</summary>
    Task Monitored(MonitoringDto monitoring);
}

/// <summary>Messages the server sends to a supervisor's wallboard.</summary>
public interface ISupervisorClient
{
    /// <summary>The whole floor, once a second (to connections that did not ask for the changes only).</summary>
    Task Wallboard(WallboardDto board);

    /// <summary>What changed on the floor since the previous version, once a second, to connections that called
    /// <c>FollowChanges</c>; a client that missed a version asks for the whole board again.</summary>
    Task WallboardDelta(WallboardDeltaDto delta);

    /// <summary>One operator's state changed (sent at once, between the 1 Hz updates).</summary>
    Task AgentChanged(AgentStatusDto status);

    /// <summary>An operator asked to settle beyond the creditor's consented discount, or such a request was decided.</summary>
    Task SettlementRequest(SettlementRequestDto request);

    /// <summary>A supervisor joined a call, changed mode or left it (Mode null), whoever did it.</summary>
    Task Monitoring(MonitoringDto monitoring);
}

/// <summary>How a supervisor takes part in an operator's call: what each of the three parties hears.</summary>
public enum MonitorMode
{
    /// <summary>The supervisor hears debtor and operator and says nothing to either.</summary>
    Listen = 0,

    /// <summary>The operator hears the supervisor; the debtor does not.</summary>
    Whisper = 1,

    /// <summary>Three-way: everyone hears everyone.</summary>
    Barge = 2,
}

/// <summary>A supervisor's monitoring of one call: who, of whose call, in which mode (null once it ended).</summary>
/// <param name="Supervisor">The supervisor's name as the console shows it.</param>
/// <param name="Phone">What the supervisor's leg went to: Phone (their registered SIP phone) or DemoPhone.</param>
public sealed record MonitoringDto(Guid CallId, Guid AgentId, string Supervisor, MonitorMode? Mode, string Phone);

/// <summary>One operator's state and since when.</summary>
/// <param name="Node">With several console nodes (Redis backplane): the node the operator is signed in on; null on a single
/// node and for an operator signed in nowhere.</param>
public sealed record AgentStatusDto(Guid AgentId, string DisplayName, AgentState State, string? PauseReason, DateTimeOffset Since, Guid? CallId, double TalkMinutesPerHour, string? Node = null);

/// <summary>The screen-pop: the call, why it was made, the debtor, the account and its history, the case, and the script at
/// its first node.</summary>
/// <param name="AmdMachine">AMD called the call MACHINE and it was passed on: the page asks the operator to mark what answered.</param>
public sealed record ScreenPopDto(Guid CallId, DateTimeOffset ConnectedAt, DebtorDto Debtor, AccountDto Account, ScriptViewDto? Script, CaseDto? Case = null, CallReasonDto? Reason = null, bool AmdMachine = false);

/// <summary>Why a call was made: the queue entry's purpose (the <c>activity</c> verb's word) and what it is about.</summary>
/// <param name="Purpose">first-contact, reminder, pre-instalment, promise-follow-up, instalment-follow-up, callback, settlement-confirmation, strategy-step, inbound.</param>
/// <param name="Text">What the operator needs to know, in a sentence.</param>
/// <param name="ScriptStage">The script stage the call needs ("pre-instalment-reminder").</param>
public sealed record CallReasonDto(string Purpose, string Text, string? ScriptStage);

/// <summary>The case on the account: phase, strategy and why, next steps, warning signs, interest, the settlement allowed.</summary>
public sealed record CaseDto(
    string? Phase,
    string? Strategy,
    string? StrategyReason,
    IReadOnlyList<CaseStepDto> NextSteps,
    IReadOnlyList<RiskFlagDto> RiskFlags,
    InterestDto Interest,
    SettlementAllowanceDto? Settlement);

/// <summary>One step of the case's plan.</summary>
public sealed record CaseStepDto(string Key, string Phase, string? Channel, DateTimeOffset DueAt, string Status, string? Note);

/// <summary>A warning sign and what triggered it (seed 000).</summary>
public sealed record RiskFlagDto(string Flag, string Trigger);

/// <summary>Statutory interest accrued on the account by the debtor's jurisdiction, and the balance it makes.</summary>
/// <param name="Statutory">Accrued statutory interest (part of the balance).</param>
/// <param name="AccruedUntil">The day it was last accrued to; null when never.</param>
/// <param name="BalanceText">The balance with it, formatted for the debtor's locale.</param>
public sealed record InterestDto(decimal Statutory, DateOnly? AccruedUntil, decimal Balance, string BalanceText, string? Note);

/// <summary>The settlement the creditor allows without asking, and the requests for more made on this account.</summary>
/// <param name="MaxDiscountPercent">The consented discount, in percent of the balance.</param>
/// <param name="MinimumAmount">The smallest settlement within it.</param>
public sealed record SettlementAllowanceDto(decimal MaxDiscountPercent, decimal MinimumAmount, string MinimumText, IReadOnlyList<SettlementRequestDto> Requests);

/// <summary>A settlement offer and where it stands (AwaitingCreditorApproval, Approved, Rejected, Agreed).</summary>
public sealed record SettlementRequestDto(
    Guid Id,
    Guid AccountId,
    string AccountReference,
    string DebtorName,
    string Creditor,
    string Currency,
    decimal Balance,
    decimal Amount,
    decimal DiscountPercent,
    decimal ConsentedDiscountPercent,
    string Status,
    DateOnly PayBy,
    string? RequestedBy,
    DateTimeOffset CreatedAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Note,
    Guid? CallId,
    string Approval = nameof(Domain.SettlementApproval.Supervisor));

/// <summary>An operator's request to settle for more than the consented discount.</summary>
public sealed record SettlementRequestCommandDto(Guid CallId, decimal Amount, DateOnly? PayBy, string? Note);

/// <summary>A supervisor's decision on a settlement request.</summary>
public sealed record SettlementDecisionDto(bool Approve, string? Note);

/// <summary>The debtor on the call.</summary>
public sealed record DebtorDto(Guid Id, string Name, string Kind, string Language, string? TimeZone, string? Address, IReadOnlyList<string> Phones, bool Vulnerable);

/// <summary>The account on the call, with its invoices, payments, promises, plans and contact history.</summary>
public sealed record AccountDto(
    Guid Id,
    string Reference,
    string Creditor,
    string Industry,
    string? Origin,
    string Currency,
    decimal Principal,
    decimal Interest,
    decimal Fees,
    decimal Paid,
    decimal Balance,
    string BalanceText,
    DateOnly DueDate,
    string? CasePhase,
    IReadOnlyList<InvoiceDto> Invoices,
    IReadOnlyList<PaymentDto> Payments,
    IReadOnlyList<PromiseDto> Promises,
    IReadOnlyList<PlanDto> Plans,
    IReadOnlyList<HistoryDto> History);

/// <summary>An invoice the claim rests on.</summary>
public sealed record InvoiceDto(string Number, DateOnly IssuedOn, DateOnly DueOn, decimal Amount);

/// <summary>A payment received on the account.</summary>
public sealed record PaymentDto(DateOnly ReceivedOn, decimal Amount, string Method, string? Reference);

/// <summary>A promise to pay and where it stands.</summary>
public sealed record PromiseDto(DateOnly DueDate, decimal Amount, string Status, decimal AmountReceived);

/// <summary>An instalment plan and where it stands, with each instalment.</summary>
public sealed record PlanDto(decimal Total, int Instalments, string Frequency, string Status, DateOnly? NextDue, decimal? NextAmount, IReadOnlyList<InstalmentDto>? Schedule = null);

/// <summary>One instalment: due date, amount, what was paid, its state, and the reminder call before it.</summary>
/// <param name="ReminderAt">When the reminder before it is (or was) due.</param>
/// <param name="ReminderOutcome">What the reminder call did ("answered", "no answer", "queued").</param>
public sealed record InstalmentDto(int Number, DateOnly Due, decimal Amount, decimal Paid, string Status, DateTimeOffset? ReminderAt, string? ReminderOutcome);

/// <summary>One line of the account's history: a contact attempt or a disposition.</summary>
public sealed record HistoryDto(DateTimeOffset At, string Kind, string What, string? Note);

/// <summary>The script as the operator sees it now: the text to say, the answers to choose from, the action to complete.</summary>
public sealed record ScriptViewDto(
    string ScriptId,
    string Language,
    string NodeId,
    string Text,
    IReadOnlyList<ScriptAnswerDto> Answers,
    bool CanContinue,
    string? PendingAction,
    bool RightPartyVerified,
    bool Finished,
    IReadOnlyList<string> Recorded,
    string? Refusal);

/// <summary>An answer button.</summary>
public sealed record ScriptAnswerDto(string Id, string Label);

/// <summary>The account a preview campaign shows the operator before the dial (the screen-pop before the dial).</summary>
/// <param name="OfferId">The offer; the operator's dial or skip names it.</param>
/// <param name="Number">The number that will be dialed (E.164).</param>
/// <param name="Deadline">When the offer lapses: the account goes back to the queue and the operator is paused.</param>
/// <param name="Seconds">The countdown's length.</param>
public sealed record PreviewDto(Guid OfferId, string Campaign, string Number, DateTimeOffset Deadline, int Seconds, DebtorDto Debtor, AccountDto Account, CaseDto? Case, CallReasonDto? Reason);

/// <summary>What became of an operator's own dial.</summary>
/// <param name="Status">dialing, refused, busy, no-answer, failed, skipped or timed-out.</param>
/// <param name="CallId">The call's ledger row, once written.</param>
/// <param name="OfferId">The preview offer it answers, for a preview campaign's account.</param>
/// <param name="Reason">The skip's reason, or why the dial could not be placed.</param>
/// <param name="Refusal">When compliance refused the dial: every rule's verdict, reason and source and the next allowed
/// instant, as the <c>explain</c> verb prints them for the call channel.</param>
public sealed record DialStatusDto(string Status, Guid? CallId, Guid? OfferId, string? Reason, Compliance.ChannelReport? Refusal);

/// <summary>An account found by the operator's search, with the numbers they may dial.</summary>
public sealed record AccountHitDto(Guid AccountId, string Reference, string DebtorName, string Creditor, string? PostalCode, string? Email, IReadOnlyList<string> Phones, decimal Balance, string Currency);

/// <summary>The debtor's leg of a call ended.</summary>
public sealed record CallEndedDto(Guid CallId, bool ByDebtor, DateTimeOffset At);

/// <summary>What the operator fills in for a script action (only the fields the action needs).</summary>
public sealed record ScriptActionDto(string Action, decimal? Amount, DateOnly? Date, int? Instalments, DateTime? When, string? Reason);

/// <summary>The outcome saved at the end of a call; the promise, plan or callback recorded by the script is saved with it.</summary>
/// <param name="PaymentAmount">For a payment taken on the phone: the amount.</param>
/// <param name="PaymentReceipt">For a payment taken on the phone: the receipt number.</param>
public sealed record SaveOutcomeDto(Guid CallId, Guid AccountId, string Disposition, string? Note, decimal? PaymentAmount = null, string? PaymentReceipt = null);

/// <summary>What was saved.</summary>
public sealed record OutcomeSavedDto(Guid DispositionId, Guid? PromiseId, Guid? PlanId, DateTimeOffset? CallbackAt);

/// <summary>The operator's mark stored on a call: "Person" or "Machine" (what answered; it measures AMD in the field).</summary>
public sealed record AnswerMarkedDto(Guid CallId, string Mark);

/// <summary>One of the operator's own callbacks.</summary>
public sealed record CallbackDto(Guid AccountId, string AccountReference, string DebtorName, DateTimeOffset CallbackAt, string? Note);

/// <summary>The supervisor's wallboard at one moment.</summary>
/// <param name="SentAt">When the server built it (clients measure their delay against it).</param>
/// <param name="Version">The board's number in its node's sequence (one a second); deltas with the next numbers apply to it.</param>
/// <param name="Epoch">Names the sequence (one per console node and start): a delta of another epoch never applies.</param>
public sealed record WallboardDto(
    DateTimeOffset SentAt,
    IReadOnlyList<AgentStatusDto> Agents,
    IReadOnlyList<CampaignBoardDto> Campaigns,
    double TalkMinutesPerAgentHour,
    AbandonmentDto Today,
    AbandonmentDto Rolling24h,
    InboundQueueDto? Inbound = null,
    IReadOnlyList<FloorNodeDto>? Nodes = null,
    long Version = 0,
    string? Epoch = null);

/// <summary>What changed on the wallboard between version <c>Version - 1</c> and <paramref name="Version"/> of one epoch: lists
/// hold what was added or changed (by id), <c>...Gone</c> the ids that left; a null figure did not change.</summary>
/// <param name="SentAt">When the server built the board this leads to (clients measure their delay against it).</param>
public sealed record WallboardDeltaDto(
    string Epoch,
    long Version,
    DateTimeOffset SentAt,
    IReadOnlyList<AgentStatusDto> Agents,
    IReadOnlyList<Guid> AgentsGone,
    IReadOnlyList<CampaignBoardDto> Campaigns,
    IReadOnlyList<Guid> CampaignsGone,
    double? TalkMinutesPerAgentHour,
    AbandonmentDto? Today,
    AbandonmentDto? Rolling24h,
    InboundQueueDto? Inbound,
    IReadOnlyList<FloorNodeDto>? Nodes)
{
    /// <summary>Applies the operators and campaigns this delta adds, changes and removes to a client's copy of the board, each
    /// keyed by its id (what wallboard.js does with its maps).</summary>
    public void ApplyTo(IDictionary<Guid, AgentStatusDto> agents, IDictionary<Guid, CampaignBoardDto> campaigns)
    {
        foreach (var id in AgentsGone)
        {
            agents.Remove(id);
        }

        foreach (var agent in Agents)
        {
            agents[agent.AgentId] = agent;
        }

        foreach (var id in CampaignsGone)
        {
            campaigns.Remove(id);
        }

        foreach (var campaign in Campaigns)
        {
            campaigns[campaign.Id] = campaign;
        }
    }
}

/// <summary>One console node of the floor as the wallboard knows it (only with several nodes on the Redis backplane).</summary>
/// <param name="LastReport">When this node last heard the node's report (this node's clock).</param>
/// <param name="Silent">No report within <c>Collections:SignalR:WallboardNodeTimeout</c>: its operators are left off the board.</param>
/// <param name="SignedIn">Operators signed in on the node (any state but logged out) in its last report.</param>
public sealed record FloorNodeDto(string Name, DateTimeOffset LastReport, bool Silent, int SignedIn);

/// <summary>Answered-by-a-person and abandoned calls over a period, and the rate against the target.</summary>
/// <param name="AmdMachines">Calls AMD called a machine and hung up on (or gave a message).</param>
/// <param name="EstimatedAmdFalsePositives">The people estimated among them (abandoned too, and counted in <paramref name="Rate"/>).</param>
public sealed record AbandonmentDto(int Answered, int Abandoned, double Rate, double Target, int AmdMachines = 0, double EstimatedAmdFalsePositives = 0);

/// <summary>One campaign on the wallboard.</summary>
public sealed record CampaignBoardDto(Guid Id, string Name, string Status, string Mode, double MaxLinesPerAgent, double TargetAbandonRate, int Dialing, int Ringing, int Waiting, string PacingMode, double Ratio);

/// <summary>A supervisor's change to a campaign: status (Running, Paused), mode, lines per agent, target abandonment.</summary>
public sealed record CampaignCommandDto(Guid CampaignId, string? Status, string? Mode, double? MaxLinesPerAgent, double? TargetAbandonRate);
