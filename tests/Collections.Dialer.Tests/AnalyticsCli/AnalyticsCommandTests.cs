using System.Text.Json;
using Collections.Dialer.AnalyticsCli;
using Collections.Shared.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.AnalyticsCli;

/// <summary><c>analytics arms</c> and <c>analytics curves</c> over a database with champion/challenger history.</summary>
public sealed class AnalyticsCommandTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 12, 0);

    private static async Task<DatabaseOptions> SeededAsync()
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        await using var db = DatabaseSetup.CreateContext(options);
        db.Creditors.Add(new Creditor { Code = "TELCO-DE", Name = "Telco", Country = "DE" });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        var summary = await ArmHistory.SeedAsync(db, new StrategyCatalog(ShippedStrategies.All()), "TELCO-DE", Now, months: 5, consumerCasesPerMonth: 150, seed: 3, TestContext.Current.CancellationToken);
        Assert.NotNull(summary);
        return options;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Run(DatabaseOptions database, string? strategy, bool csv = false, string? creditor = null, Dictionary<string, string?>? settings = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var exit = await AnalyticsCommand.RunAsync(database, configuration, new FakeTimeProvider(Now.ToDateTimeOffset()), strategy, creditor, csv ? AnalyticsOutput.Curves : AnalyticsOutput.Arms, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Arms_prints_one_json_line_per_arm_with_the_contract_fields()
    {
        var database = await SeededAsync();

        var (exit, stdout, stderr) = await Run(database, null);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(
            [("business-standard", "champion"), ("business-standard", "early-final-demand"), ("consumer-standard", "champion"), ("consumer-standard", "early-call")],
            lines.Select(l => (l.GetProperty("strategy").GetString(), l.GetProperty("arm").GetString())));
        foreach (var line in lines)
        {
            Assert.True(line.GetProperty("cases").GetInt32() > 0);
            var mean = line.GetProperty("collectedPerCase").GetDouble();
            Assert.InRange(mean, line.GetProperty("ciLow").GetDouble(), line.GetProperty("ciHigh").GetDouble());
            var vs = line.GetProperty("vsChampion");
            if (line.GetProperty("arm").GetString() == "champion")
            {
                Assert.Equal(JsonValueKind.Null, vs.ValueKind);
            }
            else
            {
                Assert.InRange(vs.GetProperty("pValue").GetDouble(), 0, 1);
                Assert.Equal(vs.GetProperty("pValue").GetDouble() < 0.05, vs.GetProperty("significant").GetBoolean());
                Assert.Contains(vs.GetProperty("significant").GetBoolean() ? "significant at alpha 0.05" : "not yet significant", vs.GetProperty("verdict").GetString(), StringComparison.Ordinal);
                Assert.NotEqual(0, vs.GetProperty("difference").GetDouble());
            }
        }

        // Cases placed within the last 90 days have no full horizon yet: fewer counted than opened.
        Assert.All(lines, l => Assert.True(l.GetProperty("cases").GetInt32() < l.GetProperty("opened").GetInt32()));
    }

    [Fact]
    public async Task Touches_prints_what_followed_each_step_template_and_script_as_json_lines_or_csv()
    {
        var database = await SeededAsync();
        var catalog = new StrategyCatalog(ShippedStrategies.All());
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var configuration = new ConfigurationBuilder().Build();
        var time = new FakeTimeProvider(Now.ToDateTimeOffset());

        Assert.Equal(0, await AnalyticsCommand.RunAsync(database, configuration, time, "consumer-standard", null, AnalyticsOutput.Touches, stdout, stderr, TestContext.Current.CancellationToken, catalog));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var call = Assert.Single(lines, l => l.GetProperty("dimension").GetString() == "step" && l.GetProperty("value").GetString() == "phone-campaign");
        Assert.Equal(14, call.GetProperty("windowDays").GetInt32());
        Assert.True(call.GetProperty("touches").GetInt32() > 0);
        Assert.Contains(lines, l => l.GetProperty("dimension").GetString() == "template" && l.GetProperty("value").GetString() == "first-reminder");

        using var csv = new StringWriter();
        Assert.Equal(0, await AnalyticsCommand.RunAsync(database, configuration, time, "consumer-standard", null, AnalyticsOutput.TouchesCsv, csv, stderr, TestContext.Current.CancellationToken, catalog));
        var rows = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("strategy,currency,dimension,value,touches,cases,window_days,", rows[0], StringComparison.Ordinal);
        Assert.Equal(lines.Count + 1, rows.Length);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public async Task A_strategy_filter_an_unknown_strategy_and_the_curves_csv()
    {
        var database = await SeededAsync();

        var (exit, stdout, _) = await Run(database, "consumer-standard");
        Assert.Equal(0, exit);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var unknown = await Run(database, "no-such-strategy");
        Assert.Equal(2, unknown.Exit);
        Assert.StartsWith("--strategy: no case is on strategy 'no-such-strategy'", unknown.Stderr, StringComparison.Ordinal);

        var creditor = await Run(database, null, creditor: "NOBODY");
        Assert.Equal(2, creditor.Exit);
        Assert.StartsWith("--creditor: no creditor 'NOBODY'", creditor.Stderr, StringComparison.Ordinal);

        var bad = await Run(database, null, settings: new() { ["Collections:Analytics:Alpha"] = "0.9" });
        Assert.Equal(2, bad.Exit);
        Assert.Contains("Alpha", bad.Stderr, StringComparison.Ordinal);

        var curves = await Run(database, "business-standard", csv: true);
        Assert.Equal(0, curves.Exit);
        var rows = curves.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("strategy,currency,arm,day,cases,liquidation,ci_low,ci_high", rows[0]);
        // Day 0 to 90 every 7 days: 13 points per arm, two arms.
        Assert.Equal(1 + 2 * 13, rows.Length);
        Assert.StartsWith("business-standard,EUR,champion,0,", rows[1], StringComparison.Ordinal);
    }
}
