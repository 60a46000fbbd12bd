using System.Globalization;
using Collections.Shared.Workflow;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>Puts <see cref="WorkItem"/>s into Quartz's persistent store: one job and one trigger per item, named after it,
/// so scheduling the same item twice (a retry, a resync, two nodes) stores it once. With the due-work sweep
/// (<see cref="SweepHorizon"/>), only work due within the horizon gets a trigger; the sweep runs the rest when it is due.</summary>
public sealed partial class WorkScheduler(ISchedulerFactory schedulers, ILogger<WorkScheduler> logger, SweepHorizon? horizon = null)
{
    /// <summary>The Quartz group of workflow jobs and triggers.</summary>
    public const string Group = "workflow";

    /// <summary>Schedules <paramref name="items"/> on the host's scheduler.</summary>
    public async Task ScheduleAsync(IEnumerable<WorkItem> items, CancellationToken ct = default) =>
        await ScheduleAsync(await schedulers.GetScheduler(ct), items, ct);

    /// <summary>Schedules <paramref name="items"/> on <paramref name="scheduler"/>; an item already stored is left as it is.</summary>
    public async Task ScheduleAsync(IScheduler scheduler, IEnumerable<WorkItem> items, CancellationToken ct = default)
    {
        var leaveAfter = horizon is null ? (DateTimeOffset?)null : scheduler.TimeProvider.GetUtcNow() + horizon.Span;
        foreach (var item in items)
        {
            if (item.At.ToDateTimeOffset() > leaveAfter)
            {
                LeftToSweep(logger, item.Name, item.At.ToString());
                continue;
            }

            var key = new JobKey(item.Name, Group);
            if (await scheduler.Exists(key, ct))
            {
                continue;
            }

            var job = JobBuilder.Create<WorkflowJob>()
                .WithIdentity(key)
                .UsingJobData(WorkflowJob.KindKey, item.Kind.ToString())
                .UsingJobData(WorkflowJob.ItemKey, item.Key)
                .UsingJobData(WorkflowJob.AtKey, item.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
                // A node that dies while running the job leaves it to be run again by the next one (the body is idempotent).
                .RequestRecovery(true)
                .Build();
            var trigger = TriggerBuilder.Create(scheduler.TimeProvider)
                .WithIdentity(item.Name, Group)
                .ForJob(job)
                // Work already due starts now rather than in the past: Quartz then fires it at once instead of leaving it
                // to the misfire handler's next round.
                .StartAt(item.At.ToDateTimeOffset() is var at && at > scheduler.TimeProvider.GetUtcNow() ? at : scheduler.TimeProvider.GetUtcNow())
                // Fired late (the host was down at the time): fire once as soon as possible, never skip.
                .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            try
            {
                await scheduler.ScheduleJob(job, trigger, default, ct);
                Scheduled(logger, item.Name, item.At.ToString());
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another node or a concurrent job stored the same item first: that one will run.
            }
        }
    }

    [LoggerMessage(EventId = 4453, Level = LogLevel.Trace, Message = "{Work} at {At} is left to the due-work sweep")]
    private static partial void LeftToSweep(ILogger logger, string work, string at);

    [LoggerMessage(EventId = 4451, Level = LogLevel.Debug, Message = "Scheduled {Work} at {At}")]
    private static partial void Scheduled(ILogger logger, string work, string at);
}
