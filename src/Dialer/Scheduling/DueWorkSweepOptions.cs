using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Scheduling;

/// <summary>The due-work sweep (docs/workflow.md, "The due-work sweep"), bound from <c>Collections:Scheduling:Sweep</c>.</summary>
public sealed class DueWorkSweepOptions
{
    public const string Section = "Collections:Scheduling:Sweep";

    /// <summary>Run the sweep. Off, every piece of work gets its own Quartz trigger as before (and the resync schedules all
    /// open work at start).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the sweep runs; 00:00:00 leaves only the nightly run. Work is run at most this long after it falls due.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Quartz cron expression (UTC) of the nightly run, which also runs when the interval is off; empty for none.</summary>
    public string? NightlyCron { get; set; } = "0 0 2 * * ?";

    /// <summary>Accounts loaded and written per transaction.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = Collections.Shared.Workflow.Sweep.DueWorkSweep.DefaultBatchSize;

    /// <summary>Work due within this span of being handed to the scheduler (typically because an operator's outcome or a
    /// payment made it due now) still gets its own trigger and runs to the second; later work is left to the sweep, so an
    /// import of a million claims stores no trigger per claim. 00:00:00: everything is left to the sweep.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PreciseHorizon { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Present when the sweep runs: work due later than <see cref="Span"/> from now is left to it.</summary>
/// <param name="Span">See <see cref="DueWorkSweepOptions.PreciseHorizon"/>.</param>
public sealed record SweepHorizon(TimeSpan Span);
