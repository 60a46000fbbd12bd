using Collections.Shared.Domain;
using Collections.Shared.Payments.Allocation;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Books a matched payment: allocation to fees, interest and principal by the debtor's jurisdiction
/// (<see cref="PaymentAllocator"/>), the account's paid total, the open instalments, and the case when the balance is paid.</summary>
public static class PaymentPosting
{
    /// <summary>Books a payment an agent took from the debtor (on the phone, or in person on a field visit) with its receipt
    /// number, today in the debtor's zone; throws <see cref="Outcomes.OutcomeRefusedException"/> naming the field when the
    /// amount or the receipt is missing.</summary>
    internal static async Task<Payment> TakeAsync(CollectionsDbContext db, AccountContext ctx, Outcomes.PhonePaymentOutcome payment, Instant now, WorkflowOptions options, CancellationToken ct)
    {
        if (payment.Amount <= 0)
        {
            throw new Outcomes.OutcomeRefusedException("amount: a payment taken must be positive.");
        }

        if (string.IsNullOrWhiteSpace(payment.Receipt))
        {
            throw new Outcomes.OutcomeRefusedException("receipt: give the receipt number of the payment.");
        }

        var row = new Payment
        {
            AccountId = ctx.Account.Id,
            Amount = payment.Amount,
            Currency = ctx.Account.Currency,
            ReceivedOn = ctx.Today(now),
            Reference = payment.Receipt.Trim(),
            Method = payment.Method,
            RecordedAt = now,
        };
        db.Payments.Add(row);
        await PostAsync(db, row, now, ct, options);
        return row;
    }

    /// <summary>Allocates <paramref name="payment"/> (already carrying its account id) and updates what depends on it.
    /// Returns the overpayment left after the claim is settled.</summary>
    public static async Task<decimal> PostAsync(CollectionsDbContext db, Payment payment, Instant now, CancellationToken ct = default, WorkflowOptions? options = null)
    {
        options ??= new WorkflowOptions();
        var accountId = payment.AccountId ?? throw new ArgumentException("Only a matched payment can be posted.", nameof(payment));
        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        var account = ctx.Account;
        var earlier = await db.Payments.AsNoTracking().Where(p => p.AccountId == accountId && p.Id != payment.Id)
            .Select(p => new { p.AllocatedFees, p.AllocatedInterest, p.AllocatedPrincipal }).ToListAsync(ct);
        var outstanding = new OutstandingBalance(
            Math.Max(0, account.Fees - earlier.Sum(p => p.AllocatedFees)),
            Math.Max(0, account.Interest + account.StatutoryInterest - earlier.Sum(p => p.AllocatedInterest)),
            Math.Max(0, account.Principal - earlier.Sum(p => p.AllocatedPrincipal)),
            account.Currency);
        var jurisdiction = ctx.Jurisdiction;
        var consumerCredit = account.Industry == Industry.ConsumerCredit && ctx.Debtor.Kind == DebtorKind.Consumer;
        var order = PaymentAllocator.Jurisdictions.Contains(jurisdiction)
            ? PaymentAllocator.OrderFor(jurisdiction, consumerCredit)
            // No statutory order implemented here: costs, interest, principal, the order BGB § 367 (1), Ptk. 6:46 and OZ 288 share.
            : new AllocationOrder([ClaimComponent.Costs, ClaimComponent.Interest, ClaimComponent.Principal], "default order (costs, interest, principal)");
        var result = PaymentAllocator.Allocate(payment.Amount, outstanding, order);
        payment.AllocatedFees = result.ToCosts;
        payment.AllocatedInterest = result.ToInterest;
        payment.AllocatedPrincipal = result.ToPrincipal;
        account.Paid += payment.Amount - result.Unapplied;
        account.UpdatedAt = now;

        var plan = await db.InstalmentPlans.Include(p => p.Instalments)
            .FirstOrDefaultAsync(p => p.AccountId == accountId && p.Status == InstalmentPlanStatus.Active, ct);
        if (plan is not null)
        {
            var missed = plan.Instalments.Where(i => i.Status == InstalmentStatus.Missed).ToList();
            InstalmentWorkflow.ApplyPayment(plan, payment.Amount, ctx.Creditor.Policy.PromiseTolerance);
            foreach (var caughtUp in missed.Where(i => i.Status == InstalmentStatus.Paid && payment.ReceivedOn <= i.DueDate.PlusDays(options.InstalmentGraceDays)))
            {
                // Paid within the grace days after all: the follow-up the miss queued is not needed any more.
                await CancelQueuedAsync(db, $"instalment-missed:{caughtUp.Id}", "the instalment was paid within the grace days", now, ct);
            }
        }

        await KeepCoveredPromisesAsync(db, ctx, payment, options, now, ct);
        if (ctx.Case is { ClosedAt: null } @case && account.Balance.Amount <= 0)
        {
            foreach (var step in await db.CaseSteps.Where(s => s.CaseId == @case.Id && s.Status == CaseStepStatus.Planned).ToListAsync(ct))
            {
                step.Status = CaseStepStatus.Cancelled;
                step.Note = "the balance is paid";
            }

            @case.Phase = CasePhase.Closed;
            @case.ClosedAt = now;
            @case.NextStep = null;
            @case.NextStepDueAt = null;
        }

        return result.Unapplied;
    }

