using Collections.Shared.Persistence;
using Collections.Shared.Time;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Infrastructure;

/// <summary>Host-wide services and start-up steps of the single-node composition.</summary>
public static partial class HostSetup
{
    /// <summary>Clock, OpenAPI and ProblemDetails: what every feature of the host relies on.</summary>
    public static IHostApplicationBuilder AddConsoleHost(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClockOptions>().BindConfiguration(ClockOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Refusal(builder.Environment.EnvironmentName) is null,
                $"{ClockOptions.Section}:{nameof(ClockOptions.OffsetFile)} moves the host's clock and is refused in Production (calling hours and call caps read it).")
            .ValidateOnStart();
        var clock = builder.Configuration.GetSection(ClockOptions.Section).Get<ClockOptions>() ?? new ClockOptions();
        builder.Services.AddSingleton(clock.Refusal(builder.Environment.EnvironmentName) is null ? clock.Create() : TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSignalR(o =>
        {
            // Hub errors carry only HubException messages (refusals written for the operator), never exception details.
            o.EnableDetailedErrors = false;
        })
        // A client may choose MessagePack (smaller, cheaper to read than JSON: docs/performance.md, console benchmark);
        // JSON stays the default and is what the browser pages use.
        .AddMessagePackProtocol();
        return builder;
    }

    /// <summary>In Development on SQLite the schema is migrated at start so a fresh clone runs with one command;
    /// elsewhere migrations are an explicit step (<c>collections-dialer migrate</c>), never a side effect of start-up.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Collections.AgentConsole.Startup");
        if (!app.Environment.IsDevelopment() || options.Provider != DatabaseProvider.Sqlite)
        {
            LogMigrationsSkipped(logger, app.Environment.EnvironmentName, options.Provider);
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CollectionsDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        // Write-ahead logging lets the wallboard and screen-pops read while a disposition is written (SQLite's default
        // rollback journal blocks readers during a write); the mode is stored in the file, so once is enough.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        LogMigrated(logger, pending.Count);
    }

    /// <summary>Logs every address the server listens on once it has started.</summary>
    public static void LogListeningAddresses(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Collections.AgentConsole.Startup");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                LogListening(logger, address, $"{address.TrimEnd('/')}/health", $"{address.TrimEnd('/')}/openapi/v1.json");
            }
        });
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Collections console listening on {Address} (health: {Health}, OpenAPI: {OpenApi})")]
    private static partial void LogListening(ILogger logger, string address, string health, string openApi);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "SQLite database migrated ({Count} migrations applied)")]
    private static partial void LogMigrated(ILogger logger, int count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Automatic migration skipped in {Environment} on {Provider}: run 'collections-dialer migrate'")]
    private static partial void LogMigrationsSkipped(ILogger logger, string environment, DatabaseProvider provider);
}
