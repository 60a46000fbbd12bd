using Collections.AgentConsole.Features.Dialing;
using Collections.AgentConsole.Features.Floor;
using Collections.Dialer.Campaigns;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Tests.Floor;

/// <summary>The dialer's side of the floor: a callback holds the operator who promised it, and the screen-pop event names the
/// queue entry the call carries out, so the console can say why the call was made.</summary>
public sealed class DialerBridgeTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly AgentFloor _floor;
    private readonly DialerBridge _bridge;
    private readonly AgentId _anna = AgentId.New();
    private readonly AgentId _harriet = AgentId.New();

    public DialerBridgeTests()
    {
        _floor = new AgentFloor(_clock, new NoFloorEvents());
        _bridge = new DialerBridge(_floor, _clock, NullLogger<DialerBridge>.Instance);
        _floor.Connect(_anna, "Anna Schneider", ["de", "en"]);
        _floor.Connect(_harriet, "Harriet Collins", ["en"]);
    }

    public void Dispose() => _bridge.Dispose();

    [Fact]
    public void A_callback_holds_only_the_operator_who_promised_it_and_only_while_they_are_ready_and_free()
    {
        _floor.Request(_anna, AgentState.Ready, null);
        Assert.Null(_bridge.TryHoldOperator(_harriet, "en"));   // logged in, not ready

        _floor.Request(_harriet, AgentState.Ready, null);
        using var hold = _bridge.TryHoldOperator(_harriet, "en");
        Assert.Equal(_bridge.NumberOf(_harriet), hold?.Agent);
        Assert.Null(_bridge.TryHoldOperator(_harriet, "en"));   // already held for another line
        Assert.Null(_bridge.TryHoldOperator(_anna, "hu"));      // does not speak the debtor's language
        Assert.Equal(1, _bridge.Held);
        hold!.Dispose();
        Assert.Equal(0, _bridge.Held);
    }

    [Fact]
    public async Task The_screen_pop_event_names_the_queue_entry_the_call_carries_out()
    {
        _floor.Request(_anna, AgentState.Ready, null);
        var entry = Guid.NewGuid();
        var attempt = ContactAttemptId.New();
        var agent = _bridge.TakeLongestIdle("de", _clock.GetUtcNow(), attempt);
        Assert.NotNull(agent);
        var target = new DialTarget(AccountId.New(), DebtorId.New(), "+4915100000001", "de", new QueuedCall(entry, ContactPurpose.PreInstalment, "pre-instalment-reminder"));

        _bridge.Connected(new FakeCall(agent.Value, target, attempt));

        await using var events = _bridge.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await events.MoveNextAsync());
        var connected = Assert.IsType<CallConnected>(events.Current);
        Assert.Equal((attempt, _anna, target.AccountId, entry), (connected.CallId, connected.AgentId, connected.AccountId, connected.ScheduledContactId));
    }

    private sealed class FakeCall(RoutingAgentId agent, DialTarget target, ContactAttemptId attempt) : IConnectedCall
    {
        public CampaignId? CampaignId { get; } = Collections.Shared.Domain.CampaignId.New();

        public RoutingAgentId Agent { get; } = agent;

        public DialTarget Target { get; } = target;

        public ContactAttemptId AttemptId { get; } = attempt;

        public Task Ended { get; } = new TaskCompletionSource().Task;

        public Task HangupAsync() => Task.CompletedTask;

        public void Refuse()
        {
        }
    }
}
