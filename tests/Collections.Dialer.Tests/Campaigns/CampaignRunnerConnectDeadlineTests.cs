using Collections.Dialer.Amd;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Pacing;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Tests.Campaigns;

/// <summary>
/// The runner's connect deadline runs from the end of the person's greeting the detector reports (16 CFR 310.4(b)(1)(iv):
/// "within two (2) seconds of the completed greeting of the person answering"; Ofcom 2016, A1), not from the verdict: on a
/// fake clock, the runner's own wait for an operator (<see cref="CampaignRunner.WaitForAgentAsync"/>, whose null is the
/// abandonment with the information message in <c>CampaignCall</c>).
/// </summary>
public sealed class CampaignRunnerConnectDeadlineTests
{
    private static readonly DateTimeOffset Answer = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly RoutingAgentId Operator = new(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_verdict_one_and_a_half_seconds_after_the_greeting_leaves_half_a_second_so_an_operator_ready_a_second_later_is_too_late()
    {
        var (runner, pool, time) = Start();
        time.Advance(TimeSpan.FromSeconds(3.5));
        var verdict = new AmdResult(AmdVerdict.NotSure, AmdCause.AfterGreeting, TimeSpan.FromSeconds(3.5), GreetingEnd: TimeSpan.FromSeconds(2));

        var deadline = runner.ConnectDeadline(Answer, TimeSpan.FromSeconds(3.5), verdict);
        var wait = runner.WaitForAgentAsync("en", new ContactAttemptId(Guid.NewGuid()), null, deadline, Ct);
        await AdvanceAsync(time, TimeSpan.FromSeconds(1));
        pool.Ready(Operator, time.GetUtcNow());

        Assert.Equal(Answer + TimeSpan.FromSeconds(4), deadline);
        Assert.Null(await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(AgentActivity.Ready, pool.ActivityOf(Operator));
    }

    [Fact]
    public async Task Without_a_greeting_end_the_two_seconds_run_from_the_verdict_as_before()
    {
        var (runner, pool, time) = Start();
        time.Advance(TimeSpan.FromSeconds(3.5));
        var verdict = new AmdResult(AmdVerdict.NotSure, AmdCause.InitialSilence, TimeSpan.FromSeconds(3.5));

        var deadline = runner.ConnectDeadline(Answer, TimeSpan.FromSeconds(3.5), verdict);
        var wait = runner.WaitForAgentAsync("en", new ContactAttemptId(Guid.NewGuid()), null, deadline, Ct);
        await AdvanceAsync(time, TimeSpan.FromSeconds(1));
        pool.Ready(Operator, time.GetUtcNow());
        await AdvanceAsync(time, TimeSpan.FromSeconds(1));

        Assert.Equal(Answer + TimeSpan.FromSeconds(5.5), deadline);
        Assert.Equal(Operator, await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task A_verdict_that_comes_after_the_greetings_two_seconds_is_abandoned_even_with_an_operator_free()
    {
        var (runner, pool, time) = Start();
        pool.Ready(Operator, Answer);
        time.Advance(TimeSpan.FromSeconds(5));
        var verdict = new AmdResult(AmdVerdict.NotSure, AmdCause.TooLong, TimeSpan.FromSeconds(5), GreetingEnd: TimeSpan.FromSeconds(2.5));

        var agent = await runner.WaitForAgentAsync("en", new ContactAttemptId(Guid.NewGuid()), null, runner.ConnectDeadline(Answer, TimeSpan.FromSeconds(5), verdict), Ct);

        Assert.Null(agent);
        Assert.Equal(AgentActivity.Ready, pool.ActivityOf(Operator));
    }

    /// <summary>A runner on a fake clock with one English-speaking operator, busy on another call.</summary>
    private static (CampaignRunner Runner, AgentPool Pool, FakeTimeProvider Time) Start()
    {
        var time = new FakeTimeProvider(Answer);
        var pool = new AgentPool();
        pool.LogIn(Operator, ["en"], Answer - TimeSpan.FromMinutes(1));
        Assert.Equal(Operator, pool.TakeLongestIdle("en", Answer - TimeSpan.FromSeconds(30), new ContactAttemptId(Guid.NewGuid())));
        var campaign = new Campaign { Name = "deadline test", Mode = DialMode.Predictive, Queue = "deadline-test" };
        var runner = new CampaignRunner(campaign, new CampaignRunnerDependencies(
            Calls: null!, Ledger: null!, AmdLedger: null!, Queue: null!, Agents: pool, Events: null!, Time: time, Logger: NullLogger.Instance));
        return (runner, pool, time);
    }

    /// <summary>Moves the fake clock in small steps, letting the waiter's timer continuations run between them.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by)
    {
        for (var step = TimeSpan.FromMilliseconds(100); by > TimeSpan.Zero; by -= step)
        {
            time.Advance(by < step ? by : step);
            await Task.Delay(5, Ct);
        }
    }
}
