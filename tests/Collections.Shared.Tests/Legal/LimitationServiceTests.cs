using Collections.Shared.Cases;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Legal;

/// <summary>Limitation computed from the record on a database, stored on open cases, and the legal queue that reads it.</summary>
public sealed class LimitationServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refresh_stores_each_case_limitation_and_the_legal_queue_shows_those_nearing_it()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        // 1 August 2026.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 8, 1, 9, 0, 0, TimeSpan.Zero));
        // DE, due 10 May 2023: BGB §§ 195, 199(1) -> last day 31 December 2026, flagged 180 days before (4 July 2026).
        var nearing = await WorkflowData.SeedAccountAsync(db, new LocalDate(2023, 5, 10), 800m, "DE-NEAR");
        // DE, same due day, acknowledgement signed 1 June 2026: § 212(1) Nr. 1 -> last day 1 June 2029.
        var acknowledged = await WorkflowData.SeedAccountAsync(db, new LocalDate(2023, 5, 10), 800m, "DE-ACK");
        // HU, due 10 January 2021: Ptk. 6:22 -> last day 10 January 2026, barred; a part payment in 2025 restarts it (6:25).
        var hungarian = await WorkflowData.SeedAccountAsync(db, new LocalDate(2021, 1, 10), 300m, "HU-PAY");
        var barred = await WorkflowData.SeedAccountAsync(db, new LocalDate(2021, 1, 10), 300m, "HU-OLD");
        var review = await WorkflowData.SeedAccountAsync(db, new LocalDate(2026, 3, 1), 900m, "DE-REVIEW");
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            foreach (var (account, phase) in new[] { (nearing, CasePhase.PhoneAndMessages), (acknowledged, CasePhase.FinalDemand), (hungarian, CasePhase.PaymentArrangement), (barred, CasePhase.Hibernation), (review, CasePhase.LegalReview) })
            {
                context.Cases.Add(new Case { AccountId = account.Id, Phase = phase, OpenedAt = Instant.FromUtc(2025, 1, 1, 0, 0) });
            }

            foreach (var account in new[] { hungarian, barred })
            {
                var address = await context.Addresses.SingleAsync(a => a.DebtorId == account.DebtorId, Ct);
                (address.Country, address.City, address.PostalCode) = ("HU", "Budapest", "1051");
            }

            context.Payments.Add(new Payment { AccountId = hungarian.Id, Amount = 50m, Currency = "EUR", ReceivedOn = new LocalDate(2025, 3, 1), RecordedAt = Instant.FromUtc(2025, 3, 2, 8, 0) });
            context.DebtAcknowledgements.Add(new DebtAcknowledgement
            {
                AccountId = acknowledged.Id, SignedOn = new LocalDate(2026, 6, 1), RecordedAt = Instant.FromUtc(2026, 6, 1, 12, 0), Channel = ContactChannel.Visit,
                Text = "Ich erkenne die Forderung von 800,00 EUR an.", Amount = 800m, SignedBy = "Max Mustermann", RecordedBy = "field-1",
            });
            await context.SaveChangesAsync(Ct);
        }

        var service = new LimitationService(db.Contexts(), ComplianceSetup.CreateEngine(new ComplianceOptions()), clock, NullLogger<LimitationService>.Instance);

        var report = await service.RefreshAsync(batchSize: 2, Ct);

        Assert.Equal(new LimitationRefreshReport(Cases: 5, Changed: 5, Nearing: 1, TimeBarred: 1), report);
        Assert.Equal((new LocalDate(2026, 12, 31), new LocalDate(2026, 7, 4)), await StoredAsync(db, nearing.Id));
        Assert.Equal(new LocalDate(2029, 6, 1), (await StoredAsync(db, acknowledged.Id)).LastDay);
        Assert.Equal(new LocalDate(2030, 3, 1), (await StoredAsync(db, hungarian.Id)).LastDay);
        Assert.Equal(new LocalDate(2026, 1, 10), (await StoredAsync(db, barred.Id)).LastDay);
        Assert.Equal(0, (await service.RefreshAsync(ct: Ct)).Changed);

        var queue = await new LegalQueue(db.Contexts(), clock).LoadAsync(ct: Ct);
        Assert.Equal(
            [("HU-OLD", LegalQueueReason.TimeBarred), ("DE-NEAR", LegalQueueReason.NearingLimitation), ("DE-REVIEW", LegalQueueReason.LegalReview)],
            queue.Select(r => (r.Reference, r.Reason)));

        // The case's timeline shows the date and what restarted it.
        var timeline = await new CaseTimelineQuery(db.Contexts(), Options.Create(new WorkflowOptions()), limitation: service).LoadAsync(acknowledged.Id, Ct);
        Assert.Equal(new LocalDate(2029, 6, 1), timeline!.Limitation!.LastDay);
        Assert.Equal(LimitationState.Running, timeline.Limitation.State);
        Assert.Contains("signed by Max Mustermann", timeline.Limitation.Result!.RestartedBy!.Description, StringComparison.Ordinal);
        Assert.Equal(LimitationState.Nearing, (await service.ForAccountAsync(nearing.Id, Ct))!.State);
        Assert.Equal(152, (await service.ForAccountAsync(nearing.Id, Ct))!.DaysLeft);
    }

    private static async Task<(LocalDate? LastDay, LocalDate? WarnFrom)> StoredAsync(DatabaseOptions db, AccountId id)
    {
        await using var context = DatabaseSetup.CreateContext(db);
        var c = await context.Cases.AsNoTracking().SingleAsync(x => x.AccountId == id, Ct);
        return (c.LimitationLastDay, c.LimitationWarnFrom);
    }
}
