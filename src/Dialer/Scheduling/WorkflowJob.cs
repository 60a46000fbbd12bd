using System.Globalization;
using Collections.Shared.Workflow;
using NodaTime;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>Runs one <see cref="WorkItem"/> fired by Quartz and schedules the work it returns. One job per item, keyed by the
/// item's name, and never two firings of one key at once; the workflow's own state (a step Done, a promise decided, a
/// queue entry's unique key) makes a second firing of the same item, after a crash and recovery, do nothing.</summary>
[DisallowConcurrentExecution]
public sealed class WorkflowJob(WorkflowRunner runner, WorkScheduler scheduler) : IJob
{
    internal const string KindKey = "kind";
    internal const string ItemKey = "key";
    internal const string AtKey = "at";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var map = context.MergedJobDataMap;
        var item = new WorkItem(
            Enum.Parse<WorkKind>(Read(map, KindKey)),
            Read(map, ItemKey),
            Instant.FromUnixTimeSeconds(long.Parse(Read(map, AtKey), CultureInfo.InvariantCulture)));
        var result = await runner.RunAsync(item, cancellationToken);
        await scheduler.ScheduleAsync(context.Scheduler, result.Work, cancellationToken);
    }

    private static string Read(JobDataMap map, string key) =>
        map.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text
            ? text
            : throw new JobExecutionException($"Workflow job data lacks '{key}'.");
}
