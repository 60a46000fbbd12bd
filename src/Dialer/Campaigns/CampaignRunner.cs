using System.Collections.Concurrent;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Pacing;
using Collections.Shared.Abandonment;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging;
using AgentId = Collections.Dialer.Routing.AgentId;
using CampaignMachinePolicy = Collections.Shared.Domain.MachinePolicy;

namespace Collections.Dialer.Campaigns;

/// <summary>Tallies of one campaign run, as the <c>campaign run</c> verb's summary line prints them.</summary>
public sealed record CampaignSummary(
    string Campaign,
    string Pacing,
    int Agents,
    int Refused,
    int Dialed,
    int AnsweredHuman,
    int Abandoned,
    int Machine,
    int Busy,
    int NoAnswer,
    int Failed,
    double TalkSeconds);

/// <summary>What a runner needs besides the campaign: the seams to the hopper, the console, telephony and the ledger, and the
/// AMD detector its calls run (<see cref="AmdDetectors"/>; the host passes <c>Dialer:Amd:Profile</c> and its
/// <see cref="SileroVadBatcher"/>, which runs the learned detector's speech model for all live calls at once).</summary>
internal sealed record CampaignRunnerDependencies(
    IOutboundCalls Calls,
    ContactLedger Ledger,
    AmdLedger AmdLedger,
    IDialQueue Queue,
    IAgentPool Agents,
    ICampaignCallEvents Events,
    TimeProvider Time,
    ILogger Logger,
    AgentPhones? Phones = null,
    RecordingOptions? Recording = null,
    IOperatorDesk? Desk = null,
    string AmdDetector = AmdProfile.DefaultName,
    IInboundReservation? Inbound = null,
    AbandonmentOptions? Abandonment = null,
    AmdMarks? Marks = null,
    Collections.Dialer.Amd.MachinePolicy? Machines = null,
    SileroVadBatcher? Vad = null)
{
    /// <summary>The same seams as an operator's call sees them (a preview campaign's dial, the conversation of any call).</summary>
    public OperatorCallContext Operators { get; } = new(Calls, Ledger, Events, Desk, Time, Logger, Phones, Recording);
}

/// <summary>
/// Runs one campaign: the pacing strategy decides on a tick and on every call or agent event how many lines to dial; for
/// each line the dial queue gives an account, and a <see cref="CampaignCall"/> carries it out: the contact ledger re-checks
/// compliance and commits a Pending row, and only then the call is placed. An answered call goes through AMD: a machine is
/// hung up on (or given the campaign's message) and flagged in the ledger; a person (or NOTSURE) goes to the longest-idle
/// ready agent who speaks the debtor's language within the connect limit, else hears the information message and is
/// counted as abandoned. The runner keeps pacing, filling and the tallies; each call owns its own state and cancellation.
/// Calls report to pacing through the campaign's <see cref="PacingFeed"/>, the object the simulator reports through, so pacing
/// and the AMD gate learn the same events live as in <c>simulate</c>; operators' marks (<see cref="AmdMarks"/>) reach them as
/// reviews.
/// </summary>
internal sealed partial class CampaignRunner
{
    /// <summary>
    /// A person must be connected to an agent within 2 s of the end of their greeting, else the call is abandoned
    /// (Ofcom, Revised statement of policy on the persistent misuse of an electronic communications network or service,
    /// 2016, A1: a call not connected to a live operator within 2 seconds of the called person's greeting having ended is
    /// abandoned; FTC Telemarketing Sales Rule 16 CFR 310.4(b)(1)(iv) and (b)(4)(iii): "within two (2) seconds of the
    /// completed greeting of the person answering"). Counted from the greeting's end the detector reports
    /// (<see cref="AbandonmentClock"/>), not from the verdict.
    /// </summary>
    public static readonly TimeSpan DefaultConnectLimit = TimeSpan.FromSeconds(2);

