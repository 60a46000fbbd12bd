using Microsoft.EntityFrameworkCore.Design;

namespace Collections.Shared.Persistence;

// Used only by `dotnet ef migrations add`: each provider's migrations are generated from its own context
// type, so the three sets live side by side (Persistence/Migrations/{Sqlite,Postgres,SqlServer}).
// The connection strings are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCollectionsDbContext>
{
    public SqliteCollectionsDbContext CreateDbContext(string[] args) =>
        (SqliteCollectionsDbContext)DatabaseSetup.CreateContext(new() { Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=design-time.db" });
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCollectionsDbContext>
{
    public PostgresCollectionsDbContext CreateDbContext(string[] args) =>
        (PostgresCollectionsDbContext)DatabaseSetup.CreateContext(new() { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=127.0.0.1;Database=collections_design" });
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerCollectionsDbContext>
{
    public SqlServerCollectionsDbContext CreateDbContext(string[] args) =>
        (SqlServerCollectionsDbContext)DatabaseSetup.CreateContext(new() { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=127.0.0.1;Database=collections_design;TrustServerCertificate=true" });
}
