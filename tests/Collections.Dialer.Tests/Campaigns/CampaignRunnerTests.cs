using System.Collections.Concurrent;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Hopper;
using Collections.Dialer.Pacing;
using Collections.Dialer.Sip;
using Collections.Shared.Abandonment;
using Collections.Shared.Compliance;
using Collections.Shared.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.DueContacts;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Tests.Campaigns;

/// <summary>
/// A campaign against the demo carrier over real SIP on loopback, on a temporary SQLite with the demo data, fed by the
/// hopper from the queue of due calls: the ledger row is Pending before each INVITE leaves, humans reach the ready agent, a
/// second human with no free agent is abandoned, machines are hung up on and flagged. Calls run on the real clock;
/// compliance, the hopper and the queue are judged at a fixed weekday noon.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CampaignRunnerTests
{
    // Tuesday 24 November 2026, 12:00 UTC: inside the calling hours of the European demo debtors.
    private static readonly Instant Noon = Instant.FromUtc(2026, 11, 24, 12, 0);
    private static readonly Lazy<ComplianceEngine> Engine = new(() => ComplianceSetup.CreateEngine(new ComplianceOptions { RulePackDirectory = RepositoryRoot.Combine("config", "compliance") }));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Humans_GoToTheReadyAgent_Machines_AreFlagged_Busy_IsRecorded_AndEachRowIsPendingBeforeTheDial()
    {
        await using var world = await World.StartAsync(["human", "machine", "busy"]);
        var pool = new AgentPool();
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(1), WrapUp = TimeSpan.FromMilliseconds(200) };
        agents.LogIn(1, world.Languages);

        var (summary, outcomes) = await world.RunAsync(pool, agents, new ProgressivePacing(), expected: 3);

        var human = outcomes[world.Accounts[0]];
        Assert.Equal("answered", human.Outcome);
        Assert.Equal(1, human.Agent);
        Assert.Equal("HUMAN", human.Amd);
        var machine = outcomes[world.Accounts[1]];
        Assert.Equal("machine", machine.Outcome);
        Assert.Null(machine.Agent);
        Assert.Equal(486, outcomes[world.Accounts[2]].Status);
        Assert.Equal((3, 1, 0, 1), (summary.Dialed, summary.AnsweredHuman, summary.Abandoned, summary.Machine));

        Assert.Equal(3, world.PendingBeforeDial.Count);
        Assert.All(world.PendingBeforeDial, pending => Assert.True(pending, "no Pending ledger row when the INVITE was about to leave"));
        var rows = await world.LedgerAsync();
        Assert.Equal(ContactOutcome.Answered, rows[world.Accounts[0]].Outcome);
        Assert.Equal(ContactOutcome.Machine, rows[world.Accounts[1]].Outcome);
        Assert.True(rows[world.Accounts[1]].AmdFlagged);
        Assert.Equal(ContactOutcome.Busy, rows[world.Accounts[2]].Outcome);
        Assert.All(rows.Values, r => Assert.Equal(world.CampaignId, r.CampaignId));
    }

    [Fact]
    public async Task A_machine_verdict_before_any_person_goes_to_the_operator_and_their_mark_reaches_pacing_live_and_at_the_next_start()
    {
        await using var world = await World.StartAsync(["machine"]);
        var pool = new AgentPool();
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(1), WrapUp = TimeSpan.FromMilliseconds(200) };
        agents.LogIn(1, world.Languages);
        var marks = new AmdMarks(() => DatabaseSetup.CreateContext(world.Database), TimeProvider.System);

        // The shipped configuration (20.5 % of MACHINE verdicts assumed people): with no person answered yet, acting on the
        // verdict would spend more than AMD's share of the 3 % budget (Ofcom 2016; FTC TSR 16 CFR 310.4(b)(4)(i)), so the gate
        // passes it to the operator, and pacing sees a call needing an agent.
        CampaignRunner? first = null;
        var (summary, outcomes) = await world.RunAsync(pool, agents, new ProgressivePacing(), expected: 1, abandonment: new AbandonmentOptions(), marks: marks, created: r => first = r);

        var outcome = Assert.Single(outcomes.Values);
        Assert.Equal(("answered", 1, "MACHINE"), (outcome.Outcome, outcome.Agent ?? 0, outcome.Amd));
        Assert.Equal((1, 0), (summary.AnsweredHuman, summary.Machine));
        Assert.Equal(1, first!.Feed.Gate.Passed);
        Assert.Equal(0, first.Feed.Gate.Ledger.CampaignMachineVerdicts);
        var row = Assert.Single((await world.LedgerAsync()).Values);
        Assert.Equal((ContactOutcome.Answered, true), (row.Outcome, row.AmdFlagged));

        // The next run of the campaign: the operator's mark arrives while it runs, and a run after that starts from it.
        var second = RunIdle(world, pool, marks, out var stopSecond, out var secondRun);
        await second.Listening.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, second.Feed.Gate.Ledger.Estimate.Reviewed);
        Assert.Null((await marks.MarkAsync(row.Id, AnswerMark.Person, Ct)).Refusal);
        Assert.Equal((1L, 1L), (second.Feed.Gate.Ledger.Estimate.Reviewed, second.Feed.Gate.Ledger.Estimate.ReviewedPeople));
        await stopSecond.CancelAsync();
        await secondRun.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var third = RunIdle(world, pool, marks, out var stopThird, out var thirdRun);
        await third.Listening.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, third.Feed.Gate.Ledger.Estimate.Reviewed);
        Assert.Equal(1, third.Feed.Gate.Ledger.Estimate.ReviewedPeople);
        Assert.True(third.Feed.Gate.Ledger.Estimate.Share > new AbandonmentOptions().AmdFalsePositiveShare);
        await stopThird.CancelAsync();
        await thirdRun.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        stopSecond.Dispose();
        stopThird.Dispose();
    }

    [Fact]
    public async Task A_campaign_that_leaves_messages_starts_the_limited_content_message_after_the_beep()
    {
        await using var world = await World.StartAsync(["human", "machine"]);
        world.Campaign.MachinePolicy = Collections.Shared.Domain.MachinePolicy.LeaveMessage;
        world.Campaign.MachineMessage = RepositoryRoot.Combine("config", "messages", "limited-content-en-us.wav");
        var pool = new AgentPool();
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(1), WrapUp = TimeSpan.FromMilliseconds(200) };
        agents.LogIn(1, world.Languages);

        var (summary, outcomes) = await world.RunAsync(pool, agents, new ProgressivePacing(), expected: 2);

        // The demo carrier's machine plays a greeting and a beep: the message waits for the end of the beep (12 CFR 1006.2(j):
        // the name and the number must be on the tape, not lost under the greeting).
        var machine = Assert.Single(outcomes.Values, o => o.Outcome == "machine");
        Assert.Equal("MACHINE", machine.Amd);
        Assert.Equal($"message after {MessageCueCause.BeepEnded}", machine.Reason);
        Assert.Equal((1, 1), (summary.AnsweredHuman, summary.Machine));
    }

    private static CampaignRunner RunIdle(World world, AgentPool pool, AmdMarks marks, out CancellationTokenSource stop, out Task run)
    {
        var ledger = new ContactLedger(Engine.Value, () => DatabaseSetup.CreateContext(world.Database), world.ComplianceClock, NullLogger<ContactLedger>.Instance);
        var runner = new CampaignRunner(world.Campaign, new CampaignRunnerDependencies(
            world.Calls, ledger, new AmdLedger(ledger, NullLogger<AmdLedger>.Instance), world.DialQueue(), pool,
            new CollectingEvents(new SimulatedAgents(pool, TimeProvider.System), expected: 1), TimeProvider.System, NullLogger.Instance,
            Abandonment: new AbandonmentOptions(), Marks: marks), new ProgressivePacing());
        stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        run = runner.RunAsync(TimeSpan.FromSeconds(5), stop.Token);
        return runner;
    }

    [Fact]
    public async Task SecondHuman_WithNoAgentFreeWithin2s_IsAbandoned_AndTheRowSaysSo()
    {
        await using var world = await World.StartAsync(["human", "human"]);
        world.Campaign.Mode = DialMode.Predictive;   // predictive over-dials on purpose; progressive holds an agent per line
        var pool = new AgentPool();

        // The one agent talks far longer than the 2 s connect limit, so whichever person is second cannot be connected.
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(6), WrapUp = TimeSpan.Zero };
        agents.LogIn(1, world.Languages);

        var (summary, outcomes) = await world.RunAsync(pool, agents, new FixedRatioPacing(2), expected: 2);

        Assert.Equal((2, 1, 1), (summary.Dialed, summary.AnsweredHuman, summary.Abandoned));
        var abandoned = Assert.Single(outcomes.Values, o => o.Outcome == "abandoned");
        Assert.Null(abandoned.Agent);
        Assert.Single(outcomes.Values, o => o.Outcome == "answered" && o.Agent == 1);
        var rows = await world.LedgerAsync();
        Assert.Equal(ContactOutcome.Abandoned, rows[new AccountId(abandoned.Account)].Outcome);
        Assert.Single(rows.Values, r => r.Outcome == ContactOutcome.Answered);
    }

    [Fact]
    public async Task Progressive_HoldsAnAgentPerLine_SoTheSecondPersonIsDialedWhenTheAgentIsFree_NotAbandoned()
    {
        await using var world = await World.StartAsync(["human", "human"]);
        var pool = new AgentPool();
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(2), WrapUp = TimeSpan.Zero };
        agents.LogIn(1, world.Languages);

        // The strategy asks for two lines for the one agent; in a progressive campaign the second line finds no agent to hold
        // and is not dialed until the agent is free again (FTC TSR 310.4(b)(4): no person left without an operator).
        var (summary, outcomes) = await world.RunAsync(pool, agents, new FixedRatioPacing(2), expected: 2, holdRetry: TimeSpan.FromSeconds(1));

        Assert.Equal((2, 2, 0), (summary.Dialed, summary.AnsweredHuman, summary.Abandoned));
        Assert.All(outcomes.Values, o => Assert.Equal(("answered", 1), (o.Outcome, o.Agent ?? 0)));
        Assert.Equal(0, pool.Held);
    }

    [Fact]
    public async Task TheAgentPuttingThePhoneDown_EndsTheDebtorsLegToo()
    {
        await using var world = await World.StartAsync(["human"]);
        var phones = world.Services.GetRequiredService<AgentPhones>();
        var agent = new RoutingAgentId(1);
        Assert.Equal(AgentPhoneKind.DemoPhone, await phones.ConnectAsync(agent, null, Ct));
        var pool = new AgentPool();

        // The simulated agent would talk for ten minutes and the debtor stays two: only the phone's hang-up ends it in time.
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromMinutes(10), WrapUp = TimeSpan.Zero };
        agents.LogIn(1, world.Languages);
        var hangUp = Task.Run(async () =>
        {
            while (!phones.IsBridged(agent))
            {
                await Task.Delay(50, Ct);
            }

            await phones.DemoPhoneCallOf(agent)!.HangupAsync();
        }, Ct);

        var (_, outcomes) = await world.RunAsync(pool, agents, new ProgressivePacing(), expected: 1, phones: phones);
        await hangUp;
        Assert.Equal(("answered", 1), (Assert.Single(outcomes.Values).Outcome, Assert.Single(outcomes.Values).Agent ?? 0));
        Assert.Equal(AgentPhoneKind.None, phones.KindOf(agent));
    }

    [Fact]
    public void Holds_give_each_line_its_own_agent_across_callers_and_come_back_when_disposed()
    {
        var pool = new AgentPool();
        var at = DateTimeOffset.UnixEpoch;
        pool.LogIn(new RoutingAgentId(1), ["de", "en"], at);
        pool.LogIn(new RoutingAgentId(2), ["de"], at.AddSeconds(1));

        using var first = pool.TryHold("en");
        Assert.Equal(new RoutingAgentId(1), first?.Agent);
        using var second = pool.TryHold("de");
        Assert.Equal(new RoutingAgentId(2), second?.Agent);
        Assert.Null(pool.TryHold("de"));
        Assert.Equal(2, pool.Held);

        // A line's own agent is taken first; an agent held for another line only when nobody else speaks the language.
        Assert.Equal(new RoutingAgentId(2), pool.TakeLongestIdle("de", at, Collections.Shared.Domain.ContactAttemptId.New(), preferred: new RoutingAgentId(2)));
        second!.Dispose();
        second.Dispose();
        Assert.Equal(1, pool.Held);
        Assert.Equal(new RoutingAgentId(1), pool.TakeLongestIdle("de", at, Collections.Shared.Domain.ContactAttemptId.New()));
        first!.Dispose();
        Assert.Equal(0, pool.Held);
    }

    [Fact]
    public async Task APerson_TheConsoleCannotShowToTheOperator_IsAbandoned_AndTheRowSaysSo()
    {
        await using var world = await World.StartAsync(["human"]);
        var pool = new AgentPool();
        var agents = new SimulatedAgents(pool, TimeProvider.System) { Talk = TimeSpan.FromSeconds(6), WrapUp = TimeSpan.Zero };
        agents.LogIn(1, world.Languages);

        // The operator paused in the instant the call was routed: the console refuses it (FTC TSR 310.4(b)(4), Ofcom: a
        // person not connected to a live operator is an abandoned call, and hears the information message).
        var (summary, outcomes) = await world.RunAsync(pool, agents, new ProgressivePacing(), expected: 1, refuse: true);

        Assert.Equal((1, 0, 1), (summary.Dialed, summary.AnsweredHuman, summary.Abandoned));
        var abandoned = Assert.Single(outcomes.Values);
        Assert.Equal("abandoned", abandoned.Outcome);
        Assert.Equal(ContactOutcome.Abandoned, Assert.Single((await world.LedgerAsync()).Values).Outcome);
    }

    [Fact]
    public async Task NoAgentSpeaksTheDebtorsLanguage_NothingIsDialed_NorWrittenToTheLedger()
    {
        await using var world = await World.StartAsync(["human"]);
        var pool = new AgentPool();
        pool.LogIn(new Collections.Dialer.Routing.AgentId(1), ["tlh"], TimeProvider.System.GetUtcNow());
        var ledger = new ContactLedger(Engine.Value, () => DatabaseSetup.CreateContext(world.Database), world.ComplianceClock, NullLogger<ContactLedger>.Instance);
        var events = new CollectingEvents(new SimulatedAgents(pool, TimeProvider.System), expected: 1);
        var runner = new CampaignRunner(world.Campaign, new CampaignRunnerDependencies(
            world.Calls, ledger, new AmdLedger(ledger, NullLogger<AmdLedger>.Instance), world.DialQueue(),
            pool, events, TimeProvider.System, NullLogger.Instance), new ProgressivePacing());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(2.5));

        // Two and a half seconds is at least two pacing decisions with one ready agent and one account due.
        await runner.RunAsync(TimeSpan.FromSeconds(5), stop.Token).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Empty(world.PendingBeforeDial);
        Assert.Empty(events.Outcomes);
        Assert.Empty(await world.LedgerAsync());
        Assert.Equal(0, runner.Summary(1).Dialed);
    }

    [Fact]
    public async Task AddCampaignRunner_InAHostWithoutTrunk_CallsTheDemoCarrier_ForTheRunningCampaign_OnceAnAgentIsReady()
    {
        await using var world = await World.StartAsync(["human"], running: true);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = world.Database.ConnectionString,
            ["Collections:Compliance:RulePackDirectory"] = RepositoryRoot.Combine("config", "compliance"),
            ["Dialer:Sip:Port"] = "0",
            ["Dialer:DemoCarrier:RingSeconds"] = "0.3",
            ["Dialer:DemoCarrier:HumanPercent"] = "100",
            ["Dialer:DemoCarrier:MachinePercent"] = "0",
            ["Dialer:DemoCarrier:BusyPercent"] = "0",
            ["Dialer:DemoCarrier:NoAnswerPercent"] = "0",
            ["Dialer:DemoCarrier:FailurePercent"] = "0",
            ["Dialer:DemoCarrier:MaxCallSeconds"] = "2",
        });
        builder.Services.AddLogging();
        builder.AddCollectionsDatabase();
        builder.AddCompliance();
        builder.AddAmd();
        builder.AddTelephony();

        // Compliance and the due date are judged at the fixed noon (the calls themselves run on the real clock).
        builder.Services.AddSingleton(sp => new ContactLedger(Engine.Value, () => DatabaseSetup.CreateContext(world.Database), world.ComplianceClock, NullLogger<ContactLedger>.Instance));
        builder.Services.AddSingleton<IDialQueue>(world.DialQueue());
        builder.AddCampaignRunner();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        try
        {
            host.Services.GetRequiredService<AgentPool>().LogIn(new Collections.Dialer.Routing.AgentId(7), world.Languages, TimeProvider.System.GetUtcNow());
            ContactAttempt? row = null;
            for (var i = 0; i < 300 && row?.Outcome is null or ContactOutcome.Pending; i++)
            {
                await Task.Delay(100, Ct);
                row = (await world.LedgerAsync()).Values.SingleOrDefault();
            }

            Assert.NotNull(row);
            Assert.Equal(world.Accounts[0], row.AccountId);
            Assert.Equal(ContactOutcome.Answered, row.Outcome);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(null, "learned")]
    [InlineData("cautious", "cautious")]
    public void The_campaigns_detector_is_the_configured_amd_profile(string? configured, string expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (configured is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dialer:Amd:Profile"] = configured });
        }

        builder.AddAmd();
        using var host = builder.Build();

        Assert.Equal(expected, CampaignSupervisor.AmdDetectorName(host.Services));
    }

    /// <summary>Demo data on a temp SQLite, a campaign over a few callable accounts, and telephony to the demo carrier.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly IHost _host;

        public IServiceProvider Services => _host.Services;

        private World(DatabaseOptions database, IHost host, List<AccountId> accounts, List<string> languages, CampaignId campaignId, RecordingCalls calls)
        {
            Database = database;
            _host = host;
            Accounts = accounts;
            Languages = languages;
            CampaignId = campaignId;
            Calls = calls;
        }

        public DatabaseOptions Database { get; }

        public List<AccountId> Accounts { get; }

        public List<string> Languages { get; }

        public CampaignId CampaignId { get; }

        public RecordingCalls Calls { get; }

        public ConcurrentQueue<bool> PendingBeforeDial => Calls.PendingBeforeDial;

        public FakeTimeProvider ComplianceClock { get; } = new(Noon.ToDateTimeOffset());

        public Campaign Campaign { get; private set; } = null!;

        /// <summary>Seeds the demo, queues a call for as many callable accounts as <paramref name="behaviours"/> (and no other), and
        /// maps each one's number to a demo-carrier behaviour.</summary>
        public static async Task<World> StartAsync(string[] behaviours, bool running = false)
        {
            var database = await TestDatabases.NewSqlite().MigrateAsync();
            var accounts = new List<AccountId>();
            List<string> languages;
            var numbers = new Dictionary<string, string>();
            var campaign = new Campaign
            {
                Name = "runner test", Mode = DialMode.Progressive, Status = CampaignStatus.Running, RingTimeoutSeconds = 15, MaxLinesPerAgent = 3,
                Queue = "runner-test", CreatedAt = Noon,
            };
            await using (var db = DatabaseSetup.CreateContext(database))
            {
                await DemoDataSeeder.SeedIfEmptyAsync(db, Noon - Duration.FromDays(1), ct: Ct);
                if (running)
                {
                    // This campaign is the only one a host's runner picks up.
                    foreach (var other in await db.Campaigns.ToListAsync(Ct))
                    {
                        other.Status = CampaignStatus.Paused;
                    }
                }

                db.Campaigns.Add(campaign);
                var compliance = new ComplianceService(Engine.Value, () => DatabaseSetup.CreateContext(database), new FakeTimeProvider(Noon.ToDateTimeOffset()));
                var candidates = await db.Accounts.Join(db.PhoneNumbers, a => a.DebtorId, p => p.DebtorId, (a, p) => new { a.Id, p.E164, p.Priority })
                    .ToListAsync(Ct);

                // Accounts with no call in the ledger's look-back, so the retry table holds none back and the hopper starts
                // at the first number, which must be one libphonenumber accepts.
                var since = Noon - Duration.FromDays(14);
                var called = (await db.ContactAttempts.Where(a => a.StartedAt >= since).Select(a => a.AccountId).ToListAsync(Ct)).ToHashSet();
                var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
                foreach (var candidate in candidates.GroupBy(c => c.Id).Select(g => g.OrderBy(c => c.Priority).First())
                    .Where(c => !called.Contains(c.Id) && util.IsValidNumber(util.Parse(c.E164, null))))
                {
                    var decision = await compliance.CheckAsync(candidate.Id, new ContactTarget(ContactChannel.Call, candidate.E164), CampaignContext.Predictive, Noon, Ct);
                    if (decision is { Allowed: true } && !numbers.ContainsKey(candidate.E164))
                    {
                        numbers[candidate.E164] = behaviours[accounts.Count];
                        accounts.Add(candidate.Id);
                        if (accounts.Count == behaviours.Length)
                        {
                            break;
                        }
                    }
                }

                Assert.Equal(behaviours.Length, accounts.Count);

                // Only the chosen accounts have a call queued in the campaign's queue, oldest first in the order of the behaviours.
                db.ScheduledContacts.AddRange(accounts.Select((account, index) => new ScheduledContact
                {
                    AccountId = account, Channel = ContactChannel.Call, Campaign = campaign.Queue, Purpose = ContactPurpose.StrategyStep,
                    DueAt = Noon - Duration.FromMinutes(behaviours.Length - index), NextAttemptAt = Noon - Duration.FromMinutes(behaviours.Length - index),
                    Reason = "runner test", IdempotencyKey = $"runner-test:{account}", CreatedAt = Noon - Duration.FromHours(1),
                }));

                await db.SaveChangesAsync(Ct);
                languages = await db.Debtors.Select(d => d.PreferredLanguage).Distinct().ToListAsync(Ct);
            }

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Dialer:Sip:Port"] = "0",
                ["Dialer:DemoCarrier:RingSeconds"] = "0.3",
            });
            builder.AddTelephony();
            var host = builder.Build();
            await host.StartAsync(Ct);
            var calls = new RecordingCalls(host.Services.GetRequiredService<IOutboundCalls>(), database, numbers);
            return new World(database, host, accounts, languages, campaign.Id, calls) { Campaign = campaign };
        }

        /// <summary>A campaign that trusts its detector: no false positives assumed, as much evidence as a long campaign's marks,
        /// so its MACHINE verdicts are acted on from the first person on.</summary>
        public static readonly AbandonmentOptions TrustedAmd = new() { AmdFalsePositiveShare = 0, AmdFalsePositivePriorWeight = 100_000 };

        public async Task<(CampaignSummary Summary, Dictionary<AccountId, CallOutcome> Outcomes)> RunAsync(AgentPool pool, SimulatedAgents agents, IPacingStrategy strategy, int expected, bool refuse = false, TimeSpan? holdRetry = null, AgentPhones? phones = null, AbandonmentOptions? abandonment = null, AmdMarks? marks = null, Action<CampaignRunner>? created = null)
        {
            var ledger = new ContactLedger(Engine.Value, () => DatabaseSetup.CreateContext(Database), ComplianceClock, NullLogger<ContactLedger>.Instance);
            var events = new CollectingEvents(agents, expected, refuse);
            var runner = new CampaignRunner(Campaign, new CampaignRunnerDependencies(
                Calls,
                ledger,
                new AmdLedger(ledger, NullLogger<AmdLedger>.Instance),
                DialQueue(),
                pool,
                events,
                TimeProvider.System,
                NullLogger.Instance,
                phones,
                Abandonment: abandonment ?? TrustedAmd,
                Marks: marks), strategy)
            {
                HoldRetry = holdRetry ?? TimeSpan.FromSeconds(20),
            };
            created?.Invoke(runner);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var run = runner.RunAsync(TimeSpan.FromSeconds(20), stop.Token);
            await events.AllDone.WaitAsync(TimeSpan.FromSeconds(90), Ct);
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await agents.IdleAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            return (runner.Summary(1), events.Outcomes.ToDictionary(o => new AccountId(o.Account)));
        }

        /// <summary>The hopper's queue of due calls as one dialer node sees it, at the fixed noon.</summary>
        public HopperDialQueue DialQueue()
        {
            CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(Database);
            var hopper = new DialerHopper("runner-test", Engine.Value, CreateContext, ComplianceClock, new HopperOptions(),
                new DueContactQueue(CreateContext, ComplianceClock, NullLogger<DueContactQueue>.Instance), NullLogger<DialerHopper>.Instance);
            return new HopperDialQueue(hopper, CreateContext);
        }

        public async Task<Dictionary<AccountId, ContactAttempt>> LedgerAsync()
        {
            await using var db = DatabaseSetup.CreateContext(Database);
            var rows = await db.ContactAttempts.Where(a => a.CampaignId == CampaignId).ToListAsync(Ct);
            return rows.ToDictionary(r => r.AccountId);
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }
    }

    /// <summary>Telephony as the runner sees it, which first checks the ledger for the dial's Pending row, then calls the demo carrier's behaviour for that number.</summary>
    private sealed class RecordingCalls(IOutboundCalls inner, DatabaseOptions database, Dictionary<string, string> behaviours) : IOutboundCalls
    {
        public ConcurrentQueue<bool> PendingBeforeDial { get; } = new();

        public bool UsesDemoCarrier => inner.UsesDemoCarrier;

        public SipUserAgent UserAgent => inner.UserAgent;

        public Registrar Registrar => inner.Registrar;

        public async Task<SipCallLeg> PlaceAsync(string number, CancellationToken cancellationToken)
        {
            await using (var db = DatabaseSetup.CreateContext(database))
            {
                PendingBeforeDial.Enqueue(await db.ContactAttempts.AnyAsync(a => a.Address == number && a.Outcome == ContactOutcome.Pending, cancellationToken));
            }

            return await inner.PlaceAsync(behaviours[number], cancellationToken);
        }
    }

    private sealed class CollectingEvents(SimulatedAgents agents, int expected, bool refuse = false) : ICampaignCallEvents
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<CallOutcome> Outcomes { get; } = new();

        public Task AllDone => _done.Task;

        public void Connected(IConnectedCall call)
        {
            if (refuse)
            {
                call.Refuse();
            }
            else
            {
                agents.Take(call);
            }
        }

        public void Completed(CallOutcome outcome)
        {
            Outcomes.Enqueue(outcome);
            if (Outcomes.Count >= expected)
            {
                _done.TrySetResult();
            }
        }
    }
}
