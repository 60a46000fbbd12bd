using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Outcomes;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>Operators' outcomes go through the workflow in one transaction (issue 12: one writer per fact).</summary>
public sealed class CallOutcomeTests
{
    // Tuesday 18 March 2025, 10:00 Berlin.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 18, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_promise_on_a_call_is_checked_moves_the_case_and_cancels_the_strategys_queued_contacts_but_not_a_callback()
    {
        var (db, driver, account) = await OpenAsync(300m);
        var call = await AttemptAsync(db, account);
        await QueueAsync(db, account, ContactPurpose.Reminder, "queued-sms");
        await QueueAsync(db, account, ContactPurpose.PreInstalment, "queued-reminder");

        var result = await SaveAsync(driver, new CallOutcomeRequest(account.Id, call, await AgentAsync(db), DispositionCode.PromiseToPay, "pays Friday", true,
            Promise: new PromiseOutcome(100m, new LocalDate(2025, 3, 21))));

        Assert.NotNull(result.PromiseId);
        var check = Assert.Single(result.Work);
        // Checked the morning after its date, 06:00 Berlin (05:00 UTC in March).
        Assert.Equal((WorkKind.PromiseCheck, Instant.FromUtc(2025, 3, 22, 5, 0)), (check.Kind, check.At));
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal(CasePhase.PaymentArrangement, (await context.Cases.SingleAsync(Ct)).Phase);
        var queued = await context.ScheduledContacts.AsNoTracking().ToDictionaryAsync(c => c.IdempotencyKey, Ct);
        Assert.Equal(ScheduledContactStatus.Cancelled, queued["queued-sms"].Status);
        Assert.Equal("cancelled: promise to pay recorded", queued["queued-sms"].Outcome);
        Assert.Equal(ScheduledContactStatus.Queued, queued["queued-reminder"].Status);
        var attempt = await context.ContactAttempts.SingleAsync(a => a.Id == call, Ct);
        Assert.Equal((ContactOutcome.Answered, true), (attempt.Outcome, attempt.RightPartyContact));
        var disposition = await context.Dispositions.SingleAsync(Ct);
        Assert.Equal((DispositionCode.PromiseToPay, call, "pays Friday"), (disposition.Code, disposition.ContactAttemptId!.Value, disposition.Note));
    }

    [Fact]
    public async Task A_plan_agreed_as_three_of_100_on_290_has_a_smaller_last_instalment_and_a_reminder_before_each()
    {
        var (db, driver, account) = await OpenAsync(290m);
        var call = await AttemptAsync(db, account);

        var result = await SaveAsync(driver, new CallOutcomeRequest(account.Id, call, await AgentAsync(db), DispositionCode.InstalmentPlan, null, true,
            Plan: new PlanOutcome(3, 100m, new LocalDate(2025, 4, 1))));

        await using var context = DatabaseSetup.CreateContext(db);
        var plan = await context.InstalmentPlans.Include(p => p.Instalments).SingleAsync(Ct);
        Assert.Equal([(1, new LocalDate(2025, 4, 1), 100m), (2, new LocalDate(2025, 5, 1), 100m), (3, new LocalDate(2025, 6, 1), 90m)],
            plan.Instalments.OrderBy(i => i.Number).Select(i => (i.Number, i.DueDate, i.Amount)));
        Assert.Equal(3, result.Work.Count(w => w.Kind == WorkKind.InstalmentReminder));
        Assert.Equal(3, result.Work.Count(w => w.Kind == WorkKind.InstalmentCheck));
    }

    [Fact]
    public async Task A_plan_the_creditor_does_not_allow_is_refused_and_nothing_of_the_outcome_is_saved()
    {
        var (db, driver, account) = await OpenAsync(290m, policy => policy.MaxInstalments = 2);
        var call = await AttemptAsync(db, account);

        var refused = await Assert.ThrowsAsync<OutcomeRefusedException>(() => SaveAsync(driver, new CallOutcomeRequest(account.Id, call, AgentId.New(), DispositionCode.InstalmentPlan, null, true,
            Plan: new PlanOutcome(3, 100m, new LocalDate(2025, 4, 1)))));

        Assert.Contains("exceed the creditor's maximum of 2", refused.Message);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Empty(await context.Dispositions.ToListAsync(Ct));
        Assert.Empty(await context.InstalmentPlans.ToListAsync(Ct));
        Assert.Equal(ContactOutcome.Pending, (await context.ContactAttempts.SingleAsync(Ct)).Outcome);
    }

    [Fact]
    public async Task A_callback_goes_to_its_operator_at_the_debtors_time_with_a_grace_period_and_an_expiry()
    {
        var (db, driver, account) = await OpenAsync(300m);
        var call = await AttemptAsync(db, account);
        var agent = await AgentAsync(db);

        var result = await SaveAsync(driver, new CallOutcomeRequest(account.Id, call, agent, DispositionCode.Callback, null, true, ScriptStage: "pre-instalment-reminder",
            Callback: new CallbackOutcome(new LocalDateTime(2025, 3, 19, 14, 30), "after lunch")));

        // 14:30 in Berlin is 13:30 UTC in March (CET).
        var at = Instant.FromUtc(2025, 3, 19, 13, 30);
        Assert.Equal(at, result.CallbackAt);
        await using var context = DatabaseSetup.CreateContext(db);
        var queued = await context.ScheduledContacts.SingleAsync(c => c.Purpose == ContactPurpose.Callback, Ct);
        Assert.Equal((ContactChannel.Call, "callbacks", "pre-instalment-reminder", agent), (queued.Channel, queued.Campaign, queued.ScriptStage, queued.AgentId!.Value));
        Assert.Equal((at, at, at + Duration.FromMinutes(30), at + Duration.FromHours(48)), (queued.DueAt, queued.NextAttemptAt, queued.AgentOnlyUntil!.Value, queued.ExpiresAt!.Value));
        Assert.Equal("after lunch", (await context.Dispositions.SingleAsync(Ct)).Note);
    }

