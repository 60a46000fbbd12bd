using Collections.Dialer.Pacing;
using Collections.Dialer.Routing;

namespace Collections.Dialer.Tests.Routing;

public sealed class AgentRouterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_ready_agent_idle_longest_takes_the_call()
    {
        var router = new AgentRouter();
        router.LogIn(new AgentId(1), ["de"], T0);
        router.LogIn(new AgentId(2), ["de"], T0);
        router.LogIn(new AgentId(3), ["de"], T0);
        router.Set(new AgentId(1), AgentActivity.Ready, T0.AddSeconds(30));
        router.Set(new AgentId(2), AgentActivity.Ready, T0.AddSeconds(10));
        router.Set(new AgentId(3), AgentActivity.Ready, T0.AddSeconds(20));

        Assert.Equal(new AgentId(2), router.TakeLongestIdle("de", T0.AddSeconds(40)));
        Assert.Equal(new AgentId(3), router.TakeLongestIdle("de", T0.AddSeconds(40)));
        Assert.Equal(AgentActivity.OnCall, router.ActivityOf(new AgentId(2)));
    }

    [Fact]
    public void An_agent_who_does_not_speak_the_language_is_passed_over_even_when_idle_longer()
    {
        var router = new AgentRouter();
        router.LogIn(new AgentId(1), ["hu"], T0);
        router.LogIn(new AgentId(2), ["de", "hu"], T0.AddMinutes(5));

        Assert.Equal(new AgentId(2), router.TakeLongestIdle("de", T0.AddMinutes(6)));
        Assert.Null(router.TakeLongestIdle("de", T0.AddMinutes(6)));
        Assert.Equal(AgentActivity.Ready, router.ActivityOf(new AgentId(1)));
    }

    [Fact]
    public void Agents_on_a_call_or_in_wrap_up_are_not_chosen()
    {
        var router = new AgentRouter();
        router.LogIn(new AgentId(1), ["lv"], T0);
        router.LogIn(new AgentId(2), ["lv"], T0);
        router.Set(new AgentId(1), AgentActivity.WrapUp, T0.AddSeconds(1));
        router.Set(new AgentId(2), AgentActivity.OnCall, T0.AddSeconds(2));

        Assert.Null(router.TakeLongestIdle("lv", T0.AddSeconds(3)));
    }

    [Fact]
    public void A_language_no_logged_in_agent_speaks_cannot_be_served_so_is_not_dialed()
    {
        var router = new AgentRouter();
        router.LogIn(new AgentId(1), ["sq", "en"], T0);
        router.Set(new AgentId(1), AgentActivity.OnCall, T0);

        Assert.True(router.CanServe("SQ"));
        Assert.False(router.CanServe("sl"));
        router.LogOut(new AgentId(1));
        Assert.False(router.CanServe("sq"));
    }

    [Fact]
    public void The_snapshot_reports_each_agent_and_time_in_state()
    {
        var router = new AgentRouter();
        router.LogIn(new AgentId(1), ["de"], T0);
        router.LogIn(new AgentId(2), ["de"], T0);
        router.Set(new AgentId(2), AgentActivity.OnCall, T0.AddSeconds(50));
        var agents = new List<AgentSnapshot>();

        router.Snapshot(T0.AddSeconds(60), agents);

        Assert.Equal(
            [new AgentSnapshot(AgentActivity.Ready, TimeSpan.FromSeconds(60)), new AgentSnapshot(AgentActivity.OnCall, TimeSpan.FromSeconds(10))],
            agents);
    }

    [Fact]
    public void A_regional_variant_goes_to_an_agent_who_speaks_the_language_as_the_console_routes_it()
    {
        // Before the one rule, the router matched tags exactly while the console matched primary subtags: an Austrian
        // debtor ("de-AT") was dialed on the floor but never in the simulator.
        var router = new AgentRouter();
        router.LogIn(new AgentId(1), ["hu"], T0);
        router.LogIn(new AgentId(2), ["DE"], T0.AddMinutes(1));

        Assert.True(router.CanServe("de-AT"));
        Assert.Equal(new AgentId(2), router.TakeLongestIdle("de-AT", T0.AddMinutes(2)));
        Assert.False(router.CanServe("sl"));
    }
}