    private readonly Campaign _campaign;
    private readonly CampaignRunnerDependencies _d;
    private readonly IPacingStrategy _strategy;
    /// <summary>Lines pacing counts as in flight: dialing, ringing, screened by AMD.</summary>
    private readonly ConcurrentDictionary<long, CampaignCall> _lines = new();
    /// <summary>Accounts this runner dials now, with the target each was taken for.</summary>
    private readonly ConcurrentDictionary<AccountId, DialTarget> _inFlight = new();
    /// <summary>Accounts not to offer again until the instant given: no agent speaks the language (until one may have logged
    /// in), or compliance refused the call (until its situation may have changed, e.g. calling hours opened).</summary>
    private readonly ConcurrentDictionary<AccountId, DateTimeOffset> _unservable = new();
    private readonly ConcurrentDictionary<AgentId, (DateTimeOffset WrapStart, TimeSpan Talk)> _wrapping = new();
    private readonly ConcurrentDictionary<Task, byte> _calls = new();
    private readonly List<AgentSnapshot> _agentScratch = [];
    private readonly SemaphoreSlim _fill = new(1, 1);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _agentReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PacingLoop? _loop;
    private CancellationToken _callsToken;
    private CancellationToken _stopToken;
    private long _nextLine;
    private int _pendingDials;
    private int _waiting;
    private int _readyAgents;
    private int _ownHolds;
    private int _refused;
    private int _dialed;
    private int _human;
    private int _abandoned;
    private int _machine;
    private int _busy;
    private int _noAnswer;
    private int _failed;
    private long _talkMs;

    public CampaignRunner(Campaign campaign, CampaignRunnerDependencies dependencies, IPacingStrategy? strategy = null)
    {
        _campaign = campaign;
        _d = dependencies;
        Options = OptionsFor(campaign, dependencies.Abandonment);
        _strategy = strategy ?? StrategyFor(campaign, Options);

        // Before the loop runs (marks replayed at start) the strategy hears the events directly.
        Feed = new PacingFeed(e => (_loop is { } loop ? (Action<PacingEvent>)loop.Observe : _strategy.Observe)(e), new AmdVerdictGate(Options));
        InformationMessage = LoadPrompt(campaign.InformationMessage ?? DefaultInformationMessage)
            ?? throw new InvalidOperationException($"Campaign '{campaign.Name}': information message not found.");
        MachineMessage = campaign.MachinePolicy == CampaignMachinePolicy.LeaveMessage && campaign.MachineMessage is { } m ? LoadPrompt(m) : null;
    }

    /// <summary>The shipped information message ("this is Collections calling about your account, please call us back").</summary>
    public static string DefaultInformationMessage => Path.Combine(AppContext.BaseDirectory, "DemoCarrier", "Prompts", "abandoned-info.wav");

    /// <summary>The connect limit from the end of a person's greeting (or the verdict, when the detector heard none) to an agent.</summary>
    public TimeSpan ConnectLimit { get; init; } = DefaultConnectLimit;

