using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Accrual;
using Collections.Shared.Workflow.Risk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Shared.Cases;

/// <summary>A case's life in one read model: where it stands, what was planned and done, every contact, what is queued,
/// the promises, plans and payments, and the balance. The operator's and supervisor's pages and the <c>case</c> verb read it.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="AccountRef">The creditor's reference of the account.</param>
/// <param name="Creditor">The creditor's code.</param>
/// <param name="Phase">The case's phase ("phone-and-messages"); null without a case.</param>
/// <param name="Strategy">The strategy's id; null before the claim analysis.</param>
/// <param name="StrategyReason">Why the claim analysis chose it.</param>
/// <param name="RiskFlags">Raised warning signs ("new-bank-details").</param>
/// <param name="OpenedAt">When the case was opened.</param>
/// <param name="ClosedAt">When it was closed.</param>
/// <param name="NextStep">The next planned step and when it is due.</param>
/// <param name="NextStepDueAt">When the next step is due.</param>
/// <param name="Balance">The balance split.</param>
/// <param name="Steps">Every step of the plan, by due time.</param>
/// <param name="Contacts">Every contact made (the ledger), oldest first.</param>
/// <param name="Queued">Contacts queued and not yet carried out or closed, by due time.</param>
/// <param name="Promises">Promises to pay, oldest first.</param>
/// <param name="Plans">Instalment plans with each instalment, oldest first.</param>
/// <param name="Payments">Payments received, oldest first.</param>
/// <param name="Limitation">The claim's limitation today (last day to go to court, what restarted it); null when not computed.</param>
public sealed record CaseTimeline(
    AccountId AccountId,
    string AccountRef,
    string Creditor,
    string? Phase,
    string? Strategy,
    string? StrategyReason,
    IReadOnlyList<string> RiskFlags,
    Instant? OpenedAt,
    Instant? ClosedAt,
    string? NextStep,
    Instant? NextStepDueAt,
    TimelineBalance Balance,
    IReadOnlyList<TimelineStep> Steps,
    IReadOnlyList<TimelineContact> Contacts,
    IReadOnlyList<TimelineQueued> Queued,
    IReadOnlyList<TimelinePromise> Promises,
    IReadOnlyList<TimelinePlan> Plans,
    IReadOnlyList<TimelinePayment> Payments,
    Legal.LimitationStatus? Limitation = null)
{
    /// <summary>What happened and what is due, in one list by time (steps done and due, contacts, promises, plans, payments).</summary>
    public IReadOnlyList<TimelineEntry> Entries =>
    [
        .. Steps.Select(s => new TimelineEntry(s.DoneAt ?? s.DueAt, "step", $"{s.Kind}: {s.Status}{(s.Channel is null ? string.Empty : $" ({s.Channel})")}{(s.Note is null ? string.Empty : $", {s.Note}")}")),
        .. Contacts.Select(c => new TimelineEntry(c.At, "contact", $"{c.Channel} {c.Outcome}{(c.Purpose is null ? string.Empty : $" ({c.Purpose})")}")),
        .. Promises.Select(p => new TimelineEntry(p.CreatedAt, "promise", $"{p.Amount} {p.Currency} by {p.Due:yyyy-MM-dd}: {p.Status}")),
        .. Plans.Select(p => new TimelineEntry(p.CreatedAt, "plan", $"{p.Instalments.Count} instalments, {p.Total}: {p.Status}")),
        .. Payments.Select(p => new TimelineEntry(p.RecordedAt, "payment", $"{p.Amount} {p.Currency} received {p.ReceivedOn:yyyy-MM-dd}")),
    ];
}

