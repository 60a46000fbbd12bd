using System.Text.Json.Serialization;
using Collections.Dialer.Amd;
using Collections.Dialer.Pacing;
using Collections.Dialer.Routing;

namespace Collections.Dialer.Simulation;

/// <summary>The figures <c>simulate</c> prints (DESIGN.md section 5).</summary>
public sealed record SimulationResult(
    string Pacing,
    int Agents,
    double Hours,
    long Dialed,
    long AnsweredHuman,
    long Abandoned,
    double AbandonRate,
    double MaxAbandonRate24h,
    double TalkMinutesPerAgentHour,
    double Utilization)
{
    /// <summary>Persons abandoned because AMD called them machines (part of <see cref="Abandoned"/>).</summary>
    [JsonIgnore]
    public long AbandonedByAmd { get; init; }

    /// <summary>Machines that reached an agent (AMD missed them, or a MACHINE verdict was passed on).</summary>
    [JsonIgnore]
    public long MachinesReachingAgents { get; init; }

    /// <summary>MACHINE verdicts passed to operators (over budget or as the audit sample).</summary>
    [JsonIgnore]
    public long MachineVerdictsPassed { get; init; }

    /// <summary>The abandonment rate the dialer itself computed (its estimate, the figure a wallboard shows), whole run.</summary>
    [JsonIgnore]
    public double EstimatedAbandonRate { get; init; }

    /// <summary>The dialer's false-positive share estimate at the end of the run.</summary>
    [JsonIgnore]
    public double EstimatedFalsePositiveShare { get; init; }

    /// <summary>The dialer's own counts at the end: persons, abandoned for want of an agent, MACHINE verdicts acted on.</summary>
    [JsonIgnore]
    public (long Persons, long Abandoned, long MachineVerdicts) DialerCounts { get; init; }
}

/// <summary>
/// A discrete-event simulation of one campaign: a simulated call population answers, rings out or is busy
/// as the scenario says; the real pacing strategy decides how many lines to dial on a one-second tick and
/// after every event, and the real router connects persons to the longest-idle agent. Time jumps from
/// event to event on a <see cref="SimulationClock"/>; nothing sleeps.
/// </summary>
/// <remarks>
/// Pacing learns only what a real dialer sees: every event goes through the <see cref="PacingFeed"/> the campaign runner
/// uses, at the same moments of a call (line ended, verdict, connected or abandoned, an operator's mark on a call that reached
/// them when they hear it, handle completed), and AMD's share of abandonment comes from the campaign's false-positive estimate. Which
/// calls were really people is kept for scoring the run (<see cref="SimulationResult"/>) and nothing else; the oracle
/// mode (a pacer told the truth, for comparison only) additionally reviews every MACHINE verdict acted on.
/// </remarks>
public sealed class CampaignSimulator
{
    /// <summary>Agent time a machine costs when AMD misses it and it reaches an agent.</summary>
    public const double MissedMachineSeconds = 10;

    // Every simulated debtor speaks this language and so does every agent: the scenario format has no
    // language mix, but routing still goes through the skills check.
    private const string Language = "und";

    private static readonly DateTimeOffset Epoch = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly Scenario _scenario;
    private readonly IPacingStrategy _pacing;
    private readonly SimulationClock _clock = new(Epoch);
    private readonly AgentRouter _router = new();
    private readonly PriorityQueue<SimEvent, (double Time, long Sequence)> _events = new();
    private readonly List<SimCall> _lines = [];
    private readonly Queue<SimCall> _waiting = new();
    private readonly List<AgentSnapshot> _agentBuffer = [];
    private readonly List<LineSnapshot> _lineBuffer = [];
    private readonly Random _fates;
    private readonly double _end;
    private readonly long[] _personsByMinute;
    private readonly long[] _abandonedByMinute;
    private long _sequence;
    private int _waitingCount;
    private long _dialed;
    private long _persons;
    private long _abandoned;
    private long _abandonedByAmd;
    private long _machinesReachingAgents;
    private double _talkSeconds;
    private double _busySeconds;

    private readonly PacingFeed _feed;
    private readonly bool _oracle;
    private readonly Func<long, bool>? _flipUnobservedTruth;
    private long _passed;

