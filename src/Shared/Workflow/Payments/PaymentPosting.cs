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
    /// <summary>Allocates <paramref name="payment"/> (already carrying its account id) and updates what depends on it.
    /// Returns the overpayment left after the claim is settled.</summary>
    public static async Task<decimal> PostAsync(CollectionsDbContext db, Payment payment, Instant now, CancellationToken ct = default)
    {
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
            InstalmentWorkflow.ApplyPayment(plan, payment.Amount, ctx.Creditor.Policy.PromiseTolerance);
        }

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
}
