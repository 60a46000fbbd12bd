using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>Champion/challenger arms: configured shares, a reproducible draw, recorded on the case and never changed.</summary>
public sealed class ArmTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Strategy Consumer => ShippedStrategies.All().Single(s => s.Id == "consumer-standard");

    /// <summary>Random case ids from a fixed seed (the draw's input).</summary>
    internal static List<CaseId> CaseIds(int count, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[16];
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            random.NextBytes(bytes);
            return new CaseId(new Guid(bytes));
        })];
    }

    [Fact]
    public void New_cases_are_drawn_into_the_arms_in_their_configured_shares()
    {
        var strategy = Consumer;
        Assert.Equal([("champion", 70m), ("early-call", 30m)], strategy.Arms.Select(a => (a.Id, a.SharePercent)));

        var counts = CaseIds(20_000, seed: 7).GroupBy(id => ArmAssignment.Assign(strategy, id)).ToDictionary(g => g.Key, g => g.Count());

        // Binomial(20000, 0.3): standard deviation 65 cases (0.32 %); 1.5 % is more than four of them.
        Assert.InRange(counts["early-call"] / 20_000.0, 0.285, 0.315);
        Assert.Equal(20_000, counts["champion"] + counts["early-call"]);
    }

    [Fact]
    public void The_draw_depends_on_the_case_id_and_the_seed_only()
    {
        var ids = CaseIds(2_000, seed: 11);
        var first = ids.Select(id => ArmAssignment.Assign(Consumer, id)).ToList();
        var reloaded = ids.Select(id => ArmAssignment.Assign(Consumer, id)).ToList();
        var reseeded = ids.Select(id => ArmAssignment.Assign(Consumer with { ArmSeed = "another-test" }, id)).ToList();

        Assert.Equal(first, reloaded);
        // A new seed is a new draw: about 2 x 0.3 x 0.7 = 42 % of cases change arm, and the shares stay.
        Assert.InRange(first.Zip(reseeded).Count(p => p.First != p.Second), 700, 980);
        Assert.All(ids, id => Assert.Equal("champion", ArmAssignment.Assign(Consumer with { Challengers = [] }, id)));
    }

    [Fact]
    public async Task The_arm_is_recorded_on_the_case_its_steps_are_planned_and_it_never_changes()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var full = new StrategyCatalog(ShippedStrategies.All());
        var driver = new WorkDriver(db, clock, strategies: full);
        var arms = new Dictionary<string, List<CaseId>>();
        for (var i = 0; i < 24; i++)
        {
            var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), reference: $"TEL-{i:000}");
            await driver.WithAsync(s => s.Cases.OpenAsync(account.Id));
        }

        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var cases = await context.Cases.ToListAsync(Ct);
            foreach (var @case in cases)
            {
                Assert.Equal(ArmAssignment.Assign(Consumer, @case.Id), @case.Arm);
                arms.TryAdd(@case.Arm!, []);
                arms[@case.Arm!].Add(@case.Id);
            }

            // 24 cases at 30 %: both arms are drawn with this fixed set of ids (random ids, so not asserted on counts).
            Assert.All(cases, c => Assert.Contains(c.Arm, new[] { "champion", "early-call" }));
            foreach (var @case in cases)
            {
                var keys = await context.CaseSteps.Where(s => s.CaseId == @case.Id).OrderBy(s => s.Sequence).Select(s => s.StepKey).ToListAsync(Ct);
                Assert.Equal(@case.Arm == "early-call", !keys.Contains("whatsapp-reminder"));
                if (@case.Arm == "early-call")
                {
                    Assert.Contains("arm early-call (30% of new cases)", @case.StrategyReason, StringComparison.Ordinal);
                }
            }
        }

        // Opening again, or running the plan with the challenger stopped (removed from the configuration), leaves every arm as drawn.
        var stopped = new WorkDriver(db, clock, strategies: ShippedStrategies.Champions());
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            foreach (var accountId in await context.Cases.Select(c => c.AccountId).ToListAsync(Ct))
            {
                Assert.Equal("already-open", (await stopped.WithAsync(s => s.Cases.OpenAsync(accountId))).Outcome);
            }
        }

        await stopped.SweepUntilAsync(Instant.FromUtc(2025, 4, 30, 0, 0));
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var after = await context.Cases.ToDictionaryAsync(c => c.Id, c => c.Arm, Ct);
            Assert.All(arms, kv => Assert.All(kv.Value, id => Assert.Equal(kv.Key, after[id])));
        }
    }

    [Theory]
    [InlineData("challengers: [{ id: champion, share: 10, steps: [{ id: a, phase: written-reminder }] }]", "the id is taken")]
    [InlineData("challengers: [{ id: b, share: 60, steps: [{ id: a, phase: written-reminder }] }, { id: c, share: 40, steps: [{ id: a, phase: written-reminder }] }]", "add up to 100%")]
    [InlineData("challengers: [{ id: b, steps: [{ id: a, phase: written-reminder }] }]", "'share' is required")]
    [InlineData("challengers: [{ id: B!, share: 5, steps: [{ id: a, phase: written-reminder }] }]", "lower-case letters")]
    [InlineData("challengers: [{ id: b, share: 5 }]", "challenger 'b', needs at least one step")]
    public void A_bad_challenger_is_refused_naming_the_file_and_the_arm(string challengers, string expected)
    {
        var yaml = $"id: s\nsteps: [{{ id: a, phase: written-reminder }}]\n{challengers}\n";
        var ex = Assert.Throws<StrategyException>(() => StrategyLoader.Parse(yaml, "s.yaml"));
        Assert.StartsWith("s.yaml: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