/// <summary>What the debtor owes, split; <see cref="Interest"/> is contractual plus statutory interest.</summary>
/// <param name="Principal">Principal.</param>
/// <param name="Interest">Contractual and statutory interest together.</param>
/// <param name="StatutoryInterest">The statutory part, accrued nightly.</param>
/// <param name="Fees">Fees and costs.</param>
/// <param name="Paid">Paid so far.</param>
/// <param name="Outstanding">Principal + interest + fees - paid.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="InterestAccruedUntil">The last day statutory interest was accrued for.</param>
/// <param name="InterestNote">Why statutory interest does not accrue (no rule, waived, paused by a plan), or null.</param>
public sealed record TimelineBalance(decimal Principal, decimal Interest, decimal StatutoryInterest, decimal Fees, decimal Paid, decimal Outstanding, string Currency, LocalDate? InterestAccruedUntil, string? InterestNote);

/// <summary>One step of the case's plan.</summary>
/// <param name="Kind">The step's key ("written-reminder", "broken-promise:...").</param>
/// <param name="Phase">The phase it moves the case to.</param>
/// <param name="Channel">"letter", "call" ...; null for a step that only changes the phase.</param>
/// <param name="DueAt">When it is (or was) due.</param>
/// <param name="DoneAt">When it ran.</param>
/// <param name="Status">"planned", "done", "skipped", "cancelled".</param>
/// <param name="Note">Why it was skipped or cancelled, or its template.</param>
/// <param name="ContactOutcome">What became of the contact it queued: the ledger's outcome once attempted, else the queue's state.</param>
public sealed record TimelineStep(string Kind, string Phase, string? Channel, Instant DueAt, Instant? DoneAt, string Status, string? Note, string? ContactOutcome);

/// <summary>One contact of the ledger.</summary>
/// <param name="At">When it started.</param>
/// <param name="Channel">"call", "sms", "whatsapp", "email", "letter", "visit".</param>
/// <param name="Purpose">"first-contact", "pre-instalment" ...; null for rows from before purposes were recorded.</param>
/// <param name="Outcome">"answered", "no-answer", "sent" ...</param>
/// <param name="RightPartyContact">A conversation with the debtor took place.</param>
/// <param name="Agent">The operator, for calls that reached one.</param>
public sealed record TimelineContact(Instant At, string Channel, string? Purpose, string Outcome, bool RightPartyContact, AgentId? Agent);

/// <summary>A contact queued and still open.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Purpose">Why it is made.</param>
/// <param name="Campaign">The queue that carries it.</param>
/// <param name="DueAt">When it falls due.</param>
/// <param name="NextAttemptAt">When it is next tried.</param>
/// <param name="Status">"queued" or "taken".</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="Outcome">What happened last.</param>
public sealed record TimelineQueued(string Channel, string Purpose, string Campaign, Instant DueAt, Instant NextAttemptAt, string Status, int Attempts, string? Outcome);

/// <summary>A promise to pay and how it ended.</summary>
public sealed record TimelinePromise(decimal Amount, string Currency, LocalDate Due, string Status, decimal Received, Instant CreatedAt, string Channel);

/// <summary>An instalment plan with its instalments.</summary>
public sealed record TimelinePlan(string Status, Instant CreatedAt, decimal Total, decimal DownPayment, string Frequency, IReadOnlyList<TimelineInstalment> Instalments);

/// <summary>One instalment: when due, what was paid and when, and the reminder before it.</summary>
/// <param name="Number">1-based position.</param>
/// <param name="Due">Due date.</param>
/// <param name="Amount">Amount due.</param>
/// <param name="PaidAmount">Amount paid.</param>
/// <param name="Status">"due", "paid", "partly-paid", "missed".</param>
/// <param name="PaidAt">The day of the payment that completed it (payments go to the oldest unpaid instalment first).</param>
/// <param name="ReminderAt">When the reminder call is (or was) due; null when none is planned (due the day the plan was made).</param>
/// <param name="ReminderOutcome">The reminder call's outcome ("answered", "no-answer"), else its queue state ("queued", "cancelled: ...").</param>
public sealed record TimelineInstalment(int Number, LocalDate Due, decimal Amount, decimal PaidAmount, string Status, LocalDate? PaidAt, Instant? ReminderAt, string? ReminderOutcome);

