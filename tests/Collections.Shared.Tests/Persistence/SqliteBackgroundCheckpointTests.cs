using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Tests.Persistence;

/// <summary>The sweep's writer leaves its WAL to a checkpoint on a connection of its own (<see cref="SqliteBackgroundCheckpoint"/>):
/// what the writer committed reaches the database file without the writer checkpointing.</summary>
public sealed class SqliteBackgroundCheckpointTests
{
    [Fact]
    public async Task Commits_reach_the_database_file_through_the_background_checkpoint_and_a_last_one_when_disposed()
    {
        var options = TestDatabases.NewSqlite();
        var file = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        await using var writer = DatabaseSetup.CreateContext(options);
        await writer.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        // No automatic checkpoint on the writer: only the background one may copy the WAL into the file.
        await writer.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (v BLOB)", TestContext.Current.CancellationToken);

        var checkpoint = await SqliteBackgroundCheckpoint.StartAsync(DatabaseSetup.CreateContext(options), TestContext.Current.CancellationToken);
        Assert.NotNull(checkpoint);
        for (var i = 0; i < SqliteBackgroundCheckpoint.CommitsPerCheckpoint + 1; i++)
        {
            await writer.Database.ExecuteSqlRawAsync("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) INSERT INTO t SELECT randomblob(4000) FROM n", TestContext.Current.CancellationToken);
            checkpoint.Committed();
        }

        await checkpoint.DisposeAsync();

        // One after the 16th commit, one last when disposed: the 17 commits' 1,088 rows of 4 KB are in the file itself.
        Assert.Equal(2, checkpoint.Checkpoints);
        Assert.True(new FileInfo(file).Length > 4_000_000, $"database file {new FileInfo(file).Length} bytes");
    }

    [Fact]
    public async Task A_database_not_in_WAL_mode_gets_no_checkpointer()
    {
        var options = TestDatabases.NewSqlite();
        await using (var db = DatabaseSetup.CreateContext(options))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = DELETE; CREATE TABLE t (v INTEGER)", TestContext.Current.CancellationToken);
        }

        Assert.Null(await SqliteBackgroundCheckpoint.StartAsync(DatabaseSetup.CreateContext(options), TestContext.Current.CancellationToken));
    }
}
