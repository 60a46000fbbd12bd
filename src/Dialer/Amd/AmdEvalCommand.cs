using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Collections.Dialer.Cli;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Amd;

/// <summary>
/// The <c>amd-eval &lt;corpus-dir&gt;</c> verb: scores the tuned profile and <c>asterisk-defaults</c> side by side on
/// a labelled corpus (manifest.csv from tools/amd-corpus/build.sh); one JSON line per profile, or a Markdown table.
/// </summary>
public static class AmdEvalCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var corpus = new Argument<string>("corpus-dir") { Description = "Folder with manifest.csv and the clips it lists (tests/corpus/amd)" };
        var split = new Option<string>("--split")
        {
            Description = "Which clips: heldout (the reported figures), tune, or all",
            DefaultValueFactory = _ => "heldout",
        };
        split.AcceptOnlyFromAmong("heldout", "tune", "all");
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
        var command = new Command("amd-eval", "Scores the tuned AMD profile against asterisk-defaults on a labelled corpus.") { corpus, split, format, profile, set, errors, allClips };
        command.SetAction((ParseResult p, CancellationToken ct) => Task.FromResult(Run(
            p.GetValue(corpus)!, p.GetValue(split) ?? "heldout", p.GetValue(format) ?? "json", p.GetValue(set) ?? [], p.GetValue(errors), p.GetValue(allClips), Console.Out, Console.Error,
            p.GetValue(profile) ?? AmdProfile.DefaultName)));
        return command;
    }

    /// <summary>Runs the evaluation; returns the exit code.</summary>
    public static int Run(string corpusDir, string split, string format, IReadOnlyList<string> overrides, bool listErrors, bool listAll, TextWriter stdout, TextWriter stderr,
        string profileName = AmdProfile.DefaultName)
    {
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

        var byKind = new Dictionary<(string Label, string Kind), (int Clips, int Tuned, int Baseline)>();
        void Tally(AmdCorpusClip clip, AmdResult result, bool tunedProfile)
        {
            var key = (clip.IsHuman ? "human" : "machine", clip.Kind);
            var (n, t, b) = byKind.GetValueOrDefault(key);
            var right = IsRight(clip, result) ? 1 : 0;
            byKind[key] = tunedProfile ? (n + 1, t + right, b) : (n, t, b + right);
        }

        Action<AmdCorpusClip, AmdResult> report = (clip, result) =>
            {
                Tally(clip, result, tunedProfile: true);
                var right = IsRight(clip, result);
                if (listErrors && (!right || listAll))
                {
                    stderr.WriteLine($"{(right ? "ok " : "BAD")} {clip.Id}: {(clip.IsHuman ? "human" : "machine")} -> {result.VerdictText} {result.CauseText} at {result.DecisionTime.TotalMilliseconds} ms ({result.Words} words, {result.VoicedTime.TotalMilliseconds} ms voiced)");
                }
            };
        var results = new[]
        {
            AmdEvaluation.Run(tuned, split, clips, report),
            AmdEvaluation.Run(AmdProfile.AsteriskDefaults, split, clips, (clip, result) => Tally(clip, result, tunedProfile: false)),
        };

        if (format == "markdown")
        {
            WriteMarkdown(results, stdout);
            stdout.WriteLine();
            stdout.WriteLine($"| clips by kind | n | `{results[0].Profile}` right | `{results[1].Profile}` right |");
            stdout.WriteLine("| --- | ---: | ---: | ---: |");
            foreach (var ((label, kind), (n, t, b)) in byKind.OrderBy(k => k.Key.Label, StringComparer.Ordinal).ThenBy(k => k.Key.Kind, StringComparer.Ordinal))
            {
                stdout.WriteLine($"| {label} / {kind} | {n} | {t} | {b} |");
            }
        }
        else
        {
            foreach (var r in results)
            {
                CliOutput.WriteLine(r, stdout);
            }
        }

        return CliOutput.Ok;
    }

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

    private static void WriteMarkdown(IReadOnlyList<AmdEvaluation> results, TextWriter w)
    {
        static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
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
    }
}
