using Collections.Shared.Persistence;
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
}
