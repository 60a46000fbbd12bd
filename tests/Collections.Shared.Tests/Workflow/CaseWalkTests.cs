using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>A consumer claim walked from before its due date to legal review on a fake clock.</summary>
public sealed class CaseWalkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_case_walks_from_its_due_date_to_legal_review()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14));
        var driver = new WorkDriver(db, clock);

        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        var plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        Assert.Equal("consumer-standard", plan.StrategyId);
        Assert.Equal("pre-due-reminder", plan.NextStep);
        Assert.Equal(Instant.FromUtc(2025, 3, 11, 8, 0), plan.NextStepDueAt);

        // Up to the day before the phone campaign: the reminder before and the letter after the due date have gone out.
        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 23, 0, 0));
        plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        Assert.Equal(CasePhase.WrittenReminder, plan.Phase);
        Assert.Equal("phone-campaign", plan.NextStep);
        Assert.Equal(Instant.FromUtc(2025, 3, 24, 9, 0), plan.NextStepDueAt);

        await driver.RunUntilAsync(Instant.FromUtc(2025, 6, 1, 0, 0));
        plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        Assert.Equal(CasePhase.LegalReview, plan.Phase);
        Assert.Null(plan.NextStep);
        Assert.Equal(CaseStepStatus.Skipped, plan.Steps.Single(s => s.StepKey == "whatsapp-reminder").Status);
        Assert.Contains("WhatsApp", plan.Steps.Single(s => s.StepKey == "whatsapp-reminder").Note, StringComparison.Ordinal);
        Assert.All(plan.Steps.Where(s => s.StepKey != "whatsapp-reminder"), s => Assert.Equal(CaseStepStatus.Done, s.Status));

        await using var context = DatabaseSetup.CreateContext(db);
        var queued = await context.ScheduledContacts.OrderBy(c => c.DueAt).ToListAsync(Ct);
        Assert.Equal(
            [(ContactChannel.Email, "reminder-messages"), (ContactChannel.Letter, "letters"), (ContactChannel.Call, "collections-phone"),
             (ContactChannel.Sms, "reminder-messages"), (ContactChannel.Letter, "letters"), (ContactChannel.Letter, "letters")],
            queued.Select(c => (c.Channel, c.Campaign)));
        Assert.Equal("first-contact", queued[2].ScriptStage);
        // Each step ran once: running the first step's work item again changes nothing.
        Assert.Equal(8, driver.Runs.Count);
        var again = await driver.Runner.RunAsync(driver.Runs[0].Item, Ct);
        Assert.Equal("already-done", again.Outcome);
        Assert.Equal(6, await context.ScheduledContacts.CountAsync(Ct));
    }

    [Fact]
    public async Task Warning_signs_in_the_history_choose_the_fast_track()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 20, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), principal: 800m);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            context.Payments.Add(new Payment { AccountId = account.Id, Amount = 10m, Currency = "EUR", ReceivedOn = new LocalDate(2025, 1, 5), Method = PaymentMethod.BankTransfer, PayerAccount = "DE89370400440532013000" });
            context.Payments.Add(new Payment { AccountId = account.Id, Amount = 10m, Currency = "EUR", ReceivedOn = new LocalDate(2025, 2, 5), Method = PaymentMethod.Cheque });
            await context.SaveChangesAsync(Ct);
        }

        var driver = new WorkDriver(db, clock);
        await driver.WithAsync(s => s.Cases.OpenAsync(account.Id));
        var plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;

        Assert.Equal("high-risk", plan.StrategyId);
        Assert.Contains("payment-method-change", plan.RiskFlags);
    }
}