    /// <summary>A promise whose amount has arrived (within the creditor's tolerance) is kept at once, not only when its check
    /// runs: the operator and the strategy see it the moment the payment is booked. A promise already found broken (checked the
    /// morning after its date) is kept after all when the payment was received within the grace days, and its follow-up call,
    /// if still queued, is cancelled.</summary>
    private static async Task KeepCoveredPromisesAsync(CollectionsDbContext db, AccountContext ctx, Payment payment, WorkflowOptions options, Instant now, CancellationToken ct)
    {
        var accountId = ctx.Account.Id;
        var pending = await db.Promises
            .Where(p => p.AccountId == accountId && (p.Status == PromiseStatus.Pending || p.Status == PromiseStatus.Broken || p.Status == PromiseStatus.PartlyKept))
            .ToListAsync(ct);
        pending.RemoveAll(p => p.Status != PromiseStatus.Pending && payment.ReceivedOn > p.DueDate.PlusDays(options.PromiseGraceDays));
        if (pending.Count == 0)
        {
            return;
        }

        // Summed in memory: SQLite cannot sum decimals in SQL. The payment being posted may not be saved yet.
        var received = await db.Payments.AsNoTracking().Where(p => p.AccountId == accountId && p.Id != payment.Id)
            .Select(p => new { p.ReceivedOn, p.RecordedAt, p.Amount }).ToListAsync(ct);
        foreach (var promise in pending.OrderBy(p => p.DueDate))
        {
            // As the promise's check counts: payments booked after the promise was made and received by its date plus the grace days.
            var until = promise.DueDate.PlusDays(options.PromiseGraceDays);
            bool Counts(LocalDate on, Instant recorded) => recorded >= promise.CreatedAt && (promise.Status == PromiseStatus.Pending || on <= until);
            var amount = received.Where(p => Counts(p.ReceivedOn, p.RecordedAt)).Sum(p => p.Amount) + (Counts(payment.ReceivedOn, payment.RecordedAt) ? payment.Amount : 0m);
            if (PromiseWorkflow.Decide(promise.Amount, amount, ctx.Creditor.Policy.PromiseTolerance) == PromiseStatus.Kept)
            {
                if (promise.Status != PromiseStatus.Pending)
                {
                    await CancelQueuedAsync(db, $"broken-promise:{promise.Id}", "the promised amount arrived within the grace days", now, ct);
                }

                promise.Status = PromiseStatus.Kept;
                promise.AmountReceived = amount;
                if (ctx.Case is { ClosedAt: null } open && !await db.InstalmentPlans.AnyAsync(p => p.AccountId == accountId && p.Status == InstalmentPlanStatus.Active, ct))
                {
                    open.Phase = CasePhase.PhoneAndMessages;
                }
            }
        }
    }

    /// <summary>Cancels the queued contacts whose key is <paramref name="key"/> or starts with it (a call and its SMS).</summary>
    private static async Task CancelQueuedAsync(CollectionsDbContext db, string key, string reason, Instant now, CancellationToken ct)
    {
        foreach (var entry in await db.ScheduledContacts.Where(c => c.IdempotencyKey.StartsWith(key) && c.Status == ScheduledContactStatus.Queued).ToListAsync(ct))
        {
            entry.Status = ScheduledContactStatus.Cancelled;
            entry.ClosedAt = now;
            entry.Outcome = $"cancelled: {reason}";
        }
    }
}
