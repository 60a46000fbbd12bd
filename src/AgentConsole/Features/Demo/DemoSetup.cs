using System.ComponentModel.DataAnnotations;
using Collections.Shared.Demo;
using Collections.Shared.Persistence;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.Demo;

/// <summary>Demo settings, bound from <c>Collections:Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Collections:Demo";

    /// <summary>Load the deterministic demo data into an empty database at start.</summary>
    public bool Enabled { get; set; }

    /// <summary>Seed of the generator: the same seed gives the same creditors, debtors and ids.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>How many debtors (one account each) the demo holds.</summary>
    [Range(7, 1000)]
    public int Debtors { get; set; } = 240;

    /// <summary>Put the demo's cases into the real collection process at start (<see cref="DemoProcess"/>: strategies from the
    /// claim analysis, calls, SMS and letters due within minutes). Off, the demo data stays as loaded, and nothing is worked
    /// but what a test queues itself.</summary>
    public bool Process { get; set; } = true;

    /// <summary>Months of simulated champion/challenger outcomes loaded with the demo for the analytics page
    /// (<see cref="ArmHistory"/>); 0: none (the default, so hosts in tests stay small; the demo profile of launchSettings.json, which <c>dotnet run</c> uses, asks for 10).</summary>
    [Range(0, 24)]
    public int ArmHistoryMonths { get; set; }

    /// <summary>Consumer cases placed per month of that history (business cases: 40 % as many).</summary>
    [Range(30, 5000)]
    public int ArmHistoryCasesPerMonth { get; set; } = 700;
}

/// <summary>Simulated demo operators, bound from <c>Collections:Demo:Calls</c>. The calls themselves are real: the campaign
/// runner dials the demo carrier over SIP (Features/Dialing).</summary>
public sealed class DemoCallOptions
{
    public const string Section = "Collections:Demo:Calls";

    /// <summary>Run the simulated operators (only while the demo itself is enabled).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many demo operators are simulated to keep the wallboard busy (0 for none).</summary>
    [Range(0, 9)]
    public int SimulatedOperators { get; set; } = 4;

    /// <summary>Seed of the simulated operators' talk and wrap-up times and outcomes.</summary>
    public int Seed { get; set; } = 11;
}

/// <summary>The demo: on first start of an empty database, creditors, debtors in six languages, accounts, promises,
/// plans, operators and campaigns (docs/demo-data.md).</summary>
public static partial class DemoSetup
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DemoCallOptions>().BindConfiguration(DemoCallOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<DemoOperators>();
        return builder;
    }

    /// <summary>Seeds an empty database when the demo is enabled; an existing database is never touched.</summary>
    public static async Task SeedDemoDataAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Collections.AgentConsole.Demo");
        var now = Instant.FromDateTimeOffset(app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CollectionsDbContext>();
        var data = DemoDataGenerator.Generate(now, options.Seed, options.Debtors);
        if (await DemoDataSeeder.SeedIfEmptyAsync(db, data, app.Lifetime.ApplicationStopping))
        {
            LogSeeded(logger, data.Creditors.Count, data.Debtors.Count, data.Agents.Count);
            // The simulated operators (DemoOperators) take the demo's callbacks: the same choice of operators as theirs.
            var calls = app.Services.GetRequiredService<IOptions<DemoCallOptions>>().Value;
            var simulated = DemoOperatorChoice.Pick(data.Agents.Where(a => a.Active), data.Debtors.Select(d => d.PreferredLanguage), calls.Enabled ? calls.SimulatedOperators : 0)
                .Select(a => a.Id).ToList();
            if (!options.Process)
            {
                return;
            }

            // Months of champion/challenger outcomes for the analytics page (docs/analytics.md), on closed cases the process never works.
            if (options.ArmHistoryMonths > 0
                && await ArmHistory.SeedAsync(db, app.Services.GetRequiredService<Collections.Shared.Workflow.Strategies.StrategyCatalog>(), "TELCO-DE", now,
                    options.ArmHistoryMonths, options.ArmHistoryCasesPerMonth, options.Seed, app.Lifetime.ApplicationStopping) is { } history)
            {
                LogHistory(logger, history.Cases, history.Payments, history.Contacts, options.ArmHistoryMonths);
            }

            var summary = await DemoProcess.StartAsync(db, app.Services.GetRequiredService<Collections.Shared.Workflow.WorkflowRunner>(), now, simulated, app.Lifetime.ApplicationStopping);
            LogProcess(logger, summary.CasesOpened, summary.CasesPlaced, summary.ReminderPlans, summary.BrokenPromises, summary.Callbacks, summary.SoonSteps);
        }
        else
        {
            LogKept(logger);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Demo data loaded: {Creditors} creditors, {Debtors} debtors, {Agents} operators (docs/demo-data.md)")]
    private static partial void LogSeeded(ILogger logger, int creditors, int debtors, int agents);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Demo cases in the collection process: {Opened} opened by the claim analysis, {Placed} placed in their phase, {Plans} plans with a reminder due now, {Broken} promise to break this morning, {Callbacks} callbacks queued, {Soon} SMS/letter steps within minutes (docs/workflow.md)")]
    private static partial void LogProcess(ILogger logger, int opened, int placed, int plans, int broken, int callbacks, int soon);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Demo champion/challenger history: {Cases} closed cases over {Months} months with {Payments} payments and {Contacts} contacts (docs/analytics.md)")]
    private static partial void LogHistory(ILogger logger, int cases, int payments, int contacts, int months);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Demo enabled, database already holds data: left as it is")]
    private static partial void LogKept(ILogger logger);
}
