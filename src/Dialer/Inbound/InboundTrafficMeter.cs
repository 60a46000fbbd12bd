using Collections.Dialer.Campaigns;
using Collections.Dialer.Pacing;
using Collections.Shared.Queues;

namespace Collections.Dialer.Inbound;

/// <summary>What blending decided now: operators held back from outbound dialing, how many the target needs in all, and the
/// traffic it was decided on.</summary>
public sealed record InboundBlendingNow(int Reserved, int Needed, InboundTraffic Traffic);

/// <summary>
/// Measures this node's inbound traffic (callers joining the queue, conversations and their length) and answers outbound
/// pacing's question "how many ready operators are not yours" (<see cref="IInboundReservation"/>) with
/// <see cref="InboundReserve"/>. Thread-safe: calls report from their own tasks, each campaign's pacing asks from its own.
/// </summary>
public sealed class InboundTrafficMeter : IInboundReservation
{
    /// <summary>Inbound calls measured on this node before their mean replaces the configured handle time.</summary>
    public const int MeasuredCallsNeeded = 5;

    private const int HandleTimesKept = 50;

    private readonly BlendingOptions _options;
    private readonly double _targetSeconds;
    private readonly TimeProvider _time;
    private readonly Func<int> _waiting;
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _arrivals = new();
    private readonly Queue<double> _handleSeconds = new();
    private int _onInbound;

    /// <param name="options">The blending target and window.</param>
    /// <param name="targetSeconds">The service level's time (<see cref="InboundOptions.ServiceLevelSeconds"/>).</param>
    /// <param name="time">The clock.</param>
    /// <param name="waiting">Callers in the queue now.</param>
    public InboundTrafficMeter(BlendingOptions options, double targetSeconds, TimeProvider time, Func<int> waiting)
    {
        _options = options;
        _targetSeconds = targetSeconds;
        _time = time;
        _waiting = waiting;
    }

    /// <summary>A caller joined the queue.</summary>
    public void Arrived()
    {
        lock (_gate)
        {
            _arrivals.Enqueue(_time.GetUtcNow());
        }
    }

    /// <summary>An operator took an inbound call; dispose when the conversation ends (its length becomes a handle time), or
    /// <see cref="InboundTalk.Cancel"/> it when the operator never spoke to the caller (the console refused the call).</summary>
    public InboundTalk Conversation()
    {
        Interlocked.Increment(ref _onInbound);
        return new InboundTalk(this, _time.GetUtcNow());
    }

    /// <summary>The traffic now: callers waiting, operators on inbound calls, arrivals per hour over the window, the handle time.</summary>
    public InboundTraffic Traffic()
    {
        var now = _time.GetUtcNow();
        var window = TimeSpan.FromMinutes(_options.ArrivalWindowMinutes);
        lock (_gate)
        {
            while (_arrivals.TryPeek(out var first) && now - first > window)
            {
                _arrivals.Dequeue();
            }

            var handle = _handleSeconds.Count >= MeasuredCallsNeeded ? _handleSeconds.Average() : _options.HandleTimeSeconds;
            return new InboundTraffic(_waiting(), Volatile.Read(ref _onInbound), _arrivals.Count / window.TotalHours, handle);
        }
    }

    /// <summary>Blending's decision for a floor of <paramref name="loggedIn"/> operators of whom <paramref name="ready"/> are ready.</summary>
    public InboundBlendingNow Now(int ready, int loggedIn)
    {
        var traffic = Traffic();
        if (!_options.Enabled)
        {
            return new InboundBlendingNow(0, 0, traffic);
        }

        var share = _options.ServiceLevelPercent / 100;
        var needed = InboundReserve.OperatorsNeeded(traffic.ArrivalsPerHour, traffic.HandleSeconds, share, _targetSeconds, loggedIn);
        return new InboundBlendingNow(InboundReserve.Reserve(traffic, share, _targetSeconds, ready, loggedIn), needed, traffic);
    }

    /// <inheritdoc />
    public int Reserved(int ready, int loggedIn) => Now(ready, loggedIn).Reserved;

    private void Ended(DateTimeOffset answeredAt, bool measured)
    {
        Interlocked.Decrement(ref _onInbound);
        if (!measured)
        {
            return;
        }

        lock (_gate)
        {
            _handleSeconds.Enqueue(Math.Max(1, (_time.GetUtcNow() - answeredAt).TotalSeconds));
            if (_handleSeconds.Count > HandleTimesKept)
            {
                _handleSeconds.Dequeue();
            }
        }
    }

    /// <summary>One inbound conversation as the meter counts it.</summary>
    public sealed class InboundTalk : IDisposable
    {
        private readonly InboundTrafficMeter _meter;
        private readonly DateTimeOffset _answeredAt;
        private int _ended;

        internal InboundTalk(InboundTrafficMeter meter, DateTimeOffset answeredAt)
        {
            _meter = meter;
            _answeredAt = answeredAt;
        }

        /// <summary>Ends it without taking its length as a handle time.</summary>
        public void Cancel() => End(measured: false);

        /// <summary>Ends it; its length is a handle time.</summary>
        public void Dispose() => End(measured: true);

        private void End(bool measured)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                _meter.Ended(_answeredAt, measured);
            }
        }
    }

    /// <summary>Counts ready and logged-in operators in a pool snapshot.</summary>
    internal static (int Ready, int LoggedIn) Count(IReadOnlyList<AgentSnapshot> agents) =>
        (agents.Count(a => a.Activity == AgentActivity.Ready), agents.Count);
}
