using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public sealed class InstalmentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CreditorPolicy Policy = new() { MaxInstalments = 12, MinInstalment = 20m };

    // 1000.00 - 100.00 down = 900.00 over 7: 128.57 x 6 = 771.42, and the last takes the remainder, 128.58.
    [Fact]
    public void Schedule_puts_the_rounding_remainder_on_the_last_instalment()
    {
        var schedule = InstalmentWorkflow.Build(
            new InstalmentRequest(1000m, 7, InstalmentFrequency.Monthly, new LocalDate(2025, 1, 31), DownPayment: 100m, DownPaymentDate: new LocalDate(2025, 1, 15)),
            "EUR", Policy, new LocalDate(2025, 1, 10));

        Assert.True(schedule.IsValid);
        Assert.Equal(8, schedule.Instalments.Count);
        Assert.Equal((new LocalDate(2025, 1, 15), 100m, true), (schedule.Instalments[0].DueDate, schedule.Instalments[0].Amount, schedule.Instalments[0].IsDownPayment));
        Assert.All(schedule.Instalments.Skip(1).SkipLast(1), i => Assert.Equal(128.57m, i.Amount));
        Assert.Equal(128.58m, schedule.Instalments[^1].Amount);
        Assert.Equal(1000m, schedule.Instalments.Sum(i => i.Amount));
        // Monthly from 31 January: end of February, then back to the 31st.
        Assert.Equal([new LocalDate(2025, 1, 31), new LocalDate(2025, 2, 28), new LocalDate(2025, 3, 31)], schedule.Instalments.Skip(1).Take(3).Select(i => i.DueDate));
    }

    [Fact]
    public void Schedule_in_a_currency_without_minor_units_rounds_to_whole_units() // ISO 4217: ISK has no minor unit
    {
        var schedule = InstalmentWorkflow.Build(new InstalmentRequest(100000m, 3, InstalmentFrequency.Fortnightly, new LocalDate(2025, 1, 1)), "ISK", Policy, new LocalDate(2025, 1, 1));

        Assert.Equal([33333m, 33333m, 33334m], schedule.Instalments.Select(i => i.Amount));
        Assert.Equal(new LocalDate(2025, 1, 29), schedule.Instalments[^1].DueDate);
    }

    [Theory]
    [InlineData(1000, 13, "exceed the creditor's maximum of 12")]
    [InlineData(200, 12, "below the creditor's minimum of 20")]
    public void Schedule_is_checked_against_the_creditors_policy(int total, int count, string error)
    {
        var schedule = InstalmentWorkflow.Build(new InstalmentRequest(total, count, InstalmentFrequency.Monthly, new LocalDate(2025, 1, 1)), "EUR", Policy, new LocalDate(2025, 1, 1));

        Assert.False(schedule.IsValid);
        Assert.Contains(error, Assert.Single(schedule.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Six_instalments_get_a_reminder_before_each_and_a_missed_one_a_follow_up()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 20, 12, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 1, 10), principal: 600m, reference: "TEL-PLAN");
        var driver = new WorkDriver(db, clock);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        var (plan, work) = await driver.WithAsync(s => s.Instalments.CreateAsync(account.Id, new InstalmentRequest(600m, 6, InstalmentFrequency.Monthly, new LocalDate(2025, 2, 1))));
        driver.Schedule(work);
        // Reminder three days before, at 10:00 Berlin: 29 January 09:00 UTC for the first instalment.
        Assert.Equal(Instant.FromUtc(2025, 1, 29, 9, 0), work.First(w => w.Kind == WorkKind.InstalmentReminder).At);

        // Every instalment but the third is paid on its due date; the debtor catches up with a double payment in May.
        var csv = new System.Text.StringBuilder("received_on,amount,currency,reference,bank_reference\n");
        foreach (var month in new[] { 2, 3, 5, 6, 7 })
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"2025-{month:00}-01,{(month == 5 ? "200.00" : "100.00")},EUR,TEL-PLAN,B{month}\n");
        }

        // Payments arrive as the months pass: import each one on its day.
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines.Skip(1))
        {
            var day = LocalDate.FromDateTime(DateTime.Parse(line[..10], System.Globalization.CultureInfo.InvariantCulture));
            await driver.RunUntilAsync(day.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() + Duration.FromHours(12));
            await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader(lines[0] + "\n" + line + "\n"), "p.csv", "csv", _ => { }));
        }

        await driver.RunUntilAsync(Instant.FromUtc(2025, 8, 1, 0, 0));

        await using var context = DatabaseSetup.CreateContext(db);
        var stored = await context.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).SingleAsync(p => p.Id == plan.Id, Ct);
        Assert.All(stored.Instalments, i => Assert.Equal(InstalmentStatus.Paid, i.Status));
        Assert.Equal(InstalmentPlanStatus.Completed, stored.Status);
        Assert.Equal(1, driver.Runs.Count(r => r.Item.Kind == WorkKind.InstalmentCheck && r.Outcome == "missed"));

        var contacts = await context.ScheduledContacts.AsNoTracking().ToListAsync(Ct);
        var reminderCalls = contacts.Where(c => c.ScriptStage == InstalmentWorkflow.ReminderStage && c.Channel == ContactChannel.Call).ToList();
        Assert.Equal(6, reminderCalls.Count);
        Assert.All(reminderCalls, c => Assert.Equal("instalment-reminders", c.Campaign));
        Assert.Equal(6, contacts.Count(c => c.ScriptStage == InstalmentWorkflow.ReminderStage && c.Channel == ContactChannel.Sms));
        // Each reminder at 10:00 Berlin three days before: 29 March is still CET (09:00 UTC), 28 April CEST (08:00 UTC).
        Assert.Contains(reminderCalls, c => c.DueAt == Instant.FromUtc(2025, 3, 29, 9, 0));
        Assert.Contains(reminderCalls, c => c.DueAt == Instant.FromUtc(2025, 4, 28, 8, 0));
        // The missed instalment is flagged at once (seed 004): a follow-up call and an SMS.
        var followUps = contacts.Where(c => c.Reason.StartsWith("instalment-missed:", StringComparison.Ordinal)).OrderBy(c => c.Channel).ToList();
        Assert.Equal(
            [(ContactChannel.Call, "missed-instalment", ContactPurpose.InstalmentFollowUp), (ContactChannel.Sms, "missed-instalment", ContactPurpose.InstalmentFollowUp)],
            followUps.Select(c => (c.Channel, c.ScriptStage!, c.Purpose)));
        // The plan held the strategy (no reminder letter went out while it ran), and paying it off closed the case.
        Assert.DoesNotContain(contacts, c => c.Reason.StartsWith("strategy:", StringComparison.Ordinal));
        var @case = await context.Cases.AsNoTracking().SingleAsync(c => c.AccountId == account.Id, Ct);
        Assert.Equal(CasePhase.Closed, @case.Phase);
        Assert.Contains(await context.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).Select(s => s.StepKey).ToListAsync(Ct), k => k.StartsWith("instalment-missed:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_missed_instalments_default_the_plan_and_the_strategy_resumes()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 20, 12, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 1, 10), principal: 600m, reference: "TEL-DEFAULT");
        var driver = new WorkDriver(db, clock);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        var (plan, work) = await driver.WithAsync(s => s.Instalments.CreateAsync(account.Id, new InstalmentRequest(600m, 6, InstalmentFrequency.Monthly, new LocalDate(2025, 2, 1))));
        driver.Schedule(work);

        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 10, 0, 0));

        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal(InstalmentPlanStatus.Defaulted, (await context.InstalmentPlans.AsNoTracking().SingleAsync(p => p.Id == plan.Id, Ct)).Status);
        var @case = await context.Cases.AsNoTracking().SingleAsync(c => c.AccountId == account.Id, Ct);
        Assert.NotEqual(CasePhase.PaymentArrangement, @case.Phase);
        Assert.Contains(driver.Runs, r => r.Item.Kind == WorkKind.CaseStep && r.Outcome == "done" && r.Item.At >= Instant.FromUtc(2025, 3, 4, 0, 0));
    }
}