/// <summary>A payment and how it was allocated.</summary>
public sealed record TimelinePayment(LocalDate ReceivedOn, Instant RecordedAt, decimal Amount, string Currency, string Method, decimal ToFees, decimal ToInterest, decimal ToPrincipal, string? Reference);

/// <summary>One line of <see cref="CaseTimeline.Entries"/>.</summary>
public sealed record TimelineEntry(Instant At, string Kind, string Text);

/// <summary>Builds <see cref="CaseTimeline"/>s from the database (read only).</summary>
public sealed class CaseTimelineQuery(ICollectionsDbContextFactory contexts, IOptions<WorkflowOptions> options, StatutoryInterestAccrual? accrual = null, Legal.LimitationService? limitation = null)
{
    /// <summary>The timeline of <paramref name="accountId"/>, or null when there is no such account.</summary>
    public async Task<CaseTimeline?> LoadAsync(AccountId accountId, CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        if ((await AccountState.LoadContextsAsync(db, [accountId], track: false, ct)).SingleOrDefault() is not { } ctx)
        {
            return null;
        }

        var account = ctx.Account;
        var @case = ctx.Case;
        var steps = @case is null ? [] : await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).ToListAsync(ct);
        var contacts = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == accountId).OrderBy(c => c.StartedAt).ToListAsync(ct);
        var outcomes = contacts.ToDictionary(c => c.Id, c => c.Outcome);
        var queue = await db.ScheduledContacts.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(ct);
        var byKey = queue.ToDictionary(c => c.IdempotencyKey, StringComparer.Ordinal);
        var promises = await db.Promises.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => p.AccountId == accountId).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var nullableId = (AccountId?)accountId;
        var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == nullableId).OrderBy(p => p.RecordedAt).ToListAsync(ct);
        var interest = accrual is null ? null : await accrual.ExplainAsync(accountId, ct);
        var limitationStatus = limitation is null ? null : await limitation.ForAccountAsync(accountId, ct);

        string? QueueOutcome(ScheduledContact? entry) => entry switch
        {
            null => null,
            { ContactAttemptId: { } attempt } when outcomes.TryGetValue(attempt, out var outcome) => outcome.Text(),
            _ => entry.Outcome ?? Kebab(entry.Status),
        };

        return new CaseTimeline(
            accountId,
            account.CreditorReference,
            ctx.Creditor.Code,
            @case?.Phase.Text(),
            @case?.StrategyId,
            @case?.StrategyReason,
            [.. RiskSignals.Parse(@case?.RiskFlags).Order(StringComparer.Ordinal)],
            @case?.OpenedAt,
            @case?.ClosedAt,
            @case?.NextStep,
            @case?.NextStepDueAt,
            new TimelineBalance(account.Principal, account.Interest + account.StatutoryInterest, account.StatutoryInterest, account.Fees, account.Paid,
                account.Balance.Amount, account.Currency, account.InterestAccruedUntil, interest?.Note),
            [.. steps.OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).Select(s => new TimelineStep(
                s.StepKey, s.Phase.Text(), s.Channel?.Text(), s.DueAt, s.ExecutedAt, Kebab(s.Status), s.Note,
                QueueOutcome(byKey.GetValueOrDefault($"case:{s.CaseId}:{s.StepKey}") ?? byKey.GetValueOrDefault(s.StepKey))))],
            [.. contacts.Select(c => new TimelineContact(c.StartedAt, c.Channel.Text(), c.Purpose?.Text(), c.Outcome.Text(), c.RightPartyContact, c.AgentId))],
            [.. queue.Where(c => c.Status is ScheduledContactStatus.Queued or ScheduledContactStatus.Taken).OrderBy(c => c.DueAt)
                .Select(c => new TimelineQueued(c.Channel.Text(), c.Purpose.Text(), c.Campaign, c.DueAt, c.NextAttemptAt, Kebab(c.Status), c.Attempts, c.Outcome))],
            [.. promises.Select(p => new TimelinePromise(p.Amount, p.Currency, p.DueDate, Kebab(p.Status), p.AmountReceived, p.CreatedAt, p.Channel.Text()))],
            [.. plans.Select((plan, i) => Plan(plan, i + 1 < plans.Count ? plans[i + 1].CreatedAt : null, payments, ctx, byKey, QueueOutcome))],
            [.. payments.Select(p => new TimelinePayment(p.ReceivedOn, p.RecordedAt, p.Amount, p.Currency, Kebab(p.Method), p.AllocatedFees, p.AllocatedInterest, p.AllocatedPrincipal, p.Reference))],
            limitationStatus);
    }

    private TimelinePlan Plan(InstalmentPlan plan, Instant? nextPlan, List<Payment> payments, AccountContext ctx, Dictionary<string, ScheduledContact> byKey, Func<ScheduledContact?, string?> outcome)
    {
        var paidAt = PaidDays(plan, nextPlan, payments, ctx.Creditor.Policy.PromiseTolerance);
        var created = plan.CreatedAt.InZone(ctx.Zone).Date;
        return new TimelinePlan(Kebab(plan.Status), plan.CreatedAt, plan.Total, plan.DownPayment, Kebab(plan.Frequency),
        [
            .. plan.Instalments.OrderBy(i => i.Number).Select(i =>
            {
                var reminder = byKey.GetValueOrDefault($"instalment-reminder:{i.Id}:call");
                // Not yet queued: when it will be, if one is planned (InstalmentWorkflow.CreateAsync: none for an instalment due
                // the day the plan was made; queued at once when its time had passed).
                Instant? reminderAt = reminder?.DueAt ?? (i.DueDate > created && i.Status is InstalmentStatus.Due or InstalmentStatus.PartlyPaid && plan.Status == InstalmentPlanStatus.Active
                    ? Max(InstalmentWorkflow.ReminderTime(i.DueDate, options.Value, ctx.Zone), plan.CreatedAt)
                    : null);
                return new TimelineInstalment(i.Number, i.DueDate, i.Amount, i.PaidAmount, Kebab(i.Status),
                    i.Status == InstalmentStatus.Paid ? paidAt.GetValueOrDefault(i.Number) : null, reminderAt, outcome(reminder));
            }),
        ]);

        static Instant Max(Instant a, Instant b) => a > b ? a : b;
    }

    /// <summary>The day each instalment was paid off: the payments booked while the plan was the account's plan, replayed in
    /// booking order through the rule that books them (<see cref="InstalmentWorkflow.ApplyPayment"/>: oldest unpaid first).</summary>
    private static Dictionary<int, LocalDate> PaidDays(InstalmentPlan plan, Instant? nextPlan, List<Payment> payments, decimal tolerance)
    {
        var replay = new InstalmentPlan
        {
            Currency = plan.Currency,
            Instalments = [.. plan.Instalments.Select(i => new Instalment { Number = i.Number, DueDate = i.DueDate, Amount = i.Amount })],
        };
        var paid = new Dictionary<int, LocalDate>();
        foreach (var payment in payments.Where(p => p.RecordedAt >= plan.CreatedAt && (nextPlan is null || p.RecordedAt < nextPlan)))
        {
            if (replay.Status != InstalmentPlanStatus.Active)
            {
                break;
            }

            InstalmentWorkflow.ApplyPayment(replay, payment.Amount, tolerance);
            foreach (var instalment in replay.Instalments.Where(i => i.Status == InstalmentStatus.Paid))
            {
                paid.TryAdd(instalment.Number, payment.ReceivedOn);
            }
        }

        return paid;
    }

    private static string Kebab(Enum value) => ContactTexts.Kebab(value);
}
