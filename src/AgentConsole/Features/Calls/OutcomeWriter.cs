using Collections.Scripts.Runtime;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>Saves a call's outcome: the disposition with the promise, plan, settlement, callback, dispute or vulnerability the
/// script recorded, and the contact-ledger row's result, all in one transaction (one SaveChanges), so a crash never leaves a
/// promise without its disposition or the other way round.</summary>
public sealed class OutcomeWriter(ICollectionsDbContextFactory databases, TimeProvider time)
{
    /// <summary>Saves <paramref name="code"/> for <paramref name="call"/>; returns what was written, or the reason it is refused.</summary>
    public async Task<(OutcomeSavedDto? Saved, string? Refusal)> SaveAsync(CallSession call, DispositionCode code, string? note, CancellationToken ct)
    {
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
            DispositionCode.Settlement when settlement is null => "agree the settlement in the script first",
            DispositionCode.Callback when callback is null => "schedule the callback in the script first",
            _ => null,
        };
        if (refusal is not null)
        {
            return (null, refusal);
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        await using var db = databases.CreateDbContext();
        var account = await db.Accounts.FirstAsync(a => a.Id == call.AccountId, ct);
        var disposition = new Disposition
        {
            AccountId = call.AccountId,
            ContactAttemptId = call.CallId,
            AgentId = call.AgentId,
            Code = code,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            At = now,
        };
        PromiseToPay? promiseRow = null;
        if (promise is not null || settlement is not null)
        {
            var (amount, date) = settlement is not null && code == DispositionCode.Settlement
                ? (settlement.Amount.Amount, settlement.PayBy)
                : promise is not null ? (promise.Amount.Amount, promise.Date) : (settlement!.Amount.Amount, settlement.PayBy);
            promiseRow = new PromiseToPay
            {
                AccountId = call.AccountId, AgentId = call.AgentId, Amount = amount, Currency = account.Currency, DueDate = date,
                Channel = ContactChannel.Call, Status = PromiseStatus.Pending, CreatedAt = now,
            };
            db.Promises.Add(promiseRow);
        }

        InstalmentPlan? planRow = null;
        if (plan is not null)
        {
            planRow = NewPlan(call, account, plan.Plan, now);
            db.InstalmentPlans.Add(planRow);
        }

        if (callback is not null)
        {
            disposition.CallbackAt = callback.When.InZoneLeniently(call.DebtorZone ?? DateTimeZone.Utc).ToInstant();
            disposition.Note ??= callback.Note;
        }

        foreach (var dispute in events.OfType<DisputeFlagged>())
        {
            // FDCPA 1692g(b): collection of a disputed amount stops until it is verified; the compliance engine honours holds.
            db.Holds.Add(new Hold { AccountId = call.AccountId, Kind = HoldKind.Dispute, Reason = dispute.Reason, From = now });
        }

        if (events.OfType<VulnerabilityFlagged>().Any())
        {
            var debtor = await db.Debtors.FirstAsync(d => d.Id == account.DebtorId, ct);
            debtor.Vulnerable = true;
        }

        if (await db.ContactAttempts.FirstOrDefaultAsync(c => c.Id == call.CallId, ct) is { } attempt)
        {
            attempt.Outcome = ContactOutcome.Answered;
            attempt.RightPartyContact = verified;
            attempt.EndedAt ??= now;
        }

        db.Dispositions.Add(disposition);
        await db.SaveChangesAsync(ct);
        lock (call.Gate)
        {
            call.OutcomeSaved = true;
        }

        return (new OutcomeSavedDto(disposition.Id.Value, promiseRow?.Id.Value, planRow?.Id.Value, disposition.CallbackAt?.ToDateTimeOffset()), null);
    }

    private static InstalmentPlan NewPlan(CallSession call, Account account, InstalmentPlanProposal proposal, Instant now)
    {
        var balance = account.Balance.Amount;
        var plan = new InstalmentPlan
        {
            AccountId = call.AccountId, AgentId = call.AgentId, Currency = account.Currency, Total = balance,
            Frequency = InstalmentFrequency.Monthly, Status = InstalmentPlanStatus.Active, CreatedAt = now,
        };
        var left = balance;
        for (var i = 1; i <= proposal.Instalments; i++)
        {
            // Every instalment is the agreed amount except the last, which is what remains (the script checked it covers the balance).
            var amount = i == proposal.Instalments ? left : Math.Min(proposal.InstalmentAmount.Amount, left);
            plan.Instalments.Add(new Instalment { PlanId = plan.Id, Number = i, DueDate = proposal.FirstDueDate.PlusMonths(i - 1), Amount = amount, Status = InstalmentStatus.Due });
            left -= amount;
        }

        return plan;
    }
}
