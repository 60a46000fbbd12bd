using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Tests.EndToEnd;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Collections.AgentConsole.Tests.ScaleOut;

/// <summary>
/// Issue 19, item 2: two complete main-job nodes (console and in-process dialer, each with its own SIP endpoint and demo
/// carrier) on one PostgreSQL and one Redis, behind HAProxy from Debian (WebSockets, sticky cookie, health checks), as
/// docs/scale-out.md describes. Operators sign in through the balancer, which spreads them over both nodes; they take calls
/// and save outcomes. Node A is killed with SIGKILL while one of its operators is in a conversation. Then: A's operators'
/// connections come back through the balancer to node B and go ready again and take B's calls; the outcome the operator was
/// typing when A died is saved on B; A's calls in flight are closed in the ledger; and its Quartz
/// instance is recovered by B's; B's wallboard shows the floor that is left; nothing saved is lost or doubled, and no
/// account was called while another call to it was open.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TwoNodeFailoverTests : IAsyncDisposable
{
    private static readonly string[] OperatorLogins = ["anna.schneider", "harriet.collins", "kovacs.eszter", "liga.ozola"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"collections-failover-{Guid.NewGuid():N}");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_node_killed_behind_HAProxy_its_operators_carry_on_on_the_other_and_nothing_is_lost_or_doubled()
    {
        Directory.CreateDirectory(_root);
        await using var postgres = await PostgresServer.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("failover");
        var database = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connection };
        await using var redis = await RedisServer.StartAsync(Ct);
        var offsetFile = Path.Combine(_root, "clock-offset");
        CallingRules.WeekdayAfternoon(offsetFile);

        var portA = FreePorts.UdpAndTcp();
        var portB = FreePorts.UdpAndTcp(from: portA + 1);
        // The nodes' logs stay beside the test's other artifacts, for a failure in CI.
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "failover");
        Directory.CreateDirectory(artifacts);
        var logA = Path.Combine(artifacts, "node-a.log");
        var logB = Path.Combine(artifacts, "node-b.log");
        File.Delete(logA);
        File.Delete(logB);
        // The schema is an explicit deployment step on PostgreSQL (never a side effect of a node's start).
        var migrated = await ConsoleProcess.RunCliAsync(_root, Node("a", connection, redis, offsetFile), "migrate");
        Assert.True(migrated.Exit == 0, $"migrate: {migrated.Stdout}{migrated.Stderr}");
        // A starts alone: it seeds the demo; its Quartz instance is the only one until B comes.
        await using var nodeA = await ConsoleProcess.StartAsync(new Uri($"http://127.0.0.1:{portA}/"), Node("a", connection, redis, offsetFile), logA, Ct);
        var quartzOfA = await SchedulerInstancesAsync(connection);
        Assert.Single(quartzOfA);
        await using var nodeB = await ConsoleProcess.StartAsync(new Uri($"http://127.0.0.1:{portB}/"), Node("b", connection, redis, offsetFile), logB, Ct);
        await using var balancer = await HaproxyServer.StartAsync([("a", portA), ("b", portB)], Ct);
        await balancer.WaitForNodeAsync("a", "UP", TimeSpan.FromSeconds(30), Ct);
        await balancer.WaitForNodeAsync("b", "UP", TimeSpan.FromSeconds(30), Ct);
        var operators = new List<BalancedOperator>();
        string Logs() => $"\noperators: {string.Join("; ", operators.Select(o => o.Report()))}\nnode A ({logA}):\n{nodeA.Tail(30)}\nnode B ({logB}):\n{nodeB.Tail(30)}";

        // The balancer chooses each operator's node (round robin on the first request, then its cookie keeps her there).
        foreach (var login in OperatorLogins)
        {
            operators.Add(await BalancedOperator.ConnectAsync(balancer.BaseAddress, login, stickTo: null, Ct));
        }

        var onA = operators.Where(o => o.Node == "a").ToList();
        var onB = operators.Where(o => o.Node == "b").ToList();
        Assert.True(onA.Count > 0 && onB.Count > 0, $"the balancer did not spread the operators: {string.Join(", ", operators.Select(o => $"{o.Login} on {o.Node}"))}");
        // The supervisor watches from node A: her wallboard goes through the failover too.
        await using var supervisor = await BalancedOperator.ConnectAsync(balancer.BaseAddress, DemoUsers.SupervisorLogin, stickTo: "a", Ct, ConsoleHubs.SupervisorPath);
        var boards = Channel.CreateUnbounded<WallboardDto>();
        supervisor.Hub.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), b => boards.Writer.TryWrite(b));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var work = operators.Select(o => o.WorkAsync(stop.Token)).ToList();
        try
        {
            // Calls flow on both nodes; then A dies while one of its operators is in a conversation.
            await WaitAsync("an outcome saved by an operator on each node", () => onA.Any(o => o.Saved.Count > 0) && onB.Any(o => o.Saved.Count > 0), Logs);
            // From now on A's operators stay in their conversations until A is dead: one is in a call when it dies.
            onA.ForEach(o => o.HoldCalls());
            await WaitAsync("an operator on node A in a conversation", () => onA.Any(o => o.InConversation), Logs);
            var nodeOfA = await LedgerNodeOfAsync(database, nodeA.Id);
            var inConversation = onA.Where(o => o.InConversation).Select(o => (Operator: o, Call: o.CurrentCall!.Value)).ToList();
            await nodeA.KillAsync();
            var killedAt = DateTimeOffset.UtcNow;
            await balancer.WaitForNodeAsync("a", "DOWN", TimeSpan.FromSeconds(30), Ct);
            onA.ForEach(o => o.ReleaseCalls());

            // A's operators: back through the balancer on B, ready again, taking B's calls.
            foreach (var op in onA)
            {
                await op.Reconnected.WaitAsync(TimeSpan.FromMinutes(2), Ct);
                Assert.Equal("b", op.Node);
            }

            await WaitAsync("every operator of node A ready again on node B", () => onA.All(o => o.State == AgentState.Ready), Logs);
            // The call on A's operator's screen when A died came back to her on B, and its outcome was saved there, once.
            // Waited for as what it is: each such call saved through B, and nothing outstanding. "Nothing outstanding" alone can
            // be true before her save has failed on A's dead connection (it counts as outstanding only once the client gives
            // up on it). Whether that is what three full runs of 2026-12-05 hit (failing here, passing alone) is not proven.
            await WaitAsync("the outcome of the call in conversation when node A died saved on node B",
                () => inConversation.All(c => c.Operator.SavedOn(c.Call, "b")) && onA.All(o => o.UnsavedCount == 0), Logs);
            Assert.NotEmpty(inConversation);
            Assert.All(inConversation, c => Assert.True(c.Operator.SavedOn(c.Call, "b"),
                $"{c.Operator.Login}'s call {c.Call} in conversation when node A died has no outcome saved on node B; saved: {c.Operator.SavedSummary()}{Logs()}"));
            TestContext.Current.TestOutputHelper?.WriteLine($"calls in conversation at the kill: {inConversation.Count}, their outcomes saved on node B: {inConversation.Count(c => c.Operator.SavedOn(c.Call, "b"))}");
            // Node B goes on dialing for the floor that is left (the demo's supply of calls due is small, so which operator takes the
            // next one is not fixed: every one of them is ready on B).
            var givenBack = inConversation.Select(c => c.Call).ToHashSet();
            await WaitAsync("a new call put through on node B after the kill", () => operators.Any(o => o.SavedAfter(killedAt, except: givenBack) > 0), Logs);

            // The floor that is left: B's wallboard, now the supervisor's, shows every operator signed in and working.
            await supervisor.Reconnected.WaitAsync(TimeSpan.FromMinutes(2), Ct);
            await WaitAsync("the supervisor's wallboard from node B showing all four operators at work", () =>
            {
                while (boards.Reader.TryRead(out var board))
                {
                    var states = operators.Select(o => board.Agents.FirstOrDefault(a => a.AgentId == o.AgentId)?.State ?? AgentState.LoggedOut).ToList();
                    if (states.All(s => s != AgentState.LoggedOut))
                    {
                        return true;
                    }
                }

                return false;
            }, Logs);

            // A's calls in flight are closed by B (its ledger node went silent), and B's Quartz instance
            // recovered A's (Quartz removes a failed instance's state and fired triggers when it recovers them).
            await nodeB.WaitUntilAsync(database, "node A's calls in flight closed by node B", async db =>
                !await db.ContactAttempts.AnyAsync(a => a.Node == nodeOfA && a.EndedAt == null, Ct));
            await WaitAsync("node B's Quartz instance recovering node A's", () => !SchedulerInstancesAsync(connection).GetAwaiter().GetResult().Contains(quartzOfA[0]), Logs);
            Assert.Empty(await FiredTriggersOfAsync(connection, quartzOfA[0]));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(work.Select(async w =>
            {
                try
                {
                    await w;
                }
                catch (OperationCanceledException)
                {
                }
            }));
        }

        await using (var db = DatabaseSetup.CreateContext(database))
        {
            // Nothing lost: every outcome an operator was told was saved is there, as saved.
            var saved = operators.SelectMany(o => o.Saved).ToList();
            var ids = saved.Select(s => new DispositionId(s.Saved.DispositionId)).ToList();
            var stored = await db.Dispositions.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, Ct);
            Assert.All(saved, s => Assert.True(stored.ContainsKey(new DispositionId(s.Saved.DispositionId)), $"{s.Login}'s outcome of call {s.CallId} was lost"));
            // Nothing doubled: one outcome per call.
            var doubled = await db.Dispositions.AsNoTracking().Where(d => d.ContactAttemptId != null).GroupBy(d => d.ContactAttemptId)
                .Where(g => g.Count() > 1).Select(g => g.Key).ToListAsync(Ct);
            Assert.Empty(doubled);
            await CallingRules.AssertNoCallBreachesAsync(db, "after the failover", logA, Ct);
            var calls = await db.ContactAttempts.CountAsync(a => a.Channel == ContactChannel.Call && a.Node != null, Ct);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"two nodes behind HAProxy: {calls} calls placed, {saved.Count} outcomes saved ({saved.Count(x => x.Node == "b")} on node B), operators {string.Join(", ", operators.Select(o => $"{o.Login} {o.FirstNode}->{o.Node}"))}");
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
            File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "artifacts", "failover.txt"), $"{DateTimeOffset.UtcNow:O} {summary}\n");
        }

        foreach (var op in operators)
        {
            await op.DisposeAsync();
        }
    }

    private Dictionary<string, string> Node(string name, string connection, RedisServer redis, string offsetFile)
    {
        var folder = Path.Combine(_root, name);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Collections__Database__Provider"] = "Postgres",
            ["Collections__Database__ConnectionString"] = connection,
            ["Collections__Clock__OffsetFile"] = offsetFile,
            ["Collections__SignalR__Redis"] = redis.ConnectionString,
            ["Collections__SignalR__ChannelPrefix"] = $"failover-{Path.GetFileName(_root)}",
            ["Collections__DataProtection__KeysDirectory"] = Path.Combine(_root, "keys"),
            ["Collections__Demo__Calls__SimulatedOperators"] = "0",
            ["Collections__Outreach__PrintQueueDirectory"] = Path.Combine(folder, "print-queue"),
            ["Collections__Outreach__DemoMessaging__Directory"] = Path.Combine(folder, "demo-messaging"),
            ["Collections__Ledger__Heartbeat"] = "00:00:01",
            ["Collections__Ledger__Lease"] = "00:00:05",
            ["Collections__Hopper__NodeId"] = $"node-{name}",
            ["Collections__Hopper__LeaseDuration"] = "00:00:20",
            ["Collections__Scheduling__Clustered"] = "true",
            ["Collections__Scheduling__ClusterCheckinInterval"] = "00:00:02",
            ["Dialer__Sip__Port"] = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture),
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in DialerSettings.AllHumanDemoCarrier.Where(s => s.Key != "Dialer:Sip:Port"))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    private static async Task<string> LedgerNodeOfAsync(DatabaseOptions database, int processId)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        var nodes = await db.LedgerNodes.AsNoTracking().Select(n => n.Id).ToListAsync(Ct);
        return Assert.Single(nodes, n => n.Contains($"/{processId}/", StringComparison.Ordinal));
    }

    private static async Task<List<string>> SchedulerInstancesAsync(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT instance_name FROM qrtz_scheduler_state", db);
        var instances = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            instances.Add(reader.GetString(0));
        }

        return instances;
    }

    private static async Task<List<string>> FiredTriggersOfAsync(string connection, string instance)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT trigger_name FROM qrtz_fired_triggers WHERE instance_name = @i", db);
        command.Parameters.AddWithValue("i", instance);
        var triggers = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            triggers.Add(reader.GetString(0));
        }

        return triggers;
    }

    /// <summary>Polls <paramref name="done"/> every 200 ms for up to 3 minutes: a wait on a loaded machine, not a speed limit.</summary>
    private static async Task WaitAsync(string what, Func<bool> done, Func<string> context)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromMinutes(3); waited += TimeSpan.FromMilliseconds(200))
        {
            if (done())
            {
                return;
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail($"waited 3 minutes for {what}{context()}");
    }

    public async ValueTask DisposeAsync() => await ConsoleProcess.DeleteFolderAsync(_root);

    private sealed record SavedOutcome(string Login, Guid CallId, OutcomeSavedDto Saved, string Node, DateTimeOffset At);

    /// <summary>
    /// A person at a browser behind the balancer: one cookie jar for the sign-in cookie and HAProxy's sticky cookie, a hub
    /// connection that reconnects as the page does (every second, for as long as it takes), and on reconnection reloads and
    /// goes ready again. Holds each call a moment (a conversation), then saves the outcome; an outcome refused because the
    /// connection dropped is kept and sent again after the reconnection, as the page keeps the form.
    /// </summary>
    private sealed class BalancedOperator : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly CookieContainer _cookies;
        private readonly Uri _balancer;
        private readonly Channel<ScreenPopDto> _pops = Channel.CreateUnbounded<ScreenPopDto>();
        private readonly TaskCompletionSource _reconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _online = new(1, 1);
        // Whether she is talking and whether she holds her calls change together under this lock: an operator who went on to
        // save just before HoldCalls is no longer "in conversation", so the kill cannot be timed on a call she saves on node A
        // (seen in two full runs: the call "in conversation when node A died" had its outcome saved, but not on node B).
        private readonly Lock _talk = new();
        private bool _inConversation;
        private readonly TaskCompletionSource _hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _holding;

        private BalancedOperator(string login, Uri balancer, HttpClient http, CookieContainer cookies, HubConnection hub)
        {
            Login = login;
            _balancer = balancer;
            _http = http;
            _cookies = cookies;
            Hub = hub;
            FirstNode = Node;
            Hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), pop => _pops.Writer.TryWrite(pop));
            Hub.On<AgentStatusDto>(nameof(IAgentClient.StateChanged), s => State = s.State);
            Hub.Reconnected += _ => { _reconnected.TrySetResult(); return Task.CompletedTask; };
        }

        public string Login { get; }

        public HubConnection Hub { get; }

        public Guid AgentId { get; private set; }

        /// <summary>The node HAProxy keeps this browser on: the value of its sticky cookie.</summary>
        public string Node => _cookies.GetCookies(_balancer)[HaproxyServer.StickyCookie]?.Value ?? "?";

        public string FirstNode { get; }

        public Task Reconnected => _reconnected.Task;

        public bool InConversation
        {
            get
            {
                lock (_talk)
                {
                    return _inConversation;
                }
            }
        }

        /// <summary>Stays in each conversation until <see cref="ReleaseCalls"/>.</summary>
        public void HoldCalls()
        {
            lock (_talk)
            {
                _holding = true;
            }
        }

        public void ReleaseCalls()
        {
            lock (_talk)
            {
                _holding = false;
            }

            _hold.TrySetResult();
        }

        /// <summary>The call on her screen now (or last).</summary>
        public Guid? CurrentCall { get; private set; }

        public int UnsavedCount
        {
            get
            {
                lock (Saved)
                {
                    return Unsaved.Count;
                }
            }
        }

        /// <summary>True when the outcome of <paramref name="call"/> was saved through node <paramref name="node"/>.</summary>
        public bool SavedOn(Guid call, string node)
        {
            lock (Saved)
            {
                return Saved.Any(s => s.CallId == call && s.Node == node);
            }
        }

        public List<SavedOutcome> Saved { get; } = [];

        /// <summary>For a failure message: each outcome saved, its call, node and time.</summary>
        public string SavedSummary()
        {
            lock (Saved)
            {
                return string.Join("; ", Saved.Select(s => $"{s.CallId} on {s.Node} at {s.At:HH:mm:ss.fff}"));
            }
        }

        /// <summary>Calls whose outcome is not saved yet (the connection dropped, or the node died, while saving).</summary>
        public HashSet<Guid> Unsaved { get; } = [];

        /// <summary>For a failure message: where she is, what she saved and what not.</summary>
        public string Report()
        {
            lock (Saved)
            {
                return $"{Login} {FirstNode}->{Node} {Hub.State} {State}, saved {Saved.Count} ({Saved.Count(s => s.Node == "b")} on b), unsaved {Unsaved.Count}, last error {LastError}, failure {Failure}";
            }
        }

        public string? LastError { get; private set; }

        /// <summary>The state the server last reported for her.</summary>
        public AgentState? State { get; private set; }

        /// <summary>What stopped her work, when something unexpected did.</summary>
        public string? Failure { get; private set; }

        public int SavedAfter(DateTimeOffset at, IReadOnlySet<Guid>? except = null)
        {
            lock (Saved)
            {
                return Saved.Count(s => s.At > at && except?.Contains(s.CallId) != true);
            }
        }

        public static async Task<BalancedOperator> ConnectAsync(Uri balancer, string login, string? stickTo, CancellationToken ct, string hubPath = ConsoleHubs.AgentPath)
        {
            var cookies = new CookieContainer();
            if (stickTo is not null)
            {
                cookies.Add(balancer, new Cookie(HaproxyServer.StickyCookie, stickTo));
            }

            var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = balancer };
            var response = await http.PostAsJsonAsync("/api/auth/login", new { login, password = DemoUsers.Password }, ct);
            Assert.True(response.IsSuccessStatusCode, $"sign-in of {login} through the balancer: {(int)response.StatusCode}");
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(balancer, hubPath), o => o.Cookies = cookies)
                .WithAutomaticReconnect(new EverySecond())
                .Build();
            var person = new BalancedOperator(login, balancer, http, cookies, hub);
            await hub.StartAsync(ct);
            if (hubPath == ConsoleHubs.AgentPath)
            {
                person.AgentId = (await http.GetFromJsonAsync<MeDto>("/api/me", ct))!.AgentId!.Value;
            }

            return person;
        }

        /// <summary>Ready, then call after call until <paramref name="ct"/> is cancelled; after a reconnection, ready again and the
        /// unsaved outcome sent again.</summary>
        public async Task WorkAsync(CancellationToken ct)
        {
            try
            {
                await WorkCoreAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                Failure = ex.ToString();
                throw;
            }
        }

        private async Task WorkCoreAsync(CancellationToken ct)
        {
            Hub.Reconnected += async _ =>
            {
                await _online.WaitAsync(ct);
                try
                {
                    State = (await Hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, ct)).State;
                }
                catch (HubException ex)
                {
                    // In wrap-up: a call of the dead node was given back to her; she saves it and goes ready then.
                    LastError = ex.Message;
                }
                finally
                {
                    _online.Release();
                }
            };
            await Hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, ct);
            while (!ct.IsCancellationRequested)
            {
                var pop = await _pops.Reader.ReadAsync(ct);
                lock (Saved)
                {
                    if (Saved.Any(s => s.CallId == pop.CallId))
                    {
                        // Saved already (the retry after the reconnection won the race with the call given back).
                        continue;
                    }
                }

                CurrentCall = pop.CallId;
                lock (_talk)
                {
                    _inConversation = true;
                }

                // A short conversation: long enough for a node to die in the middle of one.
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                bool held;
                lock (_talk)
                {
                    held = _holding;
                    _inConversation = held;
                }

                if (held)
                {
                    await _hold.Task.WaitAsync(ct);
                    lock (_talk)
                    {
                        _inConversation = false;
                    }
                }

                await SaveAsync(pop, ct);
                await ReadyAsync(ct);
            }
        }

        /// <summary>Leaves wrap-up for the next call, as the page's Ready button does once the outcome is saved.</summary>
        private async Task ReadyAsync(CancellationToken ct)
        {
            while (true)
            {
                await _online.WaitAsync(ct);
                try
                {
                    State = (await Hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, ct)).State;
                    if (State == AgentState.Ready)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or HubException or IOException)
                {
                    LastError = ex.Message;
                    if (ex is HubException && _pops.Reader.TryPeek(out _))
                    {
                        // A call of the dead node was given back to her (in wrap-up): its outcome first.
                        return;
                    }

                    // Not connected (being re-made), or the call's end not reported yet: again in a moment.
                }
                finally
                {
                    _online.Release();
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
        }

        private async Task SaveAsync(ScreenPopDto pop, CancellationToken ct)
        {
            while (true)
            {
                try
                {
                    var saved = await Hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome",
                        new SaveOutcomeDto(pop.CallId, pop.Account.Id, nameof(DispositionCode.RefusedToPay), $"{Login}: cannot pay this week"), ct);
                    // The node it went through, read after the save: read before it, the balancer's cookie could still name the
                    // dead node while the reconnection to the other was completing.
                    var node = Node;
                    lock (Saved)
                    {
                        Saved.Add(new SavedOutcome(Login, pop.CallId, saved, node, DateTimeOffset.UtcNow));
                        Unsaved.Remove(pop.CallId);
                    }

                    return;
                }
                catch (Exception ex) when (ex is InvalidOperationException or HubException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    LastError = ex.Message;
                    lock (Saved)
                    {
                        Unsaved.Add(pop.CallId);
                    }

                    if (ex is HubException)
                    {
                        // Refused on a live connection: the node she reconnected to does not have the call (yet). The page leaves
                        // it to the server, which gives the call back once its node is known dead (a new screen-pop, in wrap-up).
                        return;
                    }

                    // Not connected (being re-made): the page keeps the form and sends it again once connected.
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Hub.DisposeAsync();
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or OperationCanceledException)
            {
            }

            _http.Dispose();
            _online.Dispose();
        }

        private sealed class EverySecond : IRetryPolicy
        {
            public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromSeconds(1);
        }
    }
}
