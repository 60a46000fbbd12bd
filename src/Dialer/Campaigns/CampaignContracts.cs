using Collections.Dialer.Pacing;
using Collections.Dialer.Routing;
using AgentId = Collections.Dialer.Routing.AgentId;
using Collections.Shared.Domain;

namespace Collections.Dialer.Campaigns;

/// <summary>The queue entry (scheduled_contacts) a call carries out: why it is made, the script stage it needs and, for a
/// callback still inside its grace period, the operator who promised it.</summary>
/// <param name="Id">The entry's id (ScheduledContact.Id): the ledger row and the screen-pop name it.</param>
/// <param name="Purpose">Why the call is made (pre-instalment reminder, callback, follow-up, strategy step).</param>
/// <param name="ScriptStage">The conversation script's stage for this call, or null for the case's own.</param>
/// <param name="Operator">The operator the call must go to: set only while a callback is theirs alone (until
/// <c>AgentOnlyUntil</c>, judged by the queue when it handed the entry out); null for any operator with the language.</param>
public sealed record QueuedCall(Guid Id, ContactPurpose Purpose, string? ScriptStage, Collections.Shared.Domain.AgentId? Operator = null);

/// <summary>One account the runner may dial now: which number, in which language, about which debtor, for which queue entry.</summary>
/// <param name="AccountId">The account the call is about.</param>
/// <param name="DebtorId">The debtor (the screen-pop's subject).</param>
/// <param name="Number">E.164 number, highest priority first.</param>
/// <param name="Language">The debtor's language: only an agent who speaks it may take the call.</param>
/// <param name="Queued">The queue entry the call carries out; null for a queue that has none.</param>
public sealed record DialTarget(AccountId AccountId, DebtorId DebtorId, string Number, string Language, QueuedCall? Queued = null);

/// <summary>How the runner finished with a target it took from the queue.</summary>
/// <param name="Attempt">The ledger row; null when nothing was written (compliance refused, or the call failed before its reservation).</param>
/// <param name="Outcome">The ledger row's outcome; null when nothing was written, Pending when the call failed after it.</param>
/// <param name="ConnectedToAgent">A person (or a machine the campaign sends to agents) was connected to an operator.</param>
/// <param name="Refused">The ledger's compliance re-check refused the call; nothing was dialed.</param>
/// <param name="AllowedFrom">When refused: the earliest instant every time-based rule allows the call; null when a rule
/// refuses until something happens (consent, a hold lifted).</param>
/// <param name="Description">The outcome in words ("answered", "busy", "refused by de.calling-hours", "skipped: wrong number").</param>
/// <param name="Skipped">The operator skipped the previewed account: nothing was dialed; the entry is tried again later.</param>
public sealed record DialEnd(ContactAttemptId? Attempt, ContactOutcome? Outcome, bool ConnectedToAgent, bool Refused, NodaTime.Instant? AllowedFrom, string Description, bool Skipped = false);

/// <summary>
/// Accounts due for a call (the hopper's side: <c>HopperDialQueue</c> over the queue of due contacts, ordered by purpose,
/// strategy priority and best hour, with retries and a row-lock claim). The runner reports each target's life back:
/// dialed, finished or not used.
/// </summary>
public interface IDialQueue
{
    /// <summary>Up to <paramref name="count"/> accounts to dial now, none of <paramref name="exclude"/> (lines already in flight,
    /// accounts the runner stepped past for now).</summary>
    Task<IReadOnlyList<DialTarget>> TakeAsync(Campaign campaign, int count, IReadOnlySet<AccountId> exclude, CancellationToken cancellationToken);

