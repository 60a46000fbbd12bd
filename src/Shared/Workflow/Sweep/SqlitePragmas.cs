using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Workflow.Sweep;

/// <summary>
/// Settings of the connection a sweep batch runs on, SQLite only (https://sqlite.org/pragma.html), as the account importer
/// sets them. A larger page cache (256 MiB instead of 2 MiB; it stays with the pooled connection, so the next batch finds the
/// index pages it walks in memory). In WAL mode (the console host and the importer put the file in it) the batch commits with
/// <c>synchronous=NORMAL</c>: the commit is not synced to disk at once but at the next checkpoint, which SQLite documents as
/// safe against corruption and durable across a crash of the process (the WAL file holds every committed transaction); only
/// a power loss or an operating-system crash can lose the last committed batches, which the next sweep then runs again
/// (each batch is one transaction, and the sweep finds what was committed done). And the WAL is checkpointed every 256 MiB
/// instead of every 4 MiB, which a batch's write exceeds: otherwise each commit copies the WAL into the database and syncs
/// it. In rollback-journal mode (where NORMAL is not documented as safe against power loss) both are left as they are. The
/// connection goes back to the pool with <c>synchronous</c> and the checkpoint interval as they were.
/// </summary>
internal static class SqlitePragmas
{
    private const long CacheKib = 256 * 1024;

    public static async Task ForSweepAsync(DbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync($"PRAGMA cache_size = -{CacheKib}; PRAGMA mmap_size = 17179869184", ct);
        if (await IsWalAsync(db, ct))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 65536", ct);
        }
    }

    public static async Task AfterSweepAsync(DbContext db, CancellationToken ct)
    {
        if (await IsWalAsync(db, ct))
        {
            // FULL and 1000 pages: Microsoft.Data.Sqlite's and SQLite's defaults.
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000", ct);
        }
    }

    private static async Task<bool> IsWalAsync(DbContext db, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return string.Equals(await command.ExecuteScalarAsync(ct) as string, "wal", StringComparison.OrdinalIgnoreCase);
    }
}
