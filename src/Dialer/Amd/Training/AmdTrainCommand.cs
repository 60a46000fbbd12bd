using System.CommandLine;
using System.Globalization;
using Collections.Dialer.Cli;

namespace Collections.Dialer.Amd.Training;

/// <summary>
/// The <c>amd-train &lt;corpus-dir&gt;</c> verb: trains the learned detector on the corpus's train split, chooses its decision
/// policy on the tune split, and writes the model (src/Dialer/Amd/Models/amd-model.json is the shipped one).
/// </summary>
public static class AmdTrainCommand
{
    /// <summary>The command that made the shipped model (docs/amd.md).</summary>
    public const string ShippedCommand = "tools/amd-corpus/generate.sh && dotnet run -c Release --project src/Dialer -- amd-train .cache/amd-corpus --out src/Dialer/Amd/Models/amd-model.json";

    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var corpus = new Argument<string>("corpus-dir") { Description = "The second corpus (manifest.csv with train and tune splits; tools/amd-corpus/generate.sh)" };
        var output = new Option<string>("--out") { Description = "Where to write the model", DefaultValueFactory = _ => "amd-model.json" };
        var trees = new Option<int>("--trees") { Description = "Boosting rounds", DefaultValueFactory = _ => 300 };
        var depth = new Option<int>("--depth") { Description = "Tree depth", DefaultValueFactory = _ => 4 };
        var afterGreeting = new Option<int>("--after-greeting-ms")
        {
            Description = "Silence after speech after which the detector decides (NOTSURE if nothing else; 0: no bound)",
            DefaultValueFactory = _ => AmdTrainer.DefaultAfterGreetingMs,
        };
        var command = new Command("amd-train", "Trains the learned AMD detector on a corpus's train split and tunes its policy on the tune split.") { corpus, output, trees, depth, afterGreeting };
        command.SetAction((ParseResult p, CancellationToken _) => Task.FromResult(Run(p.GetValue(corpus)!, p.GetValue(output)!, p.GetValue(trees), p.GetValue(depth), Console.Out, Console.Error, p.GetValue(afterGreeting))));
        return command;
    }

    /// <summary>Runs the verb; returns the exit code.</summary>
    public static int Run(string corpusDir, string output, int trees, int depth, TextWriter stdout, TextWriter stderr, int afterGreetingMs = AmdTrainer.DefaultAfterGreetingMs)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (!File.Exists(Path.Combine(corpusDir, AmdCorpus.ManifestName)))
        {
            return CliOutput.Fail($"amd-train: {corpusDir}: no {AmdCorpus.ManifestName} (generate it with tools/amd-corpus/generate.sh)", stderr);
        }

        if (trees is < 1 or > 5000 || depth is < 1 or > 8)
        {
            return CliOutput.Fail("amd-train: --trees must be 1-5000 and --depth 1-8", stderr);
        }

        if (afterGreetingMs is < 0 or > 5000)
        {
            return CliOutput.Fail("amd-train: --after-greeting-ms must be 0-5000", stderr);
        }

        var measured = AmdTrainer.Measure(corpusDir, c => c.Split is "train" or "tune", stderr);
        var train = measured.Where(m => m.Clip.Split == "train").ToList();
        var tune = measured.Where(m => m.Clip.Split == "tune").ToList();
        if (train.Count == 0 || tune.Count == 0)
        {
            return CliOutput.Fail($"amd-train: {corpusDir}: needs train and tune clips (found {train.Count} and {tune.Count})", stderr);
        }

        var trainedOn = string.Create(CultureInfo.InvariantCulture,
            $"manifest sha256 {AmdTrainer.ManifestHash(corpusDir)}: {train.Count} train clips, policy on {tune.Count} tune clips");
        var model = AmdTrainer.Train(train, tune, new BoostingOptions(Trees: trees, Depth: depth, MinLeafWeight: 5), trainedOn, ShippedCommand, stderr, afterGreetingMs);
        model.Save(output);
        stdout.WriteLine($"amd-train: wrote {output}");
        return CliOutput.Ok;
    }
}
