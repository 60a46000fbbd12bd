using System.Data.Common;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Collections.Shared.Workflow.Sweep;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>
/// A sweep that dies in the middle of a night: the batches committed before stay, the batch in flight is rolled back, and
/// the sweep of the restarted process runs what is left, each step once. The death is the sweep's process stopping at a
/// batch's commit (the commit never reaches the database, as when the process is killed: SQLite rolls an uncommitted
/// transaction back when the file is next opened).
/// </summary>
public sealed class SweepCrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_sweep_killed_mid_night_loses_nothing_and_the_next_sweep_runs_each_step_once(bool setBased)
    {
        // Thirty claims, some with a promise (entity path), opened on 1 March; forty days later a backlog of steps is due.
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var seed = new WorkDriver(db, new FakeTimeProvider(Start));
        for (var i = 0; i < 30; i++)
        {
            var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 1).PlusDays(i), 300m + i, $"TEL-CRASH-{i:00}", createdAt: Instant.FromDateTimeOffset(Start));
            await seed.WithAsync(s => s.Cases.OpenAsync(account.Id, Ct));
            if (i % 5 == 0)
            {
                await seed.WithAsync(s => s.Promises.RecordAsync(account.Id, 50m, new LocalDate(2025, 3, 20), ContactChannel.Call, ct: Ct));
            }
        }

        var reference = await db.CopyAsync();
        var night = Start.AddDays(40);

        // The reference night, uninterrupted.
        var whole = await Sweep(reference, night, crashAtCommit: null).RunAsync(batchSize: 7, Ct);
        Assert.True(whole.Count(WorkKind.CaseStep, "done") > 30);
        Assert.True(whole.SetBased > 0);

        // The same night, the process dying at the third batch's commit; then a restarted process sweeps again.
        var dying = Sweep(db, night, crashAtCommit: 3, setBased);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying.RunAsync(batchSize: 7, Ct));
        int doneBefore;
        await using (var check = DatabaseSetup.CreateContext(db))
        {
            doneBefore = await check.CaseSteps.CountAsync(s => s.Status == CaseStepStatus.Done, Ct);
        }

        var restarted = await Sweep(db, night, crashAtCommit: null, setBased).RunAsync(batchSize: 7, Ct);
        Assert.Equal((0, 0), (restarted.Failed, restarted.SetBasedRolledBack));
        // Two batches were committed before the death and stay done; the rest ran after the restart, and nothing ran twice.
        await using (var check = DatabaseSetup.CreateContext(reference))
        {
            var doneWhole = await check.CaseSteps.CountAsync(s => s.Status == CaseStepStatus.Done, Ct);
            Assert.InRange(doneBefore, 1, doneWhole - 1);
        }

        Assert.Equal(0, (await Sweep(db, night, crashAtCommit: null, setBased).RunAsync(batchSize: 7, Ct)).Ran);
        await SweepEquivalenceTests.AssertSameRowsAsync(reference, db);
    }

    private static DueWorkSweep Sweep(DatabaseOptions db, DateTimeOffset at, int? crashAtCommit, bool setBased = true)
    {
        var clock = new FakeTimeProvider(at);
        ICollectionsDbContextFactory contexts = crashAtCommit is { } n ? new DyingContexts(db, n) : db.Contexts();
        var runner = new WorkflowRunner(contexts, Collections.Testing.Workflow.ShippedStrategies.Champions(),
            Options.Create(new WorkflowOptions()), clock, NullLoggerFactory.Instance);
        return new DueWorkSweep(contexts, runner, clock, NullLogger<DueWorkSweep>.Instance) { UseSetBasedPath = setBased };
    }

    /// <summary>Contexts whose <paramref name="commit"/>-th commit (counted over all of them) stops the process instead.</summary>
    private sealed class DyingContexts(DatabaseOptions db, int commit) : ICollectionsDbContextFactory
    {
        private readonly Death _death = new(commit);

        public CollectionsDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<SqliteCollectionsDbContext>();
            DatabaseSetup.Configure(builder, db);
            builder.AddInterceptors(_death);
            return new SqliteCollectionsDbContext(builder.Options);
        }
    }

    private sealed class Death(int commit) : DbTransactionInterceptor
    {
        private int _commits;

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _commits) == commit
                ? throw new OperationCanceledException("The process died at this commit.")
                : ValueTask.FromResult(result);
    }
}
