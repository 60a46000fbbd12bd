using System.Text.Json;
using Collections.Dialer.ImportCli;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Dialer.Tests.ImportCli;

/// <summary>The <c>import payments</c> verb on the sample files: JSON lines per refused or unmatched line, totals, summary.</summary>
public sealed class ImportPaymentsCommandTests
{
    private static async Task<(int Exit, List<JsonElement> Lines)> RunAsync(string sample, Collections.Shared.Persistence.DatabaseOptions? into = null)
    {
        var db = into ?? await TestDatabases.NewSqlite().MigrateAsync();
        await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 1), principal: 500m, reference: "DE-100001");
        await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 1), principal: 300m, reference: "DE-100002");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ImportPaymentsCommand.RunAsync(new FileInfo(RepositoryRoot.Combine("config", "samples", sample)), db, NullLoggerFactory.Instance, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, [.. stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)]);
    }

    [Fact]
    public async Task Csv_sample_reports_bad_and_unmatched_lines_and_exits_2()
    {
        var (exit, lines) = await RunAsync("payments.csv");

        Assert.Equal(2, exit);
        Assert.Equal([(4, "unmatched"), (5, "rejected"), (6, "rejected")], lines.Take(3).Select(l => (l.GetProperty("line").GetInt32(), l.GetProperty("kind").GetString())));
        Assert.Equal(("TELCO-DE", 3, 195.50m), (lines[3].GetProperty("creditor").GetString(), lines[3].GetProperty("payments").GetInt32(), lines[3].GetProperty("amount").GetDecimal()));
        var summary = lines[^1];
        Assert.Equal((6, 3, 1, 2), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("matched").GetInt32(), summary.GetProperty("unmatched").GetInt32(), summary.GetProperty("rejected").GetInt32()));
    }

    [Fact]
    public async Task Camt053_sample_is_detected_by_content()
    {
        var (_, lines) = await RunAsync("camt053.xml");

        Assert.Equal(("camt.053", 2), (lines[^1].GetProperty("format").GetString(), lines[^1].GetProperty("matched").GetInt32()));
    }

    [Fact]
    public async Task An_import_is_one_change_in_the_audit_trail_with_the_files_counts()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();

        await RunAsync("payments.csv", db);

        await using var context = Collections.Shared.Persistence.DatabaseSetup.CreateContext(db);
        var entry = Assert.Single(context.AuditEntries);
        Assert.Equal(($"cli:{Environment.UserName}", "change", "payment import", Environment.MachineName), (entry.Actor, entry.Action, entry.Detail, entry.From));
        Assert.Equal("payment file payments.csv (csv): 6 rows, 3 booked, 1 unmatched, 2 rejected, 0 duplicates", entry.Subject);
        File.Delete(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString).DataSource + ".audit-anchor.json");
    }
}
