using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Compliance;

/// <summary>
/// The ledger discipline on a real SQLite file: a pending row is committed before the dial leaves, compliance is re-checked
/// inside that transaction, and a row whose outcome never arrives (a crash) still counts.
/// </summary>
public sealed class ContactLedgerTests
{
    private static readonly ContactTarget Mobile = new(ContactChannel.Call, UsMobile);

    private static FakeTimeProvider ClockAt(Instant at) => new(at.ToDateTimeOffset());

    private static ContactLedger Ledger(LedgerDatabase database, TimeProvider time) =>
        new(Engine, database.CreateContext, time, NullLogger<ContactLedger>.Instance);

    [Fact]
    public async Task Reserve_commits_a_pending_row_before_the_dial_and_complete_writes_the_outcome()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = ClockAt(Local(NewYork, 2026, 1, 6, 10));
        var ledger = Ledger(database, clock);
        var ct = TestContext.Current.CancellationToken;

        var reservation = await ledger.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
        Assert.True(reservation.MayProceed);

        // A different connection sees the committed pending row: it survives a crash of the dialer from here on.
        await using (var other = database.CreateContext())
        {
            var row = await other.ContactAttempts.SingleAsync(a => a.Id == reservation.AttemptId, ct);
            Assert.Equal(ContactOutcome.Pending, row.Outcome);
            Assert.Equal(Local(NewYork, 2026, 1, 6, 10), row.StartedAt);
            Assert.Null(row.EndedAt);
        }

