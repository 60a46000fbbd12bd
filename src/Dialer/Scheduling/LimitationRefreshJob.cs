using System.ComponentModel.DataAnnotations;
using Collections.Shared.Legal;
using Microsoft.Extensions.Options;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>The refresh of every open case's limitation date, bound from <c>Collections:Limitation</c>.</summary>
public sealed class LimitationRefreshOptions
{
    public const string Section = "Collections:Limitation";

    /// <summary>Run the refresh.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often; the first run is at start, so the legal queue knows the cases nearing limitation at once.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Open cases per transaction.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = LimitationService.DefaultBatchSize;
}

/// <summary>Runs <see cref="LimitationService.RefreshAsync"/> on its trigger; never two at once (in a cluster, on one node).
/// A rerun recomputes, so one cut short by a dead node is harmless to repeat.</summary>
[DisallowConcurrentExecution]
public sealed class LimitationRefreshJob(LimitationService limitation, IOptions<LimitationRefreshOptions> options) : IJob
{
    /// <summary>The job's key in the store.</summary>
    public static readonly JobKey Key = new("limitation-refresh", WorkScheduler.Group + "-nightly");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await limitation.RefreshAsync(options.Value.BatchSize, cancellationToken);
}
