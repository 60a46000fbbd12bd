using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>Two writers of the same due work: the conflict-checked write lets only one apply each item.</summary>
public sealed class SweepConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_row_changed_since_it_was_read_is_not_overwritten()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14));
        await using var first = DatabaseSetup.CreateContext(db);
        var read = await first.Accounts.SingleAsync(a => a.Id == account.Id, Ct);
        await using (var second = DatabaseSetup.CreateContext(db))
        {
            (await second.Accounts.SingleAsync(a => a.Id == account.Id, Ct)).StatutoryInterest = 12.34m;
            await second.SaveChangesAsync(Ct);
        }

        read.StatutoryInterest = 56.78m;
        await using var transaction = await first.Database.BeginTransactionAsync(Ct);
        using var writer = new ChangeWriter(first);
        await Assert.ThrowsAsync<WriteConflictException>(() => writer.WriteAsync(Ct));
        await transaction.RollbackAsync(Ct);
        await using var check = DatabaseSetup.CreateContext(db);
        Assert.Equal(12.34m, (await check.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id, Ct)).StatutoryInterest);
    }

    [Fact]
    public async Task Two_sweeps_racing_over_the_same_due_work_apply_each_item_once() =>
        await RaceAsync(await TestDatabases.NewSqlite().MigrateAsync());

    /// <summary>Forty promises due for their check; two sweeps (two nodes' services) run at once, in batches of seven accounts.</summary>
    internal static async Task RaceAsync(DatabaseOptions db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var seed = new WorkDriver(db, clock);
        for (var i = 0; i < 40; i++)
        {
            var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 1), reference: $"TEL-RACE-{i:D2}");
            await seed.WithAsync(s => s.Promises.RecordAsync(account.Id, 50m, new LocalDate(2025, 3, 5), ContactChannel.Call, ct: Ct));
        }

        clock.SetUtcNow(new DateTimeOffset(2025, 3, 10, 9, 0, 0, TimeSpan.Zero));
        var nodeA = new WorkDriver(db, clock);
        var nodeB = new WorkDriver(db, clock);
        var reports = await Task.WhenAll(Task.Run(() => nodeA.SweepNowAsync(batchSize: 7), Ct), Task.Run(() => nodeB.SweepNowAsync(batchSize: 7), Ct));

        Assert.Equal(40, reports.Sum(r => r.Count(WorkKind.PromiseCheck, "Broken")));
        Assert.All(reports, r => Assert.Equal(0, r.Failed));
        await using var check = DatabaseSetup.CreateContext(db);
        Assert.Equal(40, await check.Promises.CountAsync(p => p.Status == PromiseStatus.Broken, Ct));
        Assert.Equal(40, await check.ScheduledContacts.CountAsync(c => c.Purpose == ContactPurpose.PromiseFollowUp, Ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"node A: {reports[0].Count(WorkKind.PromiseCheck, "Broken")} decided, node B: {reports[1].Count(WorkKind.PromiseCheck, "Broken")}");
    }
}

/// <summary>The race on a real PostgreSQL server, where the two sweeps' transactions truly run side by side.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresSweepConcurrencyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Two_sweeps_racing_over_the_same_due_work_apply_each_item_once_on_PostgreSQL() =>
        await SweepConcurrencyTests.RaceAsync(await (await TestDatabases.NewPostgresAsync(await postgres.ServerAsync())).MigrateAsync());
}
