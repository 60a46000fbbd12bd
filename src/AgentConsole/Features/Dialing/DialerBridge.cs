using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Collections.AgentConsole.Features.Floor;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Inbound;
using Collections.Dialer.Pacing;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using DomainAgentId = Collections.Shared.Domain.AgentId;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>
/// Joins the campaign runner to the console's floor in one process. To the runner it is the agent pool: operators who
/// pressed Ready in their browser, longest idle first, in a language they speak (<see cref="LanguageMatch"/>); the one it
/// picks is reserved on the floor under the call's id. To the console it is the dialer's event stream: the runner's
/// connected call becomes the screen-pop (<see cref="CallConnected"/>), the end of the debtor's leg the wrap-up
/// (<see cref="CallDisconnected"/>), and the operator's hang-up ends the SIP leg. Operators carry domain ids (GUIDs); the runner numbers them.
/// </summary>
public sealed partial class DialerBridge : IAgentPool, ICampaignCallEvents, IInboundCallEvents, ICallEvents, IDisposable
{
    private readonly AgentFloor _floor;
    private readonly TimeProvider _time;
    private readonly ILogger<DialerBridge> _logger;
    private readonly Channel<CallEvent> _events = Channel.CreateUnbounded<CallEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<DomainAgentId, RoutingAgentId> _numbers = new();
    private readonly ConcurrentDictionary<RoutingAgentId, DomainAgentId> _operators = new();
    private readonly ConcurrentDictionary<RoutingAgentId, ContactAttemptId> _reserved = new();
    private readonly ConcurrentDictionary<ContactAttemptId, LiveCall> _live = new();
    private readonly ConcurrentDictionary<DomainAgentId, byte> _held = new();
    private readonly Lock _holdGate = new();
    private int _next;

    public DialerBridge(AgentFloor floor, TimeProvider time, ILogger<DialerBridge> logger)
    {
        _floor = floor;
        _time = time;
        _logger = logger;
        _floor.StateChanged += OnStateChanged;
    }

    /// <inheritdoc />
    public event Action<RoutingAgentId, DateTimeOffset>? AgentReady;

    /// <summary>Raised when an operator comes onto the floor (Ready or Paused) or leaves it (Logged out): the dialer calls or releases their phone.</summary>
    public event Action<RoutingAgentId, DomainAgentId, AgentState>? Presence;

    /// <summary>The runner's number for an operator (assigned on first sight, stable for the process).</summary>
    public RoutingAgentId NumberOf(DomainAgentId agent) => _numbers.GetOrAdd(agent, id =>
    {
        var number = new RoutingAgentId(Interlocked.Increment(ref _next));
        _operators[number] = id;
        return number;
    });

    /// <summary>The operator behind the runner's number <paramref name="number"/>.</summary>
    public DomainAgentId OperatorOf(RoutingAgentId number) => _operators[number];

    /// <summary>Whether a campaign line holds <paramref name="agent"/> (a progressive or preview line about to be dialed for them).</summary>
    public bool IsHeld(DomainAgentId agent) => _held.ContainsKey(agent);

    /// <summary>Calls connected to operators right now.</summary>
    public int LiveCalls => _live.Count;

    /// <inheritdoc />
    public bool CanServe(string language) => _floor.Present().Any(a => LanguageMatch.AnyServes(a.Languages, language));

