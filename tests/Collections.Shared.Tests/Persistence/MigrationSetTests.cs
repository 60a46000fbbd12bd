using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Collections.Shared.Tests.Persistence;

public sealed class MigrationSetTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres, DatabaseProvider.SqlServer];

    private static DatabaseOptions OptionsFor(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new() { Provider = provider, ConnectionString = "Data Source=unused.db" },
        DatabaseProvider.Postgres => new() { Provider = provider, ConnectionString = "Host=127.0.0.1;Database=unused" },
        _ => new() { Provider = provider, ConnectionString = "Server=127.0.0.1;Database=unused;TrustServerCertificate=true" },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Each_provider_has_migrations_matching_the_model(DatabaseProvider provider)
    {
        using var db = DatabaseSetup.CreateContext(OptionsFor(provider));
        Assert.NotEmpty(db.Database.GetMigrations());
        // A model change without a new migration for this provider fails here, before it fails in production.
        Assert.False(db.Database.HasPendingModelChanges(), $"{provider}: the model has changes that no migration captures; run dotnet ef migrations add.");
    }

    [Fact]
    public void SqlServer_migrations_produce_a_script_without_a_server()
    {
        // No SQL Server can run here (README): generating the idempotent script proves the migration set is complete.
        using var db = DatabaseSetup.CreateContext(OptionsFor(DatabaseProvider.SqlServer));
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [accounts]", script);
        Assert.Contains("[creditor_reference] nvarchar(64) NOT NULL", script);
        Assert.Contains("CREATE UNIQUE INDEX [IX_accounts_creditor_id_creditor_reference]", script);
    }
}
