using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Dialer.Outreach.Replies;

/// <summary>A "PAID" reply holds the next strategy step of each open case of the debtor for
/// <see cref="OutreachOptions.ReportedPaymentHoldDays"/> days, through the case workflow, and schedules the held step.</summary>
/// <remarks>The workflow and its scheduler are the host's (<c>AddCaseWorkflow</c>, <c>AddWorkflowScheduling</c>); they are
/// looked up when a reply arrives, so the host may compose them in any order. A host without them stores the reply for the
/// operators and says so in the log.</remarks>
public sealed partial class ReportedPaymentHold(
    IServiceProvider services,
    ICollectionsDbContextFactory contexts,
    IOptions<OutreachOptions> options,
    TimeProvider time,
    ILogger<ReportedPaymentHold> logger) : IReportedPaymentHandler
{
    public async Task OnReportedPaymentAsync(IReadOnlyList<DebtorId> debtors, InboundMessageId message, CancellationToken cancellationToken)
    {
        var runner = services.GetService<WorkflowRunner>();
        var scheduler = services.GetService<WorkScheduler>();
        if (runner is null || scheduler is null)
        {
            LogNoWorkflow(logger, message);
            return;
        }

        var until = Instant.FromDateTimeOffset(time.GetUtcNow()) + Duration.FromDays(options.Value.ReportedPaymentHoldDays);
        var work = new List<WorkItem>();
        await using (var db = contexts.CreateDbContext())
        {
            var ids = debtors.ToList();
            var accounts = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.DebtorId)).Select(a => a.Id).ToListAsync(cancellationToken);
            var cases = runner.For(db).Cases;
            foreach (var account in accounts)
            {
                var result = await cases.HoldForReportedPaymentAsync(account, until, cancellationToken);
                work.AddRange(result.Work);
                LogHeld(logger, account, message, result.Outcome, until.ToString());
            }
        }

        await scheduler.ScheduleAsync(work, cancellationToken);
    }

    [LoggerMessage(EventId = 5185, Level = LogLevel.Information, Message = "Account {AccountId}: reply {MessageId} reports a payment; next step {Outcome} until {Until}")]
    private static partial void LogHeld(ILogger logger, AccountId accountId, InboundMessageId messageId, string outcome, string until);

    [LoggerMessage(EventId = 5186, Level = LogLevel.Warning, Message = "Reply {MessageId} reports a payment, but this host runs no case workflow: only the operators' queue has it")]
    private static partial void LogNoWorkflow(ILogger logger, InboundMessageId messageId);
}
