using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Workflow;

/// <summary>What a debtor and an operator agree: the amount to spread, over how many instalments, how often, from when.</summary>
/// <param name="Total">Amount the plan covers, down payment included (usually the balance).</param>
/// <param name="Count">Number of regular instalments (the down payment is not counted).</param>
/// <param name="Frequency">How often they fall due.</param>
/// <param name="FirstDueDate">Due date of the first regular instalment.</param>
/// <param name="DownPayment">Paid first, on <paramref name="DownPaymentDate"/>; zero for none.</param>
/// <param name="DownPaymentDate">When the down payment is due; defaults to the day the plan is made.</param>
/// <param name="RegularAmount">The instalment the debtor agreed on the phone ("3 x 100 EUR"): every instalment but the last
/// is this amount and the last is what remains; null splits the amount equally.</param>
public sealed record InstalmentRequest(decimal Total, int Count, InstalmentFrequency Frequency, LocalDate FirstDueDate, decimal DownPayment = 0m, LocalDate? DownPaymentDate = null, decimal? RegularAmount = null);

/// <summary>One line of a generated schedule.</summary>
public sealed record ScheduledInstalment(int Number, LocalDate DueDate, decimal Amount, bool IsDownPayment);

/// <summary>A generated schedule, or the policy rules it breaks.</summary>
public sealed record InstalmentSchedule(IReadOnlyList<ScheduledInstalment> Instalments, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Instalment plans (seed 004: instalment agreements on request, with a reminder call before each instalment falls
/// due; late or missed payments flagged at once).</summary>
public sealed class InstalmentWorkflow(CollectionsDbContext db, CaseWorkflow cases, WorkflowOptions options, TimeProvider time, ILogger<InstalmentWorkflow>? logger = null)
{
    /// <summary>The script stage of the reminder call (config/scripts/*-pre-instalment-reminder.yaml).</summary>
    public const string ReminderStage = "pre-instalment-reminder";

    /// <summary>The script stage of the follow-up call after a missed instalment (config/scripts/*-missed-instalment.yaml).</summary>
    public const string MissedStage = "missed-instalment";

    private readonly ILogger _logger = logger ?? NullLogger<InstalmentWorkflow>.Instance;

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>
    /// The one instalment policy (the operator's script checks an offer against the same creditor policy before it is made):
    /// splits <see cref="InstalmentRequest.Total"/> less the down payment into equal instalments rounded down to the
    /// currency's minor unit with the rounding remainder on the last one, or, when the debtor agreed an amount
    /// (<see cref="InstalmentRequest.RegularAmount"/>), into that amount with what remains on the last one; and checks the
    /// creditor's policy: at most <see cref="CreditorPolicy.MaxInstalments"/> instalments, none but the last below
    /// <see cref="CreditorPolicy.MinInstalment"/>.
    /// </summary>
    public static InstalmentSchedule Build(InstalmentRequest request, string currency, CreditorPolicy policy, LocalDate today)
    {
        var errors = new List<string>();
        var minor = Currencies.MinorUnits(currency);
        var financed = request.Total - request.DownPayment;
        if (request.Count < 1)
        {
            errors.Add("count: at least one instalment is needed.");
        }
        else if (request.Count > policy.MaxInstalments)
        {
            errors.Add($"count: {request.Count} instalments exceed the creditor's maximum of {policy.MaxInstalments}.");
        }

        if (request.DownPayment < 0 || financed <= 0)
        {
            errors.Add("downPayment: must be at least zero and less than the total.");
        }

        if (errors.Count > 0)
        {
            return new([], errors);
        }

        var factor = Pow10(minor);
        var regular = request.RegularAmount ?? Math.Floor(financed / request.Count * factor) / factor;
        var last = financed - (regular * (request.Count - 1));
        if (request.RegularAmount is { } agreed && (agreed != Math.Round(agreed, minor) || last <= 0 || last > agreed))
        {
            errors.Add($"amount: {request.Count} instalments of {agreed} {currency} do not cover {financed} {currency} with a last instalment between 0 and {agreed} {currency}.");
            return new([], errors);
        }

        if (regular < policy.MinInstalment)
        {
            errors.Add($"count: an instalment of {regular} {currency} is below the creditor's minimum of {policy.MinInstalment} {currency}.");
            return new([], errors);
        }

        var list = new List<ScheduledInstalment>();
        if (request.DownPayment > 0)
        {
            list.Add(new(1, request.DownPaymentDate ?? today, request.DownPayment, true));
        }

        for (var i = 0; i < request.Count; i++)
        {
            var due = request.Frequency switch
            {
                InstalmentFrequency.Weekly => request.FirstDueDate.PlusWeeks(i),
                InstalmentFrequency.Fortnightly => request.FirstDueDate.PlusWeeks(2 * i),
                // Counted from the first date each time, so 31 January gives 28/29 February and then 31 March again.
                _ => request.FirstDueDate.PlusMonths(i),
            };
            list.Add(new(list.Count + 1, due, i == request.Count - 1 ? last : regular, false));
        }

        return new(list, errors);
    }

    /// <summary>When an instalment due on <paramref name="dueDate"/> is checked: 06:00 local the morning after (seed 004: "late
    /// or missed payments flagged at once"). A payment received within <see cref="WorkflowOptions.InstalmentGraceDays"/> of the
    /// date marks it paid and cancels the follow-up still queued (<see cref="PaymentPosting"/>).</summary>
    public static Instant CheckTime(LocalDate dueDate, WorkflowOptions options, DateTimeZone zone) =>
        StrategyPlanner.At(dueDate.PlusDays(1), new LocalTime(6, 0), zone);

    /// <summary>When the reminder before an instalment due on <paramref name="dueDate"/> is queued: the configured number of
    /// days before, at the configured local hour in the debtor's zone.</summary>
    public static Instant ReminderTime(LocalDate dueDate, WorkflowOptions options, DateTimeZone zone) =>
        StrategyPlanner.At(dueDate.PlusDays(-options.ReminderDaysBefore), LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(options.ReminderLocalTime).Value, zone);

    /// <summary>Creates a plan on the account after checking it against the creditor's policy; returns the reminders and
    /// checks to schedule. Throws <see cref="ArgumentException"/> naming the rule a plan breaks.</summary>
    public async Task<(InstalmentPlan Plan, IReadOnlyList<WorkItem> Work)> CreateAsync(AccountId accountId, InstalmentRequest request, AgentId? agent = null, CancellationToken ct = default)
    {
        var now = Now;
        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        if (await db.InstalmentPlans.AnyAsync(p => p.AccountId == accountId && p.Status == InstalmentPlanStatus.Active, ct))
        {
            throw new ArgumentException("The account already has an active instalment plan.", nameof(accountId));
        }

        var schedule = Build(request, ctx.Account.Currency, ctx.Creditor.Policy, ctx.Today(now));
        if (!schedule.IsValid)
        {
            throw new ArgumentException(string.Join(" ", schedule.Errors), nameof(request));
        }

        var plan = new InstalmentPlan
        {
            AccountId = accountId,
            AgentId = agent,
            Currency = ctx.Account.Currency,
            Total = request.Total,
            DownPayment = request.DownPayment,
            Frequency = request.Frequency,
            CreatedAt = now,
        };
        plan.Instalments = [.. schedule.Instalments.Select(s => new Instalment { PlanId = plan.Id, Number = s.Number, DueDate = s.DueDate, Amount = s.Amount })];
        db.InstalmentPlans.Add(plan);
        CaseWorkflow.EnterPhase(ctx, CasePhase.PaymentArrangement);
        await db.SaveChangesAsync(ct);

        var work = new List<WorkItem>();
        foreach (var instalment in plan.Instalments)
        {
            if (instalment.DueDate > ctx.Today(now))
            {
                var remindAt = ReminderTime(instalment.DueDate, options, ctx.Zone);
                work.Add(new WorkItem(WorkKind.InstalmentReminder, instalment.Id.ToString(), remindAt < now ? now : remindAt));
            }

            work.Add(new WorkItem(WorkKind.InstalmentCheck, instalment.Id.ToString(), CheckTime(instalment.DueDate, options, ctx.Zone)));
        }

        return (plan, work);
    }

    /// <summary>Queues the reminder call, and an SMS where the creditor allows it (else an e-mail), to the reminder campaigns;
    /// once per instalment. The reminder expires when the instalment falls due: after that it is no longer a reminder.</summary>
    public async Task<WorkflowResult> RemindAsync(InstalmentId instalmentId, CancellationToken ct = default)
    {
        var now = Now;
        var accountId = await AccountOfAsync(instalmentId, ct);
        if (accountId is null)
        {
            return WorkflowResult.Nothing("not-needed");
        }

        var state = await AccountState.LoadAsync(db, accountId.Value, ct);
        var result = Remind(state, instalmentId, now);
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The rule of <see cref="RemindAsync"/> on state already loaded; records when the reminder was queued. Changes
    /// tracked entities only; the caller saves them.</summary>
    internal WorkflowResult Remind(AccountState state, InstalmentId instalmentId, Instant now)
    {
        var plan = state.ActivePlan;
        var instalment = plan?.Instalments.FirstOrDefault(i => i.Id == instalmentId);
        if (instalment is null || plan!.Status != InstalmentPlanStatus.Active || instalment.Status == InstalmentStatus.Paid)
        {
            return WorkflowResult.Nothing("not-needed");
        }

        var ctx = state.Context;
        if (now < ReminderTime(instalment.DueDate, options, ctx.Zone) && instalment.DueDate.PlusDays(-options.ReminderDaysBefore) > ctx.Today(now))
        {
            return WorkflowResult.Nothing("not-due");
        }

        var key = $"instalment-reminder:{instalment.Id}";
        // A reminder is only a reminder until the instalment falls due: one not made by the end of the due date expires.
        var expires = StrategyPlanner.At(instalment.DueDate.PlusDays(1), new LocalTime(0, 0), ctx.Zone);
        cases.QueueContact(state, ContactChannel.Call, options.ReminderCampaign, ReminderStage, now, $"{key}:call", ContactPurpose.PreInstalment, null, now, expires);
        if (ctx.Creditor.Policy.AllowsSms && ctx.Debtor.Phones.Any(p => p.Kind == PhoneKind.Mobile && p.WrongNumberAt == null))
        {
            cases.QueueContact(state, ContactChannel.Sms, options.ReminderMessageCampaign, ReminderStage, now, $"{key}:sms", ContactPurpose.PreInstalment, ReminderStage, now);
        }
        else if (ctx.Debtor.Email is not null)
        {
            // No SMS to send (the creditor does not allow it, or no mobile): the written reminder goes by e-mail.
            cases.QueueContact(state, ContactChannel.Email, options.ReminderMessageCampaign, ReminderStage, now, $"{key}:email", ContactPurpose.PreInstalment, ReminderStage, now);
        }

        instalment.RemindedAt ??= now;
        return WorkflowResult.Nothing("reminded");
    }

    /// <summary>Decides an instalment after its grace days: missed when unpaid beyond the creditor's tolerance (a follow-up
    /// call is queued); the plan defaults after the configured number of misses and the strategy resumes.</summary>
    public async Task<WorkflowResult> CheckAsync(InstalmentId instalmentId, CancellationToken ct = default)
    {
        var now = Now;
        var accountId = await AccountOfAsync(instalmentId, ct);
        if (accountId is null)
        {
            return WorkflowResult.Nothing("already-done");
        }

        var state = await AccountState.LoadAsync(db, accountId.Value, ct);
        var result = Check(state, instalmentId, now);
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The rule of <see cref="CheckAsync"/> on state already loaded. Changes tracked entities only; the caller saves them.</summary>
    internal WorkflowResult Check(AccountState state, InstalmentId instalmentId, Instant now)
    {
        var plan = state.ActivePlan;
        var instalment = plan?.Instalments.FirstOrDefault(i => i.Id == instalmentId);
        if (instalment is null || plan!.Status != InstalmentPlanStatus.Active || instalment.Status is InstalmentStatus.Paid or InstalmentStatus.Missed)
        {
            return WorkflowResult.Nothing("already-done");
        }

        var ctx = state.Context;
        if (now < CheckTime(instalment.DueDate, options, ctx.Zone))
        {
            return WorkflowResult.Nothing("not-due");
        }

        instalment.Status = InstalmentStatus.Missed;
        var work = new List<WorkItem>(cases.FollowUp(state, $"instalment-missed:{instalment.Id}", MissedStage, ContactPurpose.InstalmentFollowUp, now));
        // Seed 004: late or missed payments flagged at once: the debtor hears of it by SMS too, where the creditor allows it.
        if (ctx.Creditor.Policy.AllowsSms && ctx.Debtor.Phones.Any(p => p.Kind == PhoneKind.Mobile && p.WrongNumberAt == null))
        {
            cases.QueueContact(state, ContactChannel.Sms, options.ReminderMessageCampaign, MissedStage, now, $"instalment-missed:{instalment.Id}:sms",
                ContactPurpose.InstalmentFollowUp, MissedStage, now);
        }

        // Defaulted after the configured number of misses, or when the last instalment is missed: nothing is left to keep to.
        if (plan.Instalments.Count(i => i.Status == InstalmentStatus.Missed) >= options.DefaultAfterMissedInstalments
            || plan.Instalments.All(i => i.Status is InstalmentStatus.Paid or InstalmentStatus.Missed))
        {
            plan.Status = InstalmentPlanStatus.Defaulted;
            // The plan no longer holds the strategy: its next step is due now.
            if (ctx.Case is { } @case)
            {
                var planned = state.Steps.Where(s => s.Status == CaseStepStatus.Planned).ToList();
                var next = planned.OrderBy(s => s.Sequence).FirstOrDefault();
                if (next is not null)
                {
                    CaseWorkflow.Shift(planned, next, now);
                    @case.NextStep = next.StepKey;
                    @case.NextStepDueAt = now;
                    work.Add(WorkItem.ForStep(@case.Id, next.StepKey, now));
                }
            }
        }

        WorkflowLog.InstalmentMissed(_logger, instalment.Number, plan.Id.ToString(), plan.Status.ToString());
        return new(work, "missed");
    }

    /// <summary>Applies a payment to the plan's unpaid instalments, oldest first, so arrears (a missed instalment) are caught up
    /// before the current one; completes the plan when all are paid. A missed instalment paid later stays visible as the
    /// follow-up it caused (case step "instalment-missed:...").</summary>
    internal static void ApplyPayment(InstalmentPlan plan, decimal amount, decimal tolerance)
    {
        var left = amount;
        foreach (var instalment in plan.Instalments.Where(i => i.Status != InstalmentStatus.Paid).OrderBy(i => i.Number))
        {
            if (left <= 0)
            {
                break;
            }

            var part = Math.Min(left, instalment.Amount - instalment.PaidAmount);
            instalment.PaidAmount += part;
            left -= part;
            instalment.Status = instalment.PaidAmount >= instalment.Amount - tolerance ? InstalmentStatus.Paid : InstalmentStatus.PartlyPaid;
        }

        if (plan.Instalments.All(i => i.Status == InstalmentStatus.Paid))
        {
            plan.Status = InstalmentPlanStatus.Completed;
        }
    }

    private Task<AccountId?> AccountOfAsync(InstalmentId id, CancellationToken ct) =>
        (from i in db.Instalments
         join p in db.InstalmentPlans on i.PlanId equals p.Id
         where i.Id == id
         select (AccountId?)p.AccountId).SingleOrDefaultAsync(ct);

    private static decimal Pow10(int n)
    {
        var result = 1m;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }

        return result;
    }
}
