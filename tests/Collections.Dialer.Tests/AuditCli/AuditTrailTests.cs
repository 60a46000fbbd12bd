using System.Text.Json;
using Collections.Dialer.AuditCli;
using Collections.Shared.Audit;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.AuditCli;

/// <summary>Issue 19, item 5: the audit trail is a hash chain; <c>audit verify</c> names the first entry altered, or the one
/// after entries removed, and exits 2.</summary>
public sealed class AuditTrailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(DatabaseOptions Db, IConfiguration Configuration)> TrailAsync(int entries, string? anchor = null, int minute = 0)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var trail = new AuditTrail(() => DatabaseSetup.CreateContext(db), new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, minute, 0, TimeSpan.Zero)),
            anchor is null ? null : new AuditAnchor(anchor));
        for (var i = 1; i <= entries; i++)
        {
            Assert.Equal(i, await trail.RecordAsync("supervisor", "read", $"/api/cases/timeline?ref=DE-{i}", "case timeline", "10.0.0.7", Ct));
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = "Sqlite",
            ["Collections:Database:ConnectionString"] = db.ConnectionString,
            [AuditAnchor.Key] = anchor,
        }).Build();
        return (db, configuration);
    }

    private static async Task<(int Exit, JsonElement Result)> VerifyAsync(IConfiguration configuration)
    {
        using var stdout = new StringWriter();
        var exit = await AuditCommand.RunVerifyAsync(configuration, stdout, new StringWriter(), Ct);
        return (exit, JsonDocument.Parse(stdout.ToString()).RootElement.Clone());
    }

    [Fact]
    public async Task An_intact_trail_verifies()
    {
        var (_, configuration) = await TrailAsync(5);
        var (exit, result) = await VerifyAsync(configuration);
        Assert.Equal(0, exit);
        Assert.Equal(5, result.GetProperty("entries").GetInt64());
        Assert.True(result.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task An_altered_entry_is_named()
    {
        var (db, configuration) = await TrailAsync(5);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            // Someone covers their tracks: the third read now says another account.
            await context.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET subject = '/api/cases/timeline?ref=DE-999' WHERE id = 3", Ct);
        }

        var (exit, result) = await VerifyAsync(configuration);
        Assert.Equal(2, exit);
        Assert.Equal(3, result.GetProperty("brokenEntry").GetInt64());
        Assert.Contains("altered", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_entry_is_named_by_the_one_after_it()
    {
        var (db, configuration) = await TrailAsync(5);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            await context.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE id = 2", Ct);
        }

        var (exit, result) = await VerifyAsync(configuration);
        Assert.Equal(2, exit);
        Assert.Equal(3, result.GetProperty("brokenEntry").GetInt64());
        Assert.Contains("entries 2 to 2 were removed", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removed_and_renumbered_entries_are_caught_by_the_chain()
    {
        var (db, configuration) = await TrailAsync(5);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            // Removing entry 2 and renumbering the rest to hide the gap breaks the link of the entry moved into its place.
            await context.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE id = 2; UPDATE audit_entries SET id = id - 1 WHERE id > 2", Ct);
        }

        var (exit, result) = await VerifyAsync(configuration);
        Assert.Equal(2, exit);
        Assert.Equal(2, result.GetProperty("brokenEntry").GetInt64());
    }

    [Fact]
    public async Task Queued_reads_join_the_same_chain_and_a_stopping_host_flushes_them()
    {
        var (db, configuration) = await TrailAsync(2);
        var trail = new AuditTrail(() => DatabaseSetup.CreateContext(db), new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 5, 0, TimeSpan.Zero)));
        foreach (var reference in new[] { "LV-1", "LV-2", "LV-3" })
        {
            await trail.EnqueueAsync("operator:Līga Kalniņa", "read", $"account:{reference}", "screen-pop", null, Ct);
        }

        await trail.FlushAsync(Ct);
        var (exit, result) = await VerifyAsync(configuration);
        Assert.Equal(0, exit);
        Assert.Equal(5, result.GetProperty("entries").GetInt64());
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal(["account:LV-1", "account:LV-2", "account:LV-3"], await context.AuditEntries.Where(e => e.Id > 2).OrderBy(e => e.Id).Select(e => e.Subject).ToListAsync(Ct));
    }

    private static string NewAnchorPath() => Path.Combine(Path.GetTempPath(), $"audit-anchor-{Guid.NewGuid():N}", "anchor.json");

    [Fact]
    public async Task An_anchored_trail_verifies_and_says_up_to_which_entry_the_anchor_vouches()
    {
        var anchor = NewAnchorPath();
        var (_, configuration) = await TrailAsync(5, anchor);

        var (exit, result) = await VerifyAsync(configuration);

        Assert.Equal(0, exit);
        Assert.Equal((5, true, 5), (result.GetProperty("entries").GetInt64(), result.GetProperty("intact").GetBoolean(), result.GetProperty("anchoredEntry").GetInt64()));
        Directory.Delete(Path.GetDirectoryName(anchor)!, recursive: true);
    }

    [Fact]
    public async Task Removing_the_last_entries_is_named_through_the_anchor_kept_outside_the_database()
    {
        var anchor = NewAnchorPath();
        var (db, configuration) = await TrailAsync(5, anchor);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            // Without the anchor this is invisible: entries 1 to 3 are a valid chain by themselves.
            await context.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE id > 3", Ct);
        }

        var (exit, result) = await VerifyAsync(configuration);

        Assert.Equal(2, exit);
        Assert.Equal((3, 4), (result.GetProperty("entries").GetInt64(), result.GetProperty("brokenEntry").GetInt64()));
        Assert.Contains("entries after 3 are missing", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("at least entries 4 to 5 were removed", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(anchor)!, recursive: true);
    }

    [Fact]
    public async Task Removed_last_entries_replaced_by_a_valid_new_tail_are_named_through_the_anchor()
    {
        var anchor = NewAnchorPath();
        var (db, configuration) = await TrailAsync(5, anchor);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            await context.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE id > 3", Ct);
        }

        // Two innocent-looking entries appended after the cut, by a writer that does not know the anchor: a valid chain of 5.
        var forger = new AuditTrail(() => DatabaseSetup.CreateContext(db), new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 1, 0, TimeSpan.Zero)));
        await forger.RecordAsync("supervisor", "read", "/api/cases/timeline?ref=DE-4", "case timeline", "10.0.0.7", Ct);
        await forger.RecordAsync("supervisor", "read", "/api/cases/timeline?ref=DE-5", "case timeline", "10.0.0.7", Ct);

        var (exit, result) = await VerifyAsync(configuration);

        Assert.Equal(2, exit);
        Assert.Equal(5, result.GetProperty("brokenEntry").GetInt64());
        Assert.Contains("entry 5 is not the one the anchor", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(anchor)!, recursive: true);
    }

    [Fact]
    public async Task An_anchor_of_another_trail_is_not_overwritten_and_verify_says_the_trail_was_replaced()
    {
        var anchor = NewAnchorPath();
        await TrailAsync(3, anchor);
        var before = await File.ReadAllTextAsync(anchor, Ct);
        // Another database (a restored backup, a table swapped in) whose first entry differs.
        var (_, configuration) = await TrailAsync(4, anchor, minute: 30);

        Assert.Equal(before, await File.ReadAllTextAsync(anchor, Ct));
        var (exit, result) = await VerifyAsync(configuration);
        Assert.Equal(2, exit);
        Assert.Equal(1, result.GetProperty("brokenEntry").GetInt64());
        Assert.Contains("the trail was replaced", result.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(anchor)!, recursive: true);
    }
}
