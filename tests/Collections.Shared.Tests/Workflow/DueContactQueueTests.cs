using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.DueContacts;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public abstract class DueContactQueueTests
{
    private static readonly DueContactFilter Sms = new([ContactChannel.Sms, ContactChannel.Email, ContactChannel.Letter]);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<DatabaseOptions> NewDatabaseAsync();

    private Instant Now => Instant.FromDateTimeOffset(_clock.GetUtcNow());

    [Fact]
    public async Task Two_nodes_claiming_at_once_never_share_an_entry_and_a_dead_nodes_lease_gives_it_back()
    {
        var db = await (await NewDatabaseAsync()).MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2026, 2, 1), principal: 200m, reference: "Q-1");
        var ids = await QueueAsync(db, account.Id, 20, Now - Duration.FromMinutes(1));
        var queue = Queue(db);

        var claims = await Task.WhenAll(
            queue.ClaimAsync(Sms, 15, "node-a", Duration.FromMinutes(5), Ct),
            queue.ClaimAsync(Sms, 15, "node-b", Duration.FromMinutes(5), Ct));

        var a = claims[0].Select(c => c.Id).ToHashSet();
        var b = claims[1].Select(c => c.Id).ToHashSet();
        Assert.Empty(a.Intersect(b));
        Assert.Equal(20, a.Count + b.Count);
        Assert.All(claims[0], c => Assert.Equal(("node-a", ScheduledContactStatus.Taken), (c.ClaimedBy, c.Status)));

        // Nothing is due while the leases hold; node A dies, its lease runs out and node B takes its entries.
        Assert.Empty(await queue.ClaimAsync(Sms, 50, "node-b", Duration.FromMinutes(5), Ct));
        _clock.Advance(TimeSpan.FromMinutes(6));
        await queue.RenewAsync(b.First(), "node-b", Duration.FromMinutes(5), Ct);
        var recovered = await queue.ClaimAsync(Sms, 50, "node-b", Duration.FromMinutes(5), Ct);
        Assert.Contains(a.First(), recovered.Select(r => r.Id));
        Assert.DoesNotContain(b.First(), recovered.Select(r => r.Id));   // renewed: still B's first claim, not re-claimed
        Assert.Equal(ids.Count - 1, recovered.Count);
    }

    [Fact]
    public async Task A_batch_claim_takes_only_what_is_still_due_and_two_nodes_racing_over_one_batch_never_share_an_entry()
    {
        var db = await (await NewDatabaseAsync()).MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2026, 2, 1), principal: 200m, reference: "Q-B");
        var ids = await QueueAsync(db, account.Id, 30, Now - Duration.FromMinutes(1));
        var queue = Queue(db);
        await queue.DoneAsync(ids[0], "carried out meanwhile", Ct);
        await queue.RetryAsync(ids[1], Now + Duration.FromHours(1), "busy", Ct);

        var claims = await Task.WhenAll(
            queue.TryClaimEachAsync(ids, "node-a", Duration.FromMinutes(5), Ct),
            queue.TryClaimEachAsync([.. ids.AsEnumerable().Reverse()], "node-b", Duration.FromMinutes(5), Ct));

        Assert.Empty(claims[0].Intersect(claims[1]));
        Assert.Equal(ids.Skip(2).Order(), claims[0].Concat(claims[1]).Order());
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var rows = await context.ScheduledContacts.AsNoTracking().ToDictionaryAsync(c => c.Id, Ct);
            Assert.All(claims[0], id => Assert.Equal("node-a", rows[id].ClaimedBy));
            Assert.All(claims[1], id => Assert.Equal("node-b", rows[id].ClaimedBy));
        }

        // Held now; once the leases lapse (both nodes died) a third node takes them all.
        Assert.Empty(await queue.TryClaimEachAsync(ids, "node-c", Duration.FromMinutes(5), Ct));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(28, (await queue.TryClaimEachAsync(ids, "node-c", Duration.FromMinutes(5), Ct)).Count);
    }

    [Fact]
    public async Task An_attempt_is_counted_a_retry_waits_for_its_time_and_a_retry_past_expiry_expires_the_entry()
    {
        var db = await (await NewDatabaseAsync()).MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2026, 2, 1), principal: 200m, reference: "Q-2");
        var id = (await QueueAsync(db, account.Id, 1, Now, expires: Now + Duration.FromHours(3)))[0];
        var queue = Queue(db);

        var taken = Assert.Single(await queue.ClaimAsync(Sms, 5, "node-a", Duration.FromMinutes(5), Ct));
        var attempt = ContactAttemptId.New();
        await queue.AttemptedAsync(taken.Id, attempt, Ct);
        await queue.RetryAsync(taken.Id, Now + Duration.FromHours(1), "refused: calling-hours", Ct);

        var entry = await LoadAsync(db, id);
        Assert.Equal((ScheduledContactStatus.Queued, 1, attempt, null), (entry.Status, entry.Attempts, entry.ContactAttemptId, entry.ClaimedBy));
        Assert.Empty(await queue.ClaimAsync(Sms, 5, "node-a", Duration.FromMinutes(5), Ct));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Single(await queue.ClaimAsync(Sms, 5, "node-a", Duration.FromMinutes(5), Ct));

        // The next try would come after the entry's purpose has passed: it expires instead.
        await queue.RetryAsync(id, Now + Duration.FromHours(5), "no answer", Ct);
        entry = await LoadAsync(db, id);
        Assert.Equal(ScheduledContactStatus.Expired, entry.Status);
        Assert.Equal("expired: no answer", entry.Outcome);
    }

    [Fact]
    public async Task Done_and_cancelled_entries_are_never_claimed_again_and_cancelling_spares_other_purposes()
    {
        var db = await (await NewDatabaseAsync()).MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2026, 2, 1), principal: 200m, reference: "Q-3");
        var ids = await QueueAsync(db, account.Id, 3, Now);
        var queue = Queue(db);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var pre = await context.ScheduledContacts.SingleAsync(c => c.Id == ids[2], Ct);
            pre.Purpose = ContactPurpose.PreInstalment;
            await context.SaveChangesAsync(Ct);
        }

        await queue.DoneAsync(ids[0], "sent", Ct, OutboundMessageId.New());
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            Assert.Equal(1, await DueContactQueue.CancelOpenAsync(context, account.Id, [ContactPurpose.Reminder], "promise to pay recorded", Now, Ct));
            await context.SaveChangesAsync(Ct);
        }

        var left = Assert.Single(await queue.ClaimAsync(Sms, 5, "node-a", Duration.FromMinutes(5), Ct));
        Assert.Equal(ids[2], left.Id);
        Assert.Equal("cancelled: promise to pay recorded", (await LoadAsync(db, ids[1])).Outcome);
        Assert.NotNull((await LoadAsync(db, ids[0])).OutboundMessageId);
    }

    private DueContactQueue Queue(DatabaseOptions db) => new(() => DatabaseSetup.CreateContext(db), _clock, NullLogger<DueContactQueue>.Instance);

    private async Task<List<Guid>> QueueAsync(DatabaseOptions db, AccountId account, int count, Instant due, Instant? expires = null)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var rows = Enumerable.Range(0, count).Select(i => new ScheduledContact
        {
            AccountId = account,
            Channel = ContactChannel.Sms,
            Campaign = "reminder-messages",
            DueAt = due,
            NextAttemptAt = due,
            ExpiresAt = expires,
            Reason = "test",
            IdempotencyKey = $"test:{account}:{i}",
            Purpose = ContactPurpose.Reminder,
            Template = "payment-reminder-sms",
            CreatedAt = Now,
        }).ToList();
        context.ScheduledContacts.AddRange(rows);
        await context.SaveChangesAsync(Ct);
        return [.. rows.Select(r => r.Id)];
    }

    private static async Task<ScheduledContact> LoadAsync(DatabaseOptions db, Guid id)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        return await context.ScheduledContacts.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
    }
}

public sealed class SqliteDueContactQueueTests : DueContactQueueTests
{
    protected override Task<DatabaseOptions> NewDatabaseAsync() => Task.FromResult(TestDatabases.NewSqlite());
}

[Trait("Category", "Integration")]
public sealed class PostgresDueContactQueueTests(PostgresFixture postgres) : DueContactQueueTests
{
    protected override async Task<DatabaseOptions> NewDatabaseAsync() => await TestDatabases.NewPostgresAsync(await postgres.ServerAsync());
}
