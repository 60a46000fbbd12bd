using Collections.AgentConsole.Features.Dialing;
using Collections.AgentConsole.Features.Floor;
using Collections.Dialer.Campaigns;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Tests.Floor;

/// <summary>The console's floor (<see cref="DialerBridge"/>) and the dialer's in-process pool (<see cref="AgentPool"/> over
/// the router the simulator uses) route by one language rule: the same operators serve the same debtors in both.</summary>
public sealed class LanguageRoutingTests
{
    public static TheoryData<string[], string, bool> Cases => new()
    {
        { ["de"], "de-AT", true },
        { ["de-CH"], "de", true },
        { ["HU", "en"], "hu", true },
        { ["sl", "hr"], "sq", false },
        { ["de"], "dsb", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_floor_and_the_dialers_pool_agree_on_who_can_take_a_call(string[] spoken, string debtor, bool serves)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var floor = new AgentFloor(clock, new NoFloorEvents());
        using var bridge = new DialerBridge(floor, clock, NullLogger<DialerBridge>.Instance);
        var operatorId = AgentId.New();
        floor.Connect(operatorId, "Operator", spoken);
        floor.Request(operatorId, AgentState.Ready, null);

        var pool = new AgentPool();
        pool.LogIn(new RoutingAgentId(1), spoken, clock.GetUtcNow());

        Assert.Equal(serves, bridge.CanServe(debtor));
        Assert.Equal(serves, pool.CanServe(debtor));
        using (var floorHold = bridge.TryHold(debtor))
        using (var poolHold = pool.TryHold(debtor))
        {
            Assert.Equal(serves, floorHold is not null);
            Assert.Equal(serves, poolHold is not null);
        }

        Assert.Equal(serves, bridge.TakeLongestIdle(debtor, clock.GetUtcNow(), ContactAttemptId.New()) is not null);
        Assert.Equal(serves, pool.TakeLongestIdle(debtor, clock.GetUtcNow(), ContactAttemptId.New()) is not null);
    }
}
