using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Collections.Dialer.Cli;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Amd;

/// <summary>
/// The <c>amd-eval &lt;corpus-dir&gt;</c> verb: scores the learned detector, the tuned profile and <c>asterisk-defaults</c>
/// side by side on a labelled corpus (manifest.csv from tools/amd-corpus/build.sh or generate.sh); one JSON line per
/// detector, or Markdown tables; <c>--curve</c> adds the learned detector's trade-off between humans called MACHINE and
/// machines missed.
/// </summary>
public static class AmdEvalCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var corpus = new Argument<string>("corpus-dir") { Description = "Folder with manifest.csv and the clips it lists (tests/corpus/amd)" };
        var split = new Option<string>("--split")
        {
            Description = "Which clips: heldout (voices never trained on; the reported figures), heldout-engine (an engine never trained on), tune, train, or all",
            DefaultValueFactory = _ => "heldout",
        };
        split.AcceptOnlyFromAmong(Splits);
        var format = new Option<string>("--format") { Description = "json (one line per profile) or markdown", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "markdown");
        var set = new Option<string[]>("--set")
        {
            Description = "Override a property of the tuned profile for an experiment, e.g. --set AfterGreetingSilence=450 (times in ms)",
            AllowMultipleArgumentsPerToken = false,
        };
        var profile = new Option<string>("--profile")
        {
            Description = $"The profile scored against asterisk-defaults: {AmdProfile.DefaultName} (tuned) or {AmdProfile.CautiousName}",
            DefaultValueFactory = _ => AmdProfile.DefaultName,
        };
        var errors = new Option<bool>("--errors") { Description = "List each clip the tuned profile gets wrong on stderr (--all-clips: every clip)" };
        var allClips = new Option<bool>("--all-clips") { Description = "With --errors, list every clip, not only the wrong ones" };
        var model = new Option<string?>("--model") { Description = "A learned model file other than the shipped one (amd-train --out)" };
        var curve = new Option<bool>("--curve")
        {
            Description = "Also print the learned detector's trade-off (humans called MACHINE against machines missed, accuracy, NOTSURE) across its MACHINE threshold and run of sure chunks, for reporting; the policy is chosen on the tune split by amd-train",
        };
        var policy = new Option<string[]>("--policy")
        {
            Description = "Override a field of the learned detector's decision policy for an experiment, e.g. --policy AfterGreetingMs=800 (0: no bound)",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("amd-eval", "Scores the learned AMD detector, the tuned profile and asterisk-defaults on a labelled corpus.") { corpus, split, format, profile, set, errors, allClips, model, curve, policy };
        command.SetAction((ParseResult p, CancellationToken ct) => Task.FromResult(Run(
            p.GetValue(corpus)!, p.GetValue(split) ?? "heldout", p.GetValue(format) ?? "json", p.GetValue(set) ?? [], p.GetValue(errors), p.GetValue(allClips), Console.Out, Console.Error,
            p.GetValue(profile) ?? AmdProfile.DefaultName, p.GetValue(model), p.GetValue(curve), p.GetValue(policy) ?? [])));
        return command;
    }

    /// <summary>The splits a corpus may have.</summary>
    public static readonly string[] Splits = ["heldout", "heldout-engine", "tune", "train", "all"];

    /// <summary>Runs the evaluation; returns the exit code.</summary>
    public static int Run(string corpusDir, string split, string format, IReadOnlyList<string> overrides, bool listErrors, bool listAll, TextWriter stdout, TextWriter stderr,
        string profileName = AmdProfile.DefaultName, string? modelPath = null, bool curve = false, IReadOnlyList<string>? policyOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!AmdProfile.BuiltIn.TryGetValue(profileName, out var baseProfile) || baseProfile == AmdProfile.AsteriskDefaults)
        {
            return CliOutput.Fail($"amd-eval: --profile must be {AmdProfile.DefaultName} or {AmdProfile.CautiousName}, not '{profileName}'", stderr);
        }

        if (!File.Exists(Path.Combine(corpusDir, AmdCorpus.ManifestName)))
        {
            return CliOutput.Fail($"amd-eval: {corpusDir}: no {AmdCorpus.ManifestName} (build it with tools/amd-corpus/build.sh)", stderr);
        }

        AmdProfile tuned;
        try
        {
            tuned = ApplyOverrides(baseProfile, overrides);
        }
        catch (FormatException e)
        {
            return CliOutput.Fail($"amd-eval: {e.Message}", stderr);
        }

        LearnedAmdModel learned;
        try
        {
            learned = modelPath is null ? LearnedAmdModel.Shipped : LearnedAmdModel.Load(modelPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            return CliOutput.Fail($"amd-eval: {e.Message}", stderr);
        }

        try
        {
            learned = learned with { Policy = ApplyPolicyOverrides(learned.Policy, policyOverrides ?? []) };
        }
        catch (FormatException e)
        {
            return CliOutput.Fail($"amd-eval: {e.Message}", stderr);
        }

        var clips = new List<(AmdCorpusClip, short[])>();
        foreach (var clip in AmdCorpus.Load(corpusDir).Where(c => split == "all" || c.Split == split))
        {
            var file = Path.Combine(corpusDir, clip.File);
            try
            {
                clips.Add((clip, AmdCommand.ReadTelephonyWav(file)));
            }
            catch (Exception e) when (e is WavFormatException or IOException)
            {
                return CliOutput.Fail($"amd-eval: {file}: {e.Message}", stderr);
            }
        }

        if (clips.Count == 0)
        {
            return CliOutput.Fail($"amd-eval: {corpusDir}: no clips in split '{split}'", stderr);
        }

        var detectors = new (string Name, AmdResult[] Results)[]
        {
            (LearnedAmdDetector.DetectorName, LearnedAmdDetector.ClassifyBatch([.. clips.Select(c => c.Item2)], learned)),
            (tuned.Name, [.. clips.Select(c => AmdDetector.Classify(c.Item2, tuned))]),
            (AmdProfile.AsteriskDefaultsName, [.. clips.Select(c => AmdDetector.Classify(c.Item2, AmdProfile.AsteriskDefaults))]),
        };
        if (listErrors)
        {
            foreach (var (name, results) in detectors.Take(2))
            {
                for (var i = 0; i < clips.Count; i++)
                {
                    var (clip, result) = (clips[i].Item1, results[i]);
                    var right = IsRight(clip, result);
                    if (!right || listAll)
                    {
                        stderr.WriteLine($"{name}: {(right ? "ok " : "BAD")} {clip.Id}: {(clip.IsHuman ? "human" : "machine")} -> {result.VerdictText} {result.CauseText} at {result.DecisionTime.TotalMilliseconds} ms" +
                            (result.GreetingEnd is { } end ? $", greeting ended at {end.TotalMilliseconds} ms" : ""));
                    }
                }
            }
        }

        var evaluations = detectors.Select(d => AmdEvaluation.Score(d.Name, split, [.. clips.Select((c, i) => (c.Item1, d.Results[i]))])).ToList();
        if (format == "markdown")
        {
            WriteMarkdown(evaluations, stdout);
            stdout.WriteLine();
            WriteByKind(clips.Select(c => c.Item1).ToList(), detectors, stdout);
            if (curve)
            {
                stdout.WriteLine();
                WriteCurve(learned.Policy, Curve(learned, clips), stdout);
            }
        }
        else
        {
            foreach (var r in evaluations)
            {
                CliOutput.WriteLine(r, stdout);
            }

            if (curve)
            {
                foreach (var p in Curve(learned, clips))
                {
                    CliOutput.WriteLine(p, stdout);
                }
            }
        }

        return CliOutput.Ok;
    }

    private static void WriteByKind(List<AmdCorpusClip> clips, (string Name, AmdResult[] Results)[] detectors, TextWriter w)
    {
        w.WriteLine("| clips by kind | n | " + string.Join(" | ", detectors.Select(d => $"`{d.Name}` right")) + " |");
        w.WriteLine("| --- | ---: |" + string.Concat(detectors.Select(_ => " ---: |")));
        foreach (var group in clips.Select((c, i) => (c, i)).GroupBy(x => (Label: x.c.IsHuman ? "human" : "machine", x.c.Kind))
            .OrderBy(g => g.Key.Label, StringComparer.Ordinal).ThenBy(g => g.Key.Kind, StringComparer.Ordinal))
        {
            var counts = detectors.Select(d => group.Count(x => IsRight(x.c, d.Results[x.i])));
            w.WriteLine($"| {group.Key.Label} / {group.Key.Kind} | {group.Count()} | {string.Join(" | ", counts)} |");
        }
    }

    /// <summary>
    /// The learned detector's trade-off (<see cref="AmdTradeOffCurve"/>): its policy replayed on the clips' measurements with
    /// the MACHINE threshold swept (at the shipped run of sure chunks), the run swept (at the shipped threshold), and the
    /// points of the whole grid no other point beats on both people called MACHINE and machines missed.
    /// </summary>
    private static List<AmdTradeOffPoint> Curve(LearnedAmdModel model, List<(AmdCorpusClip Clip, short[] Audio)> clips)
    {
        var speech = Training.AmdTrajectories.SpeechProbabilities(SileroVad.Instance, [.. clips.Select(c => c.Audio)], (model.Policy.TotalMs / AmdFeatures.ChunkMs) + 2);
        var steps = clips.Select((c, i) => Training.AmdTrajectories.Measure(c.Audio, speech[i], model.Policy.TotalMs)).ToList();
        var probabilities = steps.Select(s => Training.AmdTrainer.Probabilities(model, s)).ToList();
        return AmdTradeOffCurve.Sweep([.. clips.Select(c => c.Clip)], model.Policy,
            policy => [.. steps.Select((s, i) => Training.AmdTrajectories.Replay(s, probabilities[i], policy))]);
    }

    private static void WriteCurve(AmdDecisionPolicy shipped, List<AmdTradeOffPoint> points, TextWriter w)
    {
        static string Threshold(AmdTradeOffPoint p) =>
            p.MachineAbove > 1 ? "never (beeps and SIT only)" : p.MachineAbove.ToString("0.###", CultureInfo.InvariantCulture);
        static string Figures(AmdTradeOffPoint p) => $"{Pct(p.HumansCalledMachine)} | {Pct(p.MachinesMissed)} | {Pct(p.Accuracy)} | {Pct(p.NotSure)}";
        static string Mark(AmdTradeOffPoint p) => p.Shipped ? " (shipped)" : "";

        w.WriteLine($"| MACHINE threshold (P(machine) >=), {shipped.MachineChunks} chunks in a row | humans called MACHINE | machines missed | accuracy | NOTSURE |");
        w.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in points.Where(p => p.MachineChunks == shipped.MachineChunks))
        {
            w.WriteLine($"| {Threshold(p)}{Mark(p)} | {Figures(p)} |");
        }

        w.WriteLine();
        w.WriteLine($"| chunks in a row at P(machine) >= {shipped.MachineAbove.ToString("0.###", CultureInfo.InvariantCulture)} | humans called MACHINE | machines missed | accuracy | NOTSURE |");
        w.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in points.Where(p => Math.Abs(p.MachineAbove - shipped.MachineAbove) < 1e-9))
        {
            w.WriteLine($"| {p.MachineChunks}{Mark(p)} | {Figures(p)} |");
        }

        w.WriteLine();
        w.WriteLine("| best trade-offs (threshold x chunks in a row) | humans called MACHINE | machines missed | accuracy | NOTSURE |");
        w.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var p in AmdTradeOffCurve.Frontier(points))
        {
            w.WriteLine($"| {Threshold(p)} x {p.MachineChunks}{Mark(p)} | {Figures(p)} |");
        }
    }

    private static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static bool IsRight(AmdCorpusClip clip, AmdResult result) =>
        clip.IsHuman ? result.Verdict == AmdVerdict.Human : result.Verdict == AmdVerdict.Machine;

    /// <summary>Returns a copy of <paramref name="profile"/> with Name=Value overrides (times in milliseconds).</summary>
    public static AmdProfile ApplyOverrides(AmdProfile profile, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var copy = profile with { };
        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? item[..eq] : throw new FormatException($"--set {item}: expected Name=Value");
            var text = item[(eq + 1)..];
            var property = typeof(AmdProfile).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite || property.Name == nameof(AmdProfile.Name))
            {
                throw new FormatException($"--set {item}: no profile property '{name}'");
            }

            try
            {
                object value = property.PropertyType switch
                {
                    var t when t == typeof(TimeSpan) => TimeSpan.FromMilliseconds(double.Parse(text, CultureInfo.InvariantCulture)),
                    var t when t == typeof(int) => int.Parse(text, CultureInfo.InvariantCulture),
                    var t when t == typeof(double) => double.Parse(text, CultureInfo.InvariantCulture),
                    var t when t == typeof(bool) => bool.Parse(text),
                    var t when t.IsEnum => Enum.Parse(t, text, ignoreCase: true),
                    _ => throw new FormatException($"--set {item}: cannot set {property.Name}"),
                };
                property.SetValue(copy, value);
            }
            catch (Exception e) when (e is OverflowException or ArgumentException)
            {
                throw new FormatException($"--set {item}: {e.Message}", e);
            }
        }

        return copy;
    }

    /// <summary>Returns a copy of the learned detector's <paramref name="policy"/> with Name=Value overrides (times in ms).</summary>
    public static AmdDecisionPolicy ApplyPolicyOverrides(AmdDecisionPolicy policy, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(overrides);
        var copy = policy with { };
        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? item[..eq] : throw new FormatException($"--policy {item}: expected Name=Value");
            var property = typeof(AmdDecisionPolicy).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                throw new FormatException($"--policy {item}: no policy field '{name}' (fields: {string.Join(", ", typeof(AmdDecisionPolicy).GetProperties().Where(p => p.CanWrite).Select(p => p.Name))})");
            }

            var text = item[(eq + 1)..];
            object value = property.PropertyType == typeof(int)
                ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? (object)n : throw new FormatException($"--policy {item}: {property.Name} must be a whole number >= 0")
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? (object)x : throw new FormatException($"--policy {item}: {property.Name} must be a number");
            property.SetValue(copy, value);
        }

        return copy;
    }

    private static void WriteMarkdown(IReadOnlyList<AmdEvaluation> results, TextWriter w)
    {
        w.WriteLine($"| figure ({results[0].Split} split: {results[0].Clips} clips, {results[0].Humans} humans, {results[0].Machines} machines) | " +
            string.Join(" | ", results.Select(r => $"`{r.Profile}`")) + " |");
        w.WriteLine("| --- |" + string.Concat(results.Select(_ => " ---: |")));
        void Row(string name, Func<AmdEvaluation, string> value) =>
            w.WriteLine($"| {name} | " + string.Join(" | ", results.Select(value)) + " |");
        Row("accuracy (NOTSURE counts as wrong)", r => Pct(r.Accuracy));
        Row("humans called MACHINE", r => Pct(r.HumansCalledMachine));
        Row("machines missed (HUMAN or NOTSURE)", r => Pct(r.MachinesMissed));
        Row("NOTSURE, all clips", r => Pct(r.NotSure));
        Row("human decision p50 / p95 (ms from answer)", r => $"{r.HumanP50Ms} / {r.HumanP95Ms}");
        Row("human decision max (ms from answer)", r => $"{r.HumanMaxMs}");
        Row("machine decision p50 / p95 (ms from answer)", r => $"{r.MachineP50Ms} / {r.MachineP95Ms}");
        Row("human decision after end of first words, median (ms)", r => $"{r.HumanDelayAfterFirstWordsP50Ms}");
        Row("human decision after the greeting's end as detected, p50 / p95 / max (ms)", r => $"{r.HumanAfterGreetingMs.P50} / {r.HumanAfterGreetingMs.P95} / {r.HumanAfterGreetingMs.Max}");
        Row("goals met (accuracy >= 95 %, humans called MACHINE <= 2 %, median <= 600 ms, max <= 5000 ms)", r =>
            string.Join(" ", new[] { r.Accuracy >= 0.95, r.HumansCalledMachine <= 0.02, r.HumanDelayAfterFirstWordsP50Ms <= 600, r.HumanMaxMs <= 5000 }.Select(ok => ok ? "yes" : "no")));
    }
}
