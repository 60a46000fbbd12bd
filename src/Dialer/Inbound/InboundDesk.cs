using System.Collections.Concurrent;
using System.Net;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Sip;
using Collections.Shared.Compliance;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Inbound;

/// <summary>What an inbound call needs: options and prompts, the database, the ledger, the operators (the floor's pool, their
/// lines, the console's events), recording, the workflow for voicemail callbacks, the clock.</summary>
internal sealed record InboundDeskContext(
    InboundOptions Options,
    InboundPrompts Prompts,
    ICollectionsDbContextFactory Databases,
    ContactLedger Ledger,
    IAgentPool Agents,
    ICampaignCallEvents Calls,
    ComplianceEngine? Compliance,
    IInboundCallEvents? Inbound,
    AgentPhones? Phones,
    RecordingOptions? Recording,
    WorkflowRunner? Workflow,
    TimeProvider Time,
    ILogger Logger);

/// <summary>The inbound queue's figures now: callers waiting and the longest wait.</summary>
public sealed record InboundQueueNow(int Waiting, TimeSpan LongestWait);

/// <summary>
/// Takes calls to our inbound numbers (issue 17, <c>Dialer:Inbound</c>): an INVITE from the trunk, the demo carrier or loopback
/// whose Request-URI names one of the DIDs becomes an <see cref="InboundCallFlow"/>; any other is refused (404 for a number we do
/// not answer, 403 from a source that may not call in). Keeps the queue's order: the caller waiting longest in a language is
/// offered the next operator for it.
/// </summary>
public sealed partial class InboundDesk : IHostedService
{
    private readonly IOutboundCalls _telephony;
    private readonly ILogger<InboundDesk> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _calls = new();
    private readonly List<InboundCallFlow> _waiting = [];
    private readonly Lock _gate = new();
    private readonly HashSet<string> _numbers;
    private readonly HashSet<IPAddress> _allowed;
    private TaskCompletionSource _agentReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal InboundDesk(InboundDeskContext context, IOutboundCalls telephony, ILogger<InboundDesk> logger)
    {
        Context = context;
        _telephony = telephony;
        _logger = logger;
        _numbers = [.. context.Options.Numbers.Select(n => InboundOptions.E164(n)!)];
        _allowed = [.. context.Options.AllowedSources.Select(IPAddress.Parse)];
        Traffic = new InboundTrafficMeter(context.Options.Blending, context.Options.ServiceLevelSeconds, context.Time, () => Now().Waiting);
        context.Agents.AgentReady += (_, _) => Interlocked.Exchange(ref _agentReady, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    internal InboundDeskContext Context { get; }

    /// <summary>This node's inbound traffic, and blending's answer to outbound pacing.</summary>
    public InboundTrafficMeter Traffic { get; }

    /// <summary>Blending now for this node's operators: how many ready operators outbound pacing holds back.</summary>
    public InboundBlendingNow Blending()
    {
        var agents = new List<Pacing.AgentSnapshot>();
        Context.Agents.Snapshot(Context.Time.GetUtcNow(), agents);
        var (ready, loggedIn) = InboundTrafficMeter.Count(agents);
        return Traffic.Now(ready, loggedIn);
    }

    /// <summary>Completes when an operator next becomes ready.</summary>
    internal Task AgentReadySignal => Volatile.Read(ref _agentReady).Task;

    /// <summary>Callers waiting for an operator now, and how long the first has waited.</summary>
    public InboundQueueNow Now()
    {
        lock (_gate)
        {
            var now = Context.Time.GetUtcNow();
            var longest = _waiting.Select(c => c.WaitingSince).OfType<DateTimeOffset>().Select(s => now - s).DefaultIfEmpty(TimeSpan.Zero).Max();
            return new InboundQueueNow(_waiting.Count, longest);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_numbers.Count == 0)
        {
            return Task.CompletedTask;
        }

        _telephony.UserAgent.IncomingCall = OnInviteAsync;
        LogListening(_logger, string.Join(", ", _numbers));
        return Task.CompletedTask;
    }

    /// <summary>Hangs up the calls in progress (before telephony stops) and waits for their rows.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_calls.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    internal void Join(InboundCallFlow call)
    {
        lock (_gate)
        {
            if (!_waiting.Contains(call))
            {
                // Back in its place when it returns (the console refused it): ordered by the time it first joined.
                var at = _waiting.FindIndex(c => c.WaitingSince > call.WaitingSince);
                _waiting.Insert(at < 0 ? _waiting.Count : at, call);
            }
        }
    }

    internal void Leave(InboundCallFlow call)
    {
        lock (_gate)
        {
            _waiting.Remove(call);
        }
    }

    /// <summary>The caller's place in the queue for their language (1: next for an operator who speaks it); 0 when not waiting.</summary>
    internal int PositionOf(InboundCallFlow call)
    {
        lock (_gate)
        {
            var ahead = 0;
            foreach (var waiting in _waiting)
            {
                if (ReferenceEquals(waiting, call))
                {
                    return ahead + 1;
                }

                ahead += waiting.Caller.Language == call.Caller.Language ? 1 : 0;
            }

            return 0;
        }
    }

    /// <summary>True when no caller in the same language has waited longer (the queue is first come, first served).</summary>
    internal bool IsFirstInLine(InboundCallFlow call)
    {
        lock (_gate)
        {
            return _waiting.FirstOrDefault(c => c.Caller.Language == call.Caller.Language) is not { } first || ReferenceEquals(first, call);
        }
    }

    private Task OnInviteAsync(ServerTransaction tx)
    {
        var request = tx.Request;
        var ua = _telephony.UserAgent;
        if (!ua.Stack.IsTrusted(tx.Remote) && !IPAddress.IsLoopback(tx.Remote.Address) && !_allowed.Contains(tx.Remote.Address))
        {
            LogRefusedSource(_logger, tx.Remote.Address);
            tx.RespondStateless(SipResponse.For(request, 403, toTag: SipStack.NewTag()));
            return Task.CompletedTask;
        }

        var did = SipUri.TryParse(request.Uri, out var uri) ? CallerLookup.Normalize(uri.User, _numbers.First()) : null;
        if (did is null || !_numbers.Contains(did))
        {
            // RFC 3261 21.4.5: the Request-URI names no number we answer.
            tx.RespondStateless(SipResponse.For(request, 404, toTag: SipStack.NewTag()));
            return Task.CompletedTask;
        }

        // The caller's number: P-Asserted-Identity when the carrier asserts one (RFC 3325 9.1), else the From header's user.
        var asserted = request["P-Asserted-Identity"] is { } pai && SipUri.TryParse(NameAddress.Parse(pai).Uri, out var paiUri) ? paiUri.User : null;
        var from = asserted ?? (SipUri.TryParse(request.From.Uri, out var fromUri) ? fromUri.User : null);
        var leg = new InboundLeg(ua, tx, _logger);
        var flow = new InboundCallFlow(this, leg, did, from, _stopping.Token);
        var run = Task.Run(flow.RunAsync);
        _calls.TryAdd(run, 0);
        _ = run.ContinueWith(t => _calls.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3311, Level = LogLevel.Information, Message = "Inbound calls answered on {Numbers}")]
    private static partial void LogListening(ILogger logger, string numbers);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Warning, Message = "Inbound INVITE from {Address} refused with 403: not the trunk, the demo carrier, loopback or Dialer:Inbound:AllowedSources")]
    private static partial void LogRefusedSource(ILogger logger, IPAddress address);
}
