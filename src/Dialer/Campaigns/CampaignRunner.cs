using System.Collections.Concurrent;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Pacing;
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

/// <summary>What a runner needs besides the campaign: the seams to the hopper, the console, telephony and the ledger.</summary>
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
    RecordingOptions? Recording = null);

/// <summary>
/// Runs one campaign: the pacing strategy decides on a tick and on every call or agent event how many lines to dial; for
/// each line the dial queue gives an account, the contact ledger re-checks compliance and commits a Pending row, and only
/// then the call is placed. An answered call goes through AMD: a machine is hung up on (or given the campaign's message)
/// and flagged in the ledger; a person (or NOTSURE) goes to the longest-idle ready agent who speaks the debtor's language
/// within the connect limit, else hears the information message and is counted as abandoned. Every outcome is fed back to
/// pacing and written over the ledger row.
/// </summary>
internal sealed partial class CampaignRunner
{
    /// <summary>
    /// A person must be connected to an agent within 2 s of the end of their greeting, else the call is abandoned
    /// (Ofcom, Revised statement of policy on the persistent misuse of an electronic communications network or service,
    /// 2016: a call not connected to a live operator within 2 seconds of the called person's greeting is abandoned;
    /// FTC Telemarketing Sales Rule 16 CFR 310.4(b)(1)(iv): "within two (2) seconds of the completed greeting").
    /// </summary>
    public static readonly TimeSpan DefaultConnectLimit = TimeSpan.FromSeconds(2);

    /// <summary>A task that never completes (no agent leg to watch).</summary>
    private static readonly Task Never = new TaskCompletionSource().Task;

