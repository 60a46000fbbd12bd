using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Hopper;
using Collections.Shared.Queues;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Compliance;

/// <summary>
/// Issue 19, finding 1: calls in flight when their node died. A live node closes a silent node's calls: the one put through to
/// an operator as the conversation it was, the ones still ringing or screening as lost; its own calls and a node that is
/// merely slow are left alone.
/// </summary>
public sealed class LedgerReconcilerTests
{
    private static readonly ContactTarget Mobile = new(ContactChannel.Call, UsMobile);
    private static readonly Duration Lease = Duration.FromSeconds(20);
    private static readonly Duration OrphanAge = Duration.FromHours(4);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dead_nodes_calls_are_closed_conversations_with_the_debtor_and_the_rest_lost_and_the_7_day_rule_then_holds()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        // Node B's own call still open since the day before (at most three calls a day to one number, so it is on the 5th).
        var clock = new FakeTimeProvider(Local(NewYork, 2026, 1, 5, 10).ToDateTimeOffset());
        var reconciler = new LedgerReconciler(database.CreateContext, clock, NullLogger<LedgerReconciler>.Instance);
        var dead = new ContactLedger(Engine, database.CreateContext, clock, NullLogger<ContactLedger>.Instance) { Node = "node-a" };
        var live = new ContactLedger(Engine, database.CreateContext, clock, NullLogger<ContactLedger>.Instance) { Node = "node-b" };
        var ours = await ReserveAsync(live, database);
        clock.SetUtcNow(Local(NewYork, 2026, 1, 6, 10).ToDateTimeOffset());
        await reconciler.HeartbeatAsync("node-a", Ct);
        await reconciler.HeartbeatAsync("node-b", Ct);

        var ringing = await ReserveAsync(dead, database);
        var talking = await ReserveAsync(dead, database);
        var wrongParty = await ReserveAsync(dead, database);
        await dead.ConnectedAsync(talking, amdFlagged: false, Ct);
        await dead.ConnectedAsync(wrongParty, amdFlagged: false, Ct);
        await using (var db = database.CreateContext())
        {
            // The operator had saved "wrong number" before the node died: that call was not a conversation with the debtor.
            db.Dispositions.Add(new Disposition { AccountId = database.Account.Id, ContactAttemptId = wrongParty, Code = DispositionCode.WrongNumber, At = Local(NewYork, 2026, 1, 6, 10) });
            await db.SaveChangesAsync(Ct);
        }

        var lastSeen = Local(NewYork, 2026, 1, 6, 10);
        // Node A is slow, not dead, 15 s after its last beat: nothing is touched.
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(new ReconcileReport(0, 0, 0), await reconciler.CloseDeadAsync("node-b", Lease, OrphanAge, Ct));

        clock.Advance(TimeSpan.FromSeconds(15));
        await reconciler.HeartbeatAsync("node-b", Ct);
        Assert.Equal(new ReconcileReport(1, 1, 2), await reconciler.CloseDeadAsync("node-b", Lease, OrphanAge, Ct));

        await using (var db = database.CreateContext())
        {
            var rows = await db.ContactAttempts.AsNoTracking().ToDictionaryAsync(a => a.Id, Ct);
            Assert.Equal((ContactOutcome.Lost, (Instant?)lastSeen, false), (rows[ringing].Outcome, rows[ringing].EndedAt, rows[ringing].RightPartyContact));
            Assert.Equal((ContactOutcome.Answered, (Instant?)lastSeen, true), (rows[talking].Outcome, rows[talking].EndedAt, rows[talking].RightPartyContact));
            Assert.Equal((ContactOutcome.Answered, false), (rows[wrongParty].Outcome, rows[wrongParty].RightPartyContact));
            Assert.Equal((ContactOutcome.Pending, (Instant?)null), (rows[ours].Outcome, rows[ours].EndedAt));
            Assert.Equal(["node-b"], await db.LedgerNodes.Select(n => n.Id).ToListAsync(Ct));
        }

