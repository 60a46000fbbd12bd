using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Persistence;

/// <summary>
/// Settings of a connection that writes many rows in one go on SQLite (https://sqlite.org/pragma.html): the account import,
/// the creditor API's placements and the due-work sweep. A larger page cache (256 MiB instead of 2 MiB; it stays with the
/// pooled connection, so the next batch finds the index pages it walks in memory). In WAL mode (the console host and the
/// importer put the file in it) the WAL is checkpointed every 256 MiB instead of every 4 MiB, which one batch's write exceeds:
/// otherwise each commit copies the WAL into the database and syncs it. With <c>relaxedSync</c> a commit also runs with
/// <c>synchronous=NORMAL</c>: not synced to disk at once but at the next checkpoint, which SQLite documents as safe against
/// corruption and durable across a crash of the process (the WAL file holds every committed transaction); only a power loss or
/// an operating-system crash can lose the last committed batches. The sweep may (the next sweep runs them again); a placement
/// may not (its caller has been told "created"), so it keeps <c>synchronous=FULL</c>: one sync per batch. In rollback-journal
/// mode (where NORMAL is not documented as safe against power loss) both are left as they are. <see cref="AfterBulkWritesAsync"/>
/// gives the connection back to the pool with <c>synchronous</c> and the checkpoint interval as they were.
/// </summary>
internal static class SqlitePragmas
{
    private const long CacheKib = 256 * 1024;

    // Pages of the file's first 2 GiB are read from a memory map rather than copied by a read() per page
    // (https://sqlite.org/mmap.html); the bundled SQLite caps the map at 0x7fff0000 bytes. A reader's page cache is dropped
    // whenever another connection committed (every batch of a sweep), so its reads come from the file again and again.
    private const long MmapBytes = 0x7fff0000;

    /// <summary>The automatic checkpoint of a writer whose WAL a <see cref="SqliteBackgroundCheckpoint"/> copies meanwhile: 1 GiB
    /// of pages, a bound rather than the usual way.</summary>
    public const int WriterCheckpointPages = 262144;

    public static Task ForBulkWritesAsync(DbContext db, bool relaxedSync, CancellationToken ct) => ForBulkWritesAsync(db, relaxedSync, 65536, ct);

    public static async Task ForBulkWritesAsync(DbContext db, bool relaxedSync, int checkpointPages, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync($"PRAGMA cache_size = -{CacheKib}; PRAGMA mmap_size = {MmapBytes}", ct);
        if (await IsWalAsync(db, ct))
        {
            var checkpoint = string.Create(CultureInfo.InvariantCulture, $"PRAGMA wal_autocheckpoint = {checkpointPages}");
            await db.Database.ExecuteSqlRawAsync(relaxedSync ? "PRAGMA synchronous = NORMAL; " + checkpoint : checkpoint, ct);
        }
    }

    public static async Task AfterBulkWritesAsync(DbContext db, CancellationToken ct)
    {
        // SQLite's default: no map on a pooled connection that goes back to ordinary work.
        await db.Database.ExecuteSqlRawAsync("PRAGMA mmap_size = 0", ct);
        if (await IsWalAsync(db, ct))
        {
            // FULL and 1000 pages: Microsoft.Data.Sqlite's and SQLite's defaults.
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000", ct);
        }
    }

    internal static async Task<bool> IsWalAsync(DbContext db, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return string.Equals(await command.ExecuteScalarAsync(ct) as string, "wal", StringComparison.OrdinalIgnoreCase);
    }
}
