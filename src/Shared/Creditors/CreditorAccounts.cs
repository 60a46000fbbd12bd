using Collections.Shared.Cases;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Creditors;

/// <summary>An account as its creditor sees it: where the case stands, the balance split, the last contact, the open promise
/// or plan, and the payments. Read from <see cref="CaseTimeline"/>, the read model the console and the <c>case</c> verb use.</summary>
public sealed record CreditorAccountView(
    string Reference,
    string Creditor,
    string? Phase,
    bool Recalled,
    TimelineBalance Balance,
    TimelineContact? LastContact,
    TimelinePromise? OpenPromise,
    TimelinePlan? OpenPlan,
    IReadOnlyList<TimelinePayment> Payments);

/// <summary>A payment the creditor received directly from the debtor, reported so the agency stops asking for it.</summary>
public sealed record DirectPayment(decimal Amount, string Currency, LocalDate ReceivedOn, PaymentMethod Method, string? Reference);

/// <summary>What a creditor may do to one of its accounts: read it, recall it, report a payment it received.</summary>
public sealed class CreditorAccounts(CollectionsDbContext db, CaseTimelineQuery timelines, WorkflowOptions options, TimeProvider time)
{
    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>The account's view; null when it does not exist.</summary>
    public async Task<CreditorAccountView?> ViewAsync(AccountId accountId, CancellationToken ct = default)
    {
        if (await timelines.LoadAsync(accountId, ct) is not { } t)
        {
            return null;
        }

        var recalled = await db.Holds.AnyAsync(h => h.AccountId == accountId && h.Kind == HoldKind.CreditorRecall && h.Until == null, ct);
        return new CreditorAccountView(
            t.AccountRef, t.Creditor, t.Phase, recalled, t.Balance,
            t.Contacts.Count == 0 ? null : t.Contacts[^1],
            t.Promises.LastOrDefault(p => p.Status == "pending"),
            t.Plans.LastOrDefault(p => p.Status == "active"),
            t.Payments);
    }

    /// <summary>Takes the account back: a creditor-recall hold (the compliance engine refuses every call and message while it
    /// is active), every queued contact and planned step cancelled, and the case closed. Nothing is deleted: the history stays
    /// as evidence (seed 003). Recalling twice changes nothing; returns false when the account was already recalled.</summary>
    public async Task<bool> RecallAsync(AccountId accountId, string? reason, CancellationToken ct = default)
    {
        var now = Now;
        if (await db.Holds.AnyAsync(h => h.AccountId == accountId && h.Kind == HoldKind.CreditorRecall && h.Until == null, ct))
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var why = string.IsNullOrWhiteSpace(reason) ? "recalled by the creditor" : $"recalled by the creditor: {reason.Trim()}";
        db.Holds.Add(new Hold { AccountId = accountId, Kind = HoldKind.CreditorRecall, Reason = why.Length > 500 ? why[..500] : why, From = now });
        await Workflow.DueContacts.DueContactQueue.CancelOpenAsync(db, accountId, null, why, now, ct);
        if (await db.Cases.FirstOrDefaultAsync(c => c.AccountId == accountId && c.ClosedAt == null, ct) is { } @case)
        {
            foreach (var step in await db.CaseSteps.Where(s => s.CaseId == @case.Id && s.Status == CaseStepStatus.Planned).ToListAsync(ct))
            {
                step.Status = CaseStepStatus.Cancelled;
                step.Note = why;
            }

            @case.Phase = CasePhase.Closed;
            @case.ClosedAt = now;
            @case.NextStep = null;
            @case.NextStepDueAt = null;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Books a payment the creditor received itself, with the same allocation, instalment and promise rules as a bank
    /// statement's (<see cref="PaymentPosting"/>). The currency must be the account's.</summary>
    public async Task<(Payment? Payment, string? Field, string? Error)> ReportPaymentAsync(AccountId accountId, DirectPayment reported, CancellationToken ct = default)
    {
        var now = Now;
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
        if (!string.Equals(reported.Currency, account.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "currency", $"'{reported.Currency}' is not the account's currency ({account.Currency})");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var payment = new Payment
        {
            AccountId = accountId,
            Amount = reported.Amount,
            Currency = account.Currency,
            ReceivedOn = reported.ReceivedOn,
            Reference = reported.Reference is { Length: > 140 } r ? r[..140] : reported.Reference,
            Method = reported.Method,
            RecordedAt = now,
        };
        db.Payments.Add(payment);
        await db.SaveChangesAsync(ct);
        await PaymentPosting.PostAsync(db, payment, now, ct, options);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (payment, null, null);
    }
}
