using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Collections.Dialer.Tests.Scheduling;

/// <summary>
/// The due-work sweep on two clustered nodes over one real PostgreSQL database (the nodes of <see cref="ClusteredSchedulingTests"/>,
/// with the sweep every second and no trigger per item). Node A starts the sweep and is held inside it (the test holds a
/// lock on the rows it must update), B is started meanwhile and must not start a second sweep while A's runs; A then dies
/// (its link to the database cut: its transaction is aborted, it neither checks in nor finishes). B must recover A's sweep
/// and decide every promise exactly once: nothing lost, nothing run twice. Real time, every wait bounded (a minute).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusteredSweepTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Items = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task A_sweep_held_by_a_node_that_dies_is_run_by_the_other_once_and_never_beside_it()
    {
        var db = await (await TestDatabases.NewPostgresAsync(await postgres.ServerAsync())).MigrateAsync();
        var promises = await ClusteredSchedulingTests.SeedPromisesAsync(db, Items);
        var executions = new NodeExecutions();
        var sweeps = new NodeSweeps();

        // The test's own connection holds every promise row: A's sweep will block on its first UPDATE.
        await using var blocker = new NpgsqlConnection(db.ConnectionString);
        await blocker.OpenAsync(Ct);
        var hold = await blocker.BeginTransactionAsync(Ct);
        await using (var lockRows = new NpgsqlCommand("SELECT id FROM promises_to_pay FOR UPDATE", blocker, hold))
        {
            await lockRows.ExecuteNonQueryAsync(Ct);
        }

        await using var a = await ClusterNode.StartAsync("A", db, executions, linked: true, sweeps: sweeps);
        await WaitUntilAsync(() => Task.FromResult(sweeps.Running.Contains(a.InstanceId)), "node A runs the sweep", sweeps);
        await using var b = await ClusterNode.StartAsync("B", db, executions, sweeps: sweeps);
        // B's own sweep trigger fires every second, but the job is A's while A runs it (DisallowConcurrentExecution, enforced
        // through the shared store): three seconds without B starting one.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.DoesNotContain(b.InstanceId, sweeps.Running);
        Assert.DoesNotContain(sweeps.Runs, r => r.Node == b.InstanceId);

        a.Link!.Cut();
        var stopping = a.StopAsync();
        await hold.RollbackAsync(Ct);

        await WaitUntilAsync(async () => await BrokenAsync(db) == Items, "node B decided every promise", sweeps);
        // B recovers A's sweep once its cluster manager finds A gone (RequestRecovery); B's own trigger, unblocked at the
        // same moment, may run first and do the work, leaving the recovered run nothing: either order is correct.
        await WaitUntilAsync(() => Task.FromResult(sweeps.Runs.Any(r => r.Node == b.InstanceId && r.Recovering && r.Report is not null)), "node B ran A's sweep in recovery", sweeps);
        a.Link.Restore();
        await WaitUntilAsync(() => Task.FromResult(stopping.IsCompleted), "node A stopped once its database was back", sweeps);

        var onB = sweeps.Runs.Where(r => r.Node == b.InstanceId && r.Report is not null).ToList();
        Log($"sweeps: {string.Join("; ", sweeps.Runs.Select(r => $"{r.Node} recovering={r.Recovering} ran={r.Report?.Ran} error={r.Error}"))}");
        // Every promise was decided by B, once (in the sweep it recovered from A or in its own); A committed nothing (its
        // transaction died with its link, and its sweep, failing every account, left them all to the next one).
        Assert.Equal(Items, onB.Sum(r => r.Report!.Count(WorkKind.PromiseCheck, "Broken")));
        Assert.Equal(Items, onB.Sum(r => r.Report!.Ran));
        Assert.Contains(onB, r => r.Recovering);
        Assert.All(sweeps.Runs.Where(r => r.Node == a.InstanceId), r => Assert.Equal(0, r.Report?.Ran ?? 0));
        // No two of B's sweeps overlapped, and B started none while A ran its own.
        var ordered = sweeps.Runs.Where(r => r.Node == b.InstanceId).OrderBy(r => r.Started).ToList();
        Assert.All(ordered.Zip(ordered.Skip(1)), pair => Assert.True(pair.First.Ended <= pair.Second.Started, "two sweeps overlapped"));
        await using var check = DatabaseSetup.CreateContext(db);
        var keys = await check.ScheduledContacts.AsNoTracking().Select(c => c.IdempotencyKey).ToListAsync(Ct);
        Assert.Equal(promises.Select(p => $"broken-promise:{p}").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Empty(executions.Errors);
    }

    private static async Task<int> BrokenAsync(DatabaseOptions db)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        return await context.Promises.CountAsync(p => p.Status == PromiseStatus.Broken, Ct);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, NodeSweeps sweeps)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException($"Waited a minute for: {what}. Sweeps: {string.Join("; ", sweeps.Runs.Select(r => $"{r.Node} {r.Report?.Ran} {r.Error}"))}");
    }
}
