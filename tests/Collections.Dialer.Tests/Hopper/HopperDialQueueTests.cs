using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Collections.Testing;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>The campaign runner's queue over the hopper: claimed accounts with number and language, nothing twice across
/// nodes, in-flight accounts left out, and unused claims handed back.</summary>
public sealed class HopperDialQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_nodes_queues_share_the_accounts_without_overlap_and_give_back_what_they_cannot_use()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        var seeded = Enumerable.Range(1, 5).Select(i => world.NewAccount($"Q-{i}")).ToList();
        await world.SaveAsync(seeded);
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);
        var b = new HopperDialQueue(world.Hopper("node-b"), world.CreateContext);

        var first = await a.TakeAsync(world.Campaign, 2, new HashSet<AccountId>(), Ct);
        Assert.Equal(2, first.Count);
        Assert.All(first, t => Assert.Equal("de", t.Language));
        Assert.All(first, t => Assert.Equal(seeded.Single(s => s.Account.Id == t.AccountId).Debtor.Phones.Single().E164, t.Number));

        // Node A's calls are in flight: node B gets only the other three.
        var second = await b.TakeAsync(world.Campaign, 5, new HashSet<AccountId>(), Ct);
        Assert.Equal(3, second.Count);
        Assert.Empty(first.Select(t => t.AccountId).Intersect(second.Select(t => t.AccountId)));

        // Node A asks again with its own calls excluded: nothing new is free, and its leases were not given away.
        Assert.Empty(await a.TakeAsync(world.Campaign, 2, first.Select(t => t.AccountId).ToHashSet(), Ct));
        Assert.Empty(await b.TakeAsync(world.Campaign, 5, second.Select(t => t.AccountId).ToHashSet(), Ct));
    }

    [Fact]
    public async Task Claims_beyond_the_lines_asked_for_are_released_at_once()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        await world.SaveAsync(Enumerable.Range(1, 4).Select(i => world.NewAccount($"R-{i}")));
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);
        var inFlight = await a.TakeAsync(world.Campaign, 1, new HashSet<AccountId>(), Ct);

        // One line asked for with one account in flight: the hopper is asked for two, the in-flight one comes back among
        // them, and whatever is not used is released so another node may dial it.
        var next = await a.TakeAsync(world.Campaign, 1, inFlight.Select(t => t.AccountId).ToHashSet(), Ct);
        Assert.Single(next);
        var other = await world.Hopper("node-b").ClaimAsync(world.Campaign, 4, Ct);
        Assert.Equal(2, other.Count);
        Assert.DoesNotContain(other, e => e.AccountId == inFlight[0].AccountId || e.AccountId == next[0].AccountId);
    }
}
