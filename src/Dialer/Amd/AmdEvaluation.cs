namespace Collections.Dialer.Amd;

/// <summary>Detector figures for one profile on a set of labelled clips.</summary>
public sealed record AmdEvaluation(
    string Profile,
    string Split,
    int Clips,
    int Humans,
    int Machines,
    double Accuracy,
    double HumansCalledMachine,
    double MachinesMissed,
    double NotSure,
    int HumanP50Ms,
    int HumanP95Ms,
    int HumanMaxMs,
    int MachineP50Ms,
    int MachineP95Ms,
    int HumanDelayAfterFirstWordsP50Ms)
{
    /// <summary>
    /// Humans' verdicts after the end of the greeting the detector reported (<see cref="AmdResult.GreetingEnd"/>), median, 95th
    /// percentile and maximum in ms: what the detector takes of the 2 s within which a person must reach an operator
    /// (16 CFR 310.4(b)(1)(iv); Ofcom 2016, A1). Humans of whom nothing was heard are left out.
    /// </summary>
    public (int P50, int P95, int Max) HumanAfterGreetingMs { get; init; }

    /// <summary>Runs <paramref name="profile"/> over the clips (audio already decoded) and computes the figures.</summary>
    /// <remarks>
    /// Accuracy counts NOTSURE as wrong for both labels. "Machines missed" is every machine not called MACHINE
    /// (HUMAN or NOTSURE, both of which reach an agent). Percentiles are nearest-rank.
    /// </remarks>
    public static AmdEvaluation Run(AmdProfile profile, string split, IReadOnlyList<(AmdCorpusClip Clip, short[] Audio)> clips,
        Action<AmdCorpusClip, AmdResult>? onResult = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(clips);
        return Score(profile.Name, split, [.. clips.Select(c => (c.Clip, AmdDetector.Classify(c.Audio, profile)))], onResult);
    }

    /// <summary>Computes the figures of one detector from its verdicts on labelled clips.</summary>
    public static AmdEvaluation Score(string detector, string split, IReadOnlyList<(AmdCorpusClip Clip, AmdResult Result)> clips,
        Action<AmdCorpusClip, AmdResult>? onResult = null)
    {
        ArgumentNullException.ThrowIfNull(clips);
        int correct = 0, humans = 0, machines = 0, humanAsMachine = 0, missed = 0, notSure = 0;
        var humanTimes = new List<int>();
        var machineTimes = new List<int>();
        var delays = new List<int>();
        var afterGreeting = new List<int>();
        foreach (var (clip, result) in clips)
        {
            onResult?.Invoke(clip, result);
            var ms = (int)result.DecisionTime.TotalMilliseconds;
            if (result.Verdict == AmdVerdict.NotSure)
            {
                notSure++;
            }

            if (clip.IsHuman)
            {
                humans++;
                humanTimes.Add(ms);
                if (clip.FirstWordsEndMs is { } end)
                {
                    delays.Add(ms - end);
                }

                if (result.GreetingEnd is { } greetingEnd)
                {
                    afterGreeting.Add(ms - (int)greetingEnd.TotalMilliseconds);
                }

                correct += result.Verdict == AmdVerdict.Human ? 1 : 0;
                humanAsMachine += result.Verdict == AmdVerdict.Machine ? 1 : 0;
            }
            else
            {
                machines++;
                machineTimes.Add(ms);
                correct += result.Verdict == AmdVerdict.Machine ? 1 : 0;
                missed += result.Verdict == AmdVerdict.Machine ? 0 : 1;
            }
        }

        var n = Math.Max(1, clips.Count);
        return new AmdEvaluation(
            detector, split, clips.Count, humans, machines,
            (double)correct / n,
            humans == 0 ? 0 : (double)humanAsMachine / humans,
            machines == 0 ? 0 : (double)missed / machines,
            (double)notSure / n,
            Percentile(humanTimes, 50), Percentile(humanTimes, 95), humanTimes.Count == 0 ? 0 : humanTimes.Max(),
            Percentile(machineTimes, 50), Percentile(machineTimes, 95),
            Percentile(delays, 50))
        {
            HumanAfterGreetingMs = (Percentile(afterGreeting, 50), Percentile(afterGreeting, 95), afterGreeting.Count == 0 ? 0 : afterGreeting.Max()),
        };
    }

    /// <summary>Nearest-rank percentile; 0 for an empty list.</summary>
    public static int Percentile(List<int> values, int percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