    /// <inheritdoc />
    public RoutingAgentId? TakeLongestIdle(string language, DateTimeOffset at, ContactAttemptId call, RoutingAgentId? preferred = null)
    {
        // The line's own held agent first, then free agents longest idle first, and agents held for other lines last.
        var candidates = _floor.ReadyAgents()
            .Where(r => LanguageMatch.AnyServes(r.Languages, language))
            .OrderBy(r => preferred is { } p && _operators.TryGetValue(p, out var id) && id == r.AgentId ? 0 : _held.ContainsKey(r.AgentId) ? 2 : 1);
        foreach (var ready in candidates)
        {
            if (_floor.TryReserve(ready.AgentId, call))
            {
                var number = NumberOf(ready.AgentId);
                _reserved[number] = call;
                return number;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public AgentHold? TryHold(string language)
    {
        lock (_holdGate)
        {
            foreach (var ready in _floor.ReadyAgents())
            {
                if (LanguageMatch.AnyServes(ready.Languages, language) && _held.TryAdd(ready.AgentId, 0))
                {
                    return Hold(ready.AgentId);
                }
            }

            return null;
        }
    }

    /// <inheritdoc />
    public AgentHold? TryHoldOperator(DomainAgentId operatorId, string language)
    {
        lock (_holdGate)
        {
            return _floor.ReadyAgents().Any(r => r.AgentId == operatorId && LanguageMatch.AnyServes(r.Languages, language)) && _held.TryAdd(operatorId, 0)
                ? Hold(operatorId)
                : null;
        }
    }

    /// <inheritdoc />
    public int Held => _held.Count;

    /// <inheritdoc />
    /// <remarks>The floor moves the operator to wrap-up itself when the <see cref="CallDisconnected"/> arrives.</remarks>
    public void WrapUp(RoutingAgentId agent, DateTimeOffset at)
    {
    }

    /// <inheritdoc />
    public void Snapshot(DateTimeOffset now, List<AgentSnapshot> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        foreach (var agent in _floor.Present())
        {
            // Paused operators are not counted: pacing dials for the operators who can take a call soon.
            AgentActivity? activity = agent.State switch
            {
                AgentState.Ready => AgentActivity.Ready,
                AgentState.OnCall => AgentActivity.OnCall,
                AgentState.WrapUp => AgentActivity.WrapUp,
                _ => null,
            };
            if (activity is { } a)
            {
                into.Add(new AgentSnapshot(a, now - agent.Since));
            }
        }
    }

    /// <inheritdoc />
    public void Connected(IConnectedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        // The call's one identity is its ledger row: the agent was reserved under it (TakeLongestIdle).
        _reserved.TryRemove(call.Agent, out _);
        var callId = call.AttemptId;
        var agent = _operators[call.Agent];
        var live = new LiveCall(call.HangupAsync, call.Refuse);
        _live[callId] = live;
        // The queue entry the call carries out tells the console why it was made and which script stage it needs.
        _events.Writer.TryWrite(new CallConnected(callId, agent, call.Target.AccountId, call.CampaignId, _time.GetUtcNow(), call.Target.Queued?.Id, call.ScriptStage, call.AmdMachine));
        LogConnected(_logger, callId, call.Target.AccountId.Value);
        WatchEnd(callId, agent, live, call.Ended);
    }

    /// <inheritdoc />
    public void UnknownCallerConnected(IUnknownCaller call)
    {
        ArgumentNullException.ThrowIfNull(call);
        _reserved.TryRemove(call.Agent, out _);
        var agent = _operators[call.Agent];
        var live = new LiveCall(call.HangupAsync, call.Refuse);
        _live[call.CallId] = live;
        _events.Writer.TryWrite(new UnknownCallerConnected(call.CallId, agent, call.From, _time.GetUtcNow()));
        WatchEnd(call.CallId, agent, live, call.Ended);
    }

    /// <inheritdoc />
    DomainAgentId? IInboundCallEvents.OperatorOf(RoutingAgentId agent) => _operators.TryGetValue(agent, out var id) ? id : null;

    private void WatchEnd(ContactAttemptId callId, DomainAgentId agent, LiveCall live, Task ended)
    {
        _ = ended.ContinueWith(
            _ =>
            {
                _live.TryRemove(callId, out LiveCall? _);
                _events.Writer.TryWrite(new CallDisconnected(callId, agent, ByDebtor: !live.HungUpByOperator, _time.GetUtcNow()));
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Completed(CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        LogCompleted(_logger, outcome.Campaign, outcome.Outcome, outcome.Status, outcome.Reason);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CallEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return e;
        }
    }

    /// <inheritdoc />
    public async Task HangUpAsync(ContactAttemptId callId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(callId, out var live))
        {
            live.HungUpByOperator = true;
            await live.Hangup().WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task RefuseAsync(ContactAttemptId callId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(callId, out var live))
        {
            live.Refuse();
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _floor.StateChanged -= OnStateChanged;

    private AgentHold Hold(DomainAgentId agent) => new(NumberOf(agent), () => _held.TryRemove(agent, out _));

    private void OnStateChanged(AgentStatusDto status)
    {
        var agent = new DomainAgentId(status.AgentId);
        var number = NumberOf(agent);
        // Paused counts as at work: an operator may dial by hand while paused for campaign calls, on their own line.
        if (status.State is AgentState.Ready or AgentState.Paused or AgentState.LoggedOut)
        {
            Presence?.Invoke(number, agent, status.State);
        }

        if (status.State == AgentState.Ready)
        {
            AgentReady?.Invoke(number, status.Since);
        }
    }

    private sealed class LiveCall(Func<Task> hangup, Action refuse)
    {
        public Func<Task> Hangup { get; } = hangup;

        public Action Refuse { get; } = refuse;

        public volatile bool HungUpByOperator;
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Call {CallId} for account {AccountId} connected to an operator")]
    private static partial void LogConnected(ILogger logger, ContactAttemptId callId, Guid accountId);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Campaign {Campaign}: call {Outcome} ({Status}) {Reason}")]
    private static partial void LogCompleted(ILogger logger, string campaign, string outcome, int status, string? reason);
}
