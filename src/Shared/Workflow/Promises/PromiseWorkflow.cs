using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Promises to pay: recorded with a check after their date, decided kept, partly kept or broken from the payments
/// received, within the creditor's tolerance; a broken or partly kept promise queues a call with the broken-promise script.</summary>
public sealed class PromiseWorkflow(CollectionsDbContext db, CaseWorkflow cases, WorkflowOptions options, TimeProvider time, ILogger<PromiseWorkflow>? logger = null)
{
    /// <summary>The script stage of the follow-up call (config/scripts/*-broken-promise.yaml).</summary>
    public const string BrokenPromiseStage = "broken-promise";

    private readonly ILogger _logger = logger ?? NullLogger<PromiseWorkflow>.Instance;

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>When a promise due on <paramref name="dueDate"/> is checked: 06:00 in the debtor's zone the morning after (seed 004:
    /// "late or missed payments flagged at once"). A transfer made on the due date may reach the statement a day or two
    /// later: a payment received within <see cref="WorkflowOptions.PromiseGraceDays"/> of the date still keeps the promise,
    /// and its follow-up call is cancelled when it arrives (<see cref="PaymentPosting"/>).</summary>
    public static Instant CheckTime(LocalDate dueDate, WorkflowOptions options, DateTimeZone zone) =>
        Strategies.StrategyPlanner.At(dueDate.PlusDays(1), new LocalTime(6, 0), zone);

    /// <summary>Records a promise and returns the check to schedule.</summary>
    public async Task<(PromiseToPay Promise, IReadOnlyList<WorkItem> Work)> RecordAsync(
        AccountId accountId, decimal amount, LocalDate dueDate, ContactChannel channel, string? paymentMethod = null, AgentId? agent = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var now = Now;
        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        if (dueDate < ctx.Today(now))
        {
            throw new ArgumentOutOfRangeException(nameof(dueDate), dueDate, "A promise cannot fall due in the past.");
        }

        var promise = new PromiseToPay
        {
            AccountId = accountId,
            AgentId = agent,
            Amount = amount,
            Currency = ctx.Account.Currency,
            DueDate = dueDate,
            Channel = channel,
            PaymentMethod = paymentMethod,
            CreatedAt = now,
        };
        db.Promises.Add(promise);
        CaseWorkflow.EnterPhase(ctx, CasePhase.PaymentArrangement);
        await db.SaveChangesAsync(ct);
        return (promise, [new WorkItem(WorkKind.PromiseCheck, promise.Id.ToString(), CheckTime(dueDate, options, ctx.Zone))]);
    }

    /// <summary>Decides a pending promise whose check time has come; does nothing for one already decided.</summary>
    public async Task<WorkflowResult> EvaluateAsync(PromiseId promiseId, CancellationToken ct = default)
    {
        var now = Now;
        var promise = await db.Promises.SingleOrDefaultAsync(p => p.Id == promiseId, ct);
        if (promise is null || promise.Status != PromiseStatus.Pending)
        {
            return WorkflowResult.Nothing("already-done");
        }

        var result = Evaluate(await AccountState.LoadAsync(db, promise.AccountId, ct), promise, now);
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The rule of <see cref="EvaluateAsync"/> on state already loaded: sums the payments received from the day the
    /// promise was made to its date plus the grace days and decides it; a broken or partly kept promise queues the follow-up
    /// call. Changes tracked entities only; the caller saves them.</summary>
    internal WorkflowResult Evaluate(AccountState state, PromiseToPay promise, Instant now)
    {
        if (promise.Status != PromiseStatus.Pending)
        {
            return WorkflowResult.Nothing("already-done");
        }

        var ctx = state.Context;
        if (now < CheckTime(promise.DueDate, options, ctx.Zone))
        {
            return WorkflowResult.Nothing("not-due");
        }

        var until = promise.DueDate.PlusDays(options.PromiseGraceDays);
        var made = promise.CreatedAt;
        // Payments booked after the promise was made and received by its date plus the grace days.
        var received = state.Payments.Where(p => p.RecordedAt >= made && p.ReceivedOn <= until).Sum(p => p.Amount);
        promise.AmountReceived = received;
        promise.Status = Decide(promise.Amount, received, ctx.Creditor.Policy.PromiseTolerance);
        IReadOnlyList<WorkItem> work = [];
        if (promise.Status is PromiseStatus.Broken or PromiseStatus.PartlyKept)
        {
            work = cases.FollowUp(state, $"broken-promise:{promise.Id}", BrokenPromiseStage, ContactPurpose.PromiseFollowUp, now);
        }
        else if (ctx.Case is not null && ctx.Account.Balance.Amount <= 0)
        {
            CaseWorkflow.Close(state, now, "paid as promised");
        }
        else if (ctx.Case is { } open)
        {
            // Kept but a balance remains: the strategy carries on from its next step.
            open.Phase = CasePhase.PhoneAndMessages;
            work = open.NextStep is { } next && open.NextStepDueAt is { } at ? [WorkItem.ForStep(open.Id, next, at)] : [];
        }

        WorkflowLog.PromiseDecided(_logger, promise.Id.ToString(), promise.Status.ToString(), received, promise.Amount);
        return new(work, promise.Status.ToString());
    }

    /// <summary>Kept when what was received falls short of the promise by no more than <paramref name="tolerance"/>; partly kept
    /// when something came; broken when nothing did.</summary>
    public static PromiseStatus Decide(decimal promised, decimal received, decimal tolerance) =>
        received >= promised - tolerance ? PromiseStatus.Kept
        : received > 0 ? PromiseStatus.PartlyKept
        : PromiseStatus.Broken;
}
