using System.Collections.Concurrent;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Hopper;
using Collections.Dialer.Pacing;
using Collections.Dialer.Tests.Hopper;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Tests.Campaigns;

/// <summary>
/// The real runner over the hopper's queue of due calls (scheduled_contacts), placing real SIP calls to the demo carrier
/// (every debtor a person): a queued call is dialed when it falls due, carries its purpose and entry into the ledger, is
/// Done once connected, and gives its claim back; a callback goes to the operator who promised it, and to anyone with the
/// language only after its grace period. The hopper, the queue and the ledger run on the world's fake clock (Tuesday 10:00
/// in Berlin), which the test moves; the calls themselves run on the real clock.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QueuedCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_callback_is_dialed_at_its_time_to_the_operator_who_promised_it()
    {
        await using var floor = await Floor.StartAsync();
        var (anna, harriet) = (floor.Operators[0], floor.Operators[1]);
        var callback = await floor.CallbackAsync(harriet, TimeSpan.FromMinutes(10));

        // Anna has been idle longest, Harriet promised the call: both ready, both speak German.
        floor.Pool.LogIn(new RoutingAgentId(1), ["de"], TimeProvider.System.GetUtcNow(), anna.Id);
        floor.Pool.LogIn(new RoutingAgentId(2), ["de"], TimeProvider.System.GetUtcNow().AddSeconds(1), harriet.Id);
        await using var run = floor.Run();

        // Ten minutes before its time nothing is dialed, though two operators are free.
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        Assert.Empty(floor.Events.Outcomes);
        Assert.Empty(await floor.LedgerAsync());

        floor.World.Clock.Advance(TimeSpan.FromMinutes(10));
        var outcome = await floor.Events.NextAsync();

        Assert.Equal(("answered", 2), (outcome.Outcome, outcome.Agent ?? 0));
        var row = Assert.Single(await floor.LedgerAsync());
        Assert.Equal((ContactPurpose.Callback, callback.Call.Id, ContactOutcome.Answered), (row.Purpose, row.ScheduledContactId, row.Outcome));
        Assert.Equal(floor.World.Now, row.StartedAt);
        var entry = await floor.EntryAsync(callback.Call.Id);
        Assert.Equal((ScheduledContactStatus.Done, 1, row.Id), (entry.Status, entry.Attempts, entry.ContactAttemptId));
        Assert.Null(await floor.ClaimHolderAsync(callback.Account.Id));
    }

    [Fact]
    public async Task A_callback_waits_for_its_operator_until_the_grace_period_ends_then_goes_to_anyone_with_the_language()
    {
        await using var floor = await Floor.StartAsync();
        var (anna, harriet) = (floor.Operators[0], floor.Operators[1]);
        var callback = await floor.CallbackAsync(harriet, TimeSpan.Zero);

        // Harriet is not logged in; Anna is ready.
        floor.Pool.LogIn(new RoutingAgentId(1), ["de"], TimeProvider.System.GetUtcNow(), anna.Id);
        await using var run = floor.Run();

        // Anna is free the whole time, but the call is Harriet's for fifteen minutes.
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        Assert.Empty(floor.Events.Outcomes);
        Assert.Empty(await floor.LedgerAsync());

        floor.World.Clock.Advance(TimeSpan.FromMinutes(15));
        var outcome = await floor.Events.NextAsync();

        Assert.Equal(("answered", 1), (outcome.Outcome, outcome.Agent ?? 0));
        Assert.Equal(ScheduledContactStatus.Done, (await floor.EntryAsync(callback.Call.Id)).Status);
        Assert.Null(await floor.ClaimHolderAsync(callback.Account.Id));
    }

    [Fact]
    public async Task A_reminder_is_dialed_from_the_queue_and_a_call_not_connected_is_retried_by_the_retry_table()
    {
        await using var floor = await Floor.StartAsync(campaign: c => c.Queue = "instalment-reminders", busy: true);
        var reminder = floor.World.NewAccount("REMINDER", purpose: ContactPurpose.PreInstalment, queue: "instalment-reminders");
        await floor.World.SaveAsync([reminder]);
        floor.Pool.LogIn(new RoutingAgentId(1), ["de"], TimeProvider.System.GetUtcNow(), floor.Operators[0].Id);
        await using var run = floor.Run();

        var outcome = await floor.Events.NextAsync();

        // The demo carrier answers busy (486): the entry waits out the retry table's 15 minutes.
        Assert.Equal(("busy", 486), (outcome.Outcome, outcome.Status));
        var row = Assert.Single(await floor.LedgerAsync());
        Assert.Equal((ContactPurpose.PreInstalment, reminder.Call.Id), (row.Purpose, row.ScheduledContactId));
        var entry = await floor.EntryAsync(reminder.Call.Id);
        Assert.Equal((ScheduledContactStatus.Queued, 1, floor.World.Now + Duration.FromMinutes(15)), (entry.Status, entry.Attempts, entry.NextAttemptAt));
        Assert.Null(await floor.ClaimHolderAsync(reminder.Account.Id));
    }

    /// <summary>A hopper world, two operators, telephony to the demo carrier, and a runner over the hopper's queue.</summary>
    private sealed class Floor : IAsyncDisposable
    {
        private readonly IHost _host;

        private Floor(HopperWorld world, IHost host, IReadOnlyList<Agent> operators)
        {
            World = world;
            _host = host;
            Operators = operators;
        }

        public HopperWorld World { get; }

        public IReadOnlyList<Agent> Operators { get; }

        public AgentPool Pool { get; } = new();

        public Events Events { get; } = new();

        public static async Task<Floor> StartAsync(Action<Campaign>? campaign = null, bool busy = false)
        {
            var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync(), c =>
            {
                c.Mode = DialMode.Progressive;
                c.MaxLinesPerAgent = 1;
                c.RingTimeoutSeconds = 15;
                c.Queue = "callbacks";

                // Every demo debtor here is a person; under a heavily loaded machine AMD may still call one a machine, and
                // these tests are about who gets the call, not about AMD: whatever the verdict, it goes to an operator.
                c.MachinePolicy = Collections.Shared.Domain.MachinePolicy.SendToAgent;
                campaign?.Invoke(c);
            });
            Agent[] operators =
            [
                new() { Login = "anna.schneider", DisplayName = "Anna Schneider", Languages = "de,en" },
                new() { Login = "harriet.collins", DisplayName = "Harriet Collins", Languages = "de,en" },
            ];
            await world.AddAsync(operators);

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            var settings = DialerSettings.AllHumanDemoCarrier.ToDictionary(s => s.Key, s => (string?)s.Value);
            settings["Dialer:DemoCarrier:RingSeconds"] = "0.3";
            if (busy)
            {
                settings["Dialer:DemoCarrier:HumanPercent"] = "0";
                settings["Dialer:DemoCarrier:BusyPercent"] = "100";
            }

            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddTelephony();
            var host = builder.Build();
            await host.StartAsync(Ct);
            return new Floor(world, host, operators);
        }

        /// <summary>Queues a callback <paramref name="promisedBy"/> agreed, due in <paramref name="dueIn"/>, theirs alone for
        /// fifteen minutes from then.</summary>
        public async Task<Seeded> CallbackAsync(Agent promisedBy, TimeSpan dueIn)
        {
            var callback = World.NewAccount("CALLBACK", dueAgo: -dueIn, purpose: ContactPurpose.Callback, queue: "callbacks");
            callback.Call.AgentId = promisedBy.Id;
            callback.Call.AgentOnlyUntil = callback.Call.DueAt + Duration.FromMinutes(15);
            await World.SaveAsync([callback]);
            return callback;
        }

        /// <summary>Starts the runner over the hopper's queue (its node's own contexts); disposing stops it.</summary>
        public Running Run()
        {
            var ledger = new ContactLedger(HopperWorld.Engine, World.CreateContext, World.Clock, NullLogger<ContactLedger>.Instance);
            var agents = new SimulatedAgents(Pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(1), WrapUp = TimeSpan.FromMilliseconds(200) };
            Events.Agents = agents;
            var runner = new CampaignRunner(World.Campaign, new CampaignRunnerDependencies(
                _host.Services.GetRequiredService<IOutboundCalls>(),
                ledger,
                new AmdLedger(ledger, NullLogger<AmdLedger>.Instance),
                new HopperDialQueue(World.Hopper("node-a"), World.CreateContext),
                Pool,
                Events,
                TimeProvider.System,
                NullLogger.Instance), new ProgressivePacing())
            {
                HoldRetry = TimeSpan.FromMilliseconds(500),
            };
            return new Running(runner, agents);
        }

        public async Task<List<ContactAttempt>> LedgerAsync()
        {
            await using var db = World.CreateContext();
            return await db.ContactAttempts.AsNoTracking().ToListAsync(Ct);
        }

        public async Task<ScheduledContact> EntryAsync(Guid id)
        {
            await using var db = World.CreateContext();
            return await db.ScheduledContacts.AsNoTracking().SingleAsync(e => e.Id == id, Ct);
        }

        public async Task<string?> ClaimHolderAsync(AccountId account)
        {
            await using var db = World.CreateContext();
            return (await db.HopperClaims.AsNoTracking().SingleOrDefaultAsync(c => c.AccountId == account, Ct))?.ClaimedBy;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }
    }

    /// <summary>A runner dialing until disposed; then its calls finish and the simulated agents go idle.</summary>
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly Task _run;
        private readonly SimulatedAgents _agents;

        public Running(CampaignRunner runner, SimulatedAgents agents)
        {
            _agents = agents;
            _run = runner.RunAsync(TimeSpan.FromSeconds(20), _stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await _agents.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            _stop.Dispose();
        }
    }

    /// <summary>Hands each connected call to the simulated agents and collects the outcomes.</summary>
    private sealed class Events : ICampaignCallEvents
    {
        private readonly SemaphoreSlim _completed = new(0);

        public SimulatedAgents? Agents { get; set; }

        public ConcurrentQueue<CallOutcome> Outcomes { get; } = new();

        public void Connected(IConnectedCall call) => Agents!.Take(call);

        public void Completed(CallOutcome outcome)
        {
            Outcomes.Enqueue(outcome);
            _completed.Release();
        }

        /// <summary>The next outcome (calls end within the ring time, AMD and the simulated talk).</summary>
        public async Task<CallOutcome> NextAsync()
        {
            Assert.True(await _completed.WaitAsync(TimeSpan.FromSeconds(60), Ct), "no call completed within 60 s");
            return Outcomes.Last();
        }
    }
}
