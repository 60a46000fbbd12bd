using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Shared.Workflow.Outcomes;

/// <summary>A promise the debtor made on the call.</summary>
public sealed record PromiseOutcome(decimal Amount, LocalDate DueDate);

/// <summary>An instalment plan agreed on the call: <paramref name="Count"/> monthly instalments of <paramref name="Amount"/>
/// (the last is what remains), the first on <paramref name="FirstDueDate"/>.</summary>
public sealed record PlanOutcome(int Count, decimal Amount, LocalDate FirstDueDate);

/// <summary>A settlement agreed on the call within the creditor's consented discount.</summary>
public sealed record SettlementOutcome(decimal Amount, LocalDate PayBy);

/// <summary>A call-back agreed with the debtor, at a time local to them.</summary>
public sealed record CallbackOutcome(LocalDateTime When, string? Note);

/// <summary>A payment the debtor made on the phone (card, for example), with the receipt number.</summary>
public sealed record PhonePaymentOutcome(decimal Amount, PaymentMethod Method, string Receipt);

/// <summary>Everything an operator saves at the end of a call.</summary>
/// <param name="AccountId">The account the call was about.</param>
/// <param name="Call">The call (its ledger row).</param>
/// <param name="Agent">The operator.</param>
/// <param name="Code">The disposition.</param>
/// <param name="Note">The operator's note.</param>
/// <param name="RightPartyVerified">The script confirmed the person was the debtor.</param>
/// <param name="ScriptStage">The stage of the call's script (a callback keeps it).</param>
/// <param name="Disputes">Reasons the debtor disputed the debt.</param>
/// <param name="Vulnerable">The debtor was recognised as vulnerable.</param>
/// <param name="Number">The number the call reached (a wrong number is marked on it); default: the ledger row's.</param>
public sealed record CallOutcomeRequest(
    AccountId AccountId,
    ContactAttemptId Call,
    AgentId Agent,
    DispositionCode Code,
    string? Note,
    bool RightPartyVerified,
    string? ScriptStage = null,
    PromiseOutcome? Promise = null,
    PlanOutcome? Plan = null,
    SettlementOutcome? Settlement = null,
    CallbackOutcome? Callback = null,
    PhonePaymentOutcome? Payment = null,
    IReadOnlyList<string>? Disputes = null,
    bool Vulnerable = false,
    string? Number = null);

/// <summary>What was saved, and the timed work to hand to the scheduler after the commit.</summary>
public sealed record CallOutcomeResult(
    DispositionId DispositionId,
    PromiseId? PromiseId,
    InstalmentPlanId? PlanId,
    Guid? SettlementId,
    Instant? CallbackAt,
    IReadOnlyList<WorkItem> Work);

/// <summary>The refusal of an outcome that breaks a rule (an instalment plan outside the creditor's policy); nothing was saved.</summary>
public sealed class OutcomeRefusedException(string message) : Exception(message);

/// <summary>
/// The one writer of what an operator agrees on a call (DESIGN.md 7: outcomes go through the workflow): the disposition,
/// the promise (<see cref="PromiseWorkflow"/>), the instalment plan (<see cref="InstalmentWorkflow"/>), the settlement
/// (<see cref="SettlementService"/>), the callback (a queued call for that operator), the dispute hold, the wrong number,
/// a payment taken on the phone, and the ledger row's result, all in one transaction; the case's phase moves, queued
/// strategy contacts an arrangement makes pointless are cancelled, and the work the rules return is given back for the
/// caller to schedule after the commit.
/// </summary>
public sealed class CallOutcomeWorkflow(CollectionsDbContext db, WorkflowServices services, WorkflowOptions options, TimeProvider time, ILogger<CallOutcomeWorkflow>? logger = null)
{
    /// <summary>Queued contacts an arrangement (promise, plan, settlement) or a dispute stops: the strategy's own contacts
    /// and earlier follow-ups. Pre-instalment reminders and callbacks stay.</summary>
    internal static readonly ContactPurpose[] StrategyContacts =
        [ContactPurpose.FirstContact, ContactPurpose.Reminder, ContactPurpose.StrategyStep, ContactPurpose.PromiseFollowUp, ContactPurpose.InstalmentFollowUp];

