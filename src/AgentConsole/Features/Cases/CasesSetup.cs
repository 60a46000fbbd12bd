using Collections.Dialer.Scheduling;
using Collections.Shared.Interest;
using Collections.Shared.Workflow;

namespace Collections.AgentConsole.Features.Cases;

/// <summary>The collection process in the main job (issue 12): the case workflow with its strategies, and the scheduler
/// that runs its timed work (Quartz, persistent store in the main database; clustered on PostgreSQL or SQL Server when
/// <c>Collections:Scheduling:Clustered</c> is set), the due-work sweep that runs it in batches, and the nightly accrual of
/// statutory interest, and the retention job that anonymises debtors whose cases closed longer ago than the retention period.</summary>
public static class CasesSetup
{
    public static IHostApplicationBuilder AddCases(this IHostApplicationBuilder builder)
    {
        builder.AddCaseWorkflow();
        builder.AddWorkflowScheduling();
        builder.AddDueWorkSweep();
        builder.AddStatutoryInterest();
        builder.AddInterestAccrual();
        // GDPR Art. 5(1)(e): closed cases' personal data is anonymised after the retention period (docs/privacy.md).
        builder.AddPrivacyRetention();
        return builder;
    }
}
