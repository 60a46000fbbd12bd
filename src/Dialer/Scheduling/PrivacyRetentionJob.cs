using Collections.Dialer.Calls;
using Collections.Dialer.Outreach;
using Collections.Dialer.Outreach.Letters;
using Collections.Shared.Persistence;
using Collections.Shared.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>Runs the retention job (<see cref="RetentionSweep"/>, <c>Collections:Privacy</c>) on its cron trigger in the main
/// job; never two at once (in a cluster, on one node). Each debtor is its own transaction, so a run cut short by a dead node
/// is finished by the next.</summary>
[DisallowConcurrentExecution]
public sealed partial class PrivacyRetentionJob(
    ICollectionsDbContextFactory contexts, IOptions<PrivacyOptions> options, IOptions<RecordingOptions> recording, IOptions<OutreachOptions> outreach,
    IConfiguration configuration, TimeProvider time, ILogger<PrivacyRetentionJob> logger) : IJob
{
    /// <summary>The job's key in the store.</summary>
    public static readonly JobKey Key = new("privacy-retention", WorkScheduler.Group + "-nightly");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var letters = Path.GetFullPath(PrintQueue.DirectoryFor(outreach.Value, configuration));
        var files = new ErasureFiles(recording.Value.PathFor, stored => Path.GetFullPath(Path.Combine(letters, stored)) is var full && full.StartsWith(letters, StringComparison.Ordinal) ? full : null);
        var report = await RetentionSweep.RunAsync(contexts.CreateDbContext, options.Value, Instant.FromDateTimeOffset(time.GetUtcNow()), dryRun: false, files, cancellationToken);
        LogRun(logger, report.Closed, report.NotDue, report.Erased, report.Held);
        context.Result = report;
    }

    [LoggerMessage(EventId = 4490, Level = LogLevel.Information, Message = "Retention: {Closed} debtors with every case closed, {NotDue} within their period, {Erased} anonymised, {Held} held")]
    private static partial void LogRun(ILogger logger, int closed, int notDue, int erased, int held);
}
