using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Mandates;
using Collections.Shared.Workflow.Risk;
using Collections.Shared.Workflow.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>A case's plan as a person sees it: strategy, phase, flags, next step and every step with its state.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="StrategyId">The chosen strategy.</param>
/// <param name="Phase">Current phase.</param>
/// <param name="RiskFlags">Raised warning signs.</param>
/// <param name="NextStep">Next step key, or null when nothing is planned.</param>
/// <param name="NextStepDueAt">When the next step is due.</param>
/// <param name="Steps">All steps, by due time.</param>
public sealed record CasePlan(CaseId CaseId, string? StrategyId, CasePhase Phase, IReadOnlySet<string> RiskFlags, string? NextStep, Instant? NextStepDueAt, IReadOnlyList<CaseStep> Steps);

/// <summary>The result of a workflow operation: what changed and the timed work to hand to the scheduler.</summary>
/// <param name="Work">Work to schedule.</param>
/// <param name="Outcome">What happened, for logs and tests ("done", "skipped", "deferred", "not-due", "already-done").</param>
public sealed record WorkflowResult(IReadOnlyList<WorkItem> Work, string Outcome)
{
    /// <summary>Nothing to do.</summary>
    public static WorkflowResult Nothing(string outcome) => new([], outcome);
}

/// <summary>Claim analysis, plan and step execution for cases (seeds 001-003). Every method is idempotent: running it
/// again for the same case and step finds the state it left and does nothing, which is what makes a scheduler retry safe.</summary>
public sealed partial class CaseWorkflow(CollectionsDbContext db, StrategyCatalog catalog, WorkflowOptions options, TimeProvider time, ILogger<CaseWorkflow>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<CaseWorkflow>.Instance;

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Analyses the claim, chooses the strategy, writes the plan and returns the first step to schedule.
    /// A case that already has a plan is returned unchanged with its next step.</summary>
    public async Task<WorkflowResult> OpenAsync(AccountId accountId, CancellationToken ct = default)
    {
        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        if (ctx.Case is { StrategyId: not null } existing)
        {
            var steps = await StepsOf(existing.Id, ct);
            return new(NextWork(existing, steps), "already-open");
        }

        var now = Now;
        var facts = await FactsAsync(ctx, now, ct);
        var @case = ctx.Case;
        if (@case is null)
        {
            @case = new Case { AccountId = accountId, OpenedAt = now };
            db.Cases.Add(@case);
        }

        var opening = new ClaimAnalysis(catalog, await ArmControls.LoadAsync(db, ct)).Open(@case.Id, facts, ctx.Account.DueDate, ctx.Zone, ctx.Calendar, ctx.Account.Currency, now);
        var strategy = opening.Strategy ?? throw new StrategyException($"No strategy matches account {accountId}: {opening.Reason}.");
        Apply(@case, opening);
        var rows = opening.Steps.ToList();
        db.CaseSteps.AddRange(rows);
        await db.SaveChangesAsync(ct);
        WorkflowLog.CaseOpened(_logger, @case.Id.ToString(), strategy.Id, rows.Count, @case.RiskFlags ?? "none");
        return new(NextWork(@case, rows), "opened");
    }

    /// <summary>Writes the claim analysis's result onto the case: strategy, reason, flags, phase New and the next step.</summary>
    public static void Apply(Case @case, CaseOpening opening)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(opening);
        @case.StrategyId = opening.Strategy?.Id;
        @case.Arm = opening.Arm;
        @case.StrategyReason = opening.Reason;
        @case.RiskFlags = opening.RiskFlags;
        @case.Phase = CasePhase.New;
        var next = opening.Next;
        @case.NextStep = next?.StepKey;
        @case.NextStepDueAt = next?.DueAt;
    }

    /// <summary>The plan of the case on <paramref name="accountId"/>, or null when it has no case.</summary>
    public async Task<CasePlan?> PlanAsync(AccountId accountId, CancellationToken ct = default)
    {
        var @case = await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.AccountId == accountId, ct);
        if (@case is null)
        {
            return null;
        }

        var steps = await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).ToListAsync(ct);
        return new CasePlan(@case.Id, @case.StrategyId, @case.Phase, RiskSignals.Parse(@case.RiskFlags), @case.NextStep, @case.NextStepDueAt,
            [.. steps.OrderBy(s => s.DueAt).ThenBy(s => s.Sequence)]);
    }

    /// <summary>Runs step <paramref name="stepKey"/> of case <paramref name="caseId"/> if it is planned and due.</summary>
    public async Task<WorkflowResult> ExecuteStepAsync(CaseId caseId, string stepKey, CancellationToken ct = default)
    {
        var now = Now;
        var step = await db.CaseSteps.SingleOrDefaultAsync(s => s.CaseId == caseId && s.StepKey == stepKey, ct);
        if (step is null || step.Status != CaseStepStatus.Planned)
        {
            return WorkflowResult.Nothing("already-done");
        }

        if (step.DueAt > now)
        {
            // A trigger for a time the step has since been moved away from: the new time has its own trigger.
            return WorkflowResult.Nothing("not-due");
        }

        var accountId = await db.Cases.Where(c => c.Id == caseId).Select(c => c.AccountId).SingleAsync(ct);
        var result = RunStep(await AccountState.LoadAsync(db, accountId, ct), step, now);
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The rule of <see cref="ExecuteStepAsync"/> on state already loaded (one account, or one of a sweep's batch):
    /// closes a paid case, defers the step while a promise or plan holds the strategy, else runs it (or skips it when its
    /// condition is unmet) and plans the next. Changes tracked entities only; the caller saves them.</summary>
    internal WorkflowResult RunStep(AccountState state, CaseStep step, Instant now)
    {
        if (step.Status != CaseStepStatus.Planned)
        {
            return WorkflowResult.Nothing("already-done");
        }

        if (step.DueAt > now)
        {
            return WorkflowResult.Nothing("not-due");
        }

        var ctx = state.Context;
        var @case = ctx.Case ?? throw new InvalidOperationException($"Step {step.StepKey} belongs to case {step.CaseId}, which was not loaded.");
        var caseId = @case.Id;
        var stepKey = step.StepKey;
        var steps = state.Steps;
        if (@case.ClosedAt is not null || ctx.Account.Balance.Amount <= 0)
        {
            Close(@case, steps, now, "the balance is paid");
            return WorkflowResult.Nothing("closed");
        }

        if (HoldUntil(state, now) is { } hold)
        {
            Shift(steps, step, hold.Until);
            SetNext(@case, steps);
            WorkflowLog.StepDeferred(_logger, caseId.ToString(), stepKey, hold.Until.ToString(), hold.Reason);
            return new([WorkItem.ForStep(caseId, stepKey, hold.Until)], "deferred");
        }

        var strategyStep = @case.StrategyId is null ? null : catalog.Get(@case.StrategyId).StepsOf(@case.Arm).FirstOrDefault(s => s.Id == BaseKey(stepKey));
        var flags = RiskSignals.Parse(@case.RiskFlags);
        var unmet = strategyStep is null ? null : Unmet(strategyStep.Condition, ctx, flags);
        var held = unmet is null ? Mandate.Check(ctx.Creditor.Policy, step, steps, now) : null;
        if (held is { Until: { } until })
        {
            // The mandate's frequency or order (seed 004: letters whose frequency fits each mandate): the step waits.
            if (held.Alone)
            {
                step.DueAt = until;
            }
            else
            {
                Shift(steps, step, until);
            }

            step.Note = held.Reason;
            SetNext(@case, steps);
            WorkflowLog.StepDeferred(_logger, caseId.ToString(), stepKey, until.ToString(), held.Reason);
            return new(NextWork(@case, steps), "held-by-mandate");
        }

        // A channel the mandate does not allow, or an SMS with no letter planned before it: the step is skipped.
        unmet ??= held?.Reason;
        step.ExecutedAt = now;
        if (unmet is not null)
        {
            step.Status = CaseStepStatus.Skipped;
            step.Note = unmet;
        }
        else
        {
            step.Status = CaseStepStatus.Done;
            @case.Phase = step.Phase;
            if (step.Channel is { } channel)
            {
                // The mandate's content variant of the step's letter or message, when it names one (seed 004).
                var template = Mandate.VariantOf(ctx.Creditor.Policy, strategyStep?.Template);
                if (template != strategyStep?.Template)
                {
                    step.Note = $"{template} (the mandate's variant of {strategyStep!.Template})";
                }

                Queue(state, channel, step.Campaign!, step.ScriptStage, Max(step.DueAt, now), $"strategy:{stepKey}", $"case:{caseId}:{stepKey}",
                    PurposeOf(step), template, now);
            }

            if (strategyStep?.RepeatEveryDays is { } every)
            {
                // Hibernation (seed 000: keep monitoring debtors who cannot pay now): the step plans its own re-check,
                // and each re-check looks at the account's history again.
                var facts = Facts(ctx, state.Payments, state.BrokenPromises, now);
                @case.RiskFlags = RiskSignals.Format(facts.RiskFlags);
                var next = new CaseStep
                {
                    CaseId = caseId,
                    Sequence = steps.Max(s => s.Sequence) + 1,
                    StepKey = $"{strategyStep.Id}#{Occurrence(stepKey) + 1}",
                    Phase = step.Phase,
                    Channel = step.Channel,
                    Campaign = step.Campaign,
                    ScriptStage = step.ScriptStage,
                    DueAt = now + Duration.FromDays(every),
                    Note = "periodic re-check",
                };
                if (state.Queued is not null)
                {
                    throw new InvalidOperationException($"Step {stepKey} plans a re-check, which the set-based sweep leaves to the entity path.");
                }

                db.CaseSteps.Add(next);
                steps.Add(next);
            }
        }

        SetNext(@case, steps);
        WorkflowLog.StepRun(_logger, caseId.ToString(), stepKey, step.Status.ToString(), step.Note ?? string.Empty);
        return new(NextWork(@case, steps), unmet is null ? "done" : "skipped");
    }

    /// <summary>Whether running <paramref name="step"/> of <paramref name="case"/> plans a periodic re-check (hibernation), which
    /// reads the account's payments and the debtor's addresses (<see cref="RunStep"/>).</summary>
    internal bool PlansRecheck(Case @case, CaseStep step) =>
        @case.StrategyId is { } strategy && catalog.Get(strategy).StepsOf(@case.Arm).FirstOrDefault(s => s.Id == BaseKey(step.StepKey))?.RepeatEveryDays is not null;

    /// <summary>Records an event step (a broken promise, a missed instalment): a follow-up call with the given script stage,
    /// queued now, and the case moves on to it. Keyed by <paramref name="key"/>, so the same event twice queues one call.</summary>
    internal async Task<IReadOnlyList<WorkItem>> FollowUpAsync(AccountContext ctx, string key, string stage, ContactPurpose purpose, Instant now, CancellationToken ct) =>
        FollowUp(await AccountState.LoadAsync(db, ctx.Account.Id, ct), key, stage, purpose, now);

    /// <summary><see cref="FollowUpAsync"/> on state already loaded.</summary>
    internal IReadOnlyList<WorkItem> FollowUp(AccountState state, string key, string stage, ContactPurpose purpose, Instant now)
    {
        Queue(state, ContactChannel.Call, options.FollowUpCampaign, stage, now, key, key, purpose, null, now);
        if (state.Case is not { } @case)
        {
            return [];
        }

        var steps = state.Steps;
        if (steps.All(s => s.StepKey != key))
        {
            var step = new CaseStep
            {
                CaseId = @case.Id,
                Sequence = steps.Count == 0 ? 1 : steps.Max(s => s.Sequence) + 1,
                StepKey = key,
                Phase = CasePhase.PhoneAndMessages,
                Channel = ContactChannel.Call,
                Campaign = options.FollowUpCampaign,
                ScriptStage = stage,
                DueAt = now,
                Status = CaseStepStatus.Done,
                ExecutedAt = now,
            };
            db.CaseSteps.Add(step);
            steps.Add(step);
        }

        @case.Phase = CasePhase.PhoneAndMessages;
        SetNext(@case, steps);
        return NextWork(@case, steps);
    }

    /// <summary>Queues the call back an operator agreed with the debtor: to that operator at <paramref name="at"/> while they
    /// are logged in, for <see cref="WorkflowOptions.CallbackGraceMinutes"/>, then to anyone with the language; given up after
    /// <see cref="WorkflowOptions.CallbackExpiryHours"/>. The call keeps the script stage of the call that agreed it.</summary>
    public async Task QueueCallbackAsync(AccountId accountId, AgentId agent, Instant at, string? stage, string key, CancellationToken ct = default) =>
        await QueueCallbackAsync(await AccountContext.LoadAsync(db, accountId, ct), agent, at, stage, key, Now, ct);

    internal async Task QueueCallbackAsync(AccountContext ctx, AgentId agent, Instant at, string? stage, string key, Instant now, CancellationToken ct)
    {
        if (await db.ScheduledContacts.AnyAsync(c => c.IdempotencyKey == key, ct))
        {
            return;
        }

        db.ScheduledContacts.Add(new ScheduledContact
        {
            AccountId = ctx.Account.Id,
            CaseId = ctx.Case?.Id,
            Channel = ContactChannel.Call,
            Campaign = options.CallbackCampaign,
            ScriptStage = stage ?? "first-contact",
            DueAt = at,
            NextAttemptAt = at,
            ExpiresAt = at + Duration.FromHours(options.CallbackExpiryHours),
            AgentId = agent,
            AgentOnlyUntil = at + Duration.FromMinutes(options.CallbackGraceMinutes),
            Reason = "callback agreed on a call",
            IdempotencyKey = key,
            Purpose = ContactPurpose.Callback,
            CreatedAt = now,
        });
    }

    /// <summary>Queues the call back a debtor asked for in a voicemail message (issue 17): due at <paramref name="at"/> (the
    /// hopper places it at a time the debtor's calling hours allow), for any operator who speaks the language, with the inbound
    /// script stage (the debtor called about their account); given up after <see cref="WorkflowOptions.CallbackExpiryHours"/>.
    /// Once per <paramref name="key"/> (the voicemail's call).</summary>
    public async Task QueueReturnCallAsync(AccountId accountId, Instant at, string key, string reason, CancellationToken ct = default)
    {
        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        if (await db.ScheduledContacts.AnyAsync(c => c.IdempotencyKey == key, ct))
        {
            return;
        }

        db.ScheduledContacts.Add(new ScheduledContact
        {
            AccountId = ctx.Account.Id,
            CaseId = ctx.Case?.Id,
            Channel = ContactChannel.Call,
            Campaign = options.CallbackCampaign,
            ScriptStage = "inbound",
            DueAt = at,
            NextAttemptAt = at,
            ExpiresAt = at + Duration.FromHours(options.CallbackExpiryHours),
            Reason = reason,
            IdempotencyKey = key,
            Purpose = ContactPurpose.Callback,
            CreatedAt = Now,
        });
    }

    /// <summary>
    /// The debtor says the debt is paid (on a call, or by a "PAID" reply): the case's next planned step waits
    /// <see cref="WorkflowOptions.PaymentReportHoldDays"/> days so the bank statement can show the payment, and the event is
    /// kept on the case as a step of its own (<paramref name="key"/>, once). A payment that arrives meanwhile closes the case;
    /// none, and the strategy carries on.
    /// </summary>
    public async Task<IReadOnlyList<WorkItem>> PaymentReportedAsync(AccountId accountId, string key, string reason, CancellationToken ct = default) =>
        await PaymentReportedAsync(await AccountContext.LoadAsync(db, accountId, ct), key, reason, Now, ct);

    internal async Task<IReadOnlyList<WorkItem>> PaymentReportedAsync(AccountContext ctx, string key, string reason, Instant now, CancellationToken ct)
    {
        if (ctx.Case is not { ClosedAt: null } @case)
        {
            return [];
        }

        var steps = await StepsOf(@case.Id, ct);
        if (steps.Any(s => s.StepKey == key))
        {
            return [];
        }

        var until = now + Duration.FromDays(options.PaymentReportHoldDays);
        steps.Add(AddEventStep(@case, steps, key, CasePhase.PhoneAndMessages, now, reason));
        if (steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).FirstOrDefault() is { } next && next.DueAt < until)
        {
            Shift(steps, next, until);
            WorkflowLog.PaymentReported(_logger, @case.Id.ToString(), next.StepKey, until.ToString(), reason);
        }

        SetNext(@case, steps);
        return NextWork(@case, steps);
    }

    /// <summary>Adds a done step for an event (a payment reported, a dispute) to the case's plan.</summary>
    private CaseStep AddEventStep(Case @case, List<CaseStep> steps, string key, CasePhase phase, Instant now, string note)
    {
        var step = new CaseStep
        {
            CaseId = @case.Id,
            Sequence = steps.Count == 0 ? 1 : steps.Max(s => s.Sequence) + 1,
            StepKey = key,
            Phase = phase,
            DueAt = now,
            Status = CaseStepStatus.Done,
            ExecutedAt = now,
            Note = note.Length <= 500 ? note : note[..500],
        };
        db.CaseSteps.Add(step);
        return step;
    }

    /// <summary>Moves the case to <paramref name="phase"/> (a payment arrangement) without touching its planned steps.</summary>
    internal static void EnterPhase(AccountContext ctx, CasePhase phase)
    {
        if (ctx.Case is { } @case)
        {
            @case.Phase = phase;
        }
    }

    /// <summary>
    /// The debtor replied that the debt is paid (a "PAID" reply): the case's next planned step, and every planned step after
    /// it by the same amount, waits until <paramref name="until"/> so the bank statement can arrive before the next reminder
    /// or escalation (seed 001: received payments are passed on; demanding a sum already paid would be a false statement,
    /// UWG § 5 / 15 U.S.C. 1692e(2)(A)). A step due after <paramref name="until"/> anyway is left as it is; the payment
    /// import closes the case or the strategy resumes at the held step. Returns the held step's work to schedule.
    /// </summary>
    public async Task<WorkflowResult> HoldForReportedPaymentAsync(AccountId accountId, Instant until, CancellationToken ct = default)
    {
        var @case = await db.Cases.SingleOrDefaultAsync(c => c.AccountId == accountId, ct);
        if (@case is null || @case.ClosedAt is not null)
        {
            return WorkflowResult.Nothing("no-open-case");
        }

        var steps = await StepsOf(@case.Id, ct);
        var next = steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).FirstOrDefault();
        if (next is null || next.DueAt >= until)
        {
            return WorkflowResult.Nothing(next is null ? "nothing-planned" : "not-held");
        }

        Shift(steps, next, until);
        SetNext(@case, steps);
        await db.SaveChangesAsync(ct);
        WorkflowLog.StepDeferred(_logger, @case.Id.ToString(), next.StepKey, until.ToString(), "the debtor reports having paid");
        return new([WorkItem.ForStep(@case.Id, next.StepKey, until)], "held");
    }

    /// <summary>Closes the case and cancels what is still planned.</summary>
    internal async Task CloseAsync(Case @case, Instant now, string reason, CancellationToken ct) => Close(@case, await StepsOf(@case.Id, ct), now, reason);

    /// <summary>Closes the account's case, if it has one, and cancels what is still planned.</summary>
    internal static void Close(AccountState state, Instant now, string reason)
    {
        if (state.Case is { } @case)
        {
            Close(@case, state.Steps, now, reason);
        }
    }

    /// <summary>The claim-analysis facts for an account.</summary>
    internal async Task<ClaimFacts> FactsAsync(AccountContext ctx, Instant now, CancellationToken ct)
    {
        var accountId = ctx.Account.Id;
        var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == accountId).ToListAsync(ct);
        var broken = await db.Promises.CountAsync(p => p.AccountId == accountId && p.Status == PromiseStatus.Broken, ct);
        return Facts(ctx, payments, broken, now);
    }

    /// <summary>The claim-analysis facts from the account's payments and broken promises, already loaded.</summary>
    private ClaimFacts Facts(AccountContext ctx, IReadOnlyCollection<Payment> payments, int broken, Instant now)
    {
        var flags = RiskSignals.Evaluate(payments, ctx.Debtor.Addresses, now, options.AddressChangeThreshold, options.AddressChangeWindowDays);
        var daysPastDue = Period.DaysBetween(ctx.Account.DueDate, ctx.Today(now));
        return new ClaimFacts(ctx.Account.Industry, ctx.Debtor.Kind, ctx.Account.Balance.Amount, daysPastDue, flags, broken);
    }

    /// <summary>A pending promise or an active plan holds the strategy: no reminder or escalation while the debtor keeps to
    /// what was agreed (seed 001: a payment schedule with a promise to pay replaces the next reminder).</summary>
    private (Instant Until, string Reason)? HoldUntil(AccountState state, Instant now)
    {
        var ctx = state.Context;
        var today = ctx.Today(now);
        if (state.PendingPromises.Where(p => p.Status == PromiseStatus.Pending && p.DueDate.PlusDays(options.PromiseGraceDays) >= today).MaxBy(p => p.DueDate) is { } promise
            && PromiseWorkflow.CheckTime(promise.DueDate, options, ctx.Zone) + Duration.FromMinutes(1) is var afterCheck && afterCheck > now)
        {
            return (afterCheck, $"promise to pay {promise.Id} pending");
        }

        if (state.ActivePlan is { Status: InstalmentPlanStatus.Active } plan && plan.Instalments.Count > 0
            && InstalmentWorkflow.CheckTime(plan.Instalments.Max(i => i.DueDate), options, ctx.Zone) + Duration.FromMinutes(1) is var afterPlan && afterPlan > now)
        {
            return (afterPlan, $"instalment plan {plan.Id} active");
        }

        return null;
    }

    private async Task QueueAsync(AccountId accountId, CaseId? caseId, ContactChannel channel, string campaign, string? stage, Instant dueAt, string reason, string key,
        ContactPurpose purpose, string? template, Instant now, CancellationToken ct, Instant? expiresAt = null)
    {
        if (await db.ScheduledContacts.AnyAsync(c => c.IdempotencyKey == key, ct) || db.ScheduledContacts.Local.Any(c => c.IdempotencyKey == key))
        {
            return;
        }

        db.ScheduledContacts.Add(NewContact(accountId, caseId, channel, campaign, stage, dueAt, reason, key, purpose, template, now, expiresAt));
    }

    /// <summary>Queues a contact once per <paramref name="key"/>, checked against the keys loaded with the account's state
    /// (keys name the account's own case, promise or instalment, so no other account holds them).</summary>
    private void Queue(AccountState state, ContactChannel channel, string campaign, string? stage, Instant dueAt, string reason, string key,
        ContactPurpose purpose, string? template, Instant now, Instant? expiresAt = null)
    {
        if (state.QueuedKeys.Add(key))
        {
            var contact = NewContact(state.Account.Id, state.Case?.Id, channel, campaign, stage, dueAt, reason, key, purpose, template, now, expiresAt);
            if (state.Queued is { } detached)
            {
                detached.Add(contact);
            }
            else
            {
                db.ScheduledContacts.Add(contact);
            }
        }
    }

    private static ScheduledContact NewContact(AccountId accountId, CaseId? caseId, ContactChannel channel, string campaign, string? stage, Instant dueAt, string reason, string key,
        ContactPurpose purpose, string? template, Instant now, Instant? expiresAt) => new()
        {
            AccountId = accountId,
            CaseId = caseId,
            Channel = channel,
            Campaign = campaign,
            ScriptStage = stage,
            DueAt = dueAt,
            NextAttemptAt = dueAt,
            Reason = reason,
            IdempotencyKey = key,
            CreatedAt = now,
            Purpose = purpose,
            Template = template,
            ExpiresAt = expiresAt,
        };

    /// <summary>Queues a contact once per <paramref name="key"/> (reminders, follow-ups).</summary>
    internal Task QueueContactAsync(AccountContext ctx, ContactChannel channel, string campaign, string stage, Instant dueAt, string key, ContactPurpose purpose, string? template, Instant now, CancellationToken ct, Instant? expiresAt = null) =>
        QueueAsync(ctx.Account.Id, ctx.Case?.Id, channel, campaign, stage, dueAt, key, key, purpose, template, now, ct, expiresAt);

    /// <summary><see cref="QueueContactAsync"/> on state already loaded.</summary>
    internal void QueueContact(AccountState state, ContactChannel channel, string campaign, string stage, Instant dueAt, string key, ContactPurpose purpose, string? template, Instant now, Instant? expiresAt = null) =>
        Queue(state, channel, campaign, stage, dueAt, key, key, purpose, template, now, expiresAt);

    /// <summary>Why a strategy step's contact is made: its first call is the first contact, written and message reminders
    /// are reminders, anything later (final demand, re-checks) is a strategy step.</summary>
    internal static ContactPurpose PurposeOf(CaseStep step) => step switch
    {
        { Channel: ContactChannel.Call, ScriptStage: "first-contact", Phase: not CasePhase.Hibernation } => ContactPurpose.FirstContact,
        { Phase: CasePhase.PreDueReminder or CasePhase.WrittenReminder or CasePhase.SecondReminder } => ContactPurpose.Reminder,
        { Phase: CasePhase.PhoneAndMessages, Channel: ContactChannel.Sms or ContactChannel.WhatsApp or ContactChannel.Email } => ContactPurpose.Reminder,
        _ => ContactPurpose.StrategyStep,
    };

    private static string? Unmet(StepCondition condition, AccountContext ctx, IReadOnlySet<string> flags)
    {
        if (condition.MinBalance is { } min && ctx.Account.Balance.Amount < min)
        {
            return $"balance below {min}";
        }

        if (condition.AnyRiskFlags.Count > 0 && !condition.AnyRiskFlags.Overlaps(flags))
        {
            return $"none of the flags {string.Join(", ", condition.AnyRiskFlags)} raised";
        }

        if (condition.NoRiskFlags.Overlaps(flags))
        {
            return $"flag {string.Join(", ", condition.NoRiskFlags.Intersect(flags))} raised";
        }

        var policy = ctx.Creditor.Policy;
        return condition.CreditorAllows switch
        {
            "sms" when !policy.AllowsSms => "the creditor does not allow SMS",
            "whatsapp" when !policy.AllowsWhatsApp => "the creditor does not allow WhatsApp",
            "automated-dialing" when !policy.AllowsAutomatedDialing => "the creditor does not allow automated dialing",
            _ => null,
        };
    }

    /// <summary>Moves <paramref name="step"/> to <paramref name="dueAt"/> and every planned step after it by the same amount, so
    /// the plan keeps its spacing (a held reminder does not let the phone call overtake it).</summary>
    internal static void Shift(IEnumerable<CaseStep> steps, CaseStep step, Instant dueAt)
    {
        var delta = dueAt - step.DueAt;
        foreach (var later in steps.Where(s => s.Status == CaseStepStatus.Planned && s.Sequence > step.Sequence))
        {
            later.DueAt += delta;
        }

        step.DueAt = dueAt;
    }

    private static void Close(Case @case, List<CaseStep> steps, Instant now, string reason)
    {
        foreach (var planned in steps.Where(s => s.Status == CaseStepStatus.Planned))
        {
            planned.Status = CaseStepStatus.Cancelled;
            planned.Note = reason;
        }

        @case.Phase = CasePhase.Closed;
        @case.ClosedAt ??= now;
        SetNext(@case, steps);
    }

    private static void SetNext(Case @case, IEnumerable<CaseStep> steps)
    {
        var next = steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).FirstOrDefault();
        @case.NextStep = next?.StepKey;
        @case.NextStepDueAt = next?.DueAt;
    }

    private static IReadOnlyList<WorkItem> NextWork(Case @case, IEnumerable<CaseStep> steps) =>
        steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).Take(1)
            .Select(s => WorkItem.ForStep(@case.Id, s.StepKey, s.DueAt)).ToList();

    private Task<List<CaseStep>> StepsOf(CaseId caseId, CancellationToken ct) => db.CaseSteps.Where(s => s.CaseId == caseId).ToListAsync(ct);

    private static string BaseKey(string stepKey) => stepKey.Split('#')[0];

    private static int Occurrence(string stepKey) => stepKey.Split('#') is [_, var n] && int.TryParse(n, out var i) ? i : 1;

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;
}