    [Fact]
    public async Task A_dispute_holds_the_account_and_a_wrong_number_is_never_dialed_again()
    {
        var (db, driver, account) = await OpenAsync(300m);
        var first = await AttemptAsync(db, account);
        await QueueAsync(db, account, ContactPurpose.FirstContact, "queued-call");
        var agent = await AgentAsync(db);
        await SaveAsync(driver, new CallOutcomeRequest(account.Id, first, agent, DispositionCode.Dispute, null, true, Disputes: ["never had this contract"]));
        var second = await AttemptAsync(db, account);
        await SaveAsync(driver, new CallOutcomeRequest(account.Id, second, agent, DispositionCode.WrongNumber, null, false));

        await using var context = DatabaseSetup.CreateContext(db);
        var hold = await context.Holds.SingleAsync(Ct);
        Assert.Equal((HoldKind.Dispute, "never had this contract"), (hold.Kind, hold.Reason));
        Assert.Equal(ScheduledContactStatus.Cancelled, (await context.ScheduledContacts.SingleAsync(Ct)).Status);
        Assert.NotNull((await context.PhoneNumbers.SingleAsync(Ct)).WrongNumberAt);
    }

    [Fact]
    public async Task Paid_already_holds_the_next_step_for_the_bank_statement_and_a_phone_payment_is_booked()
    {
        var (db, driver, account) = await OpenAsync(300m);
        var before = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        var call = await AttemptAsync(db, account);
        var agent = await AgentAsync(db);
        var result = await SaveAsync(driver, new CallOutcomeRequest(account.Id, call, agent, DispositionCode.PaidAlready, null, true));

        var after = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        // The next step waits five days from now (PaymentReportHoldDays) and the event is on the case.
        Assert.Equal(driver.Now + Duration.FromDays(5), after.NextStepDueAt);
        Assert.True(before.NextStepDueAt < after.NextStepDueAt);
        Assert.Contains(after.Steps, s => s.StepKey == $"paid-already:{call}" && s.Status == CaseStepStatus.Done);
        Assert.Equal(after.NextStepDueAt, Assert.Single(result.Work).At);

        var second = await AttemptAsync(db, account);
        await SaveAsync(driver, new CallOutcomeRequest(account.Id, second, agent, DispositionCode.PaymentTaken, null, true,
            Payment: new PhonePaymentOutcome(120m, PaymentMethod.Card, "RCPT-778")));
        await using var context = DatabaseSetup.CreateContext(db);
        var payment = await context.Payments.SingleAsync(Ct);
        Assert.Equal((120m, "RCPT-778", PaymentMethod.Card, 120m), (payment.Amount, payment.Reference, payment.Method, payment.AllocatedPrincipal));
        Assert.Equal(180m, (await context.Accounts.SingleAsync(Ct)).Balance.Amount);
    }

    private async Task<(DatabaseOptions Db, WorkDriver Driver, Account Account)> OpenAsync(decimal principal, Action<CreditorPolicy>? policy = null)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), principal, policy: policy);
        var driver = new WorkDriver(db, _clock);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        return (db, driver, account);
    }

    private static Task<CallOutcomeResult> SaveAsync(WorkDriver driver, CallOutcomeRequest request) =>
        driver.WithOutcomesAsync(o => o.SaveAsync(request, Ct));

    private async Task<ContactAttemptId> AttemptAsync(DatabaseOptions db, Account account)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var row = new ContactAttempt
        {
            AccountId = account.Id,
            DebtorId = account.DebtorId,
            Channel = ContactChannel.Call,
            Address = "+4915112345678",
            StartedAt = Instant.FromDateTimeOffset(_clock.GetUtcNow()),
            Outcome = ContactOutcome.Pending,
        };
        context.ContactAttempts.Add(row);
        await context.SaveChangesAsync(Ct);
        return row.Id;
    }

    private static async Task<AgentId> AgentAsync(DatabaseOptions db)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var agent = new Agent { Login = $"op-{Guid.NewGuid():N}", DisplayName = "Anna Schneider", Languages = "de,en", SipExtension = "1001", Active = true };
        context.Agents.Add(agent);
        await context.SaveChangesAsync(Ct);
        return agent.Id;
    }

    private async Task QueueAsync(DatabaseOptions db, Account account, ContactPurpose purpose, string key)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var now = Instant.FromDateTimeOffset(_clock.GetUtcNow());
        context.ScheduledContacts.Add(new ScheduledContact
        {
            AccountId = account.Id,
            Channel = ContactChannel.Sms,
            Campaign = "reminder-messages",
            DueAt = now + Duration.FromHours(1),
            NextAttemptAt = now + Duration.FromHours(1),
            Reason = "test",
            IdempotencyKey = key,
            Purpose = purpose,
            CreatedAt = now,
        });
        await context.SaveChangesAsync(Ct);
    }
}
