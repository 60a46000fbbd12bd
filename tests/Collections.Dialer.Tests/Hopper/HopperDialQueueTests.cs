using Collections.Dialer.Campaigns;
using Collections.Dialer.Hopper;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Tests.Hopper;

/// <summary>The campaign runner's queue over the hopper: claimed accounts with number, language and queue entry, nothing
/// twice across nodes, nothing claimed that the runner will not use, and every claim given back when its call ends.</summary>
public sealed class HopperDialQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HopperWorld> World() => await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());

    [Fact]
    public async Task Two_nodes_queues_share_the_accounts_without_overlap()
    {
        var world = await World();
        var seeded = Enumerable.Range(1, 5).Select(i => world.NewAccount($"Q-{i}", purpose: ContactPurpose.PreInstalment)).ToList();
        await world.SaveAsync(seeded);
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);
        var b = new HopperDialQueue(world.Hopper("node-b"), world.CreateContext);

        var first = await a.TakeAsync(world.Campaign, 2, new HashSet<AccountId>(), Ct);
        Assert.Equal(2, first.Count);
        Assert.All(first, t => Assert.Equal("de", t.Language));
        Assert.All(first, t => Assert.Equal(seeded.Single(s => s.Account.Id == t.AccountId).Debtor.Phones.Single().E164, t.Number));
        // Each target carries its queue entry: the ledger row and the screen-pop say why the call is made.
        Assert.All(first, t => Assert.Equal(
            (seeded.Single(s => s.Account.Id == t.AccountId).Call.Id, ContactPurpose.PreInstalment, "pre-instalment"),
            (t.Queued!.Id, t.Queued.Purpose, t.Queued.ScriptStage)));

        // Node A's calls are in flight: node B gets only the other three.
        var second = await b.TakeAsync(world.Campaign, 5, new HashSet<AccountId>(), Ct);
        Assert.Equal(3, second.Count);
        Assert.Empty(first.Select(t => t.AccountId).Intersect(second.Select(t => t.AccountId)));

        // Node A asks again with its own calls excluded: nothing new is free, and its leases were not given away.
        Assert.Empty(await a.TakeAsync(world.Campaign, 2, first.Select(t => t.AccountId).ToHashSet(), Ct));
        Assert.Empty(await b.TakeAsync(world.Campaign, 5, second.Select(t => t.AccountId).ToHashSet(), Ct));

        await using var db = world.CreateContext();
        Assert.All(await db.ScheduledContacts.ToListAsync(Ct), e => Assert.Equal(ScheduledContactStatus.Taken, e.Status));
    }

    [Fact]
    public async Task Accounts_the_runner_parked_are_not_claimed_again_while_it_excludes_them()
    {
        // The leak found when tried: the queue asked the hopper for count + excluded accounts and released only the extras
        // that were not excluded, so an account the runner had parked (no agent with its language, no agent to hold) and
        // released was claimed again on the next fill and held for the whole lease, by no call at all.
        var world = await World();
        await world.SaveAsync(Enumerable.Range(1, 3).Select(i => world.NewAccount($"P-{i}", dueAgo: TimeSpan.FromMinutes(10 - i))));
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);

        var parked = Assert.Single(await a.TakeAsync(world.Campaign, 1, new HashSet<AccountId>(), Ct));
        await a.ReleaseAsync(parked, Ct);

        var next = Assert.Single(await a.TakeAsync(world.Campaign, 1, new HashSet<AccountId> { parked.AccountId }, Ct));
        Assert.NotEqual(parked.AccountId, next.AccountId);

        await using (var db = world.CreateContext())
        {
            var claim = await db.HopperClaims.AsNoTracking().SingleAsync(c => c.AccountId == parked.AccountId, Ct);
            Assert.Null(claim.ClaimedBy);
            var entry = await db.ScheduledContacts.AsNoTracking().SingleAsync(e => e.Id == parked.Queued!.Id, Ct);
            Assert.Equal((ScheduledContactStatus.Queued, null), (entry.Status, entry.ClaimedBy));
        }

        // So another node dials it at once instead of five minutes later.
        var other = await world.Hopper("node-b").ClaimAsync(world.Campaign, 5, Ct);
        Assert.Contains(other, e => e.AccountId == parked.AccountId);
    }

    [Fact]
    public async Task A_finished_call_gives_its_claim_back_and_a_connected_call_closes_the_entry()
    {
        var world = await World();
        var seeded = world.NewAccount("DONE");
        await world.SaveAsync([seeded]);
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);
        var target = Assert.Single(await a.TakeAsync(world.Campaign, 1, new HashSet<AccountId>(), Ct));
        var attempt = await LedgerRowAsync(world, seeded, ContactOutcome.Pending);

        await a.AttemptedAsync(target, attempt, Ct);
        world.Clock.Advance(TimeSpan.FromMinutes(3));
        await a.FinishedAsync(target, new DialEnd(attempt, ContactOutcome.Answered, ConnectedToAgent: true, Refused: false, null, "answered"), Ct);

        await using var db = world.CreateContext();
        var entry = await db.ScheduledContacts.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(ScheduledContactStatus.Done, entry.Status);
        Assert.Equal((1, attempt, "answered"), (entry.Attempts, entry.ContactAttemptId, entry.Outcome));
        Assert.Equal(world.Now, entry.ClosedAt);
        // The claim is released the moment the call ends, not when its lease runs out two minutes later.
        Assert.Null((await db.HopperClaims.AsNoTracking().SingleAsync(Ct)).ClaimedBy);
    }

    [Fact]
    public async Task A_call_not_connected_is_retried_after_its_outcomes_delay_and_expires_past_its_expiry()
    {
        var world = await World();
        var busy = world.NewAccount("BUSY");
        var noAnswer = world.NewAccount("NO-ANSWER");
        noAnswer.Call.ExpiresAt = world.Now + Duration.FromHours(1);   // a reminder with no purpose after the instalment's date
        await world.SaveAsync([busy, noAnswer]);
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);
        var targets = await a.TakeAsync(world.Campaign, 2, new HashSet<AccountId>(), Ct);
        var t0 = world.Now;

        await a.FinishedAsync(targets.Single(t => t.AccountId == busy.Account.Id),
            new DialEnd(ContactAttemptId.New(), ContactOutcome.Busy, false, false, null, "busy"), Ct);
        await a.FinishedAsync(targets.Single(t => t.AccountId == noAnswer.Account.Id),
            new DialEnd(ContactAttemptId.New(), ContactOutcome.NoAnswer, false, false, null, "noAnswer"), Ct);

        await using var db = world.CreateContext();
        var entries = await db.ScheduledContacts.AsNoTracking().ToDictionaryAsync(e => e.AccountId, Ct);
        // Busy: the retry table's 15 minutes; no answer: 2 hours, past the entry's expiry, so it expires instead.
        Assert.Equal((ScheduledContactStatus.Queued, t0 + Duration.FromMinutes(15), null), (entries[busy.Account.Id].Status, entries[busy.Account.Id].NextAttemptAt, entries[busy.Account.Id].ClaimedBy));
        Assert.Equal(ScheduledContactStatus.Expired, entries[noAnswer.Account.Id].Status);
        Assert.Equal("expired: noAnswer", entries[noAnswer.Account.Id].Outcome);
        Assert.All(await db.HopperClaims.AsNoTracking().ToListAsync(Ct), c => Assert.Null(c.ClaimedBy));
    }

    [Fact]
    public async Task A_compliance_refusal_defers_the_call_to_when_the_rules_allow_it()
    {
        var world = await World();
        var later = world.NewAccount("CALLING-HOURS");
        var unknown = world.NewAccount("CONSENT");
        await world.SaveAsync([later, unknown]);
        var a = new HopperDialQueue(world.Hopper("node-a"), world.CreateContext);
        var targets = await a.TakeAsync(world.Campaign, 2, new HashSet<AccountId>(), Ct);
        var opens = HopperWorld.Berlin(2026, 3, 11, 8, 0);

        await a.FinishedAsync(targets.Single(t => t.AccountId == later.Account.Id), new DialEnd(null, null, false, true, opens, "refused: de.calling-hours"), Ct);
        await a.FinishedAsync(targets.Single(t => t.AccountId == unknown.Account.Id), new DialEnd(null, null, false, true, null, "refused: de.autodial-consent"), Ct);

        await using var db = world.CreateContext();
        var entries = await db.ScheduledContacts.AsNoTracking().ToDictionaryAsync(e => e.AccountId, Ct);
        Assert.Equal(opens, entries[later.Account.Id].NextAttemptAt);
        Assert.Equal("refused: de.calling-hours", entries[later.Account.Id].Outcome);
        // No rule says when consent will come: tried again after the configured delay.
        Assert.Equal(world.Now + Duration.FromTimeSpan(world.Options.RefusalDelay), entries[unknown.Account.Id].NextAttemptAt);
        Assert.All(entries.Values, e => Assert.Equal((ScheduledContactStatus.Queued, 0), (e.Status, e.Attempts)));
    }

    private static async Task<ContactAttemptId> LedgerRowAsync(HopperWorld world, Seeded seeded, ContactOutcome outcome)
    {
        var row = HopperWorld.Call(seeded, seeded.Phone(1), world.Now, outcome);
        row.ScheduledContactId = seeded.Call.Id;
        await world.AddAsync(row);
        return row.Id;
    }
}
