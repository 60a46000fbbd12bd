using System.Text.Json.Serialization;
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

    /// <summary>Machines AMD missed that reached an agent.</summary>
    [JsonIgnore]
    public long MachinesReachingAgents { get; init; }
}

/// <summary>
/// A discrete-event simulation of one campaign: a simulated call population answers, rings out or is busy
/// as the scenario says; the real pacing strategy decides how many lines to dial on a one-second tick and
/// after every event, and the real router connects persons to the longest-idle agent. Time jumps from
/// event to event on a <see cref="SimulationClock"/>; nothing sleeps.
/// </summary>
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

    private CampaignSimulator(Scenario scenario, IPacingStrategy pacing)
    {
        _scenario = scenario;
        _pacing = pacing;
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
    public static SimulationResult Run(Scenario scenario, IPacingStrategy pacing) => new CampaignSimulator(scenario, pacing).Run();

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
            AmdDraw = amdDraw,
            Talk = truth == Truth.Machine ? MissedMachineSeconds : talk,
            Wrap = truth == Truth.Machine ? 0 : wrap,
            State = LineState.Ringing,
            LineIndex = _lines.Count,
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
        Observe(new DialResolved(_clock.GetUtcNow(), outcome, TimeSpan.FromSeconds(call.Progress), TimeSpan.Zero));
    }

    private void OnVerdict(SimCall call, double now)
    {
        RemoveLine(call);
        var amd = _scenario.Amd;
        var machineVerdict = call.Truth == Truth.Person
            ? call.AmdDraw < amd.HumanCalledMachine
            : call.AmdDraw < amd.MachineDetected;
        var at = _clock.GetUtcNow();
        Observe(new DialResolved(
            at,
            machineVerdict ? DialOutcome.MachineVerdict : DialOutcome.AgentNeeded,
            TimeSpan.FromSeconds(call.Progress),
            TimeSpan.FromSeconds(call.AmdTime)));

        if (machineVerdict)
        {
            if (call.Truth == Truth.Person)
            {
                // The person hears the machine message or a hang-up: an abandoned call.
                _abandonedByAmd++;
                CountPerson(now, abandoned: true);
                Observe(new PersonAnswered(at, AbandonCause.AmdCalledPersonMachine));
            }

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
        Schedule(now + _scenario.ConnectLimitSeconds, new SimEvent(EventKind.WaitDeadline, call, default));
    }

    private void OnWaitDeadline(SimCall call, double now)
    {
        if (!call.Waiting)
        {
            return;
        }

        // No agent within the connect limit: the information message plays and the line hangs up.
        call.Waiting = false;
        _waitingCount--;
        if (call.Truth == Truth.Person)
        {
            CountPerson(now, abandoned: true);
            Observe(new PersonAnswered(_clock.GetUtcNow(), AbandonCause.NoAgentWithinConnectLimit));
        }
    }

    private void Connect(SimCall call, AgentId agent, double now)
    {
        var left = _end - now;
        if (call.Truth == Truth.Person)
        {
            CountPerson(now, abandoned: false);
            _talkSeconds += Math.Min(call.Talk, left);
            Observe(new PersonAnswered(_clock.GetUtcNow(), null));
        }
        else
        {
            _machinesReachingAgents++;
        }

        _busySeconds += Math.Min(call.Talk + call.Wrap, left);
        Schedule(now + call.Talk, new SimEvent(EventKind.TalkEnd, call, agent));
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
        Observe(new HandleCompleted(at, TimeSpan.FromSeconds(call.Talk), TimeSpan.FromSeconds(call.Wrap)));

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

    private void Observe(PacingEvent pacingEvent) => _pacing.Observe(pacingEvent);

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

        public double AmdDraw { get; init; }

        public double Talk { get; init; }

        public double Wrap { get; init; }

        public LineState State { get; set; }

        public int LineIndex { get; set; }

        public bool Waiting { get; set; }
    }
}
