using System.Text.Json;
using Collections.Dialer.Cli;
using Collections.Dialer.Simulation;

namespace Collections.Dialer.Tests.Simulation;

public sealed class SimulateCommandTests
{
    private static (int Code, string Out, string Err) Simulate(string path, string pacing = "predictive")
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = SimulateCommand.Run(path, pacing, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public void Same_seed_gives_the_same_output_and_another_seed_another()
    {
        var first = Simulate(ScenarioFiles.PathOf("default-20"));
        var second = Simulate(ScenarioFiles.PathOf("default-20"));
        var otherSeed = Simulate(ScenarioFiles.Variant("default-20", ("seed", "8")));

        Assert.Equal(CliOutput.Ok, first.Code);
        Assert.Equal(first.Out, second.Out);
        Assert.NotEqual(first.Out, otherSeed.Out);
    }

    [Fact]
    public void Output_has_exactly_the_documented_fields()
    {
        var result = Simulate(ScenarioFiles.PathOf("team-5"), "progressive");

        var line = Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(
            ["pacing", "agents", "hours", "dialed", "answeredHuman", "abandoned", "abandonRate", "maxAbandonRate24h",
             "talkMinutesPerAgentHour", "utilization"],
            names);
        Assert.Equal("progressive", json.RootElement.GetProperty("pacing").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("agents").GetInt32());
    }

    [Theory]
    [InlineData("talkSeconds", """{"dist": "lognormal", "mean": 180, "sd": -1}""", "talkSeconds.sd")]
    [InlineData("ringSeconds", """{"dist": "gamma", "mean": 12}""", "ringSeconds.dist")]
    [InlineData("wrapSeconds", """{"dist": "uniform", "min": 30, "max": 10}""", "wrapSeconds.max")]
    [InlineData("agents", "0", "agents")]
    [InlineData("busy", "0.9", "busy")]
    [InlineData("noAnswerTimeoutSeconds", "10", "noAnswerTimeoutSeconds")]
    [InlineData("humanAnswerByHour", "[0.3, 1.5]", "humanAnswerByHour[1]")]
    [InlineData("amd", """{"machineDetected": 0.9}""", "amd.humanCalledMachine")]
    [InlineData("talkSecs", "12", "talkSecs")]
    public void A_bad_field_exits_2_and_names_the_field(string field, string json, string named)
    {
        var result = Simulate(ScenarioFiles.Variant("default-20", (field, json)));

        Assert.Equal(CliOutput.BadInput, result.Code);
        Assert.Contains($"'{named}'", result.Err, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_missing_required_field_exits_2_and_names_it()
    {
        var result = Simulate(ScenarioFiles.Variant("default-20", ("talkSeconds", null)));

        Assert.Equal(CliOutput.BadInput, result.Code);
        Assert.Contains("'talkSeconds'", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fastest")]
    [InlineData("ratio:0.5")]
    [InlineData("ratio:x")]
    public void An_unknown_pacing_exits_2(string pacing)
    {
        var result = Simulate(ScenarioFiles.PathOf("team-5"), pacing);

        Assert.Equal(CliOutput.BadInput, result.Code);
        Assert.Contains("--pacing", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verb_is_wired_into_the_cli_and_rejects_a_missing_file_with_exit_2()
    {
        var code = await CliApp.RunAsync(
            ["simulate", Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json"), "--pacing", "progressive"],
            [SimulateCommand.Create()],
            TestContext.Current.CancellationToken);

        Assert.Equal(CliOutput.BadInput, code);
    }
}
