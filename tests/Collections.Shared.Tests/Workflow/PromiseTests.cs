using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public sealed class PromiseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(100.00, 100.00, PromiseStatus.Kept)]
    [InlineData(100.00, 99.00, PromiseStatus.Kept)]       // 1.00 short: within the creditor's tolerance of 1.00
    [InlineData(100.00, 98.99, PromiseStatus.PartlyKept)]
    [InlineData(100.00, 0.00, PromiseStatus.Broken)]
    public void Decide_applies_the_creditors_tolerance(decimal promised, decimal received, PromiseStatus expected) =>
        Assert.Equal(expected, PromiseWorkflow.Decide(promised, received, tolerance: 1.00m));

    [Fact]
    public async Task A_kept_promise_holds_the_strategy_and_a_broken_one_queues_the_broken_promise_call()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 18, 9, 0, 0, TimeSpan.Zero));
        var keeper = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), principal: 300m, reference: "TEL-KEEP");
        var breaker = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), principal: 300m, reference: "TEL-BREAK");
        var driver = new WorkDriver(db, clock);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(keeper.Id))).Work);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(breaker.Id))).Work);

        // Both promise 100.00 by Friday 21 March on the first call.
        var (kept, keptWork) = await driver.WithAsync(s => s.Promises.RecordAsync(keeper.Id, 100m, new LocalDate(2025, 3, 21), ContactChannel.Call));
        var (broken, brokenWork) = await driver.WithAsync(s => s.Promises.RecordAsync(breaker.Id, 100m, new LocalDate(2025, 3, 21), ContactChannel.Call));
        driver.Schedule([.. keptWork, .. brokenWork]);
        // Checked the morning after its date (seed 004: flagged at once), at 06:00 Berlin on Saturday 22 March.
        Assert.Equal(Instant.FromUtc(2025, 3, 22, 5, 0), keptWork[0].At);

        // The keeper pays 99.50 on the 20th, through the CSV import (matched by reference).
        await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n2025-03-20,99.50,EUR,TEL-KEEP\n"), "p.csv", "csv", _ => { }));

        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 24, 12, 0));

        await using var context = DatabaseSetup.CreateContext(db);
        var promises = await context.Promises.AsNoTracking().ToDictionaryAsync(p => p.Id, Ct);
        Assert.Equal((PromiseStatus.Kept, 99.50m), (promises[kept.Id].Status, promises[kept.Id].AmountReceived));
        Assert.Equal((PromiseStatus.Broken, 0m), (promises[broken.Id].Status, promises[broken.Id].AmountReceived));

        var calls = await context.ScheduledContacts.AsNoTracking().Where(c => c.ScriptStage == PromiseWorkflow.BrokenPromiseStage).ToListAsync(Ct);
        var call = Assert.Single(calls);
        Assert.Equal((breaker.Id, ContactChannel.Call, "follow-up-calls"), (call.AccountId, call.Channel, call.Campaign));

        // While the promises were pending, the phone campaign due on 24 March 10:00 CET was held until the check; the broken
        // promise's case shows the call as done and moves on to the strategy's next step.
        var plan = (await driver.WithAsync(s => s.Cases.PlanAsync(breaker.Id)))!;
        Assert.Equal(CaseStepStatus.Done, plan.Steps.Single(s => s.StepKey == $"broken-promise:{broken.Id}").Status);
        Assert.Contains(driver.Runs, r => r.Outcome == "deferred");
        Assert.Equal(1, driver.Runs.Count(r => r.Item.Kind == WorkKind.PromiseCheck && r.Outcome == "Broken"));

        // Deciding again does nothing.
        Assert.Equal("already-done", (await driver.Runner.RunAsync(brokenWork[0], Ct)).Outcome);
        Assert.Single(await context.ScheduledContacts.AsNoTracking().Where(c => c.ScriptStage == PromiseWorkflow.BrokenPromiseStage).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_promise_broken_the_morning_after_is_kept_after_all_when_a_payment_made_within_the_grace_days_arrives()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 18, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), principal: 300m, reference: "TEL-LATE");
        var driver = new WorkDriver(db, clock);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        var (promise, work) = await driver.WithAsync(s => s.Promises.RecordAsync(account.Id, 100m, new LocalDate(2025, 3, 20), ContactChannel.Call));
        driver.Schedule(work);

        // Due Thursday 20 March, nothing booked: broken at 06:00 on Friday 21 March and its follow-up call is queued.
        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 21, 6, 0));
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            Assert.Equal(PromiseStatus.Broken, (await context.Promises.SingleAsync(Ct)).Status);
            Assert.Equal(ScheduledContactStatus.Queued, (await context.ScheduledContacts.SingleAsync(c => c.IdempotencyKey == $"broken-promise:{promise.Id}", Ct)).Status);
        }

        // The transfer made on the 20th reaches the statement on the 21st (within the two grace days): the promise is kept
        // after all and the follow-up call is not made.
        await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n2025-03-21,100.00,EUR,TEL-LATE\n"), "p.csv", "csv", _ => { }));
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var kept = await context.Promises.SingleAsync(Ct);
            Assert.Equal((PromiseStatus.Kept, 100m), (kept.Status, kept.AmountReceived));
            var call = await context.ScheduledContacts.SingleAsync(c => c.IdempotencyKey == $"broken-promise:{promise.Id}", Ct);
            Assert.Equal((ScheduledContactStatus.Cancelled, "cancelled: the promised amount arrived within the grace days"), (call.Status, call.Outcome));
        }

        // A payment received after the grace days pays the balance but does not rewrite a broken promise.
        clock.Advance(TimeSpan.FromHours(2));
        var (late, lateWork) = await driver.WithAsync(s => s.Promises.RecordAsync(account.Id, 50m, new LocalDate(2025, 3, 24), ContactChannel.Call));
        driver.Schedule(lateWork);
        await driver.RunUntilAsync(Instant.FromUtc(2025, 3, 28, 12, 0));
        await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n2025-03-28,50.00,EUR,TEL-LATE\n"), "q.csv", "csv", _ => { }));
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            Assert.Equal(PromiseStatus.Broken, (await context.Promises.SingleAsync(p => p.Id == late.Id, Ct)).Status);
        }
    }
}