        clock.Advance(TimeSpan.FromSeconds(95));
        await ledger.CompleteAsync(reservation.AttemptId!.Value, new ContactResult(ContactOutcome.NoAnswer, ExternalId: "call-1"), ct);
        await using (var other = database.CreateContext())
        {
            var row = await other.ContactAttempts.SingleAsync(a => a.Id == reservation.AttemptId, ct);
            Assert.Equal(ContactOutcome.NoAnswer, row.Outcome);
            Assert.Equal(Local(NewYork, 2026, 1, 6, 10) + Duration.FromSeconds(95), row.EndedAt);
            Assert.Equal("call-1", row.ExternalId);
        }
    }

    // 12 CFR 1006.14(b)(2)(i)(A): seven calls placed in seven days, none completed (the dialer crashed after each dial):
    // the pending rows count, so the eighth reservation is refused and writes nothing.
    [Fact]
    public async Task Pending_rows_left_by_crashes_count_and_the_eighth_call_is_refused()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = ClockAt(Local(NewYork, 2026, 1, 5, 10));
        var ct = TestContext.Current.CancellationToken;
        for (var day = 0; day < 7; day++)
        {
            clock.SetUtcNow(Local(NewYork, 2026, 1, 5 + day, 10).ToDateTimeOffset());

            // A new ledger object each time: nothing survives in memory between "crashes".
            var reservation = await Ledger(database, clock).ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
            Assert.True(reservation.MayProceed, $"call {day + 1} refused: {string.Join("; ", reservation.Decision.Rules.Where(r => r.Verdict == RuleVerdict.Refused).Select(r => r.Reason))}");
        }

        clock.SetUtcNow(Local(NewYork, 2026, 1, 11, 15).ToDateTimeOffset());
        var eighth = await Ledger(database, clock).ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
        Assert.False(eighth.MayProceed);
        Assert.Equal(RuleVerdict.Refused, Rule(eighth.Decision, "us.reg-f.7-in-7").Verdict);

        await using var db = database.CreateContext();
        Assert.Equal(7, await db.ContactAttempts.CountAsync(ct));
        Assert.All(await db.ContactAttempts.ToListAsync(ct), a => Assert.Equal(ContactOutcome.Pending, a.Outcome));
    }

    // 1006.14(b)(2)(i)(B): a completed call marked as a conversation starts the seven-day quiet period for the next reservation.
    [Fact]
    public async Task Conversation_recorded_at_completion_refuses_the_next_days_call()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = ClockAt(Local(NewYork, 2026, 1, 5, 10));
        var ledger = Ledger(database, clock);
        var ct = TestContext.Current.CancellationToken;

        var first = await ledger.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
        clock.Advance(TimeSpan.FromMinutes(4));
        await ledger.CompleteAsync(first.AttemptId!.Value, new ContactResult(ContactOutcome.Answered, RightPartyContact: true), ct);

        clock.SetUtcNow(Local(NewYork, 2026, 1, 6, 10).ToDateTimeOffset());
        var next = await ledger.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
        Assert.False(next.MayProceed);
        Assert.Equal(Local(NewYork, 2026, 1, 12, 8), next.Decision.NextAllowedAt);
    }

    [Fact]
    public async Task Conversation_recorded_by_the_operator_survives_the_dialers_completion()
    {
        // Reg F 1006.14(b)(2)(i)(B): the conversation the operator recorded (disposition saved while the line was up) still
        // counts after the dialer completes the row on hang-up with no right-party flag of its own.
        await using var database = await LedgerDatabase.CreateAsync();
        var clock = ClockAt(Local(NewYork, 2026, 1, 5, 10));
        var ledger = Ledger(database, clock);
        var ct = TestContext.Current.CancellationToken;

        var first = await ledger.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
        await using (var db = database.CreateContext())
        {
            var row = await db.ContactAttempts.SingleAsync(a => a.Id == first.AttemptId!.Value, ct);
            row.RightPartyContact = true;
            await db.SaveChangesAsync(ct);
        }

        clock.Advance(TimeSpan.FromMinutes(4));
        await ledger.CompleteAsync(first.AttemptId!.Value, new ContactResult(ContactOutcome.Answered), ct);
        await using (var db = database.CreateContext())
        {
            Assert.True((await db.ContactAttempts.SingleAsync(a => a.Id == first.AttemptId!.Value, ct)).RightPartyContact);
        }

        clock.SetUtcNow(Local(NewYork, 2026, 1, 6, 10).ToDateTimeOffset());
        Assert.False((await ledger.ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct)).MayProceed);
    }

    [Fact]
    public async Task Refused_reservation_writes_no_row()
    {
        await using var database = await LedgerDatabase.CreateAsync(consent: false);
        var ct = TestContext.Current.CancellationToken;
        var refused = await Ledger(database, ClockAt(Local(NewYork, 2026, 1, 6, 10)))
            .ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct);
        Assert.False(refused.MayProceed);
        Assert.Equal(RuleVerdict.Refused, Rule(refused.Decision, "us.tcpa.autodial-consent").Verdict);
        await using var db = database.CreateContext();
        Assert.Equal(0, await db.ContactAttempts.CountAsync(ct));
    }

    // Two dialer threads reserving at once for an account with one call left under 7-in-7: the write lock taken by the
    // insert serialises them, so exactly one proceeds.
    [Fact]
    public async Task Concurrent_reservations_cannot_both_take_the_last_call() =>
        await OneOfTwoTakesTheLastCallAsync(await LedgerDatabase.CreateAsync());

    /// <summary>Two reservations at once for an account with one call left under Regulation F's 7-in-7
    /// (12 CFR 1006.14(b)(2)(i)): one proceeds, the other is refused by the cap, never an error and never both.</summary>
    internal static async Task OneOfTwoTakesTheLastCallAsync(LedgerDatabase database)
    {
        await using var owned = database;
        var ct = TestContext.Current.CancellationToken;
        await using (var db = database.CreateContext())
        {
            db.ContactAttempts.AddRange(Enumerable.Range(5, 6).Select(d => ComplianceTestData.Call(database.Account, UsMobile, Local(NewYork, 2026, 1, d, 10))));
            await db.SaveChangesAsync(ct);
        }

        var clock = ClockAt(Local(NewYork, 2026, 1, 11, 10));
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(
            () => Ledger(database, clock).ReserveAsync(new ContactRequest(database.Account.Id, Mobile, CampaignContext.Predictive), ct), ct)));
        Assert.Equal(1, results.Count(r => r.MayProceed));
        await using var check = database.CreateContext();
        Assert.Equal(7, await check.ContactAttempts.CountAsync(ct));
    }

    [Fact]
    public async Task Explain_service_reads_the_database_and_finds_accounts_by_reference()
    {
        await using var database = await LedgerDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        var service = new ComplianceService(Engine, database.CreateContext, ClockAt(Local(NewYork, 2026, 1, 6, 21)));

        var (id, error) = await service.FindAccountAsync("ACME-1001", "ACME", ct);
        Assert.Null(error);
        Assert.Equal(database.Account.Id, id);
        Assert.Contains("unknown account 'NOPE'", (await service.FindAccountAsync("NOPE", null, ct)).Error, StringComparison.Ordinal);

        var report = await service.ExplainAsync(database.Account.Id, "ACME-1001", null, CampaignContext.Predictive, ct);
        Assert.NotNull(report);
        Assert.Equal("America/New_York", report.Zone);
        Assert.False(report.Call.Allowed);
        Assert.Equal("2026-01-07T13:00:00Z", report.Call.NextAllowedAt);
        Assert.Contains(report.Call.Rules, r => r.Rule == "us.reg-f.inconvenient-time" && r.Verdict == "refused");
    }
}

/// <summary>The same race on PostgreSQL, where the loser of two serializable reservations gets a serialization failure
/// (40001) at commit: it is evaluated again, sees the winner's row and is refused by the cap instead of failing the call.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresContactLedgerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Concurrent_reservations_cannot_both_take_the_last_call_and_the_loser_is_refused_not_failed()
    {
        for (var round = 0; round < 4; round++)
        {
            var options = await TestDatabases.NewPostgresAsync(await postgres.ServerAsync());
            await ContactLedgerTests.OneOfTwoTakesTheLastCallAsync(await LedgerDatabase.CreateAsync(options: options));
        }
    }

    [Fact]
    public void Serialization_conflicts_are_recognised_through_the_wrappers_EF_puts_around_them()
    {
        var failure = new Npgsql.PostgresException("could not serialize access", "ERROR", "ERROR", "40001");
        Assert.True(ContactLedger.IsSerializationConflict(new InvalidOperationException("transient", failure)));
        Assert.True(ContactLedger.IsSerializationConflict(new Npgsql.PostgresException("deadlock detected", "ERROR", "ERROR", "40P01")));
        Assert.False(ContactLedger.IsSerializationConflict(new Npgsql.PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(ContactLedger.IsSerializationConflict(new InvalidOperationException("no database involved")));
    }
}
