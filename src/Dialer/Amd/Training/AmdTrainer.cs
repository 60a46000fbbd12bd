using System.Globalization;
using System.Security.Cryptography;

namespace Collections.Dialer.Amd.Training;

/// <summary>A clip measured for training or evaluation.</summary>
public sealed record MeasuredClip(AmdCorpusClip Clip, List<AmdStep> Steps);

/// <summary>
/// Trains the learned detector (<c>amd-train</c>): boosted trees on the corpus's <c>train</c> split, then the decision
/// policy chosen on the <c>tune</c> split; the held-out voices and engines are not read.
/// </summary>
public static class AmdTrainer
{
    /// <summary>The most humans called MACHINE the policy may cost on the tune split (the goal is 2 % on held-out data).</summary>
    public const double MaxHumansCalledMachine = 0.01;

    /// <summary>The median human verdict after the end of the first words the policy must keep (the goal).</summary>
    public const int MaxHumanDelayMedianMs = 600;

    /// <summary>
    /// The after-greeting bound the shipped policy is searched with (<see cref="AmdDecisionPolicy.AfterGreetingMs"/>): silence
    /// after speech after which the detector decides, NOTSURE if nothing else; with the time to bridge an operator it fits in the
    /// 2 s from the end of a person's greeting (16 CFR 310.4(b)(1)(iv); Ofcom 2016, A1). Chosen on the tune split (docs/amd.md).
    /// </summary>
    public const int DefaultAfterGreetingMs = 800;

