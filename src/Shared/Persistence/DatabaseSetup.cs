using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Collections.Shared.Persistence;

/// <summary>Creates contexts for the configured provider; for long jobs that need one context per batch.</summary>
public interface ICollectionsDbContextFactory
{
    CollectionsDbContext CreateDbContext();
}

/// <summary>Registers the database for a host and builds contexts outside of dependency injection (CLI, tests).</summary>
public static class DatabaseSetup
{
    /// <summary>Binds and validates <see cref="DatabaseOptions"/> and registers the context of the configured provider.</summary>
    public static IHostApplicationBuilder AddCollectionsDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        // The provider decides the context type, so it is read here; a bad value stops the host now, naming the key.
        var options = ReadOptions(builder.Configuration);
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                Register<SqliteCollectionsDbContext>(builder.Services);
                break;
            case DatabaseProvider.Postgres:
                Register<PostgresCollectionsDbContext>(builder.Services);
                break;
            case DatabaseProvider.SqlServer:
                Register<SqlServerCollectionsDbContext>(builder.Services);
                break;
        }

        return builder;
    }

    /// <summary>Reads <see cref="DatabaseOptions"/> from configuration, with messages that name the key at fault.</summary>
    public static DatabaseOptions ReadOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection(DatabaseOptions.Section);
        var result = new DatabaseOptions();
        var provider = section[nameof(DatabaseOptions.Provider)];
        if (!string.IsNullOrWhiteSpace(provider))
        {
            if (!Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(provider, out _))
            {
                throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                    [$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}: '{provider}' is not a known provider; use Sqlite, Postgres or SqlServer."]);
            }

            result.Provider = parsed;
        }

        var connectionString = section[nameof(DatabaseOptions.ConnectionString)];
        if (connectionString is not null)
        {
            result.ConnectionString = connectionString;
        }

        var error = DatabaseOptionsValidator.Check(result);
        if (error is not null)
        {
            throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions), [error]);
        }

        return result;
    }

    /// <summary>Creates a context for <paramref name="options"/> without a host (the ops CLI and tests).</summary>
    public static CollectionsDbContext CreateContext(DatabaseOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteCollectionsDbContext(Build<SqliteCollectionsDbContext>(options)),
        DatabaseProvider.Postgres => new PostgresCollectionsDbContext(Build<PostgresCollectionsDbContext>(options)),
        DatabaseProvider.SqlServer => new SqlServerCollectionsDbContext(Build<SqlServerCollectionsDbContext>(options)),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider."),
    };

    /// <summary>A context factory for <paramref name="options"/>, for services that open their own contexts outside a host.</summary>
    public static ICollectionsDbContextFactory CreateFactory(DatabaseOptions options) => new OptionsContextFactory(options);

    /// <summary>Applies <paramref name="options"/>' provider and connection string to an options builder.</summary>
    public static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(PrepareSqlite(options.ConnectionString));
                break;
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(options.ConnectionString);
                break;
            case DatabaseProvider.SqlServer:
                builder.UseSqlServer(options.ConnectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown database provider.");
        }
    }

    private static DbContextOptions<TContext> Build<TContext>(DatabaseOptions options)
        where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        Configure(builder, options);
        return builder.Options;
    }

    private static void Register<TContext>(IServiceCollection services)
        where TContext : CollectionsDbContext
    {
        services.AddDbContextFactory<TContext>((sp, builder) =>
            Configure(builder, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddScoped<CollectionsDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.AddSingleton<ICollectionsDbContextFactory, CollectionsDbContextFactory<TContext>>();
    }

    /// <summary>Makes the SQLite file's folder exist, so a fresh clone starts without a manual step.</summary>
    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } path && builder.Mode != SqliteOpenMode.Memory && path != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            try
            {
                if (!string.IsNullOrEmpty(directory))
                {
                    Directory.CreateDirectory(directory);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Opening the connection reports the real problem (health check, migrate verb) with the path.
            }
        }

        return builder.ToString();
    }

    private sealed class OptionsContextFactory(DatabaseOptions options) : ICollectionsDbContextFactory
    {
        public CollectionsDbContext CreateDbContext() => CreateContext(options);
    }

    private sealed class CollectionsDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : ICollectionsDbContextFactory
        where TContext : CollectionsDbContext
    {
        public CollectionsDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>Checks that the connection string parses for the chosen provider, so a typo stops the host at start.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        Check(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;

    internal static string? Check(DatabaseOptions options)
    {
        var key = $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}";
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return $"{key} is empty.";
        }

        try
        {
            DbConnectionStringBuilder parsed = options.Provider switch
            {
                DatabaseProvider.Sqlite => new SqliteConnectionStringBuilder(options.ConnectionString),
                DatabaseProvider.Postgres => new NpgsqlConnectionStringBuilder(options.ConnectionString),
                DatabaseProvider.SqlServer => new SqlConnectionStringBuilder(options.ConnectionString),
                _ => throw new ArgumentException("unknown provider"),
            };
            var missing = options.Provider switch
            {
                DatabaseProvider.Sqlite when string.IsNullOrEmpty(((SqliteConnectionStringBuilder)parsed).DataSource) => "Data Source",
                DatabaseProvider.Postgres when string.IsNullOrEmpty(((NpgsqlConnectionStringBuilder)parsed).Host) => "Host",
                DatabaseProvider.SqlServer when string.IsNullOrEmpty(((SqlConnectionStringBuilder)parsed).DataSource) => "Server",
                _ => null,
            };
            return missing is null ? null : $"{key} has no '{missing}' for provider {options.Provider}.";
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{key} is not a valid {options.Provider} connection string: {ex.Message}";
        }
    }
}
