using Collections.Shared.Compliance;
using Collections.Shared.Persistence;
using Collections.Shared.Time;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Collections.Dialer.Cli;

/// <summary>Configuration, logging and database access for verbs that run without a host.</summary>
public static class CliHost
{
    /// <summary>appsettings.json (and appsettings.{DOTNET_ENVIRONMENT}.json) in the working directory, then
    /// environment variables such as <c>Collections__Database__Provider</c>: the same keys the host reads.</summary>
    public static IConfiguration Configuration()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
    }

    /// <summary>Logs to stderr only, so stdout carries nothing but the verb's JSON lines.</summary>
    public static ILoggerFactory Logging(LogLevel minimum = LogLevel.Warning) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(o => o.SingleLine = true)
        .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

    /// <summary>Reads the database options; a bad value yields a message naming the key instead of a stack trace.</summary>
    public static bool TryDatabase(out DatabaseOptions options, out string? error)
    {
        try
        {
            options = DatabaseSetup.ReadOptions(Configuration());
            error = null;
            return true;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            options = new DatabaseOptions();
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The verbs' clock: the system clock, or, when <c>Collections:Clock:OffsetFile</c> is set (never in Production), the
    /// same moved clock the console reads, so a verb run beside a rehearsed host (an end-to-end test taking it through days) sees
    /// the host's day: an import opens its cases, and a payment is booked, at the host's "now".</summary>
    public static bool TryClock(out TimeProvider time, out string? error)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var options = Configuration().GetSection(ClockOptions.Section).Get<ClockOptions>() ?? new ClockOptions();
        error = options.Refusal(environment);
        time = error is null ? options.Create() : TimeProvider.System;
        return error is null;
    }

    /// <summary>The claim analysis over the configured strategies (<c>Collections:Workflow:StrategiesDirectory</c>, default
    /// config/strategies); false with the reason when the folder is missing or a strategy file is broken.</summary>
    public static bool TryClaimAnalysis(out Collections.Shared.Workflow.Strategies.ClaimAnalysis? analysis, out string? error)
    {
        var folder = Configuration()[$"{Collections.Shared.Workflow.WorkflowOptions.Section}:{nameof(Collections.Shared.Workflow.WorkflowOptions.StrategiesDirectory)}"]
            ?? Collections.Shared.Workflow.Strategies.StrategyLoader.DefaultDirectory;
        var resolved = Collections.Shared.Configuration.ConfigFolders.Resolve(folder);
        try
        {
            analysis = new(new Collections.Shared.Workflow.Strategies.StrategyCatalog(Collections.Shared.Workflow.Strategies.StrategyLoader.LoadDirectory(resolved)));
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is Collections.Shared.Workflow.Strategies.StrategyException or IOException)
        {
            analysis = null;
            error = $"{Collections.Shared.Workflow.WorkflowOptions.Section}:StrategiesDirectory '{folder}': {ex.Message}";
            return false;
        }
    }

    /// <summary>Parses an <c>--at</c> value: an ISO 8601 instant (<c>2026-03-09T01:00:00Z</c>) or one with an offset
    /// (<c>2026-03-08T20:59:00-04:00</c>); null text means "now" and parses to null.</summary>
    public static bool TryParseInstant(string? text, out Instant? at, out string? error) => TryParseInstant(text, "--at", out at, out error);

    /// <summary>Parses an instant given to <paramref name="option"/> (<see cref="TryParseInstant(string?, out Instant?, out string?)"/>);
    /// the error names the option.</summary>
    public static bool TryParseInstant(string? text, string option, out Instant? at, out string? error)
    {
        at = null;
        error = null;
        if (text is null)
        {
            return true;
        }

        var instant = InstantPattern.ExtendedIso.Parse(text);
        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (instant.Success)
        {
            at = instant.Value;
        }
        else if (offset.Success)
        {
            at = offset.Value.ToInstant();
        }
        else
        {
            error = $"{option}: '{text}' is not an ISO 8601 instant (e.g. 2026-03-09T01:00:00Z or 2026-03-08T20:59:00-04:00)";
        }

        return error is null;
    }

    /// <summary>The database and the compliance engine from <paramref name="configuration"/>; a bad key or rule pack
    /// yields its message instead of an exception.</summary>
    public static bool TryDatabaseAndCompliance(IConfiguration configuration, out DatabaseOptions database, out ComplianceEngine? engine, out string? error)
    {
        try
        {
            database = DatabaseSetup.ReadOptions(configuration);
            var compliance = new ComplianceOptions();
            configuration.GetSection(ComplianceOptions.Section).Bind(compliance);
            engine = ComplianceSetup.CreateEngine(compliance);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or RulePackException)
        {
            (database, engine, error) = (new DatabaseOptions(), null, ex.Message);
            return false;
        }
    }

    /// <summary>For verbs that only read: a SQLite file that is not there is an error (opening it would create an empty one).</summary>
    public static string? MissingSqliteFile(DatabaseOptions database) =>
        database.Provider == DatabaseProvider.Sqlite
        && new SqliteConnectionStringBuilder(database.ConnectionString).DataSource is { Length: > 0 } file
        && file != ":memory:" && !File.Exists(file)
            ? $"database file '{file}' does not exist (Collections:Database:ConnectionString)"
            : null;
}
