using System.Net.Http.Json;
using System.Text.Json;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.ScaleOut;
using Collections.AgentConsole.Tests.Console;
using Collections.Shared.Contracts;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collections.AgentConsole.Tests.ScaleOut;

/// <summary>Two console nodes (two real Kestrel hosts on one database, console-only: no dialer, no simulated operators) and
/// a real redis-server: with the backplane a push caused on node A reaches connections held by node B; without it it does
/// not. One shared Data Protection key ring lets a cookie issued by node A sign in on node B, as behind a load balancer.</summary>
[Trait("Category", "Integration")]
public sealed class RedisBackplaneTests
{
    private const string OperatorLogin = "harriet.collins";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_state_change_on_node_A_reaches_the_supervisor_and_the_operators_second_tab_on_node_B()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        var prefix = $"collections-test-{Guid.NewGuid():N}";
        using var keys = new TempFolder();
        using var nodes = new TwoNodes(keys.Path, ("Collections:SignalR:Redis", redis.ConnectionString), ("Collections:SignalR:ChannelPrefix", prefix));

        var (supervisorHttp, supervisorCookie) = await nodes.A.SignInAsync("supervisor", Ct);
        var (operatorHttp, operatorCookie) = await nodes.A.SignInAsync(OperatorLogin, Ct);
        using var _ = supervisorHttp;
        using var __ = operatorHttp;
        var me = (await operatorHttp.GetFromJsonAsync<MeDto>("/api/me", Ct))!.AgentId!.Value;

        // Node B holds the supervisor's wallboard and the operator's second tab, both signed in with node A's cookies.
        await using var supervisorOnB = nodes.B.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
        var agentChanged = ReadyOf(supervisorOnB, nameof(ISupervisorClient.AgentChanged), me);
        var boardsOnB = System.Threading.Channels.Channel.CreateUnbounded<WallboardDto>();
        supervisorOnB.On<WallboardDto>(nameof(ISupervisorClient.Wallboard), b => boardsOnB.Writer.TryWrite(b));
        await supervisorOnB.StartAsync(Ct);
        await using var secondTabOnB = nodes.B.Hub(ConsoleHubs.AgentPath, operatorCookie);
        var stateChanged = ReadyOf(secondTabOnB, nameof(IAgentClient.StateChanged), me);
        await secondTabOnB.StartAsync(Ct);