    /// <summary>Gives back a target <see cref="TakeAsync"/> handed out that the runner did not dial (no agent for it now).</summary>
    Task ReleaseAsync(DialTarget target, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The target's ledger row <paramref name="attempt"/> is committed and the dial leaves.</summary>
    Task AttemptedAsync(DialTarget target, ContactAttemptId attempt, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The runner is done with the target (the call ended, or compliance refused it): its claim is given back.</summary>
    Task FinishedAsync(DialTarget target, DialEnd end, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Keeps the claims of targets whose calls are still in progress (a conversation longer than a lease).</summary>
    Task RenewAsync(IReadOnlyCollection<DialTarget> targets, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Blending: ready operators outbound pacing leaves for the inbound queue's service level.</summary>
public interface IInboundReservation
{
    /// <summary>How many of <paramref name="ready"/> ready operators (of <paramref name="loggedIn"/> logged in) to hold back from
    /// outbound dialing now; at most <paramref name="ready"/>.</summary>
    int Reserved(int ready, int loggedIn);
}

/// <summary>
/// The agents of a campaign and their state (the console's side: log-in, ready, pause, wrap-up over SignalR).
/// Thread-safe: the runner calls it from several calls at once.
/// </summary>
public interface IAgentPool
{
    /// <summary>Raised when an agent becomes ready (log-in or end of wrap-up), so a waiting call can be routed at once.</summary>
    event Action<AgentId, DateTimeOffset>? AgentReady;

    /// <summary>Whether any logged-in agent speaks <paramref name="language"/> (no agent with the skill: the call is not dialed).</summary>
    bool CanServe(string language);

    /// <summary>Puts the longest-idle ready agent who speaks <paramref name="language"/> on <paramref name="call"/> (its ledger
    /// row, the call's one identity); null when none is ready. <paramref name="preferred"/> (the agent a line held) is taken
    /// first when still ready; agents held for other lines come last.</summary>
    AgentId? TakeLongestIdle(string language, DateTimeOffset at, ContactAttemptId call, AgentId? preferred = null);

    /// <summary>
    /// One agent per line (progressive dialing): holds a ready agent who speaks <paramref name="language"/> and is not held for
    /// another line of any campaign on this node; null when there is none, and the line is not dialed. Disposing the hold
    /// frees the agent for other lines; pacing counts held agents as busy.
    /// </summary>
    AgentHold? TryHold(string language);

    /// <summary>
    /// Holds one specific operator for a line (a callback they promised): when they are logged in, ready, speak
    /// <paramref name="language"/> and are not held for another line; null otherwise, and the line is not dialed.
    /// </summary>
    AgentHold? TryHoldOperator(Collections.Shared.Domain.AgentId operatorId, string language);

    /// <summary>Agents held for lines in flight, over every campaign of this node.</summary>
    int Held { get; }

    /// <summary>The agent's call ended: wrap-up starts.</summary>
    void WrapUp(AgentId agent, DateTimeOffset at);

    /// <summary>Every logged-in agent's activity, for pacing.</summary>
    void Snapshot(DateTimeOffset now, List<AgentSnapshot> into);
}

/// <summary>An agent set aside for one line in flight; dispose to free them.</summary>
public sealed class AgentHold(AgentId agent, Action release) : IDisposable
{
    private Action? _release = release;

    /// <summary>The agent held.</summary>
    public AgentId Agent { get; } = agent;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}

/// <summary>A debtor call connected to an agent (the screen-pop), with the means to end it.</summary>
public interface IConnectedCall
{
    /// <summary>The campaign; null for a call an operator dialed by hand.</summary>
    CampaignId? CampaignId { get; }

    /// <summary>The agent who took it.</summary>
    AgentId Agent { get; }

    /// <summary>Account, debtor, number and language.</summary>
    DialTarget Target { get; }

    /// <summary>The ledger row of this call (the agent's disposition refers to it).</summary>
    ContactAttemptId AttemptId { get; }

    /// <summary>The script stage the call needs when it carries out no queue entry ("inbound": the debtor called us); null
    /// for the entry's own stage.</summary>
    string? ScriptStage => null;

    /// <summary>AMD called the call MACHINE and the campaign passed it to the operator (a review sample, or AMD's budget spent):
    /// the console asks the operator to mark what answered, which measures the false-positive share.</summary>
    bool AmdMachine => false;

    /// <summary>Completes when the call ends, by either side.</summary>
    Task Ended { get; }

    /// <summary>The agent hangs up.</summary>
    Task HangupAsync();

    /// <summary>The console could not put the call in front of the agent (they paused or left in the instant it was routed):
    /// the person was never connected to a live operator, so the dialer treats the call as abandoned.</summary>
    void Refuse();
}

/// <summary>What the runner reports about each call (the console's side: screen-pop, supervisor wallboard).</summary>
public interface ICampaignCallEvents
{
    /// <summary>A person (or NOTSURE) was connected to an agent: show the account on the agent's screen.</summary>
    void Connected(IConnectedCall call);

    /// <summary>A call reached its outcome (one per dialed line, and one per refused reservation).</summary>
    void Completed(CallOutcome outcome);
}

/// <summary>How one dial ended, as the <c>campaign run</c> verb prints it.</summary>
/// <param name="Campaign">Campaign name.</param>
/// <param name="Account">Account id.</param>
/// <param name="Outcome">refused, answered, abandoned, machine, busy, noAnswer or failed.</param>
/// <param name="Status">Final SIP status (0 when not dialed).</param>
/// <param name="Amd">HUMAN, MACHINE, NOTSURE or null.</param>
/// <param name="Agent">The agent who took it, or null.</param>
/// <param name="Language">The debtor's language.</param>
/// <param name="RingMs">Dial to final response.</param>
/// <param name="AmdMs">Answer to verdict.</param>
/// <param name="TalkSeconds">Time connected to the agent.</param>
/// <param name="Reason">Why it was refused or abandoned.</param>
public sealed record CallOutcome(
    string Campaign,
    Guid Account,
    string Outcome,
    int Status,
    string? Amd,
    int? Agent,
    string Language,
    long RingMs,
    long AmdMs,
    double TalkSeconds,
    string? Reason);
