namespace Collections.Dialer.Amd;

/// <summary>
/// One point of the learned detector's trade-off: its decision policy with one MACHINE threshold and one run of sure chunks,
/// scored on labelled clips.
/// </summary>
/// <param name="MachineAbove">The MACHINE threshold on P(machine) (<see cref="AmdTradeOffCurve.Never"/>: beeps and SIT only).</param>
/// <param name="MachineChunks">Consecutive chunks at or above the threshold needed for MACHINE.</param>
/// <param name="HumansCalledMachine">Share of the people called MACHINE.</param>
/// <param name="MachinesMissed">Share of the machines not called MACHINE (HUMAN or NOTSURE).</param>
/// <param name="Accuracy">Share of all clips right (NOTSURE counts as wrong).</param>
/// <param name="NotSure">Share of all clips NOTSURE.</param>
/// <param name="Shipped">Whether this is the shipped policy's own threshold and run.</param>
public sealed record AmdTradeOffPoint(double MachineAbove, int MachineChunks, double HumansCalledMachine, double MachinesMissed, double Accuracy, double NotSure, bool Shipped);

/// <summary>
/// The learned detector's trade-off between people called MACHINE (abandoned calls) and machines missed (an operator's few
/// seconds): the policy replayed across MACHINE thresholds and runs of sure chunks, and the points no other point beats on
/// both. For reporting on held-out clips only; the policy is chosen on the tune split (amd-train).
/// </summary>
public static class AmdTradeOffCurve
{
    /// <summary>A threshold above any probability: the model never says MACHINE, only the beep and SIT rules do.</summary>
    public const double Never = 1.01;

    /// <summary>The thresholds <c>amd-eval --curve</c> sweeps (with the shipped one).</summary>
    public static IReadOnlyList<double> Thresholds { get; } = [0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, Never];

    /// <summary>The runs of sure chunks <c>amd-eval --curve</c> sweeps (with the shipped one).</summary>
    public static IReadOnlyList<int> Runs { get; } = [1, 2, 3, 5, 8];

    /// <summary>
    /// Scores <paramref name="shipped"/> with every threshold and run (the shipped ones added): <paramref name="replay"/>
    /// gives the verdict of each clip, in the order of <paramref name="clips"/>, under a policy.
    /// </summary>
    public static List<AmdTradeOffPoint> Sweep(IReadOnlyList<AmdCorpusClip> clips, AmdDecisionPolicy shipped, Func<AmdDecisionPolicy, IReadOnlyList<AmdResult>> replay,
        IEnumerable<double>? thresholds = null, IEnumerable<int>? runs = null)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(shipped);
        ArgumentNullException.ThrowIfNull(replay);
        var points = new List<AmdTradeOffPoint>();
        foreach (var threshold in (thresholds ?? Thresholds).Append(shipped.MachineAbove).Distinct().Order())
        {
            foreach (var run in (runs ?? Runs).Append(shipped.MachineChunks).Distinct().Order())
            {
                var results = replay(shipped with { MachineAbove = threshold, MachineChunks = run });
                if (results.Count != clips.Count)
                {
                    throw new ArgumentException($"The replay gave {results.Count} verdicts for {clips.Count} clips.", nameof(replay));
                }

                var e = AmdEvaluation.Score("curve", "", [.. clips.Select((c, i) => (c, results[i]))]);
                points.Add(new AmdTradeOffPoint(threshold, run, e.HumansCalledMachine, e.MachinesMissed, e.Accuracy, e.NotSure,
                    Math.Abs(threshold - shipped.MachineAbove) < 1e-9 && run == shipped.MachineChunks));
            }
        }

        return points;
    }

    /// <summary>
    /// The points no other point beats: for each share of people called MACHINE, the fewest machines missed, keeping only
    /// those that miss fewer machines than every point with fewer people called MACHINE (ordered by that share).
    /// </summary>
    public static List<AmdTradeOffPoint> Frontier(IEnumerable<AmdTradeOffPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var frontier = new List<AmdTradeOffPoint>();
        foreach (var p in points.OrderBy(p => p.HumansCalledMachine).ThenBy(p => p.MachinesMissed).ThenByDescending(p => p.Accuracy))
        {
            if (frontier.Count == 0 || p.MachinesMissed < frontier[^1].MachinesMissed)
            {
                frontier.Add(p);
            }
        }

        return frontier;
    }
}
