using Collections.Shared.Workflow.Sweep;
using Microsoft.Extensions.Options;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>
/// Runs the due-work sweep (<see cref="DueWorkSweep"/>) when its trigger fires: every minute and at night. One job with
/// several triggers, never two executions at once; in a cluster Quartz blocks the job's other triggers on every node while
/// one node runs it (<see cref="DisallowConcurrentExecutionAttribute"/> is enforced through the shared job store), and a node
/// that dies mid-sweep leaves the job to be recovered by another (the sweep is idempotent: what the dead node committed is
/// found done, the rest is run). The report goes to <see cref="IJobExecutionContext.Result"/> for listeners.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DueWorkSweepJob(DueWorkSweep sweep, IOptions<DueWorkSweepOptions> options) : IJob
{
    /// <summary>The job's key in the store.</summary>
    public static readonly JobKey Key = new("due-work-sweep", WorkScheduler.Group + "-sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await sweep.RunAsync(options.Value.BatchSize, cancellationToken);
}
