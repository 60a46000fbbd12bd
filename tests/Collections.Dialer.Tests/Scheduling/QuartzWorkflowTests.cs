using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Quartz;

namespace Collections.Dialer.Tests.Scheduling;

/// <summary>The workflow on the real Quartz scheduler with its persistent ADO store on a SQLite file, driven by a fake
/// clock (Quartz takes the host's TimeProvider); each test stops the host midway and starts a new one on the same file.</summary>
public sealed class QuartzWorkflowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_case_walks_to_legal_review_across_a_restart_with_nothing_lost_and_nothing_run_twice() =>
        await WalkAcrossRestartAsync(await TestDatabases.NewSqlite().MigrateAsync());

    /// <summary>Opens a consumer case due 14 March 2025, runs it to 20 March on one host, stops it over the phone campaign's
    /// due time, and runs it to legal review on a second host.</summary>
    internal static async Task WalkAcrossRestartAsync(DatabaseOptions db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var counter = new ExecutionCounter();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14));

        await using (var first = await SchedulerHost.StartAsync(db, clock, counter))
        {
            await using var context = DatabaseSetup.CreateContext(db);
            await first.Scheduler.ScheduleAsync((await first.Runner.For(context).Cases.OpenAsync(account.Id, Ct)).Work, Ct);
            await first.RunUntilAsync(new DateTimeOffset(2025, 3, 20, 0, 0, 0, TimeSpan.Zero));
        }

        var phone = await StepAsync(db, account.Id, "phone-campaign");
        Assert.Equal(CaseStepStatus.Planned, phone.Status);
        // The host is down when the phone campaign falls due (24 March 09:00 UTC) and comes back two days later.
        clock.SetUtcNow(new DateTimeOffset(2025, 3, 26, 12, 0, 0, TimeSpan.Zero));
        await using (var second = await SchedulerHost.StartAsync(db, clock, counter))
        {
            // What the first host stored is still there: the phone campaign's job, in Quartz's tables.
            var quartz = await second.QuartzAsync();
            Assert.True(await quartz.Exists(new JobKey(WorkItem.ForStep(phone.CaseId, "phone-campaign", phone.DueAt).Name, WorkScheduler.Group), Ct));
            await second.RunUntilAsync(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        }

        await using var check = DatabaseSetup.CreateContext(db);
        var @case = await check.Cases.AsNoTracking().SingleAsync(c => c.AccountId == account.Id, Ct);
        Assert.Equal((CasePhase.LegalReview, (string?)null), (@case.Phase, @case.NextStep));
        var steps = await check.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).ToListAsync(Ct);
        Assert.Equal(7, steps.Count(s => s.Status == CaseStepStatus.Done));
        Assert.Equal(CaseStepStatus.Skipped, steps.Single(s => s.StepKey == "whatsapp-reminder").Status);
        // The misfired phone campaign ran once, after the restart.
        var executed = steps.Single(s => s.StepKey == "phone-campaign").ExecutedAt;
        Assert.True(executed == Instant.FromUtc(2025, 3, 26, 12, 0),
            $"phone campaign executed at {executed}; runs: {string.Join(", ", counter.Runs.Select(r => $"{r.Key}={r.Value}"))}; errors: {string.Join(" | ", counter.Errors)}; log: {string.Join(" | ", counter.Log)}");
        Assert.Equal(6, await check.ScheduledContacts.CountAsync(Ct));
        // Every step's job ran exactly once across both hosts, and nothing is left in the store.
        Assert.Equal(8, counter.Runs.Count);
        Assert.All(counter.Runs, r => Assert.Equal(1, r.Value));
        await using var last = await SchedulerHost.StartAsync(db, clock, counter);
        Assert.Null(await last.NextFireTimeAsync());
    }

    [Fact]
    public async Task Promises_and_a_six_instalment_plan_are_watched_across_a_restart()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 20, 12, 0, 0, TimeSpan.Zero));
        var counter = new ExecutionCounter();
        var keeper = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 1, 10), principal: 300m, reference: "TEL-KEEP");
        var breaker = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 1, 10), principal: 300m, reference: "TEL-BREAK");
        var planned = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 1, 10), principal: 600m, reference: "TEL-PLAN");
        PromiseId kept, broken;
        InstalmentPlanId plan;

        await using (var first = await SchedulerHost.StartAsync(db, clock, counter))
        {
            await using var context = DatabaseSetup.CreateContext(db);
            var services = first.Runner.For(context);
            var work = new List<WorkItem>();
            foreach (var account in new[] { keeper, breaker, planned })
            {
                work.AddRange((await services.Cases.OpenAsync(account.Id, Ct)).Work);
            }

            var k = await services.Promises.RecordAsync(keeper.Id, 100m, new LocalDate(2025, 1, 24), ContactChannel.Call, ct: Ct);
            var b = await services.Promises.RecordAsync(breaker.Id, 100m, new LocalDate(2025, 1, 24), ContactChannel.Call, ct: Ct);
            var p = await services.Instalments.CreateAsync(planned.Id, new InstalmentRequest(600m, 6, InstalmentFrequency.Monthly, new LocalDate(2025, 2, 1)), ct: Ct);
            (kept, broken, plan) = (k.Promise.Id, b.Promise.Id, p.Plan.Id);
            await first.Scheduler.ScheduleAsync([.. work, .. k.Work, .. b.Work, .. p.Work], Ct);

            await first.RunUntilAsync(new DateTimeOffset(2025, 1, 23, 8, 0, 0, TimeSpan.Zero));
            await services.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n2025-01-23,100.00,EUR,TEL-KEEP\n"), "jan.csv", "csv", _ => { }, Ct);
            await first.RunUntilAsync(new DateTimeOffset(2025, 2, 1, 8, 0, 0, TimeSpan.Zero));
            await services.Payments.ImportAsync(new StringReader("received_on,amount,currency,reference\n2025-02-01,100.00,EUR,TEL-PLAN\n"), "feb.csv", "csv", _ => { }, Ct);
            await first.RunUntilAsync(new DateTimeOffset(2025, 2, 15, 0, 0, 0, TimeSpan.Zero));
        }

        // Down over the March reminder (26 February) and due date; back on 2 March, when March's instalment is paid.
        clock.SetUtcNow(new DateTimeOffset(2025, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await using (var second = await SchedulerHost.StartAsync(db, clock, counter))
        {
            await using var context = DatabaseSetup.CreateContext(db);
            var services = second.Runner.For(context);
            // March and (late) April's instalments; May's is missed, June's and July's paid with May's arrears in June.
            foreach (var (day, amount) in new[] { ("2025-03-02", "100.00"), ("2025-04-01", "100.00"), ("2025-06-01", "200.00"), ("2025-07-01", "100.00") })
            {
                await second.RunUntilAsync(new DateTimeOffset(DateTime.Parse(day, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero).AddHours(8));
                await services.Payments.ImportAsync(new StringReader($"received_on,amount,currency,reference\n{day},{amount},EUR,TEL-PLAN\n"), "p.csv", "csv", _ => { }, Ct);
            }

            await second.RunUntilAsync(new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero));
        }

        await using var check = DatabaseSetup.CreateContext(db);
        var promises = await check.Promises.AsNoTracking().ToDictionaryAsync(p => p.Id, Ct);
        Assert.Equal(PromiseStatus.Kept, promises[kept].Status);
        Assert.Equal(PromiseStatus.Broken, promises[broken].Status);
        var contacts = await check.ScheduledContacts.AsNoTracking().ToListAsync(Ct);
        Assert.Equal([breaker.Id], contacts.Where(c => c.Reason.StartsWith("broken-promise:", StringComparison.Ordinal)).Select(c => c.AccountId));

        var stored = await check.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).SingleAsync(p => p.Id == plan, Ct);
        Assert.Equal(InstalmentPlanStatus.Completed, stored.Status);
        var reminders = contacts.Where(c => c.ScriptStage == InstalmentWorkflow.ReminderStage && c.Channel == ContactChannel.Call).OrderBy(c => c.DueAt).ToList();
        Assert.Equal(6, reminders.Count);
        // March's reminder was due while the host was down (26 February): it went out when it came back, once.
        Assert.Equal(Instant.FromUtc(2025, 1, 29, 9, 0), reminders[0].DueAt);
        Assert.Equal(Instant.FromUtc(2025, 3, 2, 8, 0), reminders[1].DueAt);
        Assert.Equal(Instant.FromUtc(2025, 4, 28, 8, 0), reminders[3].DueAt);
        // March's instalment (due 1 March, host down) was flagged at 06:00 on 2 March, before its payment of that day arrived:
        // the payment, within the grace days, cancelled its follow-up call and SMS. May's was missed for good.
        var followUps = contacts.Where(c => c.Reason.StartsWith("instalment-missed:", StringComparison.Ordinal)).OrderBy(c => c.DueAt).ThenBy(c => c.Channel).ToList();
        Assert.Equal(4, followUps.Count);
        Assert.All(followUps, c => Assert.Equal((planned.Id, "missed-instalment", ContactPurpose.InstalmentFollowUp), (c.AccountId, c.ScriptStage!, c.Purpose)));
        Assert.Equal(
            [ScheduledContactStatus.Cancelled, ScheduledContactStatus.Cancelled, ScheduledContactStatus.Queued, ScheduledContactStatus.Queued],
            followUps.Select(c => c.Status));
        Assert.Equal("cancelled: the instalment was paid within the grace days", followUps[0].Outcome);
        Assert.All(counter.Runs, r => Assert.Equal(1, r.Value));
        Assert.Equal(6, counter.Runs.Keys.Count(k => k.StartsWith("InstalmentReminder:", StringComparison.Ordinal)));
        Assert.Equal(6, counter.Runs.Keys.Count(k => k.StartsWith("InstalmentCheck:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task At_start_open_work_the_store_lacks_is_scheduled_again()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14));
        var driver = new WorkDriver(db, clock);
        // Opened and a promise recorded, but the process died before handing the work to Quartz.
        await driver.WithAsync(s => s.Cases.OpenAsync(account.Id, Ct));
        var (promise, _) = await driver.WithAsync(s => s.Promises.RecordAsync(account.Id, 50m, new LocalDate(2025, 3, 10), ContactChannel.Call, ct: Ct));

        await using var host = await SchedulerHost.StartAsync(db, clock, new ExecutionCounter(), resync: true);

        var quartz = await host.QuartzAsync();
        var step = await StepAsync(db, account.Id, "pre-due-reminder");
        Assert.True(await quartz.Exists(new JobKey(WorkItem.ForStep(step.CaseId, step.StepKey, step.DueAt).Name, WorkScheduler.Group), Ct));
        Assert.True(await quartz.Exists(new JobKey($"PromiseCheck:{promise.Id}", WorkScheduler.Group), Ct));
    }

    private static async Task<CaseStep> StepAsync(DatabaseOptions db, AccountId accountId, string key)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var caseId = await context.Cases.Where(c => c.AccountId == accountId).Select(c => c.Id).SingleAsync(Ct);
        return await context.CaseSteps.AsNoTracking().SingleAsync(s => s.CaseId == caseId && s.StepKey == key, Ct);
    }
}

/// <summary>The same walk with Quartz's store on a real PostgreSQL server.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresQuartzWorkflowTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_case_walks_to_legal_review_across_a_restart_on_PostgreSQL() =>
        await QuartzWorkflowTests.WalkAcrossRestartAsync(await (await TestDatabases.NewPostgresAsync(await postgres.ServerAsync())).MigrateAsync());
}
