using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Privacy;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Privacy;

/// <summary>The retention job on a SQLite file, on an injected clock: only debtors whose cases all closed longer ago than
/// their jurisdiction's period are anonymised, held ones are skipped and counted, and a second run finds nothing to do.</summary>
public sealed class RetentionSweepTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DatabaseOptions _db = TestDatabases.NewSqlite();

    public async ValueTask InitializeAsync() => await _db.MigrateAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static readonly PrivacyOptions Options = new()
    {
        RetentionAfterClosed = TimeSpan.FromDays(3 * 365),
        RetentionByJurisdiction = new() { ["HU"] = TimeSpan.FromDays(6 * 365) },
    };

    private Task<RetentionReport> RunAsync(TimeProvider clock, bool dryRun = false) =>
        RetentionSweep.RunAsync(() => DatabaseSetup.CreateContext(_db), Options, Instant.FromDateTimeOffset(clock.GetUtcNow()), dryRun, ErasureFiles.None, Ct);

    [Fact]
    public async Task Only_cases_closed_past_their_period_and_not_held_are_anonymised()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 3, 15, 0, TimeSpan.Zero));
        var fourYearsAgo = Instant.FromUtc(2022, 11, 1, 0, 0);
        var due = await PrivacyData.SeedAsync(_db, "DUE-1", closedAt: fourYearsAgo);
        var recent = await PrivacyData.SeedAsync(_db, "RECENT-2", closedAt: Instant.FromUtc(2024, 6, 1, 0, 0));
        var held = await PrivacyData.SeedAsync(_db, "HELD-3", paid: 100m, closedAt: fourYearsAgo);
        var hungarian = await PrivacyData.SeedAsync(_db, "HU-4", country: "HU", closedAt: fourYearsAgo);
        var open = await PrivacyData.SeedAsync(_db, "OPEN-5", phase: CasePhase.PhoneAndMessages, paid: 0m);

        var dry = await RunAsync(clock, dryRun: true);
        Assert.Equal((true, 4, 2, 1, 1), (dry.DryRun, dry.Closed, dry.NotDue, dry.Erased, dry.Held));
        Assert.Empty(await ErasedAsync());

        var report = await RunAsync(clock);

        Assert.Equal((4, 2, 1, 1), (report.Closed, report.NotDue, report.Erased, report.Held));
        Assert.Equal(1, report.Holds["balance-outstanding"]);
        Assert.Equal([due.Debtor], await ErasedAsync());
        await using (var db = DatabaseSetup.CreateContext(_db))
        {
            var entry = Assert.Single(await db.AuditEntries.ToListAsync(Ct));
            Assert.Equal((RetentionSweep.Actor, "change", $"debtor:{due.Debtor.Value}"), (entry.Actor, entry.Action, entry.Subject));
        }

        // A year on, the Hungarian case is still within its six years and the recent one is past three; the held one stays held.
        clock.Advance(TimeSpan.FromDays(365));
        var later = await RunAsync(clock);
        Assert.Equal((3, 1, 1, 1), (later.Closed, later.NotDue, later.Erased, later.Held));
        Assert.Equal(new[] { due.Debtor, recent.Debtor }.OrderBy(d => d.Value), (await ErasedAsync()).OrderBy(d => d.Value));
        Assert.DoesNotContain(hungarian.Debtor, await ErasedAsync());
        Assert.DoesNotContain(held.Debtor, await ErasedAsync());
        Assert.DoesNotContain(open.Debtor, await ErasedAsync());
    }

    [Fact]
    public void Per_jurisdiction_periods_are_validated_naming_the_key()
    {
        var options = new PrivacyOptions { RetentionByJurisdiction = new() { ["de"] = TimeSpan.FromDays(30), ["HU"] = TimeSpan.FromHours(1) } };
        var problems = options.Problems().ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("Collections:Privacy:RetentionByJurisdiction:de", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Collections:Privacy:RetentionByJurisdiction:HU", StringComparison.Ordinal));
    }

    private async Task<List<DebtorId>> ErasedAsync()
    {
        await using var db = DatabaseSetup.CreateContext(_db);
        return await db.Debtors.Where(d => d.ErasedAt != null).Select(d => d.Id).ToListAsync(Ct);
    }
}
