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

/// <summary>The due-work sweep as the real Quartz job on the persistent store, on a fake clock: no trigger per item, a
/// restart over a due step loses nothing and runs nothing twice.</summary>
public sealed class SweepSchedulingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_the_sweep_a_case_walks_to_legal_review_across_a_restart_with_nothing_lost_and_nothing_run_twice() =>
        await WalkAcrossRestartAsync(await TestDatabases.NewSqlite().MigrateAsync());

    /// <summary>The walk of <see cref="QuartzWorkflowTests.WalkAcrossRestartAsync"/> (consumer case due 14 March 2025, host down
    /// from 20 to 26 March over the phone campaign's due time), with the sweep every minute instead of a trigger per step.</summary>
    internal static async Task WalkAcrossRestartAsync(DatabaseOptions db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var counter = new ExecutionCounter();
        var sweeps = new SweepCounter();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14));

        await using (var first = await SchedulerHost.StartAsync(db, clock, counter, sweeps: sweeps))
        {
            await using var context = DatabaseSetup.CreateContext(db);
            // The opened case's work is handed to the scheduler as before; beyond the horizon, no trigger is stored for it.
            await first.Scheduler.ScheduleAsync((await first.Runner.For(context).Cases.OpenAsync(account.Id, Ct)).Work, Ct);
            var quartz = await first.QuartzAsync();
            Assert.Empty(await quartz.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(WorkScheduler.Group), Ct));
            // The sweep's job is stored by a background service once the scheduler has started, not before the host's start returns.
            for (var attempt = 0; attempt < 300 && await quartz.GetJobDetail(DueWorkSweepJob.Key, Ct) is null; attempt++)
            {
                await Task.Delay(100, Ct);
            }

            Assert.True(await quartz.GetJobDetail(DueWorkSweepJob.Key, Ct) is not null, "the sweep's job was not stored within 30 s of the start");
            await first.SweepUntilAsync(new DateTimeOffset(2025, 3, 20, 0, 0, 0, TimeSpan.Zero));
        }

        await using (var check = DatabaseSetup.CreateContext(db))
        {
            var caseId = await check.Cases.Where(c => c.AccountId == account.Id).Select(c => c.Id).SingleAsync(Ct);
            Assert.Equal(CaseStepStatus.Planned, (await check.CaseSteps.AsNoTracking().SingleAsync(s => s.CaseId == caseId && s.StepKey == "phone-campaign", Ct)).Status);
        }

        // The host is down when the phone campaign falls due (24 March 09:00 UTC) and comes back two days later.
        var restart = new DateTimeOffset(2025, 3, 26, 12, 0, 0, TimeSpan.Zero);
        clock.SetUtcNow(restart);
        await using (var second = await SchedulerHost.StartAsync(db, clock, counter, sweeps: sweeps))
        {
            await second.SweepOnceAsync(sweeps);
            await second.SweepUntilAsync(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        }

        await using var final = DatabaseSetup.CreateContext(db);
        var @case = await final.Cases.AsNoTracking().SingleAsync(c => c.AccountId == account.Id, Ct);
        Assert.Equal((CasePhase.LegalReview, (string?)null), (@case.Phase, @case.NextStep));
        var steps = await final.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).ToListAsync(Ct);
        Assert.Equal(7, steps.Count(s => s.Status == CaseStepStatus.Done));
        Assert.Equal(CaseStepStatus.Skipped, steps.Single(s => s.StepKey == "whatsapp-reminder").Status);
        // The missed phone campaign ran once, by the first sweeps after the restart (every minute; Quartz's misfire handling of
        // the sweep's own trigger may skip a beat).
        var phone = steps.Single(s => s.StepKey == "phone-campaign").ExecutedAt!.Value.ToDateTimeOffset();
        Assert.InRange(phone, restart, restart.AddMinutes(5));
        Assert.Equal(6, await final.ScheduledContacts.CountAsync(Ct));
        // Every step ran exactly once over all sweeps of both hosts, and no workflow trigger was ever stored.
        Assert.Equal(7, sweeps.Count(WorkKind.CaseStep, "done"));
        Assert.Equal(1, sweeps.Count(WorkKind.CaseStep, "skipped"));
        Assert.Empty(counter.Runs);
        Assert.Empty(sweeps.Errors);
    }
}

/// <summary>The same walk with Quartz's store on a real PostgreSQL server.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresSweepSchedulingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task With_the_sweep_a_case_walks_to_legal_review_across_a_restart_on_PostgreSQL() =>
        await SweepSchedulingTests.WalkAcrossRestartAsync(await (await TestDatabases.NewPostgresAsync(await postgres.ServerAsync())).MigrateAsync());
}
