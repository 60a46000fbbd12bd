namespace Collections.Shared.Persistence;

/// <summary>
/// A SQLite database file in the temporary folder that is deleted, with its write-ahead log and shared-memory index, when
/// disposed: for commands that seed a throw-away demo database (<c>campaign run --demo-db</c>), so that each run leaves
/// nothing behind in the temporary folder.
/// </summary>
public sealed class TemporarySqliteDatabase : IDisposable
{
    public TemporarySqliteDatabase(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");
        // Not pooled: once the last context is disposed no connection holds the file, and it can be deleted.
        Options = new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path};Pooling=false" };
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Options that open the file.</summary>
    public DatabaseOptions Options { get; }

    public void Dispose() => Delete(Path);

    /// <summary>Deletes a SQLite database file and the files SQLite keeps beside it; a file already gone is no error, one still
    /// open elsewhere is left (the temporary folder's owner cleans it).</summary>
    public static void Delete(string path)
    {
        foreach (var file in (ReadOnlySpan<string>)[path, $"{path}-wal", $"{path}-shm", $"{path}-journal"])
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
