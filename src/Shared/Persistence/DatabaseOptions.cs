using System.ComponentModel.DataAnnotations;

namespace Collections.Shared.Persistence;

/// <summary>Which database engine holds the platform's data.</summary>
public enum DatabaseProvider { Sqlite = 1, Postgres = 2, SqlServer = 3 }

/// <summary>Database settings, bound from <c>Collections:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Collections:Database";

    /// <summary>Sqlite (default), Postgres or SqlServer.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The provider's connection string; for SQLite a relative file path is resolved against the working directory.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/collections.db";
}