    /// <summary>Reads and measures the clips of the given splits.</summary>
    public static List<MeasuredClip> Measure(string corpusDir, Func<AmdCorpusClip, bool> include, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var clips = AmdCorpus.Load(corpusDir).Where(include).ToList();
        var audio = clips.Select(c => AmdCommand.ReadTelephonyWav(Path.Combine(corpusDir, c.File))).ToList();
        var started = DateTime.UtcNow;
        var speech = AmdTrajectories.SpeechProbabilities(SileroVad.Instance, audio, maxChunks: 5000 / AmdFeatures.ChunkMs + 1);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"amd-train: VAD over {clips.Count} clips in {(DateTime.UtcNow - started).TotalSeconds:F0} s"));
        var measured = new MeasuredClip[clips.Count];
        Parallel.For(0, clips.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => measured[i] = new MeasuredClip(clips[i], AmdTrajectories.Measure(audio[i], speech[i])));
        return [.. measured];
    }

    /// <summary>Trains trees on <paramref name="train"/> and chooses the policy on <paramref name="tune"/>.</summary>
    public static LearnedAmdModel Train(IReadOnlyList<MeasuredClip> train, IReadOnlyList<MeasuredClip> tune, BoostingOptions options, string trainedOn, string command, TextWriter log,
        int afterGreetingMs = DefaultAfterGreetingMs)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(tune);
        ArgumentNullException.ThrowIfNull(log);
        var rows = new List<float[]>();
        var labels = new List<byte>();
        var weights = new List<double>();
        foreach (var clip in train)
        {
            // Every chunk from the first speech on is a training row; each clip weighs the same in total, so long
            // undecided machines do not outweigh short human answers.
            var steps = clip.Steps.Where(s => s.Features is not null).ToList();
            foreach (var step in steps)
            {
                rows.Add(step.Features!);
                labels.Add(clip.Clip.IsHuman ? (byte)0 : (byte)1);
                weights.Add(100.0 / steps.Count);
            }
        }

        var started = DateTime.UtcNow;
        var (baseScore, trees) = GradientBoosting.Train([.. rows], AmdFeatures.Count, [.. labels], [.. weights], options);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"amd-train: {trees.Length} trees on {rows.Count} rows of {train.Count} clips in {(DateTime.UtcNow - started).TotalSeconds:F0} s"));
        var model = new LearnedAmdModel([.. AmdFeatures.Names], baseScore, trees, new AmdDecisionPolicy(0.5, 0.5, 320, 800), trainedOn, command);
        var policy = ChoosePolicy(model, tune, log, afterGreetingMs);
        return model with { Policy = policy };
    }

    /// <summary>
    /// Tries decision thresholds on the tune split and keeps the most accurate policy whose humans called MACHINE stay
    /// within <see cref="MaxHumansCalledMachine"/> and whose median human verdict comes within <see cref="MaxHumanDelayMedianMs"/>
    /// of the end of the first words; when none qualifies, the one with the fewest humans called MACHINE. Every candidate has
    /// the after-greeting bound <paramref name="afterGreetingMs"/> (0: none).
    /// </summary>
    public static AmdDecisionPolicy ChoosePolicy(LearnedAmdModel model, IReadOnlyList<MeasuredClip> tune, TextWriter log, int afterGreetingMs = DefaultAfterGreetingMs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(log);
        var probabilities = tune.Select(c => Probabilities(model, c.Steps)).ToList();
        (AmdDecisionPolicy Policy, Score Score)? best = null;
        foreach (var human in new[] { 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5 })
        {
            foreach (var machine in new[] { 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995 })
            {
                foreach (var silence in new[] { 192, 256, 320, 384, 448, 512, 640 })
                {
                    foreach (var minMachine in new[] { 0, 1200, 2000, 2800 })
                    {
                        foreach (var chunks in new[] { 1, 3, 6 })
                        {
                            var policy = new AmdDecisionPolicy(human, machine, silence, minMachine, MachineChunks: chunks, AfterGreetingMs: afterGreetingMs);
                            var score = Evaluate(tune, probabilities, policy);
                            if (best is null || score.BetterThan(best.Value.Score))
                            {
                                best = (policy, score);
                            }
                        }
                    }
                }
            }
        }

        var (chosen, s) = best!.Value;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"amd-train: policy on tune ({tune.Count} clips): accuracy {s.Accuracy:P1}, humans called MACHINE {s.HumansCalledMachine:P1}, human verdict median {s.DelayMedianMs} ms after the first words -> {chosen}"));
        return chosen;
    }

    /// <summary>P(machine) at each step of a measured clip.</summary>
    public static double[] Probabilities(LearnedAmdModel model, IReadOnlyList<AmdStep> steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(steps);
        return [.. steps.Select(s => s.Features is null ? 0 : model.Predict(s.Features))];
    }

    /// <summary>Accuracy, humans called MACHINE and median human delay of a policy on measured clips.</summary>
    public sealed record Score(double Accuracy, double HumansCalledMachine, int DelayMedianMs)
    {
        /// <summary>Qualifying policies beat the others; among them accuracy, then speed; among the others fewer humans called MACHINE.</summary>
        public bool BetterThan(Score other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var ok = HumansCalledMachine <= MaxHumansCalledMachine && DelayMedianMs <= MaxHumanDelayMedianMs;
            var otherOk = other.HumansCalledMachine <= MaxHumansCalledMachine && other.DelayMedianMs <= MaxHumanDelayMedianMs;
            if (ok != otherOk)
            {
                return ok;
            }

            if (!ok)
            {
                return HumansCalledMachine < other.HumansCalledMachine
                    || (HumansCalledMachine == other.HumansCalledMachine && Accuracy > other.Accuracy);
            }

            return Accuracy > other.Accuracy + 1e-9 || (Math.Abs(Accuracy - other.Accuracy) <= 1e-9 && DelayMedianMs < other.DelayMedianMs);
        }
    }

    private static Score Evaluate(IReadOnlyList<MeasuredClip> clips, List<double[]> probabilities, AmdDecisionPolicy policy)
    {
        int right = 0, humans = 0, humansAsMachine = 0;
        var delays = new List<int>();
        for (var i = 0; i < clips.Count; i++)
        {
            var clip = clips[i].Clip;
            var result = AmdTrajectories.Replay(clips[i].Steps, probabilities[i], policy);
            if (clip.IsHuman)
            {
                humans++;
                humansAsMachine += result.Verdict == AmdVerdict.Machine ? 1 : 0;
                right += result.Verdict == AmdVerdict.Human ? 1 : 0;
                if (clip.FirstWordsEndMs is { } end)
                {
                    delays.Add((int)result.DecisionTime.TotalMilliseconds - end);
                }
            }
            else
            {
                right += result.Verdict == AmdVerdict.Machine ? 1 : 0;
            }
        }

        return new Score((double)right / Math.Max(1, clips.Count), (double)humansAsMachine / Math.Max(1, humans), AmdEvaluation.Percentile(delays, 50));
    }

    /// <summary>SHA-256 of the corpus manifest, recorded in the model as what it was trained on.</summary>
    public static string ManifestHash(string corpusDir) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(corpusDir, AmdCorpus.ManifestName))));
}
