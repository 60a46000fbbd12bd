using Collections.Dialer.Pacing;
using Collections.Dialer.Simulation;

namespace Collections.Dialer.Tests.Simulation;

public sealed class CampaignSimulatorTests
{
    private static Scenario Load(string path) => ScenarioReader.Parse(File.ReadAllText(path));

    private static SimulationResult Run(Scenario scenario, string pacing)
    {
        var options = new PacingOptions
        {
            TargetAbandonRate = scenario.TargetAbandonRate,
            ConnectLimitSeconds = scenario.ConnectLimitSeconds,
        };
        Assert.True(PacingStrategies.TryCreate(pacing, options, out var strategy, out _));
        return CampaignSimulator.Run(scenario, strategy);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Predictive_stays_within_the_target_in_every_window_of_each_shipped_scenario(string name)
    {
        var scenario = Load(ScenarioFiles.PathOf(name));

        var result = Run(scenario, "predictive");

        Assert.True(result.AnsweredHuman > 0);
        Assert.InRange(result.AbandonRate, 0, scenario.TargetAbandonRate);
        Assert.InRange(result.MaxAbandonRate24h, 0, scenario.TargetAbandonRate);
    }

    public static TheoryData<string> Shipped() => ScenarioFiles.Shipped();

    [Fact]
    public void Progressive_never_abandons_a_person_when_amd_never_calls_a_person_a_machine()
    {
        var scenario = Load(ScenarioFiles.PathOf("default-20")) with { Amd = new AmdBehaviour(0.95, 0) };

        var result = Run(scenario, "progressive");

        Assert.True(result.AnsweredHuman > 1000);
        Assert.Equal(0, result.Abandoned);
    }

    [Fact]
    public void Progressive_abandons_only_the_persons_amd_calls_machines()
    {
        var scenario = Load(ScenarioFiles.PathOf("default-20"));

        var result = Run(scenario, "progressive");

        Assert.True(result.Abandoned > 0);
        Assert.Equal(result.AbandonedByAmd, result.Abandoned);
    }

    [Fact]
    public void A_person_amd_calls_a_machine_is_abandoned_and_never_talks()
    {
        var scenario = Load(ScenarioFiles.PathOf("team-5")) with { Amd = new AmdBehaviour(0.95, 1.0) };

        var result = Run(scenario, "progressive");

        Assert.True(result.AnsweredHuman > 0);
        Assert.Equal(result.AnsweredHuman, result.Abandoned);
        Assert.Equal(0, result.TalkMinutesPerAgentHour);
    }

    [Fact]
    public void Persons_beyond_the_free_agents_are_abandoned_after_the_connect_limit()
    {
        // Ten lines per ready agent with perfect AMD: every abandoned call is one nobody took within 2 s.
        var scenario = Load(ScenarioFiles.PathOf("team-5")) with { Amd = new AmdBehaviour(1.0, 0) };

        var result = Run(scenario, "ratio:10");

        Assert.Equal(0, result.AbandonedByAmd);
        Assert.True(result.AbandonRate > 0.2, $"abandon rate {result.AbandonRate}");
    }

    [Fact]
    public void Missed_machines_reach_agents_and_cost_their_time_without_counting_as_persons()
    {
        var perfect = Load(ScenarioFiles.PathOf("team-5")) with { Amd = new AmdBehaviour(1.0, 0) };
        var blind = perfect with { Amd = new AmdBehaviour(0.0, 0) };

        var seeing = Run(perfect, "progressive");
        var missing = Run(blind, "progressive");

        Assert.Equal(0, seeing.MachinesReachingAgents);
        Assert.True(missing.MachinesReachingAgents > 100);
        Assert.Equal(0, missing.Abandoned);
        Assert.True(missing.TalkMinutesPerAgentHour < seeing.TalkMinutesPerAgentHour);
    }

    [Fact]
    public void Ratio_one_paces_exactly_as_progressive()
    {
        var scenario = Load(ScenarioFiles.PathOf("team-5"));

        var progressive = Run(scenario, "progressive");
        var ratioOne = Run(scenario, "ratio:1");

        Assert.Equal(progressive with { Pacing = "ratio:1" }, ratioOne);
    }

    [Fact]
    public void Predictive_talks_more_than_progressive_on_the_100_agent_floor()
    {
        var scenario = Load(ScenarioFiles.PathOf("floor-100"));

        var progressive = Run(scenario, "progressive");
        var predictive = Run(scenario, "predictive");

        Assert.True(
            predictive.TalkMinutesPerAgentHour > 1.2 * progressive.TalkMinutesPerAgentHour,
            $"predictive {predictive.TalkMinutesPerAgentHour}, progressive {progressive.TalkMinutesPerAgentHour}");
    }

    [Fact]
    public void The_answer_rate_by_hour_overrides_the_flat_rate_and_repeats()
    {
        var scenario = Load(ScenarioFiles.PathOf("default-20"));

        Assert.Equal(0.30, scenario.HumanAnswerAt(0));
        Assert.Equal(0.22, scenario.HumanAnswerAt((3 * 3600) + 1));
        Assert.Equal(0.28, scenario.HumanAnswerAt((9 * 3600) + 1));
        Assert.Equal(scenario.HumanAnswer, (scenario with { HumanAnswerByHour = null }).HumanAnswerAt(3 * 3600));
    }
}
