using Collections.AgentConsole.Features.Wallboard;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Operators' state changes reach every supervisor from a queue (issue 17 item 5): the operator's request and the call
/// router are not held while the message is handed to each supervisor's connection, and changes that wait together are sent
/// once per operator, the last.</summary>
public sealed class AgentChangeFeedTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 14, 0, 0, TimeSpan.Zero);
    private static readonly Guid Anna = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Harriet = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Eszter = Guid.Parse("00000000-0000-0000-0000-000000000003");

    [Fact]
    public void Of_changes_waiting_together_each_operator_keeps_the_last_in_the_order_of_the_last_changes()
    {
        var waiting = new[] { Agent(Anna, AgentState.Ready), Agent(Harriet, AgentState.Ready), Agent(Anna, AgentState.OnCall), Agent(Eszter, AgentState.Paused), Agent(Harriet, AgentState.WrapUp) };

        var sent = AgentChangeFeed.Latest(waiting);

        Assert.Equal([(Anna, AgentState.OnCall), (Eszter, AgentState.Paused), (Harriet, AgentState.WrapUp)], sent.Select(s => (s.AgentId, s.State)));
    }

    [Fact]
    public void A_single_change_or_none_is_sent_as_it_is()
    {
        Assert.Empty(AgentChangeFeed.Latest([]));
        Assert.Equal([Anna], AgentChangeFeed.Latest([Agent(Anna, AgentState.Ready)]).Select(s => s.AgentId));
    }

    [Fact]
    public async Task Changes_queued_before_the_feed_runs_reach_the_supervisors_group_once_per_operator()
    {
        var supervisors = new RecordingSupervisors();
        using var feed = new AgentChangeFeed(supervisors, NullLogger<AgentChangeFeed>.Instance);
        feed.Post(Agent(Anna, AgentState.Ready));
        feed.Post(Agent(Harriet, AgentState.Ready));
        feed.Post(Agent(Anna, AgentState.OnCall));

        await feed.StartAsync(TestContext.Current.CancellationToken);
        var sent = await supervisors.SentAsync(2);
        await feed.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal([(Harriet, AgentState.Ready), (Anna, AgentState.OnCall)], sent.Select(s => (s.AgentId, s.State)));
        Assert.All(supervisors.GroupsSentTo, g => Assert.Equal(ConsoleHubs.Supervisors, g));
    }

    [Fact]
    public async Task Posting_a_change_returns_while_the_supervisors_send_is_still_walking_the_connections()
    {
        var supervisors = new RecordingSupervisors();
        using var feed = new AgentChangeFeed(supervisors, NullLogger<AgentChangeFeed>.Instance);
        await feed.StartAsync(TestContext.Current.CancellationToken);
        supervisors.Hold();
        feed.Post(Agent(Anna, AgentState.Ready));
        await supervisors.HeldAsync();

        // Were the send made in Post, this would wait on the held send for ever and the WaitAsync below would throw.
        await Task.Run(() => feed.Post(Agent(Harriet, AgentState.OnCall)), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        supervisors.Release();
        var sent = await supervisors.SentAsync(2);
        await feed.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal([(Anna, AgentState.Ready), (Harriet, AgentState.OnCall)], sent.Select(s => (s.AgentId, s.State)));
    }

    private static AgentStatusDto Agent(Guid id, AgentState state) => new(id, $"agent {id:N}", state, null, T0, state == AgentState.OnCall ? id : null, 0);

    /// <summary>The supervisors' hub as the feed sees it: records each <c>AgentChanged</c> and the group it went to; can hold a
    /// send inside its synchronous part, as a group send walking many connections does.</summary>
    private sealed class RecordingSupervisors : IHubContext<SupervisorHub, ISupervisorClient>, IHubClients<ISupervisorClient>, ISupervisorClient
    {
        private readonly Lock _gate = new();
        private readonly List<AgentStatusDto> _sent = [];
        private readonly List<string> _groups = [];
        private readonly ManualResetEventSlim _open = new(initialState: true);
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        IHubClients<ISupervisorClient> IHubContext<SupervisorHub, ISupervisorClient>.Clients => this;

        IGroupManager IHubContext<SupervisorHub, ISupervisorClient>.Groups => throw new NotSupportedException("the feed manages no groups");

        public ISupervisorClient All => throw new NotSupportedException();

        public IReadOnlyList<string> GroupsSentTo
        {
            get
            {
                lock (_gate)
                {
                    return [.. _groups];
                }
            }
        }

        public void Hold() => _open.Reset();

        public void Release() => _open.Set();

        public Task HeldAsync() => _held.Task.WaitAsync(TimeSpan.FromSeconds(30));

        /// <summary>The changes sent, once there are <paramref name="count"/> of them.</summary>
        public async Task<IReadOnlyList<AgentStatusDto>> SentAsync(int count)
        {
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_sent.Count >= count)
                    {
                        return [.. _sent];
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        public ISupervisorClient Group(string groupName)
        {
            lock (_gate)
            {
                _groups.Add(groupName);
            }

            return this;
        }

        public Task AgentChanged(AgentStatusDto status)
        {
            if (!_open.IsSet)
            {
                _held.TrySetResult();
                _open.Wait();
            }

            lock (_gate)
            {
                _sent.Add(status);
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.SetResult();
            }

            return Task.CompletedTask;
        }

        public ISupervisorClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public ISupervisorClient Client(string connectionId) => throw new NotSupportedException();

        ISupervisorClient IHubClients<ISupervisorClient>.Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public ISupervisorClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        ISupervisorClient IHubClients<ISupervisorClient>.Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public ISupervisorClient User(string userId) => throw new NotSupportedException();

        public ISupervisorClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        public Task Wallboard(WallboardDto board) => throw new NotSupportedException();

        public Task WallboardDelta(WallboardDeltaDto delta) => throw new NotSupportedException();

        public Task SettlementRequest(SettlementRequestDto request) => throw new NotSupportedException();

        public Task Monitoring(MonitoringDto monitoring) => throw new NotSupportedException();
    }
}
