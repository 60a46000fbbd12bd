using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Sweep;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Tests.Workflow;

/// <summary>
/// The due-work sweep and the per-item path (one trigger per work item, as <see cref="WorkDriver"/> fires them) leave the
/// same rows. One database is seeded with nine claims covering every rule (a strategy walked to legal review, a business
/// strategy in working days, a claim placed late, a kept, a broken and a partly kept promise, a plan paid once then missed
/// twice so it defaults, a balance paid off, a hibernating debtor with periodic re-checks), then copied; the copies live
/// through the same five months and the same payments, one driven by per-item work, the other by sweeps (at each instant
/// some work falls due and every eight hours in between), both down for seven weeks in the middle so that the catch-up runs
/// a backlog of steps, checks and reminders at once. The sweep runs twice, on two copies: as it runs in production (plain
/// case steps on the set-based path, <see cref="Collections.Shared.Workflow.Sweep.SetBasedSteps"/>, the rest on the entity
/// path) and with the entity path only. Every row of cases, steps, promises, plans, instalments, queued contacts, accounts,
/// payments and the contact ledger is then compared with the per-item side (generated ids aside).
/// </summary>
public sealed class SweepEquivalenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_sweep_leaves_the_same_rows_as_one_trigger_per_item() =>
        await CompareAsync(await TestDatabases.NewSqlite().MigrateAsync(), db => db.CopyAsync());

    /// <summary>Seeds <paramref name="db"/>, copies it with <paramref name="copy"/>, lives both and compares them.</summary>
    internal static async Task CompareAsync(DatabaseOptions db, Func<DatabaseOptions, Task<DatabaseOptions>> copy)
    {
        var seedClock = new FakeTimeProvider(Start);
        var work = await SeedAsync(db, seedClock);
        var swept = await copy(db);
        var sweptByEntities = await copy(db);
        var sweptInPairs = await copy(db);

        var perItemClock = new FakeTimeProvider(Start);
        var perItem = new WorkDriver(db, perItemClock);
        perItem.Schedule(work);
        await LiveAsync(perItem, perItemClock, until => perItem.RunUntilAsync(until));

        // The sweep as it runs (set-based path for plain case steps, entity path for the rest), and the sweep with the entity
        // path only: both must leave what the per-item path leaves.
        var sweep = await SweepAsync(swept, setBased: true);
        var entitySweep = await SweepAsync(sweptByEntities, setBased: false);
        // And in batches of two accounts: the sweep prepares each batch while the one before is written, and batches mix
        // both paths.
        var pairSweep = await SweepAsync(sweptInPairs, setBased: true, batchSize: 2);
        Assert.True(pairSweep.Sweeps.Sum(s => s.SetBased) > 0, "the set-based path ran no step in pairs");
        Assert.True(sweep.Sweeps.Sum(s => s.SetBased) > 0, "the set-based path ran no step");
        Assert.True(sweep.Sweeps.Sum(s => s.Ran) > sweep.Sweeps.Sum(s => s.SetBased), "the entity path ran nothing beside the set-based path");
        Assert.Equal(0, entitySweep.Sweeps.Sum(s => s.SetBased));
        Assert.Equal(0, sweep.Sweeps.Sum(s => s.SetBasedRolledBack));

        // The scenario did what it claims (on the per-item side, the reference).
        await using (var check = DatabaseSetup.CreateContext(db))
        {
            var promises = await check.Promises.AsNoTracking().Where(p => p.Status != PromiseStatus.Broken || p.CreatedAt >= Instant.FromDateTimeOffset(Start)).Select(p => p.Status).ToListAsync(Ct);
            Assert.Equal([PromiseStatus.Kept, PromiseStatus.PartlyKept, PromiseStatus.Broken], promises.Order());
            Assert.Equal(InstalmentPlanStatus.Defaulted, (await check.InstalmentPlans.AsNoTracking().SingleAsync(Ct)).Status);
            var keys = await check.CaseSteps.AsNoTracking().Select(s => s.StepKey).ToListAsync(Ct);
            Assert.Contains("re-check#2", keys);
            Assert.Equal(2, keys.Count(k => k.StartsWith("instalment-missed:", StringComparison.Ordinal)));
            Assert.Contains(await check.CaseSteps.AsNoTracking().ToListAsync(Ct), s => s.StepKey == "whatsapp-reminder" && s.Status == CaseStepStatus.Skipped);
            Assert.Equal(1, await check.Cases.CountAsync(c => c.ClosedAt != null, Ct));
            Assert.Contains(perItem.Runs, r => r.Outcome == "deferred");
        }

        await AssertSameRowsAsync(db, swept);
        await AssertSameRowsAsync(db, sweptByEntities);
        await AssertSameRowsAsync(db, sweptInPairs);

        // And the same executions: per kind and outcome, the sweeps ran exactly what the triggers ran, nothing twice.
        var expected = perItem.Runs.Where(r => !Idle(r.Outcome)).GroupBy(r => $"{r.Item.Kind}:{r.Outcome}").ToDictionary(g => g.Key, g => g.Count());
        foreach (var driver in new[] { sweep, entitySweep, pairSweep })
        {
            var actual = driver.Sweeps.SelectMany(s => s.Outcomes).Where(o => !Idle(o.Key[(o.Key.IndexOf(':', StringComparison.Ordinal) + 1)..]))
                .GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Sum(o => o.Value));
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.All(driver.Sweeps, s => Assert.Equal(0, s.Failed));
        }
    }

    /// <summary>Lives the copy <paramref name="db"/> through the scenario with sweeps at each instant work falls due and every
    /// eight hours in between.</summary>
    private static async Task<WorkDriver> SweepAsync(DatabaseOptions db, bool setBased, int batchSize = DueWorkSweep.DefaultBatchSize)
    {
        var clock = new FakeTimeProvider(Start);
        var driver = new WorkDriver(db, clock) { BatchSize = batchSize };
        driver.Sweep.UseSetBasedPath = setBased;
        await LiveAsync(driver, clock, until => driver.SweepUntilAsync(until, idle: Duration.FromHours(8)));
        return driver;
    }

    /// <summary>Every row the same in both databases (generated ids aside). The sweep makes no contact itself (the dialer and
    /// the dispatcher carry out what it queues), so the ledger must be empty on both sides alike.</summary>
    internal static async Task AssertSameRowsAsync(DatabaseOptions expected, DatabaseOptions actual)
    {
        await using var a = DatabaseSetup.CreateContext(expected);
        await using var b = DatabaseSetup.CreateContext(actual);
        Assert.Equal(await DumpAsync<Case>(a), await DumpAsync<Case>(b));
        Assert.Equal(await DumpAsync<CaseStep>(a, "Id"), await DumpAsync<CaseStep>(b, "Id"));
        Assert.Equal(await DumpAsync<PromiseToPay>(a), await DumpAsync<PromiseToPay>(b));
        Assert.Equal(await DumpAsync<InstalmentPlan>(a), await DumpAsync<InstalmentPlan>(b));
        Assert.Equal(await DumpAsync<Instalment>(a), await DumpAsync<Instalment>(b));
        Assert.Equal(await DumpAsync<ScheduledContact>(a, "Id"), await DumpAsync<ScheduledContact>(b, "Id"));
        Assert.Equal(await DumpAsync<Account>(a), await DumpAsync<Account>(b));
        Assert.Equal(await DumpAsync<Payment>(a, "Id", "RecordedAt"), await DumpAsync<Payment>(b, "Id", "RecordedAt"));
        Assert.Equal(await DumpAsync<ContactAttempt>(a, "Id"), await DumpAsync<ContactAttempt>(b, "Id"));
    }

    private static bool Idle(string outcome) => outcome is "not-due" or "already-done" or "not-needed";

    /// <summary>Five months: payments on their days, and no processing at all from 2 April to 20 May (a long outage).</summary>
    private static async Task LiveAsync(WorkDriver driver, FakeTimeProvider clock, Func<Instant, Task> advance)
    {
        var payments = new (string Day, string Reference, string Amount)[]
        {
            ("2025-03-09", "TEL-KEPT", "100.00"),
            ("2025-03-11", "TEL-PART", "40.00"),
            ("2025-03-20", "TEL-PAID", "400.00"),
            ("2025-04-01", "TEL-PLAN", "200.00"),
        };
        foreach (var (day, reference, amount) in payments)
        {
            await advance(Noon(day));
            await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader($"received_on,amount,currency,reference\n{day},{amount},EUR,{reference}\n"), "p.csv", "csv", _ => { }, Ct));
        }

        await advance(Noon("2025-04-02"));
        clock.SetUtcNow(Noon("2025-05-20").ToDateTimeOffset());
        await advance(Instant.FromUtc(2025, 8, 1, 0, 0));
    }

    private static Instant Noon(string day) =>
        LocalDate.FromDateTime(DateTime.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture)).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() + Duration.FromHours(12);

    /// <summary>Nine claims opened on 1 March 2025 with their promises and plan; returns the work their triggers would run.</summary>
    private static async Task<List<WorkItem>> SeedAsync(DatabaseOptions db, FakeTimeProvider clock)
    {
        var driver = new WorkDriver(db, clock);
        var now = Instant.FromDateTimeOffset(Start);
        var work = new List<WorkItem>();
        var walk = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), 500m, "TEL-WALK", createdAt: now);
        var business = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), 800m, "TEL-BIZ", DebtorKind.Business, createdAt: now);
        var late = await WorkflowData.SeedAccountAsync(db, new LocalDate(2024, 12, 1), 300m, "TEL-LATE", createdAt: now);
        var kept = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 20), 300m, "TEL-KEPT", createdAt: now);
        var broken = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 20), 300m, "TEL-BROKEN", createdAt: now);
        var partly = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 20), 300m, "TEL-PART", createdAt: now);
        var plan = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 20), 600m, "TEL-PLAN", createdAt: now);
        var paid = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 2, 20), 400m, "TEL-PAID", createdAt: now);
        var hibernating = await WorkflowData.SeedAccountAsync(db, new LocalDate(2024, 8, 1), 250m, "TEL-HIB", createdAt: now);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            // Two promises broken before the claim came to us: with 212 days past due, the hibernation strategy.
            foreach (var due in new[] { new LocalDate(2024, 9, 1), new LocalDate(2024, 10, 1) })
            {
                context.Promises.Add(new PromiseToPay { AccountId = hibernating.Id, Amount = 50m, Currency = "EUR", DueDate = due, Status = PromiseStatus.Broken, CreatedAt = now - Duration.FromDays(200) });
            }

            await context.SaveChangesAsync(Ct);
        }

        foreach (var account in new[] { walk, business, late, kept, broken, partly, plan, paid, hibernating })
        {
            work.AddRange((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id, Ct))).Work);
        }

        work.AddRange((await driver.WithAsync(s => s.Promises.RecordAsync(kept.Id, 100m, new LocalDate(2025, 3, 10), ContactChannel.Call, ct: Ct))).Work);
        work.AddRange((await driver.WithAsync(s => s.Promises.RecordAsync(broken.Id, 100m, new LocalDate(2025, 3, 10), ContactChannel.Call, ct: Ct))).Work);
        work.AddRange((await driver.WithAsync(s => s.Promises.RecordAsync(partly.Id, 100m, new LocalDate(2025, 3, 12), ContactChannel.Call, ct: Ct))).Work);
        work.AddRange((await driver.WithAsync(s => s.Instalments.CreateAsync(plan.Id, new InstalmentRequest(600m, 3, InstalmentFrequency.Monthly, new LocalDate(2025, 4, 1)), ct: Ct))).Work);
        return work;
    }

    // Instants to the tick (their default text stops at the second).
    private static string? Text(object? value) => value is Instant instant ? InstantPattern.ExtendedIso.Format(instant) : Convert.ToString(value, CultureInfo.InvariantCulture);

    /// <summary>Every row of <typeparamref name="T"/> as text (all mapped properties but <paramref name="skip"/>), sorted.</summary>
    private static async Task<List<string>> DumpAsync<T>(CollectionsDbContext db, params string[] skip)
        where T : class
    {
        var properties = db.Model.FindEntityType(typeof(T))!.GetProperties().Where(p => p.PropertyInfo is not null && !skip.Contains(p.Name)).ToList();
        var rows = await db.Set<T>().AsNoTracking().ToListAsync(Ct);
        return [.. rows.Select(r => string.Join("|", properties.Select(p => $"{p.Name}={Text(p.PropertyInfo!.GetValue(r))}"))).Order(StringComparer.Ordinal)];
    }
}

/// <summary>The same comparison on a real PostgreSQL server (the writer's SQL and conflict checks on the other provider).</summary>
[Trait("Category", "Integration")]
public sealed class PostgresSweepEquivalenceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_sweep_leaves_the_same_rows_as_one_trigger_per_item_on_PostgreSQL()
    {
        var server = await postgres.ServerAsync();
        await SweepEquivalenceTests.CompareAsync(await (await TestDatabases.NewPostgresAsync(server)).MigrateAsync(), db => db.CopyAsync(server));
    }
}
