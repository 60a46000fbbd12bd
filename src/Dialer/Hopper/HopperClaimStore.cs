using System.Data;
using Collections.Shared.Domain;
using Collections.Shared.Hopper;
using Collections.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Hopper;

/// <summary>
/// Writes claims so that two nodes never hold the same account at once. Each provider gets the lock that lets
/// concurrent claimers pass each other instead of queueing or double-claiming:
/// PostgreSQL <c>SELECT ... FOR UPDATE SKIP LOCKED</c>, SQL Server <c>WITH (UPDLOCK, READPAST, ROWLOCK)</c>,
/// SQLite one writer at a time (<c>BEGIN IMMEDIATE</c>). Inside the lock the lease is checked again, so an account
/// claimed by another node between ranking and claiming is skipped.
/// </summary>
internal static class HopperClaimStore
{
    private const string Table = "hopper_claims";

    /// <summary>Claims up to <paramref name="limit"/> of <paramref name="ranked"/> in their order; returns those claimed.</summary>
    public static async Task<IReadOnlyList<HopperEntry>> ClaimAsync(CollectionsDbContext db, IReadOnlyList<HopperEntry> ranked, int limit, string nodeId,
        CampaignId campaignId, Instant now, Duration lease, CancellationToken cancellationToken)
    {
        var rows = db switch
        {
            PostgresCollectionsDbContext => await LockPostgresAsync(db, ranked, limit, now, cancellationToken),
            SqlServerCollectionsDbContext => await LockSqlServerAsync(db, ranked, now, cancellationToken),
            SqliteCollectionsDbContext => await LockSqliteAsync(db, ranked, now, cancellationToken),
            _ => throw new NotSupportedException($"No claim strategy for {db.GetType().Name}."),
        };

        try
        {
            var byAccount = rows.ToDictionary(r => r.AccountId);
            var claimed = ranked.Where(e => byAccount.ContainsKey(e.AccountId)).Take(limit).ToList();
            foreach (var entry in claimed)
            {
                var row = byAccount[entry.AccountId];
                row.ClaimedBy = nodeId;
                row.ClaimedAt = now;
                row.ClaimedUntil = now + lease;
                row.CampaignId = campaignId;
                row.Phone = entry.Phone;
                row.ClaimCount++;
            }

            await db.SaveChangesAsync(cancellationToken);
            await db.Database.CommitTransactionAsync(cancellationToken);
            return claimed;
        }
        catch
        {
            if (db.Database.CurrentTransaction is not null)
            {
                await db.Database.RollbackTransactionAsync(CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>
    /// PostgreSQL: claim rows are created for the candidates (ON CONFLICT DO NOTHING: rows never deleted, so an insert
    /// races only with another insert of the same key, which waits and does nothing), then the free ones are locked in
    /// rank order. SKIP LOCKED passes rows another node is locking right now; under READ COMMITTED a row that node has
    /// just committed is re-read at its new version and its fresh lease excludes it (PostgreSQL docs, "The Locking Clause").
    /// </summary>
    private static async Task<List<HopperClaim>> LockPostgresAsync(CollectionsDbContext db, IReadOnlyList<HopperEntry> ranked, int limit, Instant now, CancellationToken cancellationToken)
    {
        var ids = ranked.Select(e => e.AccountId.Value).ToArray();
        // Keys inserted in one global order: two nodes inserting overlapping sets in different orders could otherwise
        // each wait for the other's uncommitted key (a deadlock PostgreSQL would break by aborting one).
        var sorted = ids.Order().ToArray();
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {Table} (account_id) SELECT id FROM unnest({{0}}::uuid[]) WITH ORDINALITY AS k(id, n) ORDER BY n ON CONFLICT (account_id) DO NOTHING",
            [sorted], cancellationToken);
        await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        return await db.HopperClaims.FromSqlRaw(
                $"SELECT * FROM {Table} WHERE account_id = ANY({{0}}) AND (claimed_until IS NULL OR claimed_until <= {{1}}) " +
                "ORDER BY array_position({0}, account_id) LIMIT {2} FOR UPDATE SKIP LOCKED",
                ids, now.ToDateTimeUtc(), limit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// SQL Server: missing rows inserted under a key-range lock (UPDLOCK, HOLDLOCK) so two inserts of one key serialize;
    /// then UPDLOCK holds each free row until commit, READPAST skips rows another node holds, ROWLOCK keeps the locks to
    /// rows. Not run in this project's CI (no SQL Server here); the SQL follows the documented table hints.
    /// </summary>
    private static async Task<List<HopperClaim>> LockSqlServerAsync(CollectionsDbContext db, IReadOnlyList<HopperEntry> ranked, Instant now, CancellationToken cancellationToken)
    {
        // The candidate ids travel as one JSON array parameter (OPENJSON, SQL Server 2016+), not as 2,100 parameters at most.
        var ids = System.Text.Json.JsonSerializer.Serialize(ranked.Select(e => e.AccountId.Value).Order());
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {Table} (account_id) SELECT v.id FROM (SELECT CAST([value] AS uniqueidentifier) AS id FROM OPENJSON({{0}})) AS v " +
            $"WHERE NOT EXISTS (SELECT 1 FROM {Table} WITH (UPDLOCK, HOLDLOCK) WHERE account_id = v.id)", [ids], cancellationToken);
        await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        return await db.HopperClaims.FromSqlRaw(
                $"SELECT * FROM {Table} WITH (UPDLOCK, READPAST, ROWLOCK) " +
                "WHERE account_id IN (SELECT CAST([value] AS uniqueidentifier) FROM OPENJSON({0})) AND (claimed_until IS NULL OR claimed_until <= {1})",
                ids, now.ToDateTimeUtc())
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// SQLite: BEGIN IMMEDIATE takes the database's write lock before the first read, so a second node's claim waits
    /// (busy timeout) and then reads the first node's committed leases: one writer at a time gives the same guarantee.
    /// </summary>
    private static async Task<List<HopperClaim>> LockSqliteAsync(CollectionsDbContext db, IReadOnlyList<HopperEntry> ranked, Instant now, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = connection.BeginTransaction(deferred: false);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        var ids = ranked.Select(e => e.AccountId).ToList();
        var existing = await db.HopperClaims.Where(c => ids.Contains(c.AccountId)).ToListAsync(cancellationToken);
        var known = existing.Select(c => c.AccountId).ToHashSet();
        foreach (var id in ids.Where(id => !known.Contains(id)))
        {
            var row = new HopperClaim { AccountId = id };
            db.HopperClaims.Add(row);
            existing.Add(row);
        }

        return existing.Where(c => !c.IsHeldAt(now)).ToList();
    }
}
