using Collections.AgentConsole.Features.Audit;
using Collections.Dialer.Scheduling;
using Collections.Scripts.Runtime;
using Collections.Shared.Audit;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Outcomes;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>A payment the operator took on the phone, as the outcome form gives it.</summary>
public sealed record PhonePayment(decimal Amount, string Receipt);

/// <summary>
/// Saves a call's outcome through the case workflow (<see cref="CallOutcomeWorkflow"/>): the disposition with the promise,
/// plan, settlement, callback, dispute, vulnerability or phone payment the script recorded, and the ledger row's result, in
/// one transaction, so a crash never leaves a promise without its disposition or the other way round; then hands the work
/// the rules returned (the promise's check, the instalments' reminders and checks) to the scheduler. A crash between the
/// commit and the scheduling loses nothing: the scheduler's start-up resync finds the open work in the database.
/// </summary>
public sealed partial class OutcomeWriter(ICollectionsDbContextFactory databases, WorkflowRunner workflow, WorkScheduler scheduler, AuditTrail audit, ILogger<OutcomeWriter> logger)
{
    /// <summary>Saves <paramref name="code"/> for <paramref name="call"/>; returns what was written, or the reason it is refused.
    /// The saved outcome goes into the audit trail as a change of the account by <paramref name="by"/> (the signed-in operator;
    /// <c>operator:&lt;agent id&gt;</c> for the demo's simulated operators), naming the disposition and what it carried.</summary>
    public async Task<(OutcomeSavedDto? Saved, string? Refusal)> SaveAsync(CallSession call, DispositionCode code, string? note, CancellationToken ct, PhonePayment? payment = null, AuditActor? by = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        IReadOnlyList<ScriptEvent> events;
        bool verified;
        lock (call.Gate)
        {
            if (call.OutcomeSaved)
            {
                return (null, "the outcome of this call is already saved");
            }

            events = [.. call.Script?.Events ?? []];
            verified = call.Script?.RightPartyVerified ?? false;
        }

        var promise = events.OfType<PromiseRecorded>().LastOrDefault();
        var plan = events.OfType<InstalmentPlanAgreed>().LastOrDefault();
        var settlement = events.OfType<SettlementAgreed>().LastOrDefault();
        var callback = events.OfType<CallbackScheduled>().LastOrDefault();
        var refusal = code switch
        {
            DispositionCode.PromiseToPay when promise is null => "record the promise in the script first",
            DispositionCode.InstalmentPlan when plan is null => "agree the instalment plan in the script first",
            DispositionCode.Settlement when settlement is null && !await HasSettlementRequestAsync(call, ct) => "agree the settlement in the script, or request a larger discount, first",
            DispositionCode.Callback when callback is null => "schedule the callback in the script first",
            DispositionCode.PaymentTaken when payment is null => "give the amount and the receipt number of the payment",
            _ => null,
        };
        if (refusal is not null)
        {
            return (null, refusal);
        }

        var request = new CallOutcomeRequest(
            call.AccountId,
            call.CallId,
            call.AgentId,
            code,
            note,
            verified,
            call.ScriptStage,
            Promise: promise is null ? null : new PromiseOutcome(promise.Amount.Amount, promise.Date),
            Plan: plan is null ? null : new PlanOutcome(plan.Plan.Instalments, plan.Plan.InstalmentAmount.Amount, plan.Plan.FirstDueDate),
            Settlement: settlement is null ? null : new SettlementOutcome(settlement.Amount.Amount, settlement.PayBy),
            Callback: callback is null ? null : new CallbackOutcome(callback.When, callback.Note),
            Payment: code == DispositionCode.PaymentTaken && payment is not null ? new PhonePaymentOutcome(payment.Amount, PaymentMethod.Card, payment.Receipt) : null,
            Disputes: [.. events.OfType<DisputeFlagged>().Select(d => d.Reason)],
            Vulnerable: events.OfType<VulnerabilityFlagged>().Any());

        CallOutcomeResult result;
        await using (var db = databases.CreateDbContext())
        {
            try
            {
                result = await workflow.OutcomesFor(db).SaveAsync(request, ct);
            }
            catch (OutcomeRefusedException ex)
            {
                return (null, ex.Message);
            }
        }

        lock (call.Gate)
        {
            call.OutcomeSaved = true;
        }

        await audit.ChangedAsync(by ?? new AuditActor($"operator:{call.AgentId.Value}", null), $"account:{call.AccountId.Value}", KindOf(request), ct);

        try
        {
            await scheduler.ScheduleAsync(result.Work, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The outcome is committed; its timed work is in the database and the scheduler's resync (or the due-work sweep)
            // picks it up. The operator is not told the save failed, because it did not.
            LogScheduleFailed(logger, call.CallId, ex);
        }

        return (new OutcomeSavedDto(result.DispositionId.Value, result.PromiseId?.Value, result.PlanId?.Value, result.CallbackAt?.ToDateTimeOffset()), null);
    }

    /// <summary>"call outcome PromiseToPay: promise, note": the disposition and what was written with it.</summary>
    private static string KindOf(CallOutcomeRequest request)
    {
        var parts = new (bool Carried, string What)[]
        {
            (request.Promise is not null, "promise"), (request.Plan is not null, "instalment plan"), (request.Settlement is not null, "settlement"),
            (request.Callback is not null, "callback"), (request.Payment is not null, "payment"), (request.Disputes is { Count: > 0 }, "dispute"),
            (request.Vulnerable, "vulnerability"), (!string.IsNullOrWhiteSpace(request.Note), "note"),
        }.Where(p => p.Carried).Select(p => p.What).ToList();
        return parts.Count == 0 ? $"call outcome {request.Code}" : $"call outcome {request.Code}: {string.Join(", ", parts)}";
    }

    private async Task<bool> HasSettlementRequestAsync(CallSession call, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.SettlementOffers.AnyAsync(
            o => o.ContactAttemptId == call.CallId && (o.Status == SettlementStatus.Approved || o.Status == SettlementStatus.AwaitingCreditorApproval), ct);
    }

    [LoggerMessage(EventId = 2311, Level = LogLevel.Warning, Message = "Outcome of call {CallId} saved, but its timed work could not be scheduled now; the scheduler's resync will")]
    private static partial void LogScheduleFailed(ILogger logger, ContactAttemptId callId, Exception ex);
}