        // 12 CFR 1006.14(b)(2)(i)(B): no call within seven consecutive days after a telephone conversation. The conversation the
        // crash interrupted counts: the next call is refused (before the fix the row stayed Pending and the rule never saw it).
        clock.Advance(TimeSpan.FromDays(2));
        var next = await live.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), Ct);
        Assert.False(next.MayProceed);
        Assert.Equal(["us.reg-f.after-conversation"], next.Decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Rule));
    }

    [Fact]
    public async Task Open_calls_of_no_known_node_are_closed_only_once_older_than_any_call()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Local(NewYork, 2026, 1, 6, 10).ToDateTimeOffset());
        var reconciler = new LedgerReconciler(database.CreateContext, clock, NullLogger<LedgerReconciler>.Instance);
        var untracked = new ContactLedger(Engine, database.CreateContext, clock, NullLogger<ContactLedger>.Instance);
        var call = await ReserveAsync(untracked, database);

        clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, (await reconciler.CloseDeadAsync("node-b", Lease, OrphanAge, Ct)).Lost);
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, (await reconciler.CloseDeadAsync("node-b", Lease, OrphanAge, Ct)).Lost);
        await using var db = database.CreateContext();
        Assert.Equal(ContactOutcome.Lost, (await db.ContactAttempts.SingleAsync(a => a.Id == call, Ct)).Outcome);
    }

    [Fact]
    public async Task A_dead_nodes_inbound_calls_are_closed_the_one_an_operator_took_as_answered_the_rest_lost_and_a_live_nodes_left_alone()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Local(NewYork, 2026, 1, 6, 10).ToDateTimeOffset());
        var reconciler = new LedgerReconciler(database.CreateContext, clock, NullLogger<LedgerReconciler>.Instance);
        await reconciler.HeartbeatAsync("node-a", Ct);
        await reconciler.HeartbeatAsync("node-b", Ct);
        var lastSeen = Local(NewYork, 2026, 1, 6, 10);
        InboundCall Call(string node, bool answered) => new()
        {
            From = "+12025550123", Did = "+442079460000", SipCallId = Guid.NewGuid().ToString("N"), ReceivedAt = lastSeen - Duration.FromMinutes(2),
            Language = "en", QueuedAt = lastSeen - Duration.FromMinutes(1), AnsweredAt = answered ? lastSeen - Duration.FromSeconds(30) : null,
            Outcome = InboundCallOutcome.InProgress, Node = node,
        };
        var talking = Call("node-a", answered: true);
        var waiting = Call("node-a", answered: false);
        var ours = Call("node-b", answered: false);
        await using (var db = database.CreateContext())
        {
            db.InboundCalls.AddRange(talking, waiting, ours);
            await db.SaveChangesAsync(Ct);
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        await reconciler.HeartbeatAsync("node-b", Ct);
        Assert.Equal(new ReconcileReport(1, 0, 0, 2), await reconciler.CloseDeadAsync("node-b", Lease, OrphanAge, Ct));

        await using (var db = database.CreateContext())
        {
            var rows = await db.InboundCalls.AsNoTracking().ToDictionaryAsync(c => c.Id, Ct);
            Assert.Equal((InboundCallOutcome.Answered, (Instant?)lastSeen), (rows[talking.Id].Outcome, rows[talking.Id].EndedAt));
            Assert.Equal((InboundCallOutcome.Lost, (Instant?)lastSeen), (rows[waiting.Id].Outcome, rows[waiting.Id].EndedAt));
            Assert.Equal((InboundCallOutcome.InProgress, (Instant?)null), (rows[ours.Id].Outcome, rows[ours.Id].EndedAt));
        }
    }

    [Fact]
    public async Task A_dead_nodes_claims_and_taken_calls_are_given_back_after_its_calls_are_closed_and_a_live_nodes_are_kept()
    {
        // The chaos test's survivor placed no call for minutes: the killed nodes' claims held every callable account of its
        // operators' languages until their 5-minute leases ran out.
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Local(NewYork, 2026, 1, 6, 10).ToDateTimeOffset());
        var reconciler = new LedgerReconciler(database.CreateContext, clock, NullLogger<LedgerReconciler>.Instance);
        var dead = new ContactLedger(Engine, database.CreateContext, clock, NullLogger<ContactLedger>.Instance) { Node = "node-a" };
        await reconciler.HeartbeatAsync("node-a", Ct);
        await reconciler.HeartbeatAsync("node-b", Ct);
        var inFlight = await ReserveAsync(dead, database);
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        var lease = now + Duration.FromMinutes(5);
        ScheduledContact Entry(ContactChannel channel, string holder) => new()
        {
            AccountId = database.Account.Id, Channel = channel, Campaign = "phone follow-up", Reason = "test", IdempotencyKey = Guid.NewGuid().ToString("N"),
            Status = ScheduledContactStatus.Taken, ClaimedBy = holder, ClaimedUntil = lease, DueAt = now, NextAttemptAt = now, CreatedAt = now,
        };
        var call = Entry(ContactChannel.Call, "node-a");
        var message = Entry(ContactChannel.Sms, "node-a");
        var live = Entry(ContactChannel.Call, "node-b");
        await using (var db = database.CreateContext())
        {
            db.ScheduledContacts.AddRange(call, message, live);
            db.HopperClaims.Add(new HopperClaim { AccountId = database.Account.Id, ClaimedBy = "node-a", ClaimedAt = now, ClaimedUntil = lease, ClaimCount = 1 });
            await db.SaveChangesAsync(Ct);
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        await reconciler.HeartbeatAsync("node-b", Ct);
        Assert.Equal(new ReconcileReport(1, 1, 0, 0, 1, 1), await reconciler.CloseDeadAsync("node-b", Lease, OrphanAge, Ct));

        await using (var db = database.CreateContext())
        {
            var claim = await db.HopperClaims.AsNoTracking().SingleAsync(c => c.AccountId == database.Account.Id, Ct);
            Assert.Equal(((string?)null, (Instant?)null), (claim.ClaimedBy, claim.ClaimedUntil));
            var entries = await db.ScheduledContacts.AsNoTracking().ToDictionaryAsync(c => c.Id, Ct);
            Assert.Equal((ScheduledContactStatus.Queued, (string?)null), (entries[call.Id].Status, entries[call.Id].ClaimedBy));
            // A message in doubt waits for its lease (its sender is asked with the idempotency key); a live node keeps its own.
            Assert.Equal((ScheduledContactStatus.Taken, "node-a"), (entries[message.Id].Status, entries[message.Id].ClaimedBy));
            Assert.Equal((ScheduledContactStatus.Taken, "node-b"), (entries[live.Id].Status, entries[live.Id].ClaimedBy));
            // The call that was in flight is closed before its account is free again: its Lost row keeps the number out.
            Assert.Equal(ContactOutcome.Lost, (await db.ContactAttempts.AsNoTracking().SingleAsync(a => a.Id == inFlight, Ct)).Outcome);
        }
    }

    private static async Task<ContactAttemptId> ReserveAsync(ContactLedger ledger, LedgerDatabase database)
    {
        var reservation = await ledger.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), Ct);
        Assert.True(reservation.MayProceed, string.Join("; ", reservation.Decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Reason)));
        return reservation.AttemptId!.Value;
    }
}
