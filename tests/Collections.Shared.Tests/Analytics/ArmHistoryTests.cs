using Collections.Shared.Analytics;
using Collections.Shared.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Tests.Analytics;

/// <summary>The demo's champion/challenger history, read back through the analytics: the planted effect shows as significant,
/// the arm simulated like its champion does not, and the arms are the real draw of each case id.</summary>
public sealed class ArmHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_history_shows_one_significant_and_one_insignificant_difference()
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var now = Instant.FromUtc(2026, 12, 4, 8, 0);
        var catalog = new StrategyCatalog(ShippedStrategies.All());
        await using var db = DatabaseSetup.CreateContext(options);
        db.Creditors.Add(new Creditor { Code = "TELCO-DE", Name = "Telco", Country = "DE" });
        await db.SaveChangesAsync(Ct);

        // The demo's settings: seed 7, ten months, 700 consumer cases a month.
        var summary = await ArmHistory.SeedAsync(db, catalog, "TELCO-DE", now, 10, 700, 7, Ct);
        Assert.NotNull(summary);
        Assert.Null(await ArmHistory.SeedAsync(db, catalog, "TELCO-DE", now, 10, 700, 7, Ct));

        var reports = ArmAnalytics.Compute(await ArmOutcomeQuery.LoadAsync(db, null, null, Ct), now.InUtc().Date, new AnalyticsOptions());
        var early = reports.Single(r => r.Arm == "early-call").VsChampion!.Value;
        var finalDemand = reports.Single(r => r.Arm == "early-final-demand").VsChampion!.Value;
        TestContext.Current.TestOutputHelper?.WriteLine($"early-call {early}; early-final-demand {finalDemand}; {summary}");
        Assert.True(early.Significant && early.Difference > 0, $"the planted effect is not significant: {early}");
        Assert.False(finalDemand.Significant, $"an arm simulated like its champion came out significant: {finalDemand}");
        // The steps the history ran are read back under each heading: step, channel, the strategy's template, the call's script.
        var touches = TouchAnalytics.Compute(await ArmOutcomeQuery.LoadAsync(db, "consumer-standard", null, Ct, catalog), now.InUtc().Date, new AnalyticsOptions());
        Assert.Contains(touches, t => (t.Dimension, t.Value) == ("step", "phone-campaign") && t.Touches > 1000);
        Assert.Contains(touches, t => (t.Dimension, t.Value) == ("template", "first-reminder") && t.CostPerTouch > 0);
        Assert.Contains(touches, t => (t.Dimension, t.Value) == ("channel", "sms"));
        Assert.Contains(touches, t => t.Dimension == "script");

        Assert.All(await db.Cases.Select(c => new { c.Id, c.StrategyId, c.Arm, c.ClosedAt }).ToListAsync(Ct), c =>
        {
            Assert.Equal(ArmAssignment.Assign(catalog.Get(c.StrategyId!), c.Id), c.Arm);
            Assert.NotNull(c.ClosedAt);
        });
    }
}