    private readonly Campaign _campaign;
    private readonly CampaignRunnerDependencies _d;
    private readonly IPacingStrategy _strategy;
    private readonly ConcurrentDictionary<long, Line> _lines = new();
    private readonly ConcurrentDictionary<AccountId, byte> _inFlight = new();
    /// <summary>Accounts not to offer again until the instant given: no agent speaks the language (until one may have logged
    /// in), or compliance refused the call (until its situation may have changed, e.g. calling hours opened).</summary>
    private readonly ConcurrentDictionary<AccountId, DateTimeOffset> _unservable = new();
    private readonly ConcurrentDictionary<AgentId, (DateTimeOffset WrapStart, TimeSpan Talk)> _wrapping = new();
    private readonly ConcurrentDictionary<Task, byte> _calls = new();
    private readonly List<AgentSnapshot> _agentScratch = [];
    private readonly SemaphoreSlim _fill = new(1, 1);
    private readonly short[] _informationMessage;
    private readonly short[]? _machineMessage;
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
        _strategy = strategy ?? StrategyFor(campaign);
        _informationMessage = LoadPrompt(campaign.InformationMessage ?? DefaultInformationMessage)
            ?? throw new InvalidOperationException($"Campaign '{campaign.Name}': information message not found.");
        _machineMessage = campaign.MachinePolicy == CampaignMachinePolicy.LeaveMessage && campaign.MachineMessage is { } m ? LoadPrompt(m) : null;
    }

    /// <summary>The shipped information message ("this is Collections calling about your account, please call us back").</summary>
    public static string DefaultInformationMessage => Path.Combine(AppContext.BaseDirectory, "DemoCarrier", "Prompts", "abandoned-info.wav");

    /// <summary>The connect limit from a person's verdict to an agent.</summary>
    public TimeSpan ConnectLimit { get; init; } = DefaultConnectLimit;

    /// <summary>How long an account no logged-in agent could serve is left out before it is offered again.</summary>
    public TimeSpan LanguageRetry { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an account no free agent could be held for (progressive) is stepped past.</summary>
    public TimeSpan HoldRetry { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an account compliance refused is left out before it is offered again.</summary>
    public TimeSpan RefusalRetry { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The campaign this runner dials.</summary>
    public Campaign Campaign => _campaign;

    /// <summary>The pacing strategy's name.</summary>
    public string Pacing => _strategy.Name;

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
    public static IPacingStrategy StrategyFor(Campaign campaign) => campaign.Mode == DialMode.Predictive
        ? new PredictivePacing(new PacingOptions
        {
            TargetAbandonRate = campaign.TargetAbandonRate,
            MaxLinesPerAgent = campaign.MaxLinesPerAgent,
            ConnectLimitSeconds = DefaultConnectLimit.TotalSeconds,
        })
        : new ProgressivePacing();

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
            using (_loop = new PacingLoop(_strategy, Snapshot, Dial, _d.Time))
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
            LogStopped(_d.Logger, _campaign.Name, _dialed, _human, _abandoned);
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

        Volatile.Write(ref _readyAgents, _agentScratch.Count(a => a.Activity == AgentActivity.Ready));
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
            var unused = new List<AccountId>();
            foreach (var target in targets)
            {
                if (!_d.Agents.CanServe(target.Language))
                {
                    // Issue 7: no agent with the debtor's language means the call is not dialed (it could only be abandoned).
                    _unservable[target.AccountId] = now + LanguageRetry;
                    unused.Add(target.AccountId);
                    continue;
                }

                if (_inFlight.ContainsKey(target.AccountId))
                {
                    continue;   // this runner's own call (its claim stays)
                }

                if (started == lines || !_inFlight.TryAdd(target.AccountId, 0))
                {
                    unused.Add(target.AccountId);
                    continue;
                }

                // Progressive: one ready agent who speaks the debtor's language per line, across every campaign on this node,
                // so an answered person always has an operator (no abandonment by design). Predictive over-dials on purpose.
                AgentHold? hold = null;
                if (HoldsAgents && (hold = _d.Agents.TryHold(target.Language)) is null)
                {
                    // No free agent speaks it now: step past it for a moment, so the next fills reach accounts in the languages
                    // of the agents who are free instead of being offered the same ones again.
                    _inFlight.TryRemove(target.AccountId, out _);
                    _unservable[target.AccountId] = now + HoldRetry;
                    unused.Add(target.AccountId);
                    continue;
                }

                started++;
                var line = new Line(Interlocked.Increment(ref _nextLine), target, _d.Time.GetUtcNow());
                if (hold is not null)
                {
                    line.Hold = hold;
                    Interlocked.Increment(ref _ownHolds);
                }

                _lines[line.Number] = line;
                Track(CallAsync(line));
            }

            // Accounts the queue handed out but no line took go back at once (another node may dial them).
            foreach (var account in unused)
            {
                await _d.Queue.ReleaseAsync(account, CancellationToken.None).ConfigureAwait(false);
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

    private async Task CallAsync(Line line)
    {
        var ct = _callsToken;
        var target = line.Target;
        var outcome = new CallOutcome(_campaign.Name, target.AccountId.Value, "failed", 0, null, null, target.Language, 0, 0, 0, null);
        try
        {
            // The ledger row is committed, with compliance re-checked in the same transaction, before the INVITE leaves
            // (issue 7: "a contact-ledger row is written before a dial leaves, so a crash cannot lose a count"). The runner
            // dials by itself whatever the campaign's mode, so every call is judged as autodialed without a guaranteed
            // operator (TCPA consent, Ofcom's repeat rules); a Preview campaign run here gets no operator exemption.
            var reservation = await _d.Ledger.ReserveAsync(
                new ContactRequest(target.AccountId, new ContactTarget(ContactChannel.Call, target.Number), CampaignContext.Predictive, _campaign.Id),
                ct).ConfigureAwait(false);
            if (reservation.AttemptId is not { } attemptId)
            {
                Interlocked.Increment(ref _refused);

                // A refusal writes nothing to the ledger, so the queue would offer the account again at once: not for a while.
                _unservable[target.AccountId] = _d.Time.GetUtcNow() + RefusalRetry;
                var rules = string.Join(",", reservation.Decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Rule));
                outcome = outcome with { Outcome = "refused", Reason = rules };
                return;
            }

            outcome = await PlaceAsync(line, attemptId, outcome, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogCallFailed(_d.Logger, _campaign.Name, ex);
            outcome = outcome with { Reason = ex.GetType().Name };
        }
        finally
        {
            ReleaseHold(line);
            _lines.TryRemove(line.Number, out _);
            _inFlight.TryRemove(target.AccountId, out _);
            _d.Events.Completed(outcome);
        }
    }

    private async Task<CallOutcome> PlaceAsync(Line line, ContactAttemptId attemptId, CallOutcome outcome, CancellationToken ct)
    {
        var target = line.Target;
        Interlocked.Increment(ref _dialed);
        SipCallLeg leg;

        // The campaign's ring timeout (at least 15 s or four rings, FTC TSR safe harbor 16 CFR 310.4(b)(4)(ii)) cancels the INVITE: CANCEL, then 487.
        using (var ring = new CancellationTokenSource(TimeSpan.FromSeconds(_campaign.RingTimeoutSeconds), _d.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ring.Token, ct))
        {
            try
            {
                leg = await _d.Calls.PlaceAsync(target.Number, state => Progress(line, state), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Still waiting for a free trunk line when the ring time ran out: nothing left the dialer.
                await _d.Ledger.CompleteAsync(attemptId, new ContactResult(ContactOutcome.Cancelled), CancellationToken.None).ConfigureAwait(false);
                return outcome with { Outcome = "failed", Reason = "no free trunk line" };
            }
        }

        await using (leg.ConfigureAwait(false))
        {
            var progress = _d.Time.GetUtcNow() - line.DialedAt;
            outcome = outcome with { Status = leg.FinalStatus, RingMs = (long)progress.TotalMilliseconds };
            if (!leg.Answered)
            {
                var (dialOutcome, ledgerOutcome, name) = leg.FinalStatus switch
                {
                    486 or 600 => (DialOutcome.Busy, ContactOutcome.Busy, "busy"),
                    408 or 480 or 487 => (DialOutcome.NoAnswer, ContactOutcome.NoAnswer, "noAnswer"),
                    _ => (DialOutcome.Failed, ContactOutcome.Failed, "failed"),
                };
                _ = name switch
                {
                    "busy" => Interlocked.Increment(ref _busy),
                    "noAnswer" => Interlocked.Increment(ref _noAnswer),
                    _ => Interlocked.Increment(ref _failed),
                };
                await _d.Ledger.CompleteAsync(attemptId, new ContactResult(ledgerOutcome), CancellationToken.None).ConfigureAwait(false);
                _loop?.Observe(new DialResolved(_d.Time.GetUtcNow(), dialOutcome, progress, TimeSpan.Zero));
                return outcome with { Outcome = name };
            }

            return await AnsweredAsync(line, leg, attemptId, progress, outcome, ct).ConfigureAwait(false);
        }
    }

    private static void Progress(Line line, CallState state)
    {
        if (state is CallState.Ringing or CallState.EarlyMedia && line.State == LineState.Dialing)
        {
            line.State = LineState.Ringing;
        }
    }

    private async Task<CallOutcome> AnsweredAsync(Line line, SipCallLeg leg, ContactAttemptId attemptId, TimeSpan progress, CallOutcome outcome, CancellationToken ct)
    {
        line.State = LineState.AwaitingAmd;
        var answeredAt = _d.Time.GetUtcNow();
        var classifier = new SignallingClassifier(new AmdAnswerClassifier(AmdProfile.BuiltIn[AmdProfile.DefaultName], _d.Time));
        var media = new CallMedia(leg.Media!, _d.Time, null, null, classifier);
        await using (media.ConfigureAwait(false))
        {
            classifier.Answered();
            media.AmdArmed = true;
            media.Start();

            // The detector decides within its total analysis time; a silent or vanished line is finished by hand.
            var verdictWait = Task.Delay(TimeSpan.FromSeconds(6), _d.Time, ct);
            await Task.WhenAny(classifier.Decided, leg.Ended, verdictWait).ConfigureAwait(false);
            var result = classifier.Inner.Result ?? Finish(classifier);
            var amdTime = _d.Time.GetUtcNow() - answeredAt;

            // Screening is over: from here the call is a person waiting for an agent (counted apart), a machine being hung up, or
            // a conversation (the agent's state shows it), no longer a line in flight for pacing (LineSnapshot).
            _lines.TryRemove(line.Number, out _);
            outcome = outcome with { Amd = result.VerdictText, AmdMs = (long)amdTime.TotalMilliseconds };

            if (result.Verdict == AmdVerdict.Machine && _campaign.MachinePolicy != CampaignMachinePolicy.SendToAgent)
            {
                Interlocked.Increment(ref _machine);
                _loop?.Observe(new DialResolved(_d.Time.GetUtcNow(), DialOutcome.MachineVerdict, progress, amdTime));
                if (_machineMessage is not null && leg.State == CallState.Answered)
                {
                    media.Paused = true;
                    await PlayAsync(leg, _machineMessage, ct).ConfigureAwait(false);
                }

                await leg.HangupAsync().ConfigureAwait(false);

                // Ofcom's 24 h rule reads the AMD flag: every MACHINE verdict is written, whatever the policy did with it.
                await _d.AmdLedger.RecordAnsweredAsync(attemptId, result, null, CancellationToken.None).ConfigureAwait(false);
                return outcome with { Outcome = "machine" };
            }

            // A machine sent to an agent (MachinePolicy.SendToAgent) keeps its AMD flag in the ledger: Ofcom's 24 h rule reads it.
            var amdFlagged = result.Verdict == AmdVerdict.Machine;
            _loop?.Observe(new DialResolved(_d.Time.GetUtcNow(), DialOutcome.AgentNeeded, progress, amdTime));
            var agent = await WaitForAgentAsync(line.Target.Language, attemptId, line.Hold?.Agent, ct).ConfigureAwait(false);
            ReleaseHold(line);
            if (agent is not { } taken)
            {
                return await AbandonAsync(leg, media, attemptId, amdFlagged, outcome, ct).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _human);
            _loop?.Observe(new PersonAnswered(_d.Time.GetUtcNow(), null));
            var connectedAt = _d.Time.GetUtcNow();

            // The debtor's audio goes into the agent's nailed-up leg (their registered phone, or the built-in demo phone):
            // from here on only the bridge speaks to the debtor. An agent with no line up gets the screen-pop alone.
            media.Paused = true;
            var bridged = _d.Phones is { } phones && phones.TryBridge(taken, leg, _d.Recording?.PathFor(attemptId.Value));
            if (_d.Phones is not null && !bridged)
            {
                LogNoAgentLine(_d.Logger, _campaign.Name, taken.Value);
            }

            // The agent putting the phone down (or the softphone closing) ends the conversation for the debtor too.
            var agentHangup = (bridged ? _d.Phones!.LegOf(taken)?.Ended : null) ?? Never;

            var connected = new ConnectedCall(_campaign.Id, taken, line.Target, attemptId, leg);
            _d.Events.Connected(connected);
            try
            {
                var first = await Task.WhenAny(leg.Ended, connected.Refused, agentHangup).WaitAsync(ct).ConfigureAwait(false);
                if (first == connected.Refused && leg.State == CallState.Answered)
                {
                    // No operator took the person after all: FTC TSR 16 CFR 310.4(b)(4) and Ofcom count it abandoned, and the
                    // person hears the information message. (Pacing already counted the connect; this rare case is not undone.)
                    _d.Phones?.Unbridge(taken);
                    Interlocked.Decrement(ref _human);
                    var abandoned = await AbandonAsync(leg, media, attemptId, amdFlagged, outcome, ct, observe: false).ConfigureAwait(false);
                    return abandoned with { Agent = taken.Value, Reason = "operator not available when the call arrived" };
                }

                if (first == agentHangup && !leg.Ended.IsCompleted)
                {
                    LogAgentHungUp(_d.Logger, _campaign.Name, taken.Value);
                    await leg.HangupAsync().ConfigureAwait(false);
                }

                await leg.Ended.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await leg.HangupAsync().ConfigureAwait(false);
            }

            var endedAt = _d.Time.GetUtcNow();
            var talk = endedAt - connectedAt;
            Interlocked.Add(ref _talkMs, (long)talk.TotalMilliseconds);
            _wrapping[taken] = (endedAt, talk);
            _d.Agents.WrapUp(taken, endedAt);
            await _d.Ledger.CompleteAsync(attemptId, new ContactResult(ContactOutcome.Answered, AmdFlagged: amdFlagged), CancellationToken.None).ConfigureAwait(false);
            return outcome with { Outcome = "answered", Agent = taken.Value, TalkSeconds = Math.Round(talk.TotalSeconds, 1) };
        }
    }

    private static AmdResult Finish(SignallingClassifier classifier)
    {
        classifier.Finish();
        return classifier.Inner.Result ?? new AmdResult(AmdVerdict.NotSure, AmdCause.EndOfAudio, TimeSpan.Zero);
    }

    /// <summary>Whether lines hold an agent each before they are dialed (every mode but predictive).</summary>
    private bool HoldsAgents => _campaign.Mode != DialMode.Predictive;

    private void ReleaseHold(Line line)
    {
        if (Interlocked.Exchange(ref line.Hold, null) is { } hold)
        {
            hold.Dispose();
            Interlocked.Decrement(ref _ownHolds);
        }
    }

    private async Task<AgentId?> WaitForAgentAsync(string language, ContactAttemptId call, AgentId? preferred, CancellationToken ct)
    {
        var deadline = _d.Time.GetUtcNow() + ConnectLimit;
        Interlocked.Increment(ref _waiting);
        try
        {
            while (true)
            {
                var signal = Volatile.Read(ref _agentReady).Task;
                if (_d.Agents.TakeLongestIdle(language, _d.Time.GetUtcNow(), call, preferred) is { } agent)
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

    private async Task<CallOutcome> AbandonAsync(SipCallLeg leg, CallMedia media, ContactAttemptId attemptId, bool amdFlagged, CallOutcome outcome, CancellationToken ct, bool observe = true)
    {
        Interlocked.Increment(ref _abandoned);
        if (observe)
        {
            _loop?.Observe(new PersonAnswered(_d.Time.GetUtcNow(), AbandonCause.NoAgentWithinConnectLimit));
        }

        // Ofcom's 2016 persistent-misuse policy and FTC TSR 16 CFR 310.4(b)(4)(iii): an abandoned call must hear who called and a number
        // to call back, then the line is released; UK rules then forbid calling the number again within 72 h.
        if (leg.State == CallState.Answered)
        {
            media.Paused = true;
            await PlayAsync(leg, _informationMessage, ct).ConfigureAwait(false);
        }

        await leg.HangupAsync().ConfigureAwait(false);
        await _d.Ledger.CompleteAsync(attemptId, new ContactResult(ContactOutcome.Abandoned, AmdFlagged: amdFlagged), CancellationToken.None).ConfigureAwait(false);
        return outcome with { Outcome = "abandoned", Reason = "no agent within connect limit" };
    }

    private async Task PlayAsync(SipCallLeg leg, short[] samples, CancellationToken ct)
    {
        // Stops when the far end hangs up mid-message.
        using var playing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var play = CallMedia.PlayAsync(leg.Media!, samples, _d.Time, playing.Token);
        await Task.WhenAny(play, leg.Ended).ConfigureAwait(false);
        await playing.CancelAsync().ConfigureAwait(false);
        try
        {
            await play.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnAgentReady(AgentId agent, DateTimeOffset at)
    {
        Interlocked.Exchange(ref _agentReady, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_wrapping.TryRemove(agent, out var wrap))
        {
            _loop?.Observe(new HandleCompleted(at, wrap.Talk, at - wrap.WrapStart));
        }
        else
        {
            _loop?.Decide();
        }
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

    [LoggerMessage(EventId = 8104, Level = LogLevel.Error, Message = "Campaign {Campaign}: a call failed")]
    private static partial void LogCallFailed(ILogger logger, string campaign, Exception exception);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Campaign {Campaign}: agent {Agent} has no phone line up; the call is connected without audio")]
    private static partial void LogNoAgentLine(ILogger logger, string campaign, int agent);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information, Message = "Campaign {Campaign}: agent {Agent}'s phone hung up; the debtor's leg is ended too")]
    private static partial void LogAgentHungUp(ILogger logger, string campaign, int agent);

    private sealed class Line(long number, DialTarget target, DateTimeOffset dialedAt)
    {
        public long Number { get; } = number;

        public DialTarget Target { get; } = target;

        public DateTimeOffset DialedAt { get; } = dialedAt;

        public volatile LineState State = LineState.Dialing;

        /// <summary>The agent set aside for this line (progressive); null once released.</summary>
        public AgentHold? Hold;
    }

    private sealed class ConnectedCall(CampaignId campaignId, AgentId agent, DialTarget target, ContactAttemptId attemptId, SipCallLeg leg) : IConnectedCall
    {
        public CampaignId CampaignId { get; } = campaignId;

        public AgentId Agent { get; } = agent;

        public DialTarget Target { get; } = target;

        public ContactAttemptId AttemptId { get; } = attemptId;

        private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Ended => leg.Ended;

        public Task Refused => _refused.Task;

        public Task HangupAsync() => leg.HangupAsync();

        public void Refuse() => _refused.TrySetResult();
    }

    /// <summary>Passes audio to the detector and completes <see cref="Decided"/> the moment it has a verdict.</summary>
    private sealed class SignallingClassifier(AmdAnswerClassifier inner) : IAnswerClassifier
    {
        private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AmdAnswerClassifier Inner { get; } = inner;

        public Task Decided => _decided.Task;

        public void Answered() => Inner.Answered();

        public string? Push(ReadOnlySpan<short> samples)
        {
            var verdict = Inner.Push(samples);
            if (verdict is not null)
            {
                _decided.TrySetResult();
            }

            return verdict;
        }

        public string Finish()
        {
            var verdict = Inner.Finish();
            _decided.TrySetResult();
            return verdict;
        }
    }
}
