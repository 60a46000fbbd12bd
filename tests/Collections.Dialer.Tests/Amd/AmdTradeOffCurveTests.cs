using Collections.Dialer.Amd;

namespace Collections.Dialer.Tests.Amd;

/// <summary>The learned detector's trade-off curve (<see cref="AmdTradeOffCurve"/>, <c>amd-eval --curve</c>).</summary>
public sealed class AmdTradeOffCurveTests
{
    private static readonly AmdDecisionPolicy Shipped = new(HumanBelow: 0.5, MachineAbove: 0.95, MinSilenceMs: 448, MinMachineMs: 2000, MachineChunks: 3);

    // Four people and four machines, each with the P(machine) it reaches and how many chunks in a row it stays there.
    private static readonly (AmdCorpusClip Clip, double Peak, int Run)[] Clips =
    [
        (Clip("h1", human: true), 0.20, 9),
        (Clip("h2", human: true), 0.60, 9),
        (Clip("h3", human: true), 0.96, 2),
        (Clip("h4", human: true), 0.99, 9),
        (Clip("m1", human: false), 0.50, 9),
        (Clip("m2", human: false), 0.90, 9),
        (Clip("m3", human: false), 0.97, 9),
        (Clip("m4", human: false), 0.999, 1),
    ];

    private static AmdCorpusClip Clip(string id, bool human) => new(id, id + ".wav", human, "heldout", "en", "test", human ? 1000 : null);

    // MACHINE when the peak reaches the threshold for the run; else a person answering h1 is HUMAN, everyone else NOTSURE.
    private static AmdResult[] Replay(AmdDecisionPolicy policy) =>
    [
        .. Clips.Select(c => c.Peak >= policy.MachineAbove && c.Run >= policy.MachineChunks
            ? new AmdResult(AmdVerdict.Machine, AmdCause.Prosody, TimeSpan.FromSeconds(3))
            : c.Clip.Id == "h1" ? new AmdResult(AmdVerdict.Human, AmdCause.Human, TimeSpan.FromSeconds(2)) : new AmdResult(AmdVerdict.NotSure, AmdCause.TooLong, TimeSpan.FromSeconds(5))),
    ];

    [Fact]
    public void Each_point_counts_people_called_MACHINE_machines_missed_accuracy_and_NOTSURE_under_its_policy()
    {
        var points = AmdTradeOffCurve.Sweep([.. Clips.Select(c => c.Clip)], Shipped, Replay, [0.5, 0.95, AmdTradeOffCurve.Never], [1, 3]);

        Assert.Equal(6, points.Count);

        // At 0.95 for 3 chunks: h4 is called MACHINE (h3 not: its run is 2), m3 is caught (m4's run is 1, m1 and m2 too low).
        var shipped = Assert.Single(points, p => p.Shipped);
        Assert.Equal((0.95, 3), (shipped.MachineAbove, shipped.MachineChunks));
        Assert.Equal(0.25, shipped.HumansCalledMachine);
        Assert.Equal(0.75, shipped.MachinesMissed);
        Assert.Equal(2 / 8.0, shipped.Accuracy); // h1 HUMAN, m3 MACHINE
        Assert.Equal(5 / 8.0, shipped.NotSure); // h2, h3, m1, m2, m4

        // At 0.5 for 1 chunk: h3 and h4 (and h2 at 0.6) are called MACHINE, every machine is caught.
        var eager = Assert.Single(points, p => p.MachineAbove == 0.5 && p.MachineChunks == 1);
        Assert.Equal((0.75, 0.0, 5 / 8.0, 0.0), (eager.HumansCalledMachine, eager.MachinesMissed, eager.Accuracy, eager.NotSure));

        // Never: nobody is called MACHINE by the model.
        var never = Assert.Single(points, p => p.MachineAbove == AmdTradeOffCurve.Never && p.MachineChunks == 3);
        Assert.Equal((0.0, 1.0, 1 / 8.0, 7 / 8.0), (never.HumansCalledMachine, never.MachinesMissed, never.Accuracy, never.NotSure));
    }

    [Fact]
    public void The_shipped_threshold_and_run_are_always_on_the_curve()
    {
        var points = AmdTradeOffCurve.Sweep([.. Clips.Select(c => c.Clip)], Shipped with { MachineAbove = 0.93, MachineChunks = 4 }, Replay, [0.5], [1]);

        Assert.Equal([(0.5, 1), (0.5, 4), (0.93, 1), (0.93, 4)], points.Select(p => (p.MachineAbove, p.MachineChunks)));
        Assert.True(Assert.Single(points, p => p.Shipped).MachineAbove == 0.93);
    }

    [Fact]
    public void A_replay_that_loses_clips_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => AmdTradeOffCurve.Sweep([.. Clips.Select(c => c.Clip)], Shipped, p => Replay(p)[1..], [0.5], [1]));

        Assert.Contains("7 verdicts for 8 clips", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_best_trade_offs_are_the_points_no_other_point_beats_on_both_counts()
    {
        static AmdTradeOffPoint P(double humans, double missed, double accuracy = 0.5) => new(0.9, 1, humans, missed, accuracy, 0.1, false);
        var a = P(0.00, 0.60);
        var b = P(0.01, 0.50);
        var c = P(0.01, 0.40);
        var d = P(0.02, 0.45); // more people called MACHINE than c and more machines missed: beaten
        var e = P(0.05, 0.30, accuracy: 0.7);
        var f = P(0.05, 0.30, accuracy: 0.6); // the same trade as e, less accurate
        var g = P(0.10, 0.30); // more people called MACHINE for no machine more caught

        var frontier = AmdTradeOffCurve.Frontier([g, f, e, d, c, b, a]);

        Assert.Equal([a, c, e], frontier);
    }
}