    private CampaignSimulator(Scenario scenario, IPacingStrategy pacing, PacingOptions? options, bool oracle, Func<long, bool>? flipUnobservedTruth)
    {
        _scenario = scenario;
        _pacing = pacing;
        _oracle = oracle;
        _flipUnobservedTruth = flipUnobservedTruth;
        _feed = new PacingFeed(pacing.Observe, new AmdVerdictGate(options ?? OptionsFor(scenario, oracle)));
        _fates = new Random(scenario.Seed);
        _end = scenario.Hours * 3600;
        var minutes = (int)Math.Ceiling(_end / 60) + 1;
        _personsByMinute = new long[minutes];
        _abandonedByMinute = new long[minutes];
    }

    private enum Truth
    {
        Person,
        Machine,
        Busy,
        NoAnswer,
    }

    private enum EventKind
    {
        Tick,
        ProgressEnd,
        Verdict,
        WaitDeadline,
        TalkEnd,
        WrapEnd,
    }

    /// <summary>Runs <paramref name="scenario"/> with <paramref name="pacing"/> and returns its figures.</summary>
    /// <param name="scenario">The population and team.</param>
    /// <param name="pacing">The strategy, made with <see cref="OptionsFor"/> options.</param>
    /// <param name="oracle">A pacer told the truth, for comparison: every MACHINE verdict acted on is reviewed at once.</param>
    /// <param name="options">The campaign's limits for the AMD gate (default <see cref="OptionsFor"/>).</param>
    public static SimulationResult Run(Scenario scenario, IPacingStrategy pacing, bool oracle = false, PacingOptions? options = null) =>
        new CampaignSimulator(scenario, pacing, options, oracle, null).Run();

    /// <summary>
    /// For the test that pacing sees no truth: scores the calls nobody heard (MACHINE verdicts acted on, callers abandoned
    /// while waiting) selected by dial number as the opposite of what they were; what pacing is told must not change.
    /// </summary>
    internal static SimulationResult RunWithFlippedTruth(Scenario scenario, IPacingStrategy pacing, Func<long, bool> flip, bool oracle = false) =>
        new CampaignSimulator(scenario, pacing, null, oracle, flip).Run();