    /// <summary>How long an account no logged-in agent could serve is left out before it is offered again.</summary>
    public TimeSpan LanguageRetry { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an account no free agent could be held for (progressive) is stepped past.</summary>
    public TimeSpan HoldRetry { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an account compliance refused is left out before it is offered again.</summary>
    public TimeSpan RefusalRetry { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the queue's claims on the accounts in flight are renewed (well inside the hopper's 5-minute lease).</summary>
    public TimeSpan RenewEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The campaign this runner dials.</summary>
    public Campaign Campaign => _campaign;

    /// <summary>The pacing strategy's name.</summary>
    public string Pacing => _strategy.Name;

    /// <summary>The campaign's pacing limits and what it believes of its AMD (the configured false-positive share).</summary>
    public PacingOptions Options { get; }

    /// <summary>What the campaign's calls tell pacing and the AMD gate.</summary>
    public PacingFeed Feed { get; }

    /// <summary>Completes once the run has replayed the campaign's marks and listens for new ones.</summary>
    internal Task Listening => _listening.Task;

    /// <summary>The information message played to a person no agent could take (8 kHz samples).</summary>
    internal short[] InformationMessage { get; }

    /// <summary>The message left on machines (<see cref="CampaignMachinePolicy.LeaveMessage"/>), or null.</summary>
    internal short[]? MachineMessage { get; }

    /// <summary>Lines in flight right now (for the wallboard): dialed without progress yet, ringing, and answered calls being
    /// screened by AMD or waiting for an agent; and the lines per ready agent.</summary>
    public (int Dialing, int Ringing, int Waiting, double Ratio) Live()
    {
        int dialing = Volatile.Read(ref _pendingDials), ringing = 0, answered = Volatile.Read(ref _waiting);
        foreach (var line in _lines.Values)
        {
            _ = line.State switch
            {
                LineState.Dialing => dialing++,
                LineState.Ringing => ringing++,
                _ => answered++,
            };
        }

        var inFlight = dialing + ringing + answered;
        return (dialing, ringing, answered, Math.Round(inFlight / (double)Math.Max(1, Volatile.Read(ref _readyAgents)), 2));
    }

    /// <summary>Tallies so far.</summary>
    public CampaignSummary Summary(int agents) => new(
        _campaign.Name, _strategy.Name, agents, _refused, _dialed, _human, _abandoned, _machine, _busy, _noAnswer, _failed,
        Math.Round(Interlocked.Read(ref _talkMs) / 1000.0, 1));

    /// <summary>The strategy a campaign's dial mode implies: predictive within its abandonment target, else one line per free agent.</summary>
    public static IPacingStrategy StrategyFor(Campaign campaign, PacingOptions? options = null) => campaign.Mode == DialMode.Predictive
        ? new PredictivePacing(options ?? OptionsFor(campaign, null))
        : new ProgressivePacing();

    /// <summary>
    /// A campaign's pacing limits: its target and line cap, the connect limit, and the false-positive share of its AMD from
    /// <see cref="AbandonmentOptions"/>, the share the wallboard and the statistics count with too (one estimate).
    /// </summary>
    public static PacingOptions OptionsFor(Campaign campaign, AbandonmentOptions? abandonment)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var amd = abandonment ?? new AbandonmentOptions();
        return new PacingOptions
        {
            TargetAbandonRate = campaign.TargetAbandonRate,
            MaxLinesPerAgent = campaign.MaxLinesPerAgent,
            ConnectLimitSeconds = DefaultConnectLimit.TotalSeconds,
            AmdFalsePositiveShare = amd.AmdFalsePositiveShare,
            AmdFalsePositivePriorWeight = amd.AmdFalsePositivePriorWeight,
        };
    }

    /// <summary>
    /// Dials until <paramref name="stop"/> fires, then lets the calls in progress finish (up to <paramref name="drain"/>,
    /// after which they are hung up).
    /// </summary>
    public async Task RunAsync(TimeSpan drain, CancellationToken stop)
    {
        using var calls = new CancellationTokenSource();
        _callsToken = calls.Token;
        _stopToken = stop;
        _d.Agents.AgentReady += OnAgentReady;
        LogStarted(_d.Logger, _campaign.Name, _strategy.Name);
        try
        {
            await ReplayMarksAsync(stop).ConfigureAwait(false);
            if (_d.Marks is { } marks)
            {
                marks.Marked += OnMarked;
            }

            _listening.TrySetResult();

            using (_loop = new PacingLoop(_strategy, Snapshot, Dial, _d.Time))
            using (_d.Time.CreateTimer(_ => Track(RenewAsync()), null, RenewEvery, RenewEvery))
            {
                _loop.Decide();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, _d.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            // Calls in progress finish on their own (an agent's conversation, a ring timeout) within the drain time; then
            // whatever is left is hung up. A fill started just before the stop may still add calls, hence the loop.
            var drained = Task.Delay(drain, _d.Time, CancellationToken.None);
            while (!_calls.IsEmpty)
            {
                var all = Task.WhenAll(_calls.Keys);
                if (await Task.WhenAny(all, drained).ConfigureAwait(false) != all)
                {
                    await calls.CancelAsync().ConfigureAwait(false);
                    await all.ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _d.Agents.AgentReady -= OnAgentReady;
            if (_d.Marks is { } marks)
            {
                marks.Marked -= OnMarked;
            }

            LogStopped(_d.Logger, _campaign.Name, _dialed, _human, _abandoned);
        }
    }

    /// <summary>The call's screening is over: it leaves the lines pacing counts as in flight.</summary>
    internal void Screened(CampaignCall call) => _lines.TryRemove(call.Number, out _);

    /// <summary>A call gave back the agent held for it.</summary>
    internal void HoldReleased() => Interlocked.Decrement(ref _ownHolds);

    /// <summary>The agent's conversation ended: wrap-up starts, and pacing learns the handle time when they are ready again.</summary>
    internal void WrappingUp(AgentId agent, DateTimeOffset endedAt, TimeSpan talk)
    {
        _wrapping[agent] = (endedAt, talk);
        _d.Agents.WrapUp(agent, endedAt);
    }

    /// <summary>
    /// The instant by which a call answered at <paramref name="answeredAt"/> and decided <paramref name="verdictAfterAnswer"/>
    /// later must reach an agent: the end of the greeting the detector reports plus <see cref="ConnectLimit"/> (or the verdict
    /// plus it, when nothing was said), the rule the simulator applies too (<see cref="AbandonmentClock"/>).
    /// </summary>
    internal DateTimeOffset ConnectDeadline(DateTimeOffset answeredAt, TimeSpan verdictAfterAnswer, AmdResult verdict) =>
        AbandonmentClock.Deadline(answeredAt, verdictAfterAnswer, verdict, ConnectLimit);

    /// <summary>Takes the longest-idle ready agent who speaks <paramref name="language"/> (the line's held agent first),
    /// waiting until <paramref name="deadline"/> (<see cref="ConnectDeadline"/>) for one to become ready; null when none did by
    /// then, also when the deadline had passed before the wait began (the call is abandoned whoever is free now: 2 s after the
    /// greeting it can no longer be connected in time).</summary>
    internal async Task<AgentId?> WaitForAgentAsync(string language, ContactAttemptId call, AgentId? preferred, DateTimeOffset deadline, CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            while (true)
            {
                var signal = Volatile.Read(ref _agentReady).Task;
                var now = _d.Time.GetUtcNow();
                if (now > deadline)
                {
                    return null;
                }

                if (_d.Agents.TakeLongestIdle(language, now, call, preferred) is { } agent)
                {
                    return agent;
                }

                var remaining = deadline - _d.Time.GetUtcNow();
                if (remaining <= TimeSpan.Zero || ct.IsCancellationRequested)
                {
                    return null;
                }

                await Task.WhenAny(signal, Task.Delay(remaining, _d.Time, ct)).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private PacingSnapshot Snapshot(DateTimeOffset now)
    {
        _d.Agents.Snapshot(now, _agentScratch);

        // Agents held for other campaigns' lines are busy for this one; this campaign's own holds are its lines in flight.
        var heldElsewhere = _d.Agents.Held - Volatile.Read(ref _ownHolds);
        for (var i = 0; i < _agentScratch.Count && heldElsewhere > 0; i++)
        {
            if (_agentScratch[i].Activity == AgentActivity.Ready)
            {
                _agentScratch[i] = _agentScratch[i] with { Activity = AgentActivity.OnCall };
                heldElsewhere--;
            }
        }

        // Blending: the operators the inbound queue's service level needs are not this campaign's to dial for. They leave the
        // snapshot altogether (not marked on a call, which predictive pacing would expect to end and dial for) and with them the
        // lines-per-agent cap.
        var ready = _agentScratch.Count(a => a.Activity == AgentActivity.Ready);
        var reserved = _d.Inbound?.Reserved(ready, _agentScratch.Count) ?? 0;
        for (var i = _agentScratch.Count - 1; i >= 0 && reserved > 0; i--)
        {
            if (_agentScratch[i].Activity == AgentActivity.Ready)
            {
                _agentScratch.RemoveAt(i);
                reserved--;
                ready--;
            }
        }

        Volatile.Write(ref _readyAgents, ready);
        var lines = new List<LineSnapshot>(_lines.Count + Volatile.Read(ref _pendingDials));
        foreach (var line in _lines.Values)
        {
            lines.Add(new LineSnapshot(line.State, now - line.DialedAt));
        }

        for (var i = 0; i < Volatile.Read(ref _pendingDials); i++)
        {
            lines.Add(new LineSnapshot(LineState.Dialing, TimeSpan.Zero));
        }

        return new PacingSnapshot(now, [.. _agentScratch], lines, Volatile.Read(ref _waiting));
    }

    private void Dial(int lines)
    {
        if (_stopToken.IsCancellationRequested)
        {
            return;
        }

        // Never more lines in flight than the campaign's cap per logged-in agent, whatever the strategy asks.
        var agents = Math.Max(1, _agentScratch.Count);
        var cap = (int)Math.Floor(agents * _campaign.MaxLinesPerAgent) - _lines.Count - Volatile.Read(ref _pendingDials);
        lines = Math.Min(lines, cap);
        if (lines <= 0)
        {
            return;
        }

        Interlocked.Add(ref _pendingDials, lines);
        Track(FillAsync(lines));
    }

    private async Task FillAsync(int lines)
    {
        await _fill.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var exclude = new HashSet<AccountId>(_inFlight.Keys);
            var now = _d.Time.GetUtcNow();
            foreach (var (account, until) in _unservable)
            {
                if (until > now)
                {
                    exclude.Add(account);
                }
                else
                {
                    _unservable.TryRemove(account, out _);
                }
            }

            var targets = _stopToken.IsCancellationRequested
                ? []
                : await _d.Queue.TakeAsync(_campaign, HoldsAgents ? lines * 3 : lines, exclude, _stopToken).ConfigureAwait(false);
            var started = 0;
            var unused = new List<DialTarget>();
            foreach (var target in targets)
            {
                if (!_d.Agents.CanServe(target.Language))
                {
                    // Issue 7: no agent with the debtor's language means the call is not dialed (it could only be abandoned).
                    _unservable[target.AccountId] = now + LanguageRetry;
                    unused.Add(target);
                    continue;
                }

                if (_inFlight.ContainsKey(target.AccountId))
                {
                    continue;   // this runner's own call (its claim stays)
                }

                if (started == lines || !_inFlight.TryAdd(target.AccountId, target))
                {
                    unused.Add(target);
                    continue;
                }

                // A callback inside its grace period is dialed only while the operator who promised it is ready, held for it
                // whatever the mode. Progressive: one ready agent who speaks the debtor's language per line, across every
                // campaign on this node, so an answered person always has an operator (no abandonment by design). Predictive
                // over-dials on purpose.
                AgentHold? hold = null;
                if (target.Queued?.Operator is { } promisedBy
                        ? (hold = _d.Agents.TryHoldOperator(promisedBy, target.Language)) is null
                        : HoldsAgents && (hold = _d.Agents.TryHold(target.Language)) is null)
                {
                    // No free agent speaks it now (or the callback's operator is not ready): step past it for a moment, so the
                    // next fills reach accounts in the languages of the agents who are free instead of being offered the same
                    // ones again.
                    _inFlight.TryRemove(target.AccountId, out _);
                    _unservable[target.AccountId] = now + HoldRetry;
                    unused.Add(target);
                    continue;
                }

                started++;
                if (hold is not null)
                {
                    Interlocked.Increment(ref _ownHolds);
                }

                var call = new CampaignCall(this, _d, Interlocked.Increment(ref _nextLine), target, hold, _callsToken);
                _lines[call.Number] = call;
                Track(RunCallAsync(call));
            }

            // Accounts the queue handed out but no line took go back at once (another node may dial them).
            foreach (var target in unused)
            {
                await _d.Queue.ReleaseAsync(target, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogQueueFailed(_d.Logger, _campaign.Name, ex);
        }
        finally
        {
            Interlocked.Add(ref _pendingDials, -lines);
            _fill.Release();
        }
    }

    private void Track(Task task)
    {
        _calls.TryAdd(task, 0);
        _ = task.ContinueWith(t => _calls.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunCallAsync(CampaignCall call)
    {
        using (call)
        {
            var outcome = await call.RunAsync().ConfigureAwait(false);
            _lines.TryRemove(call.Number, out _);
            if (call.Refused || call.Tally == CallTally.Skipped)
            {
                // A refusal (or an operator's skip) writes nothing to the ledger, so the queue would offer the account again at
                // once: not for a while.
                _unservable[call.Target.AccountId] = _d.Time.GetUtcNow() + RefusalRetry;
            }

            Count(call);
            try
            {
                // The queue learns how the call ended (its entry is done, retried or deferred) and the account's claim is given
                // back now, not when its lease runs out: an unreleased claim keeps the account from every node for minutes.
                await _d.Queue.FinishedAsync(call.Target, call.End(outcome), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogQueueFailed(_d.Logger, _campaign.Name, ex);
            }

            _inFlight.TryRemove(call.Target.AccountId, out _);
            _d.Events.Completed(outcome);
        }
    }

    private async Task RenewAsync()
    {
        if (_inFlight.IsEmpty)
        {
            return;
        }

        try
        {
            await _d.Queue.RenewAsync([.. _inFlight.Values], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogQueueFailed(_d.Logger, _campaign.Name, ex);
        }
    }

    private void Count(CampaignCall call)
    {
        if (call.Dialed)
        {
            Interlocked.Increment(ref _dialed);
        }

        _ = call.Tally switch
        {
            CallTally.Refused => Interlocked.Increment(ref _refused),
            CallTally.Answered => Interlocked.Increment(ref _human),
            CallTally.Abandoned => Interlocked.Increment(ref _abandoned),
            CallTally.Machine => Interlocked.Increment(ref _machine),
            CallTally.Busy => Interlocked.Increment(ref _busy),
            CallTally.NoAnswer => Interlocked.Increment(ref _noAnswer),
            CallTally.Failed => Interlocked.Increment(ref _failed),
            _ => 0,
        };
        Interlocked.Add(ref _talkMs, (long)call.Talk.TotalMilliseconds);
    }

    /// <summary>Whether lines hold an agent each before they are dialed (every mode but predictive).</summary>
    private bool HoldsAgents => _campaign.Mode != DialMode.Predictive;

    private void OnAgentReady(AgentId agent, DateTimeOffset at)
    {
        Interlocked.Exchange(ref _agentReady, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_wrapping.TryRemove(agent, out var wrap))
        {
            Feed.HandleCompleted(at, wrap.Talk, at - wrap.WrapStart);
        }
        else
        {
            _loop?.Decide();
        }
    }

    /// <summary>
    /// The campaign's marks so far (from earlier runs, or other nodes) seed its false-positive estimate: each reviewed MACHINE
    /// verdict is replayed as a review. They are not replayed as calls that reached an operator: the persons of earlier runs are
    /// not in this run's counts either.
    /// </summary>
    private async Task ReplayMarksAsync(CancellationToken ct)
    {
        if (_d.Marks is not { } marks)
        {
            return;
        }

        try
        {
            var now = _d.Time.GetUtcNow();
            var counts = await marks.CountsAsync([_campaign.Id], NodaTime.Instant.FromDateTimeOffset(now), ct).ConfigureAwait(false);
            if (counts.TryGetValue(_campaign.Id, out var c))
            {
                for (var i = 0L; i < c.Reviewed; i++)
                {
                    Feed.Reviewed(now, AmdVerdict.Machine, person: i < c.ReviewedPeople, reachedOperator: false);
                }

                LogMarksReplayed(_d.Logger, _campaign.Name, c.Reviewed, c.ReviewedPeople);
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // The configured share still holds; the campaign is not kept from dialing by a failed read.
            LogMarksNotRead(_d.Logger, _campaign.Name, ex);
        }
    }

    /// <summary>An operator marked one of this campaign's calls: pacing and the gate learn it as a review.</summary>
    private void OnMarked(AmdMarked marked)
    {
        if (marked.CampaignId != _campaign.Id)
        {
            return;
        }

        Feed.Reviewed(marked.At.ToDateTimeOffset(), marked.MachineVerdict ? AmdVerdict.Machine : AmdVerdict.Human, marked.Mark == AnswerMark.Person, marked.ReachedOperator);
    }

    private static short[]? LoadPrompt(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var wav = WavFile.Read(path);
        return wav.IsTelephonyMono ? wav.Samples : throw new WavFormatException($"{path}: prompts must be 8 kHz mono.");
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Campaign {Campaign} started with {Pacing} pacing")]
    private static partial void LogStarted(ILogger logger, string campaign, string pacing);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Campaign {Campaign} stopped: {Dialed} dialed, {Human} to agents, {Abandoned} abandoned")]
    private static partial void LogStopped(ILogger logger, string campaign, int dialed, int human, int abandoned);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Error, Message = "Campaign {Campaign}: the dial queue failed")]
    private static partial void LogQueueFailed(ILogger logger, string campaign, Exception exception);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Information, Message = "Campaign {Campaign}: {Reviewed} marked MACHINE verdicts ({People} of them people) seed the false-positive estimate")]
    private static partial void LogMarksReplayed(ILogger logger, string campaign, long reviewed, long people);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Warning, Message = "Campaign {Campaign}: operators' marks could not be read; the configured false-positive share stands")]
    private static partial void LogMarksNotRead(ILogger logger, string campaign, Exception exception);
}
