using Microsoft.Extensions.Logging;

namespace Collections.Shared.Workflow;

// Event ids 4400-4499 belong to the case workflow (issue 4). Case, promise and plan ids are not personal data.
internal static partial class WorkflowLog
{
    [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Case {CaseId} opened on strategy {StrategyId} with {Steps} steps; risk flags: {Flags}")]
    public static partial void CaseOpened(ILogger logger, string caseId, string strategyId, int steps, string flags);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "Case {CaseId} step {StepKey} {Status}: {Note}")]
    public static partial void StepRun(ILogger logger, string caseId, string stepKey, string status, string note);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Information, Message = "Case {CaseId} step {StepKey} deferred to {DueAt}: {Reason}")]
    public static partial void StepDeferred(ILogger logger, string caseId, string stepKey, string dueAt, string reason);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Information, Message = "Promise {PromiseId} is {Status}: {Received} of {Promised} received")]
    public static partial void PromiseDecided(ILogger logger, string promiseId, string status, decimal received, decimal promised);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Information, Message = "Instalment {Number} of plan {PlanId} missed; plan is {PlanStatus}")]
    public static partial void InstalmentMissed(ILogger logger, int number, string planId, string planStatus);

    [LoggerMessage(EventId = 4406, Level = LogLevel.Information, Message = "Payment import {File}: {Rows} rows, {Matched} matched, {Unmatched} unmatched, {Rejected} rejected, {Duplicates} duplicates")]
    public static partial void PaymentsImported(ILogger logger, string file, int rows, int matched, int unmatched, int rejected, int duplicates);

    [LoggerMessage(EventId = 4407, Level = LogLevel.Information, Message = "Settlement offer {OfferId} on account {AccountId}: {Discount} % discount, {Status}")]
    public static partial void SettlementOffered(ILogger logger, string offerId, string accountId, decimal discount, string status);

    [LoggerMessage(EventId = 4408, Level = LogLevel.Information, Message = "Instalment plan {PlanId} is {Status}")]
    public static partial void PlanStatus(ILogger logger, string planId, string status);

    [LoggerMessage(EventId = 4410, Level = LogLevel.Information, Message = "Outcome of call {CallId} saved: {Code}; {Work} work item(s) to schedule")]
    public static partial void OutcomeSaved(ILogger logger, string callId, string code, int work);

    [LoggerMessage(EventId = 4411, Level = LogLevel.Information, Message = "Settlement offer {OfferId} {Status} by {DecidedBy}")]
    public static partial void SettlementDecided(ILogger logger, string offerId, string status, string decidedBy);

    [LoggerMessage(EventId = 4412, Level = LogLevel.Information, Message = "Case {CaseId}: next step {StepKey} held until {Until}: {Reason}")]
    public static partial void PaymentReported(ILogger logger, string caseId, string stepKey, string until, string reason);
}