    /// <summary>The pacing limits of a scenario's campaign: target, connect limit, and what it believes of its AMD.</summary>
    public static PacingOptions OptionsFor(Scenario scenario, bool oracle = false)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new PacingOptions
        {
            TargetAbandonRate = scenario.TargetAbandonRate,
            ConnectLimitSeconds = scenario.ConnectLimitSeconds,
            AmdFalsePositiveShare = scenario.Amd.ConfiguredShare(scenario.HumanAnswer, scenario.MachineAnswer),
            AmdAuditShare = oracle ? 0 : scenario.Amd.AuditShare,

            // Told the truth, the pacer needs neither a prior nor a safety margin on the share.
            AmdFalsePositivePriorWeight = oracle ? 0 : Shared.Abandonment.AmdFalsePositiveEstimate.DefaultPriorWeight,
            AmdShareConfidenceZ = oracle ? 0 : new PacingOptions().AmdShareConfidenceZ,
        };
    }

    private SimulationResult Run()
    {
        for (var i = 0; i < _scenario.Agents; i++)
        {
            _router.LogIn(new AgentId(i + 1), [Language], _clock.GetUtcNow());
        }

        Schedule(0, new SimEvent(EventKind.Tick, null, default));
        while (_events.TryPeek(out _, out var when) && when.Time <= _end)
        {
            var next = _events.Dequeue();
            _clock.MoveTo(when.Time);
            Handle(next);
            Pace();
        }

        var agentSeconds = _scenario.Agents * _end;
        return new SimulationResult(
            _pacing.Name,
            _scenario.Agents,
            _scenario.Hours,
            _dialed,
            _persons,
            _abandoned,
            Math.Round(_persons == 0 ? 0 : (double)_abandoned / _persons, 4),
            Math.Round(WorstRollingRate(), 4),
            Math.Round(_talkSeconds / 60 / (agentSeconds / 3600), 2),
            Math.Round(_busySeconds / agentSeconds, 4))
        {
            AbandonedByAmd = _abandonedByAmd,
            MachinesReachingAgents = _machinesReachingAgents,
            MachineVerdictsPassed = _passed,
            EstimatedAbandonRate = Math.Round(EstimatedRate(), 4),
            EstimatedFalsePositiveShare = Math.Round(_feed.Gate.Ledger.Estimate.Share, 4),
            DialerCounts = (_feed.Gate.Ledger.CampaignPersons, _feed.Gate.Ledger.CampaignAbandoned, _feed.Gate.Ledger.CampaignMachineVerdicts),
        };
    }

    /// <summary>
    /// The highest abandonment rate over the 24 h windows ending on each minute of the run, counting only
    /// complete windows; a run shorter than 24 h has one window, the whole run.
    /// </summary>
    private double WorstRollingRate()
    {
        const int window = 24 * 60;
        var minutes = _personsByMinute.Length;
        var persons = new long[minutes + 1];
        var abandoned = new long[minutes + 1];
        for (var m = 0; m < minutes; m++)
        {
            persons[m + 1] = persons[m] + _personsByMinute[m];
            abandoned[m + 1] = abandoned[m] + _abandonedByMinute[m];
        }

        double worst = 0;
        for (var end = Math.Min(window, minutes); end <= minutes; end++)
        {
            var start = Math.Max(0, end - window);
            var p = persons[end] - persons[start];
            if (p > 0)
            {
                worst = Math.Max(worst, (double)(abandoned[end] - abandoned[start]) / p);
            }
        }

        return worst;
    }

    private void Handle(SimEvent e)
    {
        var now = _clock.Seconds;
        switch (e.Kind)
        {
            case EventKind.Tick:
                Schedule(now + 1, e);
                break;
            case EventKind.ProgressEnd:
                OnProgressEnd(e.Call!, now);
                break;
            case EventKind.Verdict:
                OnVerdict(e.Call!, now);
                break;
            case EventKind.WaitDeadline:
                OnWaitDeadline(e.Call!, now);
                break;
            case EventKind.TalkEnd:
                OnTalkEnd(e.Call!, e.Agent, now);
                break;
            case EventKind.WrapEnd:
                OnWrapEnd(e.Call!, e.Agent, now);
                break;
            default:
                throw new InvalidOperationException($"Unknown event {e.Kind}.");
        }
    }

    private void Pace()
    {
        var now = _clock.GetUtcNow();
        _router.Snapshot(now, _agentBuffer);
        _lineBuffer.Clear();
        foreach (var line in _lines)
        {
            _lineBuffer.Add(new LineSnapshot(line.State, TimeSpan.FromSeconds(_clock.Seconds - line.DialedAt)));
        }

        var n = _pacing.LinesToDial(new PacingSnapshot(now, _agentBuffer, _lineBuffer, _waitingCount));
        for (var i = 0; i < n; i++)
        {
            if (!_router.CanServe(Language))
            {
                break;
            }

            Dial();
        }
    }

    private void Dial()
    {
        var now = _clock.Seconds;
        var s = _scenario;

        // Every dial draws its whole fate in the same order, so the i-th dial is the same debtor whatever the
        // pacing (common random numbers make strategies comparable on one seed).
        var u = _fates.NextDouble();
        var ring = s.RingSeconds.Sample(_fates);
        var amd = s.AmdSeconds.Sample(_fates);
        var amdDraw = _fates.NextDouble();
        var talk = s.TalkSeconds.Sample(_fates);
        var wrap = s.WrapSeconds.Sample(_fates);

        // Drawn last, and only by scenarios that give it, so the fates of scenarios without it stay as they were.
        double? greetingToVerdict = s.GreetingToVerdictSeconds?.Sample(_fates);

        var person = s.HumanAnswerAt(now);
        var truth = u < person ? Truth.Person
            : u < person + s.MachineAnswer ? Truth.Machine
            : u < person + s.MachineAnswer + s.Busy ? Truth.Busy
            : Truth.NoAnswer;
        var answered = truth is Truth.Person or Truth.Machine && ring <= s.NoAnswerTimeoutSeconds;
        if (truth is Truth.Person or Truth.Machine && !answered)
        {
            truth = Truth.NoAnswer;
        }

        var progress = truth switch
        {
            Truth.NoAnswer => s.NoAnswerTimeoutSeconds,
            Truth.Busy => Math.Min(ring, s.NoAnswerTimeoutSeconds),
            _ => ring,
        };

        var call = new SimCall
        {
            Truth = truth,
            DialedAt = now,
            Progress = progress,
            AmdTime = amd,
            GreetingEnd = greetingToVerdict is { } g ? Math.Max(0, amd - g) : null,
            AmdDraw = amdDraw,
            Talk = truth == Truth.Machine ? MissedMachineSeconds : talk,
            Wrap = truth == Truth.Machine ? 0 : wrap,
            State = LineState.Ringing,
            LineIndex = _lines.Count,
            Number = _dialed,
        };
        _lines.Add(call);
        _dialed++;
        Schedule(now + progress, new SimEvent(EventKind.ProgressEnd, call, default));
    }

    private void OnProgressEnd(SimCall call, double now)
    {
        if (call.Truth is Truth.Person or Truth.Machine)
        {
            call.State = LineState.AwaitingAmd;
            Schedule(now + call.AmdTime, new SimEvent(EventKind.Verdict, call, default));
            return;
        }

        RemoveLine(call);
        var outcome = call.Truth == Truth.Busy ? DialOutcome.Busy : DialOutcome.NoAnswer;
        _feed.Unanswered(_clock.GetUtcNow(), outcome, TimeSpan.FromSeconds(call.Progress));
    }

    private void OnVerdict(SimCall call, double now)
    {
        RemoveLine(call);
        var amd = _scenario.Amd;
        var machineVerdict = call.Truth == Truth.Person
            ? call.AmdDraw < amd.HumanCalledMachine
            : call.AmdDraw < amd.MachineDetected;
        var at = _clock.GetUtcNow();
        call.Verdict = machineVerdict ? AmdVerdict.Machine : AmdVerdict.Human;

        // The simulated detector gives no cause; none of its MACHINE verdicts is tone-confirmed.
        var needsAgent = _feed.Answered(at, call.Verdict, AmdCause.Prosody, TimeSpan.FromSeconds(call.Progress), TimeSpan.FromSeconds(call.AmdTime), out var action);
        if (!needsAgent)
        {
            // Hung up (or given the message): nobody hears who it was. Scored from the truth; pacing is not told.
            var person = TruthUnheard(call) == Truth.Person;
            if (person)
            {
                _abandonedByAmd++;
                CountPerson(now, abandoned: true);
            }

            if (_oracle)
            {
                _feed.Reviewed(at, AmdVerdict.Machine, person, reachedOperator: false);
            }

            return;
        }

        if (machineVerdict)
        {
            _passed += action is MachineVerdictAction.PassAudit or MachineVerdictAction.PassOverBudget ? 1 : 0;
        }

        // The runner's rule (AbandonmentClock): the connect limit runs from the end of the greeting the detector reports, else
        // from the verdict (16 CFR 310.4(b)(1)(iv); Ofcom 2016, A1). A call whose limit is over by the verdict is abandoned now.
        // (Counted from the verdict as the time left after it, so that without a greeting end the deadline is exactly the verdict
        // plus the limit.)
        var verdictAfterAnswer = TimeSpan.FromSeconds(call.AmdTime);
        var left = AbandonmentClock.ConnectBy(verdictAfterAnswer, call.GreetingEnd is { } end ? TimeSpan.FromSeconds(end) : null,
            TimeSpan.FromSeconds(_scenario.ConnectLimitSeconds)) - verdictAfterAnswer;
        var deadline = now + left.TotalSeconds;
        if (deadline < now)
        {
            Abandon(call);
            return;
        }

        var agent = _router.TakeLongestIdle(Language, at);
        if (agent is { } id)
        {
            Connect(call, id, now);
            return;
        }

        call.Waiting = true;
        _waiting.Enqueue(call);
        _waitingCount++;
        Schedule(deadline, new SimEvent(EventKind.WaitDeadline, call, default));
    }

    private void OnWaitDeadline(SimCall call, double now)
    {
        if (!call.Waiting)
        {
            return;
        }

        call.Waiting = false;
        _waitingCount--;
        Abandon(call);
    }

    private void Abandon(SimCall call)
    {
        // No agent within the connect limit: the information message plays and the line hangs up. The dialer counts an
        // abandoned person whoever answered; the score counts only real people.
        var now = _clock.Seconds;
        _feed.Abandoned(_clock.GetUtcNow());
        if (TruthUnheard(call) == Truth.Person)
        {
            CountPerson(now, abandoned: true);
        }
    }

    private void Connect(SimCall call, AgentId agent, double now)
    {
        var left = _end - now;
        var at = _clock.GetUtcNow();
        _feed.Connected(at);
        // The operator marks what answered as soon as they hear it, with the console's "this was a person" / "this was a
        // machine" (AmdMarks; the screen-pop asks when AMD said machine), as the campaign runner learns it live: every MACHINE
        // verdict passed on, and every machine that reached them. This is what the operator heard, not what pacing is told
        // of calls nobody heard.
        if (call.Truth == Truth.Person)
        {
            CountPerson(now, abandoned: false);
            _talkSeconds += Math.Min(call.Talk, left);
            if (call.Verdict == AmdVerdict.Machine)
            {
                _feed.Reviewed(at, AmdVerdict.Machine, person: true, reachedOperator: true);
            }
        }
        else
        {
            _machinesReachingAgents++;
            _feed.Reviewed(at, call.Verdict, person: false, reachedOperator: true);
        }

        _busySeconds += Math.Min(call.Talk + call.Wrap, left);
        Schedule(now + call.Talk, new SimEvent(EventKind.TalkEnd, call, agent));
    }

    /// <summary>The truth of a call nobody heard, for scoring (flipped by the no-truth test).</summary>
    private Truth TruthUnheard(SimCall call) =>
        _flipUnobservedTruth?.Invoke(call.Number) == true
            ? call.Truth == Truth.Person ? Truth.Machine : Truth.Person
            : call.Truth;

    /// <summary>The abandonment rate the dialer itself would show: its own counts and its false-positive estimate.</summary>
    private double EstimatedRate()
    {
        var (persons, abandoned) = _feed.Gate.Ledger.Campaign;
        return persons <= 0 ? 0 : abandoned / persons;
    }

    private void OnTalkEnd(SimCall call, AgentId agent, double now)
    {
        if (call.Wrap > 0)
        {
            _router.Set(agent, AgentActivity.WrapUp, _clock.GetUtcNow());
            Schedule(now + call.Wrap, new SimEvent(EventKind.WrapEnd, call, agent));
            return;
        }

        OnWrapEnd(call, agent, now);
    }

    private void OnWrapEnd(SimCall call, AgentId agent, double now)
    {
        var at = _clock.GetUtcNow();
        _router.Set(agent, AgentActivity.Ready, at);
        _feed.HandleCompleted(at, TimeSpan.FromSeconds(call.Talk), TimeSpan.FromSeconds(call.Wrap));

        // The oldest call waiting inside its connect limit takes the agent who just became ready.
        while (_waiting.Count > 0)
        {
            var waiting = _waiting.Dequeue();
            if (!waiting.Waiting)
            {
                continue;
            }

            waiting.Waiting = false;
            _waitingCount--;
            var taken = _router.TakeLongestIdle(Language, at) ?? throw new InvalidOperationException("A ready agent vanished.");
            Connect(waiting, taken, now);
            break;
        }
    }

    private void CountPerson(double now, bool abandoned)
    {
        var minute = Math.Min(_personsByMinute.Length - 1, (int)(now / 60));
        _persons++;
        _personsByMinute[minute]++;
        if (abandoned)
        {
            _abandoned++;
            _abandonedByMinute[minute]++;
        }
    }

    private void RemoveLine(SimCall call)
    {
        var last = _lines[^1];
        _lines[call.LineIndex] = last;
        last.LineIndex = call.LineIndex;
        _lines.RemoveAt(_lines.Count - 1);
        call.LineIndex = -1;
    }

    private void Schedule(double at, SimEvent e) => _events.Enqueue(e, (at, _sequence++));

    private readonly record struct SimEvent(EventKind Kind, SimCall? Call, AgentId Agent);

    private sealed class SimCall
    {
        public Truth Truth { get; init; }

        public double DialedAt { get; init; }

        public double Progress { get; init; }

        public double AmdTime { get; init; }

        /// <summary>The end of the greeting the detector reports, seconds from answer; null when it reports none.</summary>
        public double? GreetingEnd { get; init; }

        public double AmdDraw { get; init; }

        public double Talk { get; init; }

        public double Wrap { get; init; }

        public LineState State { get; set; }

        public int LineIndex { get; set; }

        public bool Waiting { get; set; }

        public long Number { get; init; }

        public AmdVerdict Verdict { get; set; }
    }
}