    private readonly ILogger _logger = logger ?? NullLogger<CallOutcomeWorkflow>.Instance;

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Saves <paramref name="request"/> in one transaction; throws <see cref="OutcomeRefusedException"/> (nothing saved)
    /// when a rule refuses it.</summary>
    public async Task<CallOutcomeResult> SaveAsync(CallOutcomeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var result = await SaveInTransactionAsync(request, ct);
                await transaction.CommitAsync(ct);
                WorkflowLog.OutcomeSaved(_logger, request.Call.ToString(), request.Code.ToString(), result.Work.Count);
                return result;
            }
            catch
            {
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                throw;
            }
        });
    }

    private async Task<CallOutcomeResult> SaveInTransactionAsync(CallOutcomeRequest request, CancellationToken ct)
    {
        var now = Now;
        var ctx = await AccountContext.LoadAsync(db, request.AccountId, ct);
        var work = new List<WorkItem>();
        var disposition = new Disposition
        {
            AccountId = request.AccountId,
            ContactAttemptId = request.Call,
            AgentId = request.Agent,
            Code = request.Code,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            At = now,
        };
        db.Dispositions.Add(disposition);

        PromiseId? promiseId = null;
        InstalmentPlanId? planId = null;
        Guid? settlementId = null;
        if (request.Payment is { } payment)
        {
            await PaymentPosting.TakeAsync(db, ctx, payment, now, options, ct);
        }

        if (request.Settlement is { } settlement && request.Code == DispositionCode.Settlement)
        {
            var offer = await services.Settlements.OfferAsync(request.AccountId, settlement.Amount, ct, request.Agent, request.Call, settlement.PayBy);
            settlementId = offer.Id;
            // Agreed within the consented discount: the debtor now owes the settlement amount by its date, watched like a promise.
            if (offer.Status == SettlementStatus.Agreed)
            {
                var (promise, promiseWork) = await services.Promises.RecordAsync(request.AccountId, offer.Amount, offer.PayBy, ContactChannel.Call, "settlement", request.Agent, ct);
                promiseId = promise.Id;
                work.AddRange(promiseWork);
                await services.Settlements.QueueConfirmationAsync(offer, ct);
            }
        }
        else if (request.Promise is { } promised)
        {
            var (promise, promiseWork) = await services.Promises.RecordAsync(request.AccountId, promised.Amount, promised.DueDate, ContactChannel.Call, null, request.Agent, ct);
            promiseId = promise.Id;
            work.AddRange(promiseWork);
        }

        if (request.Plan is { } agreed)
        {
            try
            {
                var total = ctx.Account.Balance.Amount;
                var (plan, planWork) = await services.Instalments.CreateAsync(
                    request.AccountId,
                    new InstalmentRequest(total, agreed.Count, InstalmentFrequency.Monthly, agreed.FirstDueDate, RegularAmount: agreed.Amount),
                    request.Agent,
                    ct);
                planId = plan.Id;
                work.AddRange(planWork);
            }
            catch (ArgumentException ex)
            {
                throw new OutcomeRefusedException(ex.Message);
            }
        }

        if (promiseId is not null || planId is not null)
        {
            await DueContactQueue.CancelOpenAsync(db, request.AccountId, StrategyContacts, request.Code == DispositionCode.InstalmentPlan ? "instalment plan agreed" : "promise to pay recorded", now, ct);
        }

        Instant? callbackAt = null;
        if (request.Callback is { } callback)
        {
            callbackAt = callback.When.InZoneLeniently(ctx.Zone).ToInstant();
            disposition.CallbackAt = callbackAt;
            disposition.Note ??= callback.Note;
            await services.Cases.QueueCallbackAsync(ctx, request.Agent, callbackAt.Value, request.ScriptStage, $"callback:{request.Call}", now, ct);
        }

        foreach (var reason in request.Disputes ?? [])
        {
            // FDCPA 15 U.S.C. 1692g(b): collection of a disputed amount stops until it is verified; the compliance engine honours
            // holds, and the queued strategy contacts are cancelled so nothing waits to go out the moment the hold lifts.
            db.Holds.Add(new Hold { AccountId = request.AccountId, Kind = HoldKind.Dispute, Reason = reason, From = now });
            await DueContactQueue.CancelOpenAsync(db, request.AccountId, StrategyContacts, "debt disputed", now, ct);
        }

        if (request.Vulnerable || request.Code == DispositionCode.Vulnerable)
        {
            ctx.Debtor.Vulnerable = true;
        }

        var attempt = await db.ContactAttempts.FirstOrDefaultAsync(c => c.Id == request.Call, ct);
        if (request.Code == DispositionCode.WrongNumber && (request.Number ?? attempt?.Address) is { } number
            && ctx.Debtor.Phones.FirstOrDefault(p => p.E164 == number) is { } phone)
        {
            // The number does not reach the debtor (TCPA: a reassigned number's new subscriber gave no consent): never dialed again.
            phone.WrongNumberAt ??= now;
        }

        if (request.Code == DispositionCode.PaidAlready)
        {
            work.AddRange(await services.Cases.PaymentReportedAsync(ctx, $"paid-already:{request.Call}", "the debtor says the debt is paid", now, ct));
        }

        if (attempt is not null)
        {
            attempt.Outcome = ContactOutcome.Answered;
            attempt.RightPartyContact = attempt.RightPartyContact || request.RightPartyVerified;
            attempt.EndedAt ??= now;
        }

        await db.SaveChangesAsync(ct);
        return new CallOutcomeResult(disposition.Id, promiseId, planId, settlementId, callbackAt, work);
    }
}
