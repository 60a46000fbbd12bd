using Collections.Shared.Cases;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.FieldVisits;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Outcomes;
using Collections.Shared.Workflow.Risk;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.FieldVisits;

/// <summary>Field visit outcomes on a database: stored once per idempotency key (the phone's outbox may send one outcome
/// several times), through the workflow's writers, with the acknowledgement of debt restarting limitation (BGB § 212(1)
/// Nr. 1) and a move feeding the warning signs (seed 000).</summary>
public sealed class FieldVisitServiceTests
{
    // Tuesday 2 June 2026, 10:00 in Berlin.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 2, 8, 0, 0, TimeSpan.Zero));

    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Instant Now => Instant.FromDateTimeOffset(_clock.GetUtcNow());

    [Fact]
    public async Task An_outcome_sent_again_or_twice_at_once_is_stored_once()
    {
        var (db, service, account) = await OpenAsync();
        var visit = await service.ScheduleAsync(account.Id, new LocalDate(2026, 6, 2), VisitAsks.Payment, "supervisor", Ct);
        Assert.Equal(visit, await service.ScheduleAsync(account.Id, new LocalDate(2026, 6, 2), VisitAsks.Payment, "supervisor", Ct));
        var request = new VisitOutcomeRequest("outcome-0001", visit, account.Id, VisitResult.Met, Now, "paid cash at the door",
            Payment: new VisitPayment(50m, PaymentMethod.Cash, "R-0001"));

        var first = await service.RecordAsync(request, "field-1", Ct);
        var again = await service.RecordAsync(request, "field-1", Ct);
        var unplanned = request with { IdempotencyKey = "outcome-0002", VisitId = null, Result = VisitResult.NotMet, Payment = null };
        var together = await Task.WhenAll(service.RecordAsync(unplanned, "field-1", Ct), service.RecordAsync(unplanned, "field-1", Ct));

        Assert.False(first.Duplicate);
        Assert.Equal((first.OutcomeId, true), (again.OutcomeId, again.Duplicate));
        Assert.Equal(1, together.Count(r => !r.Duplicate));
        Assert.Equal(together[0].OutcomeId, together[1].OutcomeId);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal(["outcome-0001", "outcome-0002"], (await context.FieldVisitOutcomes.Select(o => o.IdempotencyKey).ToListAsync(Ct)).Order());
        Assert.Equal(50m, Assert.Single(await context.Payments.Where(p => p.Reference == "R-0001").ToListAsync(Ct)).Amount);
        Assert.Equal(2, await context.ContactAttempts.CountAsync(a => a.Channel == ContactChannel.Visit, Ct));
        var task = await context.ScheduledContacts.SingleAsync(c => c.Id == visit, Ct);
        Assert.Equal((ScheduledContactStatus.Done, "visit: met (field-1)", 1), (task.Status, task.Outcome, task.Attempts));
        var disposition = await context.Dispositions.SingleAsync(d => d.Code == DispositionCode.PaymentTaken, Ct);
        Assert.Equal("paid cash at the door", disposition.Note);

        // Another outcome (another key) for a visit already closed is refused: one visit, one outcome.
        var second = await Assert.ThrowsAsync<OutcomeRefusedException>(() => service.RecordAsync(request with { IdempotencyKey = "outcome-0003" }, "field-1", Ct));
        Assert.StartsWith("visitId:", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_refuses_a_second_outcome_with_the_same_key()
    {
        var (db, _, account) = await OpenAsync();
        await using var context = DatabaseSetup.CreateContext(db);
        FieldVisitOutcome Row() => new() { IdempotencyKey = "same-key-1", AccountId = account.Id, Result = VisitResult.NotMet, Agent = "field-1", VisitedAt = Now, RecordedAt = Now };
        context.FieldVisitOutcomes.Add(Row());
        await context.SaveChangesAsync(Ct);
        context.FieldVisitOutcomes.Add(Row());

        await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task A_signed_acknowledgement_is_kept_with_its_signature_and_restarts_limitation()
    {
        var (db, service, account) = await OpenAsync();
        var text = "Ich, Max Mustermann, erkenne an, am 02.06.2026 Telco Deutschland 800,00 € unter dem Aktenzeichen TEL-1001 zu schulden.";

        var saved = await service.RecordAsync(new VisitOutcomeRequest("ack-000001", null, account.Id, VisitResult.Met, Now,
            Acknowledgement: new VisitAcknowledgement(text, 800m, "Max Mustermann", Signature)), "field-1", Ct);

        // Due 10 May 2023: BGB §§ 195, 199(1) end the period on 31 December 2026; the acknowledgement on 2 June 2026 starts a
        // new three-year period from its day (§ 212(1) Nr. 1), ending 2 June 2029.
        Assert.Equal(new LocalDate(2029, 6, 2), saved.Limitation!.LastDay);
        Assert.Equal(LimitationEventKind.Acknowledgement, saved.Limitation.Result!.RestartedBy!.Kind);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal(new LocalDate(2029, 6, 2), (await context.Cases.SingleAsync(Ct)).LimitationLastDay);
        var stored = await context.DebtAcknowledgements.SingleAsync(Ct);
        Assert.Equal((text, "field-1", "Max Mustermann", ContactChannel.Visit, new LocalDate(2026, 6, 2)),
            (stored.Text, stored.RecordedBy, stored.SignedBy, stored.Channel, stored.SignedOn));
        Assert.Equal(Signature, stored.SignaturePng);
        Assert.Equal(stored.Id, (await context.FieldVisitOutcomes.SingleAsync(Ct)).AcknowledgementId);
    }

    [Fact]
    public async Task A_move_found_at_the_door_becomes_the_current_address_and_the_third_raises_the_warning_sign()
    {
        var (db, service, account) = await OpenAsync();
        async Task<string?> MoveAsync(int n, string city)
        {
            await service.RecordAsync(new VisitOutcomeRequest($"moved-000{n}", null, account.Id, VisitResult.Moved, Now,
                NewAddress: new VisitNewAddress($"Bahnhofstr. {n}", $"0{n}067", city, "de")), "field-1", Ct);
            await using var context = DatabaseSetup.CreateContext(db);
            return (await context.Cases.SingleAsync(Ct)).RiskFlags;
        }

        Assert.DoesNotContain(RiskSignals.AddressChanges, RiskSignals.Parse(await MoveAsync(1, "Dresden")));
        Assert.DoesNotContain(RiskSignals.AddressChanges, RiskSignals.Parse(await MoveAsync(2, "Leipzig")));
        // Three moves within 180 days (WorkflowOptions.AddressChangeThreshold, AddressChangeWindowDays).
        Assert.Contains(RiskSignals.AddressChanges, RiskSignals.Parse(await MoveAsync(3, "Chemnitz")));
        await using var check = DatabaseSetup.CreateContext(db);
        var current = await check.Addresses.Where(a => a.DebtorId == account.DebtorId && a.ValidUntil == null).SingleAsync(Ct);
        Assert.Equal(("Chemnitz", "DE"), (current.City, current.Country));
        Assert.Equal(4, await check.Addresses.CountAsync(a => a.DebtorId == account.DebtorId, Ct));
    }

    [Fact]
    public async Task An_outcome_out_of_visiting_hours_is_refused_naming_the_rule_and_nothing_is_stored()
    {
        var (db, service, account) = await OpenAsync();
        // Monday 1 June 2026, 20:00 in Berlin: de.calling-hours (no visiting rule in Germany) ends at 20:00.
        var late = new LocalDateTime(2026, 6, 1, 20, 0).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToInstant();

        var refused = await Assert.ThrowsAsync<OutcomeRefusedException>(() => service.RecordAsync(
            new VisitOutcomeRequest("late-00001", null, account.Id, VisitResult.Met, late, Promise: new VisitPromise(100m, new LocalDate(2026, 6, 12))), "field-1", Ct));

        Assert.StartsWith("visitedAt: outside visiting hours", refused.Message, StringComparison.Ordinal);
        Assert.Contains("de.calling-hours", refused.Message, StringComparison.Ordinal);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.False(await context.FieldVisitOutcomes.AnyAsync(Ct));
        Assert.False(await context.Promises.AnyAsync(Ct));
        Assert.False(await context.ContactAttempts.AnyAsync(a => a.Channel == ContactChannel.Visit, Ct));
    }

    [Fact]
    public async Task A_dispute_hold_stops_visits_it_refuses_the_visit_and_its_outcome()
    {
        var (db, service, account) = await OpenAsync();
        var visit = await service.ScheduleAsync(account.Id, new LocalDate(2026, 6, 2), VisitAsks.Payment, "supervisor", Ct);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            context.Holds.Add(new Hold { AccountId = account.Id, Kind = HoldKind.Dispute, Reason = "invoice disputed", From = Now - Duration.FromMinutes(1) });
            await context.SaveChangesAsync(Ct);
        }

        var listed = Assert.Single(Assert.Single(await service.DayAsync(Ct)).Visits);
        Assert.Equal((false, FieldVisitService.HoldRule), (listed.Hours.Allowed, listed.Hours.RuleId));
        var refused = await Assert.ThrowsAsync<OutcomeRefusedException>(() => service.RecordAsync(
            new VisitOutcomeRequest("held-00001", visit, account.Id, VisitResult.Met, Now, Promise: new VisitPromise(100m, new LocalDate(2026, 6, 12))), "field-1", Ct));
        Assert.Contains("invoice disputed", refused.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<OutcomeRefusedException>(() => service.ScheduleAsync(account.Id, new LocalDate(2026, 6, 3), VisitAsks.Payment, "supervisor", Ct));
        Assert.StartsWith("accountId: the account is on hold", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cease_communication_request_stops_visits_as_it_stops_calls_and_letters()
    {
        // de.yaml de.objection (DSGVO Art. 21; BGB §§ 823, 1004 analog): after an objection the debtor is not contacted on any
        // channel, and a visit at the door is contact too. A request on record refuses the visit, lists it as not allowed, and
        // refuses an outcome; once revoked, visits are allowed again.
        var (db, service, account) = await OpenAsync();
        var visit = await service.ScheduleAsync(account.Id, new LocalDate(2026, 6, 2), VisitAsks.Payment, "supervisor", Ct);
        var objection = new OptOut { DebtorId = account.DebtorId, At = Now - Duration.FromMinutes(1), Source = "letter of 1 June" };
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            context.OptOuts.Add(objection);
            await context.SaveChangesAsync(Ct);
        }

        var listed = Assert.Single(Assert.Single(await service.DayAsync(Ct)).Visits);
        Assert.Equal((false, "de.objection"), (listed.Hours.Allowed, listed.Hours.RuleId));
        var refused = await Assert.ThrowsAsync<OutcomeRefusedException>(() => service.RecordAsync(
            new VisitOutcomeRequest("cease-0001", visit, account.Id, VisitResult.Met, Now, Promise: new VisitPromise(100m, new LocalDate(2026, 6, 12))), "field-1", Ct));
        Assert.StartsWith("visitedAt: cease-communication request received", refused.Message, StringComparison.Ordinal);
        Assert.Contains("de.objection", refused.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<OutcomeRefusedException>(() => service.ScheduleAsync(account.Id, new LocalDate(2026, 6, 3), VisitAsks.Payment, "supervisor", Ct));
        Assert.StartsWith("accountId: cease-communication request received", again.Message, StringComparison.Ordinal);

        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var stored = await context.OptOuts.SingleAsync(o => o.Id == objection.Id, Ct);
            stored.RevokedAt = Now;
            await context.SaveChangesAsync(Ct);
        }

        Assert.True(Assert.Single(Assert.Single(await service.DayAsync(Ct)).Visits).Hours.Allowed);
    }

    [Theory]
    [InlineData("short", "idempotencyKey:")]
    [InlineData("has spaces in it", "idempotencyKey:")]
    public void A_bad_key_is_refused_naming_the_field(string key, string field)
    {
        var refused = Assert.Throws<OutcomeRefusedException>(() => FieldVisitService.Validate(
            new VisitOutcomeRequest(key, null, AccountId.New(), VisitResult.Met, Instant.FromUtc(2026, 6, 2, 8, 0)), Instant.FromUtc(2026, 6, 2, 8, 0)));
        Assert.StartsWith(field, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_promise_from_a_door_nobody_opened_and_a_signature_that_is_no_PNG_are_refused()
    {
        var now = Instant.FromUtc(2026, 6, 2, 8, 0);
        var notMet = new VisitOutcomeRequest("key-000001", null, AccountId.New(), VisitResult.NotMet, now, Promise: new VisitPromise(10m, new LocalDate(2026, 6, 9)));
        Assert.StartsWith("result:", Assert.Throws<OutcomeRefusedException>(() => FieldVisitService.Validate(notMet, now)).Message, StringComparison.Ordinal);
        var jpeg = notMet with { Result = VisitResult.Met, Promise = null, Acknowledgement = new VisitAcknowledgement("text", 10m, "X", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0, 0]) };
        Assert.StartsWith("acknowledgement.signaturePng:", Assert.Throws<OutcomeRefusedException>(() => FieldVisitService.Validate(jpeg, now)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_strategy_step_on_the_visit_channel_puts_the_visit_on_the_days_route_with_what_to_ask_for()
    {
        var strategy = StrategyLoader.Parse("""
            id: visit-first
            name: Visit first
            priority: 1
            steps:
              - id: field-visit
                phase: phone-and-messages
                channel: visit
                campaign: field-visits
                stage: acknowledgement
                anchor: due-date
                days: 0
                time: "10:00"
            """, "visit-first.yaml");
        var (_, service, account) = await OpenAsync(new StrategyCatalog([strategy]));

        var day = await service.DayAsync(Ct);

        var group = Assert.Single(day);
        Assert.Equal(("DE", "10115", "Berlin"), (group.Country, group.PostalCode, group.City));
        var visit = Assert.Single(group.Visits);
        Assert.Equal((account.Id, "TEL-1001", "Hauptstr. 1"), (visit.AccountId, visit.Reference, visit.Stop.Street));
        Assert.Equal([VisitAsks.Acknowledgement], visit.AskFor);
        Assert.True(visit.Hours.Allowed, visit.Hours.Reason);
        Assert.Equal(800m, visit.Outstanding);
    }

    private async Task<(DatabaseOptions Db, FieldVisitService Service, Account Account)> OpenAsync(StrategyCatalog? strategies = null)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2023, 5, 10), 800m);
        var driver = new WorkDriver(db, _clock, strategies: strategies);
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        await driver.RunUntilAsync(Now);
        var engine = ComplianceSetup.CreateEngine(new ComplianceOptions());
        var limitation = new LimitationService(db.Contexts(), engine, _clock, NullLogger<LimitationService>.Instance);
        var service = new FieldVisitService(db.Contexts(), driver.Runner, new VisitingHours(engine, new CalendarPublicHolidays()), limitation,
            new CaseTimelineQuery(db.Contexts(), Options.Create(new WorkflowOptions()), limitation: limitation), _clock, NullLogger<FieldVisitService>.Instance);
        return (db, service, account);
    }
}
