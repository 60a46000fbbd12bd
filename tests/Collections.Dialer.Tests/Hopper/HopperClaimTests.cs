using System.Collections.Concurrent;
using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>Claims: two dialer nodes never hold the same account (nor its queue entry), every due account is handed out
/// once, leases lapse.</summary>
public sealed class HopperClaimTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Two_nodes_on_one_PostgreSQL_never_claim_the_same_account()
    {
        var server = await postgres.ServerAsync();
        var world = await HopperWorld.CreateAsync(await (await TestDatabases.NewPostgresAsync(server)).MigrateAsync());
        await TwoNodesClaimEveryAccountOnce(world, accounts: 3000, loopsPerNode: 2, batch: 40);
    }

    [Fact]
    public async Task Two_nodes_on_one_SQLite_file_never_claim_the_same_account()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        await TwoNodesClaimEveryAccountOnce(world, accounts: 600, loopsPerNode: 2, batch: 25);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_crashed_nodes_claims_lapse_after_the_lease_on_PostgreSQL()
    {
        var server = await postgres.ServerAsync();
        var world = await HopperWorld.CreateAsync(await (await TestDatabases.NewPostgresAsync(server)).MigrateAsync());
        await CrashedNodeClaimsLapse(world);
    }

    [Fact]
    public async Task A_crashed_nodes_claims_lapse_after_the_lease_on_SQLite()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        await CrashedNodeClaimsLapse(world);
    }

    [Fact]
    public async Task Released_and_renewed_claims()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        await world.SaveAsync(Enumerable.Range(1, 3).Select(i => world.NewAccount($"R-{i}")));
        var a = world.Hopper("node-a");
        var b = world.Hopper("node-b");
        var claimed = await a.ClaimAsync(world.Campaign, 3, Ct);
        Assert.Equal(3, claimed.Count);
        Assert.Empty(await b.ClaimAsync(world.Campaign, 3, Ct));

        // Another node cannot release or renew what it does not hold.
        Assert.False(await b.ReleaseAsync(claimed[0].AccountId, Ct));
        Assert.Equal(0, await b.RenewAsync([.. claimed.Select(c => c.AccountId)], Ct));

        // Node A gives one back with its queue entry (its call was not placed): node B may take it at once.
        await a.ReleaseAsync(claimed[0].AccountId, claimed[0].EntryId, Ct);
        Assert.Equal([claimed[0].AccountId], (await b.ClaimAsync(world.Campaign, 3, Ct)).Select(c => c.AccountId));

        // Node A renews the other two four minutes into its five-minute lease; at six minutes they are still held, while
        // node B's own claim, never renewed, has lapsed and is handed out again.
        world.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(2, await a.RenewAsync([.. claimed.Select(c => c.AccountId)], Ct));
        await a.RenewEntriesAsync(claimed.Select(c => c.EntryId), Ct);
        world.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([claimed[0].AccountId], (await b.ClaimAsync(world.Campaign, 3, Ct)).Select(c => c.AccountId));
        // The renewed leases end at 4 + 5 = 9 minutes.
        world.Clock.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        Assert.Empty(await b.ClaimAsync(world.Campaign, 3, Ct));
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(claimed.Skip(1).Select(c => c.AccountId.Value).Order(), (await b.ClaimAsync(world.Campaign, 3, Ct)).Select(c => c.AccountId.Value).Order());
    }

    [Fact]
    public async Task A_paused_campaign_claims_nothing_and_a_ring_timeout_under_15_seconds_refuses_to_claim()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        await world.SaveAsync([world.NewAccount("P-1")]);
        var hopper = world.Hopper();

        world.Campaign.Status = CampaignStatus.Paused;
        Assert.Empty(await hopper.ClaimAsync(world.Campaign, 5, Ct));

        world.Campaign.Status = CampaignStatus.Running;
        world.Campaign.RingTimeoutSeconds = 10;
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => hopper.ClaimAsync(world.Campaign, 5, Ct));
        Assert.Contains("RingTimeoutSeconds", ex.Message, StringComparison.Ordinal);

        world.Campaign.RingTimeoutSeconds = 15;
        Assert.Equal("P-1", Assert.Single(await hopper.ClaimAsync(world.Campaign, 5, Ct)).AccountReference);
    }

    private static async Task CrashedNodeClaimsLapse(HopperWorld world)
    {
        await world.SaveAsync(Enumerable.Range(1, 10).Select(i => world.NewAccount($"L-{i:D2}")));
        var crashed = world.Hopper("node-crashed");
        var survivor = world.Hopper("node-survivor");

        var held = await crashed.ClaimAsync(world.Campaign, 10, Ct);
        Assert.Equal(10, held.Count);
        // Node "crashed" never releases nor renews. Within the lease the survivor gets nothing...
        world.Clock.Advance(world.Options.LeaseDuration - TimeSpan.FromSeconds(1));
        Assert.Empty(await survivor.ClaimAsync(world.Campaign, 10, Ct));
        Assert.Empty(await survivor.PeekAsync(world.Campaign, 10, null, Ct));

        // ...and once the lease has run out, it takes all ten.
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var taken = await survivor.ClaimAsync(world.Campaign, 10, Ct);
        Assert.Equal(held.Select(h => h.AccountId.Value).Order(), taken.Select(t => t.AccountId.Value).Order());

        await using var db = world.CreateContext();
        // The queue entries went over with the accounts.
        Assert.All(await db.ScheduledContacts.AsNoTracking().ToListAsync(Ct), e => Assert.Equal(("node-survivor", ScheduledContactStatus.Taken), (e.ClaimedBy, e.Status)));
        var rows = await db.HopperClaims.AsNoTracking().ToListAsync(Ct);
        Assert.All(rows, r =>
        {
            Assert.Equal("node-survivor", r.ClaimedBy);
            Assert.Equal(2, r.ClaimCount);
            Assert.Equal(world.Now + NodaTime.Duration.FromTimeSpan(world.Options.LeaseDuration), r.ClaimedUntil);
        });
    }

    /// <summary>
    /// Each node runs <paramref name="loopsPerNode"/> claim loops in parallel, each loop on its own contexts, until the hopper
    /// is empty; the fake clock stands still, so every lease is live for the whole test and a second claim of any account
    /// would be a double dial.
    /// </summary>
    private static async Task TwoNodesClaimEveryAccountOnce(HopperWorld world, int accounts, int loopsPerNode, int batch)
    {
        await world.SaveAsync(Enumerable.Range(1, accounts).Select(i => world.NewAccount($"N-{i:D5}")));
        var claims = new ConcurrentBag<(string Node, AccountId Account)>();
        var nodes = new[] { world.Hopper("node-a"), world.Hopper("node-b") };

        // Every loop waits at the gate, so all four start together and the nodes really compete.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task Loop(DialerHopper hopper)
        {
            await gate.Task;
            while (true)
            {
                var got = await hopper.ClaimAsync(world.Campaign, batch, Ct);
                foreach (var entry in got)
                {
                    claims.Add((hopper.NodeId, entry.AccountId));
                }

                // An empty claim can mean the other node holds row locks on every ranked account right now: stop only
                // when nothing is left to rank.
                if (got.Count == 0 && (await hopper.PeekAsync(world.Campaign, 1, null, Ct)).Count == 0)
                {
                    return;
                }
            }
        }

        var loops = nodes.SelectMany(n => Enumerable.Range(0, loopsPerNode).Select(_ => Task.Run(() => Loop(n), Ct))).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(loops);
        // Reported, not asserted (timing belongs to benchmarks): docs/hopper.md quotes it.
        Console.WriteLine(
            $"{world.Database.Provider}: {accounts} accounts claimed by 2 nodes x {loopsPerNode} loops in batches of {batch} in {watch.Elapsed.TotalSeconds:0.0} s");

        var twice = claims.GroupBy(c => c.Account).Where(g => g.Count() > 1).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} account(s) claimed more than once, e.g. {twice.FirstOrDefault()?.Key} by {string.Join(",", twice.FirstOrDefault()?.Select(c => c.Node) ?? [])}");
        Assert.Equal(accounts, claims.Count);
        // Both nodes did work: the test exercised concurrency, not one node draining the hopper alone.
        Assert.All(nodes, n => Assert.Contains(claims, c => c.Node == n.NodeId));

        await using var db = world.CreateContext();
        var rows = await db.HopperClaims.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(accounts, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.ClaimCount));
        var byAccount = claims.ToDictionary(c => c.Account, c => c.Node);
        Assert.All(rows, r => Assert.Equal(byAccount[r.AccountId], r.ClaimedBy));
    }
}
