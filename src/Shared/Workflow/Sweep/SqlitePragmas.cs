using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Workflow.Sweep;

/// <summary>
/// Settings of the connection a sweep batch runs on, SQLite only (https://sqlite.org/pragma.html). A larger page cache
/// (64 MiB instead of 2 MiB) keeps the indexes a batch walks in memory. In WAL mode the batch commits with
/// <c>synchronous=NORMAL</c>: the commit is not synced to disk at once but at the next checkpoint, which SQLite documents as
/// safe against corruption and durable across a crash of the process (the WAL file holds every committed transaction); only
/// a power loss or an operating-system crash can lose the last committed batches, which the next sweep then runs again
/// (each batch is one transaction, and the sweep finds what was committed done). In rollback-journal mode (the default,
/// where NORMAL is not documented as safe against power loss) the setting is left as it is. The connection goes back to the
/// pool with <c>synchronous</c> as it was.
/// </summary>
internal static class SqlitePragmas
{
    private const long CacheKib = 64 * 1024;

    public static async Task ForSweepAsync(DbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync($"PRAGMA cache_size = -{CacheKib}", ct);
        if (await IsWalAsync(db, ct))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL", ct);
        }
    }

    public static async Task AfterSweepAsync(DbContext db, CancellationToken ct)
    {
        if (await IsWalAsync(db, ct))
        {
            // FULL: Microsoft.Data.Sqlite's and SQLite's default.
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = FULL", ct);
        }
    }

    private static async Task<bool> IsWalAsync(DbContext db, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return string.Equals(await command.ExecuteScalarAsync(ct) as string, "wal", StringComparison.OrdinalIgnoreCase);
    }
}
