using System.Text.Json;
using Collections.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Audit;

/// <summary>The audit chain's head (the last entry's id and hash, and the first entry's hash) kept in a file outside the
/// database, so that removing the last entries, which leaves a valid shorter chain, is found by
/// <see cref="AuditTrail.VerifyAsync(CollectionsDbContext, AuditAnchor?, CancellationToken)"/>.</summary>
/// <remarks>The anchor protects as far as the file is out of reach of whoever can write the database: point
/// <c>Collections:Audit:AnchorFile</c> at storage the database's users cannot write (another machine's share, an
/// append-only mount). It is advanced after every committed batch; entries appended after the last advance (a crash between
/// the commit and the write) are not covered until the next one.</remarks>
public sealed partial class AuditAnchor(string path, ILogger? logger = null)
{
    /// <summary>The configuration key of the anchor file.</summary>
    public const string Key = "Collections:Audit:AnchorFile";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private bool _warnedForeign;

    /// <summary>The anchor file's path.</summary>
    public string Path { get; } = path;

    /// <summary>The anchor as stored: the first entry's hash (which trail it belongs to), the last entry's id and hash, when
    /// it was written.</summary>
    public sealed record Head(string First, long Entry, string Hash, string At);

    /// <summary>The anchor of the configured database: <c>Collections:Audit:AnchorFile</c>, else for SQLite a file beside the
    /// database file (<c>collections.db.audit-anchor.json</c>); null for a server database without a configured file.</summary>
    public static AuditAnchor? For(IConfiguration configuration, DatabaseOptions database, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(database);
        if (configuration[Key] is { Length: > 0 } configured)
        {
            return new AuditAnchor(configured, logger);
        }

        if (database.Provider == DatabaseProvider.Sqlite
            && new SqliteConnectionStringBuilder(database.ConnectionString).DataSource is { Length: > 0 } file
            && file != ":memory:")
        {
            return new AuditAnchor(file + ".audit-anchor.json", logger);
        }

        return null;
    }

    /// <summary>The stored head, or null when no anchor was written yet.</summary>
    /// <exception cref="InvalidDataException">The file is there but is not an anchor.</exception>
    public Head? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Head>(File.ReadAllText(Path), Json) is { First.Length: > 0, Hash.Length: > 0, Entry: > 0 } head
                ? head
                : throw new InvalidDataException($"{Path}: not an audit anchor (first, entry, hash)");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path}: not an audit anchor: {ex.Message}", ex);
        }
    }

    /// <summary>Moves the anchor to entry <paramref name="entry"/> of the trail whose first entry's hash is
    /// <paramref name="first"/>, if that is further than the stored one. An anchor of another trail is never overwritten
    /// (replacing the whole table must not silently re-anchor it): that is logged once and the anchor stays. A failure to write
    /// is logged and does not fail the caller: the entries are committed, and the next batch tries again.</summary>
    internal void Advance(string first, long entry, string hash, Instant at)
    {
        try
        {
            var stored = Read();
            if (stored is not null && stored.First != first)
            {
                if (!_warnedForeign)
                {
                    _warnedForeign = true;
                    LogForeign(_logger, Path, stored.Entry);
                }

                return;
            }

            if (stored is not null && stored.Entry >= entry)
            {
                return;
            }

            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            Directory.CreateDirectory(directory);
            // Written aside and moved over the old one (an atomic rename): a reader never sees half an anchor.
            var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(temporary, JsonSerializer.Serialize(new Head(first, entry, hash, InstantPattern.General.Format(at)), Json));
            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            LogFailed(_logger, Path, ex);
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [LoggerMessage(EventId = 2961, Level = LogLevel.Error, Message = "The audit anchor {Path} could not be written; entries appended since its last write are not anchored")]
    private static partial void LogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2962, Level = LogLevel.Warning, Message = "The audit anchor {Path} belongs to another trail (its entry {Entry}): it is left as it is, and audit verify reports it; move it away if this database is new on purpose")]
    private static partial void LogForeign(ILogger logger, string path, long entry);
}
