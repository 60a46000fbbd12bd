using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.Testing;

/// <summary>Fresh, migrated databases for tests, on SQLite (a temporary file) or on a running <see cref="PostgresServer"/>.</summary>
public static class TestDatabases
{
    // The files of this process's databases, deleted when it exits (a full run creates over a thousand).
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> Created = [];

    static TestDatabases() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var file in Created)
        {
            TemporarySqliteDatabase.Delete(file);
        }
    };

    /// <summary>Options for a new SQLite file in the temporary folder, deleted when the test process exits.</summary>
    public static DatabaseOptions NewSqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"collections-test-{Guid.NewGuid():N}.db");
        Created.Add(file);
        return new() { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file};Pooling=false" };
    }

    /// <summary>Options for a new database on <paramref name="server"/>.</summary>
    public static async Task<DatabaseOptions> NewPostgresAsync(PostgresServer server) => new()
    {
        Provider = DatabaseProvider.Postgres,
        ConnectionString = await server.CreateDatabaseAsync(),
    };

    /// <summary>A context factory over <paramref name="options"/>, for services that create their own contexts.</summary>
    public static ICollectionsDbContextFactory Contexts(this DatabaseOptions options) => DatabaseSetup.CreateFactory(options);

    /// <summary>A copy of the database (SQLite: the file; PostgreSQL: a new database made from it as a template), so that two
    /// runs can start from the same rows, ids included.</summary>
    public static async Task<DatabaseOptions> CopyAsync(this DatabaseOptions options, PostgresServer? server = null)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var copy = NewSqlite();
            File.Copy(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource,
                new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(copy.ConnectionString).DataSource);
            return copy;
        }

        ArgumentNullException.ThrowIfNull(server);
        return new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = await server.CopyDatabaseAsync(options.ConnectionString) };
    }

    /// <summary>Applies every migration of the provider and returns the options.</summary>
    public static async Task<DatabaseOptions> MigrateAsync(this DatabaseOptions options)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        await db.Database.MigrateAsync();
        return options;
    }
}

/// <summary>Finds files of the repository from a test's output folder.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding Collections.sln.</summary>
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Collections.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Collections.sln not found above " + AppContext.BaseDirectory);
    }
}
