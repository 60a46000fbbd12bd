using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Dialer.Pacing;

namespace Collections.Dialer.Simulation;

/// <summary>
/// <c>simulate &lt;scenario.json&gt; [--pacing predictive|progressive|ratio:&lt;x&gt;|adaptive]</c>: runs the real
/// pacing and routing code against a simulated call population on a simulated clock.
/// </summary>
public static class SimulateCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario file (JSON, see docs/simulation.md)." };
        var pacing = new Option<string>("--pacing")
        {
            Description = $"Pacing strategy: {PacingStrategies.Names}.",
            DefaultValueFactory = _ => "predictive",
        };
        var oracle = new Option<bool>("--oracle")
        {
            Description = "Compare against a pacer told the truth: every MACHINE verdict acted on is reviewed at once (not possible live).",
        };
        var command = new Command("simulate", "Simulate a campaign with a pacing strategy and print its talk time and abandonment.")
        {
            scenario,
            pacing,
            oracle,
        };
        command.SetAction((ParseResult parsed, CancellationToken _) =>
            Task.FromResult(Run(parsed.GetValue(scenario)!, parsed.GetValue(pacing)!, Console.Out, Console.Error, parsed.GetValue(oracle))));
        return command;
    }

    /// <summary>Runs one simulation and prints its line; returns the exit code.</summary>
    public static int Run(string scenarioPath, string pacingName, TextWriter output, TextWriter errors, bool oracle = false)
    {
        string json;
        try
        {
            json = File.ReadAllText(scenarioPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return CliOutput.Fail($"cannot read scenario '{scenarioPath}': {ex.Message}", errors);
        }

        Scenario scenario;
        try
        {
            scenario = ScenarioReader.Parse(json);
        }
        catch (ScenarioException ex)
        {
            return CliOutput.Fail($"{scenarioPath}: {ex.Message}", errors);
        }

        var options = CampaignSimulator.OptionsFor(scenario, oracle);
        if (!PacingStrategies.TryCreate(pacingName, options, out var strategy, out var error))
        {
            return CliOutput.Fail(error, errors);
        }

        CliOutput.WriteLine(CampaignSimulator.Run(scenario, strategy, oracle), output);
        return CliOutput.Ok;
    }
}
