using System.Collections.Concurrent;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Inbound;
using Collections.Dialer.Pacing;
using Collections.Dialer.Sip;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Tests.Inbound;

/// <summary>Blending: Erlang C staffing for the inbound service level, and a campaign's pacing dialing only for the ready
/// operators the inbound queue does not need.</summary>
public sealed class BlendingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Erlang_C_gives_the_textbook_staffing_for_80_percent_within_20_seconds()
    {
        // 200 calls an hour of 180 s each is 10 erlangs: 13 operators answer 79.6 % within 20 s, 14 answer 88.8 % (the
        // standard worked example, e.g. callcentrehelper.com's Erlang C calculator).
        Assert.Equal(0.7956, InboundReserve.ServiceLevelWith(13, 10, 180, 20), 3);
        Assert.Equal(0.8884, InboundReserve.ServiceLevelWith(14, 10, 180, 20), 3);
        Assert.Equal(14, InboundReserve.OperatorsNeeded(200, 180, 0.8, 20, max: 100));
        Assert.Equal(10, InboundReserve.OperatorsNeeded(200, 180, 0.8, 20, max: 10));
        Assert.Equal(0, InboundReserve.OperatorsNeeded(0, 180, 0.8, 20, max: 100));
        Assert.Equal(0, InboundReserve.ServiceLevelWith(10, 10, 180, 20));
    }

    [Fact]
    public void The_reserve_is_the_staffing_less_operators_on_inbound_calls_at_least_the_callers_waiting_and_at_most_the_ready()
    {
        var quiet = new InboundTraffic(Waiting: 0, OnInbound: 0, ArrivalsPerHour: 0, HandleSeconds: 300);
        Assert.Equal(0, InboundReserve.Reserve(quiet, 0.8, 20, ready: 5, floor: 5));
        // 8 calls an hour of 300 s: 2 operators for 80 % within 20 s.
        Assert.Equal(2, InboundReserve.Reserve(quiet with { ArrivalsPerHour = 8 }, 0.8, 20, ready: 5, floor: 5));
        Assert.Equal(1, InboundReserve.Reserve(quiet with { ArrivalsPerHour = 8, OnInbound = 1 }, 0.8, 20, ready: 5, floor: 5));
        Assert.Equal(3, InboundReserve.Reserve(quiet with { Waiting = 3 }, 0.8, 20, ready: 5, floor: 5));
        Assert.Equal(2, InboundReserve.Reserve(quiet with { Waiting = 3 }, 0.8, 20, ready: 2, floor: 5));
    }

    [Fact]
    public void The_meter_measures_arrivals_over_its_window_and_handle_times_once_enough_calls_ended()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var meter = new InboundTrafficMeter(new BlendingOptions { ArrivalWindowMinutes = 15, HandleTimeSeconds = 300 }, 20, time, () => 0);
        meter.Arrived();
        meter.Arrived();
        Assert.Equal(new InboundTraffic(0, 0, 8, 300), meter.Traffic());
        Assert.Equal(2, meter.Reserved(ready: 4, loggedIn: 4));

        for (var i = 0; i < InboundTrafficMeter.MeasuredCallsNeeded; i++)
        {
            using var talk = meter.Conversation();
            Assert.Equal(1, meter.Traffic().OnInbound);
            time.Advance(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(60, meter.Traffic().HandleSeconds);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(0, meter.Traffic().ArrivalsPerHour);
        Assert.Equal(0, meter.Reserved(ready: 4, loggedIn: 4));
        Assert.Equal(0, new InboundTrafficMeter(new BlendingOptions { Enabled = false }, 20, time, () => 3).Reserved(ready: 4, loggedIn: 4));
    }

    [Fact]
    public async Task With_inbound_callers_waiting_or_arriving_the_campaign_dials_for_fewer_operators_and_with_none_for_all()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var waiting = 0;
        var meter = new InboundTrafficMeter(new BlendingOptions(), 20, time, () => Volatile.Read(ref waiting));
        var pool = new AgentPool();
        for (var i = 1; i <= 4; i++)
        {
            pool.LogIn(new RoutingAgentId(i), ["en"], time.GetUtcNow());
        }

        var pacing = new WatchedPacing();
        var queue = new EmptyQueue();
        var ledger = new ContactLedger(null!, () => throw new InvalidOperationException("no call is placed"), time, NullLogger<ContactLedger>.Instance);
        var campaign = new Campaign { Name = "blending", Mode = DialMode.Progressive, Status = CampaignStatus.Running, MaxLinesPerAgent = 3, Queue = "blending" };
        var runner = new CampaignRunner(campaign, new CampaignRunnerDependencies(
            new NoCalls(), ledger, new AmdLedger(ledger, NullLogger<AmdLedger>.Instance), queue, pool, new NoEvents(), time, NullLogger.Instance,
            Inbound: meter), pacing);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = runner.RunAsync(TimeSpan.Zero, stop.Token);

        // Nobody calling in: the four ready operators are the campaign's, four lines (progressive: one per operator).
        Assert.Equal((4, 4), await pacing.NextAsync(time));
        Assert.Equal(4, await queue.NextAsync());

        // Two callers joined the queue in the window (8 an hour of 300 s each): Erlang C keeps two operators idle for them.
        meter.Arrived();
        meter.Arrived();
        Assert.Equal((2, 2), await pacing.NextAsync(time));
        Assert.Equal(2, await queue.NextAsync());

        // Three callers waiting now hold back three whatever the rate says.
        Volatile.Write(ref waiting, 3);
        Assert.Equal((1, 1), await pacing.NextAsync(time));

        // The callers were answered and the window passed: all four again.
        Volatile.Write(ref waiting, 0);
        time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal((4, 4), await pacing.NextAsync(time));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    /// <summary>Progressive pacing, watched: the ready operators each decision saw and the lines it asked for.</summary>
    private sealed class WatchedPacing : IPacingStrategy
    {
        private readonly ProgressivePacing _inner = new();
        private readonly ConcurrentQueue<(int Ready, int Lines)> _decisions = new();

        public string Name => _inner.Name;

        public void Observe(PacingEvent pacingEvent) => _inner.Observe(pacingEvent);

        public int LinesToDial(PacingSnapshot snapshot)
        {
            var lines = _inner.LinesToDial(snapshot);
            _decisions.Enqueue((snapshot.ReadyAgents, lines));
            return lines;
        }

        /// <summary>The latest decision after the next tick of the pacing loop (a second on the fake clock).</summary>
        public async Task<(int Ready, int Lines)> NextAsync(FakeTimeProvider time)
        {
            _decisions.Clear();
            time.Advance(TimeSpan.FromSeconds(1));
            for (var i = 0; i < 200 && _decisions.IsEmpty; i++)
            {
                await Task.Delay(10, Ct);
            }

            Assert.True(_decisions.TryDequeue(out var decision), "no pacing decision after a tick");
            return decision;
        }
    }

    /// <summary>A queue with nothing due that records how many lines each fill asked for.</summary>
    private sealed class EmptyQueue : IDialQueue
    {
        private readonly ConcurrentQueue<int> _asked = new();

        public Task<IReadOnlyList<DialTarget>> TakeAsync(Campaign campaign, int count, IReadOnlySet<AccountId> exclude, CancellationToken cancellationToken)
        {
            _asked.Enqueue(count);
            return Task.FromResult<IReadOnlyList<DialTarget>>([]);
        }

        /// <summary>Lines the last fill was for (progressive asks the queue for three accounts per line, to step past those no
        /// held operator speaks).</summary>
        public async Task<int> NextAsync()
        {
            for (var i = 0; i < 200 && _asked.IsEmpty; i++)
            {
                await Task.Delay(10, Ct);
            }

            var last = 0;
            while (_asked.TryDequeue(out var count))
            {
                last = count / 3;
            }

            return last;
        }
    }

    private sealed class NoCalls : IOutboundCalls
    {
        public bool UsesDemoCarrier => false;

        public SipUserAgent UserAgent => throw new InvalidOperationException("no call is placed");

        public Registrar Registrar => throw new InvalidOperationException("no call is placed");

        public Task<SipCallLeg> PlaceAsync(string number, CancellationToken cancellationToken) => throw new InvalidOperationException("no call is placed");
    }

    private sealed class NoEvents : ICampaignCallEvents
    {
        public void Connected(IConnectedCall call) => call.Refuse();

        public void Completed(CallOutcome outcome)
        {
        }
    }
}