        await using var firstTabOnA = nodes.A.Hub(ConsoleHubs.AgentPath, operatorCookie);
        await firstTabOnA.StartAsync(Ct);
        // A node subscribes to a group's channel when its first member joins, after the join returns: a push published
        // before node B's subscriptions reach Redis is lost (it failed a full run once). B's supervisor is the supervisors'
        // only subscriber; the operator's group has both nodes' tabs.
        await SubscribedAsync(redis, ConsoleHubs.Supervisors, 1);
        await SubscribedAsync(redis, ConsoleHubs.Agent(me), 2);
        var set = await firstTabOnA.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);
        Assert.Equal(AgentState.Ready, set.State);

        // Node B's own floor never saw this operator go ready (the second tab only connected there), so Ready on B is node A's push.
        var onSupervisor = await agentChanged.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var onSecondTab = await stateChanged.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(set.Since, onSupervisor.Since);
        Assert.Equal(set.Since, onSecondTab.Since);

        // The 1 Hz board B's supervisor gets is the whole floor (node A's report merged in): it shows her ready on node A,
        // although node B's own floor has her logged out; and it stays so, board after board (B's supervisor gets node B's
        // board only, not every node's in turn).
        while (true)
        {
            var board = await boardsOnB.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            if (board.Agents.Single(a => a.AgentId == me) is { State: AgentState.Ready, Node: "node-a" })
            {
                break;
            }
        }

        for (var i = 0; i < 3; i++)
        {
            var board = await boardsOnB.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var her = Assert.Single(board.Agents, a => a.AgentId == me);
            Assert.Equal((AgentState.Ready, "node-a"), (her.State, her.Node));
        }

        // The pushes went through Redis under this deployment's prefix, and only under it.
        var channels = ((object?[])(await redis.CommandAsync(Ct, "PUBSUB", "CHANNELS", "*"))!).Cast<string>().ToList();
        Assert.NotEmpty(channels);
        Assert.All(channels, c => Assert.StartsWith(prefix, c, StringComparison.Ordinal));

        // /health names the backplane and calls it reachable on both nodes.
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            using var health = await node.CreateClient().GetAsync("/health", Ct);
            Assert.True(health.IsSuccessStatusCode);
            using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
            Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("backplane").GetProperty("status").GetString());
        }

        // Redis gone: node A answers 503 and names the backplane (even its own group pushes would need Redis).
        await redis.DisposeAsync();
        await BackplaneIsAsync(nodes.A, "Unhealthy");

        // Redis back on the same port: both nodes reconnect by themselves, resubscribe, and pushes cross again.
        await using var again = await RedisServer.StartAsync(Ct, redis.Port);
        await BackplaneIsAsync(nodes.A, "Healthy");
        await BackplaneIsAsync(nodes.B, "Healthy");
        // Resubscription follows the reconnect asynchronously: wait until node B listens on the supervisors' group again.
        await SubscribedAsync(again, ConsoleHubs.Supervisors, 1);

        var paused = PushOf(supervisorOnB, nameof(ISupervisorClient.AgentChanged), me, AgentState.Paused);
        await firstTabOnA.InvokeAsync<AgentStatusDto>("SetState", AgentState.Paused, "coffee", Ct);
        Assert.Equal("coffee", (await paused.WaitAsync(TimeSpan.FromSeconds(30), Ct)).PauseReason);
    }

    /// <summary>Waits until Redis counts <paramref name="subscribers"/> connections on the channel of SignalR group
    /// <paramref name="group"/> (one connection per node); the test run's timeout bounds the polling.</summary>
    private static async Task SubscribedAsync(RedisServer redis, string group, int subscribers)
    {
        while (true)
        {
            foreach (var channel in ((object?[])(await redis.CommandAsync(Ct, "PUBSUB", "CHANNELS", "*:group:" + group))!).Cast<string>())
            {
                if (await redis.CommandAsync(Ct, "PUBSUB", "NUMSUB", channel) is object?[] reply && reply[1] is long count && count >= subscribers)
                {
                    return;
                }
            }

            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Polls /health until the backplane check reports <paramref name="status"/> (HTTP 200 when Healthy, 503 when
    /// Unhealthy); the multiplexer notices a closed or reopened socket on its own, the test run's timeout bounds the polling.</summary>
    private static async Task BackplaneIsAsync(KestrelConsole node, string status)
    {
        using var client = node.CreateClient();
        while (true)
        {
            using var health = await client.GetAsync("/health", Ct);
            using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
            if (json.RootElement.GetProperty("checks").GetProperty("backplane").GetProperty("status").GetString() == status)
            {
                Assert.Equal(status, json.RootElement.GetProperty("status").GetString());
                Assert.Equal(status == "Healthy" ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
                return;
            }

            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Without_the_backplane_node_B_does_not_hear_node_A()
    {
        using var keys = new TempFolder();
        using var nodes = new TwoNodes(keys.Path);

        var (supervisorHttp, supervisorCookie) = await nodes.A.SignInAsync("supervisor", Ct);
        var (operatorHttp, operatorCookie) = await nodes.A.SignInAsync(OperatorLogin, Ct);
        using var _ = supervisorHttp;
        using var __ = operatorHttp;
        var me = (await operatorHttp.GetFromJsonAsync<MeDto>("/api/me", Ct))!.AgentId!.Value;

        await using var supervisorOnA = nodes.A.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
        var onA = ReadyOf(supervisorOnA, nameof(ISupervisorClient.AgentChanged), me);
        await supervisorOnA.StartAsync(Ct);
        await using var supervisorOnB = nodes.B.Hub(ConsoleHubs.SupervisorPath, supervisorCookie);
        var onB = ReadyOf(supervisorOnB, nameof(ISupervisorClient.AgentChanged), me);
        await supervisorOnB.StartAsync(Ct);

        await using var operatorOnA = nodes.A.Hub(ConsoleHubs.AgentPath, operatorCookie);
        await operatorOnA.StartAsync(Ct);
        await operatorOnA.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);

        // The push happened (node A's own supervisor has it) ...
        await onA.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // ... and node B does not get it. Absence can only be shown by waiting: 3 s is the one bounded wait here, far longer
        // than a push takes to cross Redis on loopback in the test above.
        await Task.WhenAny(onB, Task.Delay(TimeSpan.FromSeconds(3), Ct));
        Assert.False(onB.IsCompleted, "node B's supervisor received node A's push without a backplane");
        Assert.Null(nodes.B.Services.GetService(typeof(RedisBackplane)));
    }

    [Fact]
    public async Task A_cookie_from_node_A_signs_in_on_node_B_only_when_both_read_the_same_key_ring()
    {
        using var keysA = new TempFolder();
        using var keysB = new TempFolder();
        using var apart = new TwoNodes(keysA.Path, keysB.Path);
        var (http, cookie) = await apart.A.SignInAsync("supervisor", Ct);
        using var _ = http;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Me(apart.A, cookie)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await Me(apart.B, cookie)).StatusCode);
        Assert.NotEmpty(Directory.GetFiles(keysA.Path, "key-*.xml"));
    }

    private static async Task<HttpResponseMessage> Me(KestrelConsole node, string cookie)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return await client.GetAsync("/api/me", Ct);
    }

    /// <summary>The first push of <paramref name="method"/> saying <paramref name="agent"/> is ready.</summary>
    private static Task<AgentStatusDto> ReadyOf(HubConnection hub, string method, Guid agent) => PushOf(hub, method, agent, AgentState.Ready);

    /// <summary>The first push of <paramref name="method"/> saying <paramref name="agent"/> is in <paramref name="state"/>.</summary>
    private static Task<AgentStatusDto> PushOf(HubConnection hub, string method, Guid agent, AgentState state)
    {
        var seen = new TaskCompletionSource<AgentStatusDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<AgentStatusDto>(method, s =>
        {
            if (s.AgentId == agent && s.State == state)
            {
                seen.TrySetResult(s);
            }
        });
        return seen.Task;
    }

    /// <summary>Node A on a fresh SQLite file, then node B on the same file (started after A has migrated and seeded it); both
    /// console-only and on one key ring.</summary>
    private sealed class TwoNodes : IDisposable
    {
        public TwoNodes(string keysDirectory, params (string Key, string Value)[] settings)
            : this(keysDirectory, keysDirectory, settings)
        {
        }

        public TwoNodes(string keysOfA, string keysOfB, params (string Key, string Value)[] settings)
        {
            (string, string)[] common =
            [
                ("Collections:Dialing:InProcess", "false"),
                ("Collections:Demo:Calls:SimulatedOperators", "0"),
                .. settings,
            ];
            // Two hosts in one process: the default node name (machine and process id) would be the same for both.
            A = new KestrelConsole([.. common, ("Collections:DataProtection:KeysDirectory", keysOfA), ("Collections:SignalR:NodeName", "node-a")]);
            B = new KestrelConsole([.. common, ("Collections:DataProtection:KeysDirectory", keysOfB), ("Collections:SignalR:NodeName", "node-b"),
                ("Collections:Database:ConnectionString", $"Data Source={A.DatabasePath};Pooling=false")]);
        }

        public KestrelConsole A { get; }

        public KestrelConsole B { get; }

        public void Dispose()
        {
            B.Dispose();
            A.Dispose();
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"collections-keys-{Guid.NewGuid():N}");

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
