using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.Extensions.Time.Testing;

namespace Collections.AgentConsole.Tests.Floor;

public sealed class AgentFloorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingEvents _events = new();
    private readonly AgentId _anna = AgentId.New();
    private readonly AgentFloor _floor;

    public AgentFloorTests()
    {
        _floor = new AgentFloor(_clock, _events);
        _floor.Connect(_anna, "Anna Schneider", ["de", "en"]);
    }

    private static readonly ContactAttemptId Call1 = ContactAttemptId.New();
    private static readonly ContactAttemptId Call2 = ContactAttemptId.New();

    [Fact]
    public void A_call_moves_the_operator_ready_on_call_wrap_up_and_counts_talk_minutes_per_logged_in_hour()
    {
        Assert.NotNull(_floor.Request(_anna, AgentState.Ready, null).Status);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(_anna, Assert.Single(_floor.ReadyAgents()).AgentId);
        Assert.True(_floor.TryReserve(_anna, Call1));
        Assert.False(_floor.TryReserve(_anna, Call2));          // one call per operator
        Assert.Empty(_floor.ReadyAgents());

        var call = new CallSession(Call1, _anna, AccountId.New(), null, _clock.GetUtcNow());
        Assert.True(_floor.Attach(call));
        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Same(call, _floor.Detach(_anna, Call1));

        var status = _floor.Status(_anna)!;
        Assert.Equal(AgentState.WrapUp, status.State);
        // 20 minutes talking in 30 logged-in minutes: 40 talk minutes per agent-hour.
        Assert.Equal(40.0, status.TalkMinutesPerHour);
        Assert.Equal(40.0, _floor.TalkMinutesPerAgentHour(), 6);
        Assert.Equal([AgentState.Ready, AgentState.OnCall, AgentState.WrapUp], _events.States);
    }

    [Fact]
    public void A_call_left_by_a_dead_node_is_given_back_in_wrap_up_only_to_an_idle_operator_and_must_be_saved_before_ready()
    {
        var orphan = new CallSession(Call1, _anna, AccountId.New(), null, _clock.GetUtcNow());
        // Her page reconnected (logged out on this node until she presses Ready): idle, so the call comes back.
        Assert.Contains(_anna, _floor.Idle());
        Assert.True(_floor.Adopt(orphan));
        Assert.True(orphan.Disconnected);
        Assert.Equal(AgentState.WrapUp, _floor.Status(_anna)!.State);
        Assert.Same(orphan, _floor.CurrentCall(_anna));
        Assert.DoesNotContain(_anna, _floor.Idle());
        Assert.Equal("save the call's outcome first", _floor.Request(_anna, AgentState.Ready, null).Refusal);

        // One call at a time: a second one is not given back over the first, nor to an operator on a call.
        Assert.False(_floor.Adopt(new CallSession(Call2, _anna, AccountId.New(), null, _clock.GetUtcNow())));
        orphan.OutcomeSaved = true;
        Assert.NotNull(_floor.Request(_anna, AgentState.Ready, null).Status);
        Assert.True(_floor.TryReserve(_anna, Call2));
        Assert.False(_floor.Adopt(new CallSession(ContactAttemptId.New(), _anna, AccountId.New(), null, _clock.GetUtcNow())));
    }

    [Fact]
    public void An_operator_previewing_an_account_gets_no_campaign_call_and_their_dial_is_reserved_for_them()
    {
        var preview = Guid.NewGuid();
        Assert.False(_floor.TryBeginDial(_anna, preview, manual: false));        // logged out: nothing to preview
        _floor.Request(_anna, AgentState.Ready, null);
        Assert.True(_floor.TryBeginDial(_anna, preview, manual: false));
        Assert.False(_floor.TryBeginDial(_anna, Guid.NewGuid(), manual: true));  // one dial at a time
        Assert.Empty(_floor.ReadyAgents());                                      // no campaign routes to them meanwhile
        Assert.False(_floor.TryReserve(_anna, Call1));

        Assert.True(_floor.ClaimDial(_anna, preview, Call1));
        Assert.Null(_floor.DialingOf(_anna));
        Assert.True(_floor.Attach(new CallSession(Call1, _anna, AccountId.New(), null, _clock.GetUtcNow())));
        Assert.Equal(AgentState.OnCall, _floor.Status(_anna)!.State);
    }

    [Fact]
    public void A_manual_dial_may_start_while_paused_and_leaving_the_state_gives_a_dial_up()
    {
        _floor.Request(_anna, AgentState.Paused, "Break");
        Assert.False(_floor.TryBeginDial(_anna, Guid.NewGuid(), manual: false));  // previews only reach ready operators
        var manual = Guid.NewGuid();
        Assert.True(_floor.TryBeginDial(_anna, manual, manual: true));
        _floor.Request(_anna, AgentState.Ready, null);                            // the operator moved on: the dial is given up
        Assert.Null(_floor.DialingOf(_anna));
        Assert.False(_floor.ClaimDial(_anna, manual, Call1));
        Assert.Equal(_anna, Assert.Single(_floor.ReadyAgents()).AgentId);
    }

    [Fact]
    public void Ready_is_refused_until_the_outcome_is_saved_and_calls_set_on_call_not_the_operator()
    {
        _floor.Request(_anna, AgentState.Ready, null);
        _floor.TryReserve(_anna, Call1);
        var call = new CallSession(Call1, _anna, AccountId.New(), null, _clock.GetUtcNow());
        _floor.Attach(call);

        Assert.Equal("on call and wrap-up are set by calls, not by the operator", _floor.Request(_anna, AgentState.OnCall, null).Refusal);
        Assert.Equal("hang up the call first", _floor.Request(_anna, AgentState.Ready, null).Refusal);
        _floor.Detach(_anna, Call1);
        Assert.Equal("save the call's outcome first", _floor.Request(_anna, AgentState.Ready, null).Refusal);
        Assert.Same(call, _floor.CurrentCall(_anna));

        call.OutcomeSaved = true;
        Assert.Equal(AgentState.Ready, _floor.Request(_anna, AgentState.Ready, null).Status!.State);
        Assert.Null(_floor.CurrentCall(_anna));               // the closed call's account is no longer readable
    }

    [Fact]
    public void Pausing_while_a_call_is_reserved_gives_the_call_up_and_a_later_ready_can_take_calls_again()
    {
        _floor.Request(_anna, AgentState.Ready, null);
        Assert.True(_floor.TryReserve(_anna, Call1));
        _floor.Request(_anna, AgentState.Paused, "Break");
        Assert.False(_floor.Attach(new CallSession(Call1, _anna, AccountId.New(), null, _clock.GetUtcNow())));
        Assert.Equal(AgentState.Paused, _floor.Status(_anna)!.State);

        _floor.Request(_anna, AgentState.Ready, null);
        Assert.True(_floor.TryReserve(_anna, Call2));
        Assert.False(_floor.Attach(new CallSession(Call1, _anna, AccountId.New(), null, _clock.GetUtcNow())));   // not the reserved call
        Assert.True(_floor.Attach(new CallSession(Call2, _anna, AccountId.New(), null, _clock.GetUtcNow())));
    }

    [Fact]
    public void A_pause_needs_a_reason_and_the_last_tab_closing_logs_the_operator_out()
    {
        Assert.Equal("a pause needs a reason", _floor.Request(_anna, AgentState.Paused, " ").Refusal);
        var paused = _floor.Request(_anna, AgentState.Paused, " Lunch ").Status!;
        Assert.Equal(("Lunch", AgentState.Paused), (paused.PauseReason, paused.State));

        _floor.Connect(_anna, "Anna Schneider", ["de"]);      // a second tab
        _floor.Disconnect(_anna);
        Assert.Equal(AgentState.Paused, _floor.Status(_anna)!.State);
        _floor.Disconnect(_anna);
        Assert.Equal(AgentState.LoggedOut, _floor.Status(_anna)!.State);
    }

    [Fact]
    public void Ready_operators_come_longest_idle_first_and_the_roster_shows_absent_operators_logged_out()
    {
        var bea = AgentId.New();
        _floor.Connect(bea, "Bea", ["en"]);
        _floor.Request(bea, AgentState.Ready, null);
        _clock.Advance(TimeSpan.FromSeconds(5));
        _floor.Request(_anna, AgentState.Ready, null);
        Assert.Equal([bea, _anna], _floor.ReadyAgents().Select(r => r.AgentId));

        var absent = AgentId.New();
        var board = _floor.Snapshot([(absent, "Zoltán"), (_anna, "Anna Schneider")]);
        Assert.Equal(["Anna Schneider", "Bea", "Zoltán"], board.Select(s => s.DisplayName));
        Assert.Equal(AgentState.LoggedOut, board.Single(s => s.AgentId == absent.Value).State);
    }

    private sealed class RecordingEvents : IFloorEvents
    {
        public List<AgentState> States { get; } = [];

        public void Changed(AgentStatusDto status) => States.Add(status.State);
    }
}
