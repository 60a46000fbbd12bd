using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Collections.Shared.Persistence;

/// <summary>
/// Copies a bulk writer's WAL into the database file on a connection and task of its own while the writer goes on
/// (https://sqlite.org/wal.html#checkpointing, a PASSIVE checkpoint: it waits for no reader or writer). Without it the writer
/// runs every checkpoint inside a commit: it copies the WAL's pages into the database file and syncs both files
/// (<c>synchronous=NORMAL</c>), and waits for the disk meanwhile. The writer keeps its own automatic checkpoint as a bound
/// (<see cref="SqlitePragmas.WriterCheckpointPages"/>): when it comes, most of the WAL is already copied, and that checkpoint is
/// what lets the next transaction start the WAL from its beginning again. Signalled by <see cref="Committed"/>; a checkpoint
/// runs after every <see cref="CommitsPerCheckpoint"/> commits, one at a time. Disposing it runs a last checkpoint and rethrows
/// an error any checkpoint had (a disk error, not a conflict: a PASSIVE checkpoint does not fail on a busy database).
/// </summary>
internal sealed class SqliteBackgroundCheckpoint : IAsyncDisposable
{
    /// <summary>Commits between checkpoints: a sweep's batch writes some megabytes, so about a hundred between two syncs.</summary>
    public const int CommitsPerCheckpoint = 16;

    private readonly DbContext _db;
    private readonly Channel<bool> _commits = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    private SqliteBackgroundCheckpoint(DbContext db)
    {
        _db = db;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Checkpoints run so far, the last one included once disposed.</summary>
    public int Checkpoints { get; private set; }

    /// <summary>Starts checkpointing on <paramref name="db"/> (a connection of its own, not used for anything else; it is
    /// disposed with this) when the database is in WAL mode; otherwise disposes it and returns null.</summary>
    public static async Task<SqliteBackgroundCheckpoint?> StartAsync(DbContext db, CancellationToken ct)
    {
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            if (await SqlitePragmas.IsWalAsync(db, ct))
            {
                return new SqliteBackgroundCheckpoint(db);
            }
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        await db.DisposeAsync();
        return null;
    }

    /// <summary>Tells the checkpointer the writer committed a transaction.</summary>
    public void Committed() => _commits.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        _commits.Writer.TryComplete();
        try
        {
            await _loop;
        }
        finally
        {
            await _db.DisposeAsync();
        }
    }

    private async Task LoopAsync()
    {
        var since = 0;
        await foreach (var _ in _commits.Reader.ReadAllAsync())
        {
            if (++since >= CommitsPerCheckpoint)
            {
                since = 0;
                await CheckpointAsync();
            }
        }

        await CheckpointAsync();
    }

    private async Task CheckpointAsync()
    {
        await using var command = _db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }

        Checkpoints++;
    }
}
