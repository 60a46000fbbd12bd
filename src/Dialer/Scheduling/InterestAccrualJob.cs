using System.ComponentModel.DataAnnotations;
using Collections.Shared.Workflow.Accrual;
using Microsoft.Extensions.Options;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>The nightly accrual of statutory interest, bound from <c>Collections:InterestAccrual</c>.</summary>
public sealed class InterestAccrualOptions
{
    public const string Section = "Collections:InterestAccrual";

    /// <summary>Run the nightly accrual.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron expression (UTC) of the run; after midnight in Europe, so "today" is the new day for its debtors.</summary>
    [Required]
    public string Cron { get; set; } = "0 30 1 * * ?";

    /// <summary>Accounts per transaction.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = StatutoryInterestAccrual.DefaultBatchSize;
}

/// <summary>Runs <see cref="StatutoryInterestAccrual"/> on its cron trigger; never two at once (in a cluster, on one node),
/// and a run cut short by a dead node is run again by another (the accrual recomputes, so a rerun is harmless).</summary>
[DisallowConcurrentExecution]
public sealed class InterestAccrualJob(StatutoryInterestAccrual accrual, IOptions<InterestAccrualOptions> options) : IJob
{
    /// <summary>The job's key in the store.</summary>
    public static readonly JobKey Key = new("interest-accrual", WorkScheduler.Group + "-nightly");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await accrual.RunAsync(options.Value.BatchSize, cancellationToken);
}
