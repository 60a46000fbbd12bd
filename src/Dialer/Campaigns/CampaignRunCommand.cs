using System.CommandLine;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Cli;
using Collections.Dialer.Hopper;
using Collections.Shared.Compliance;
using Collections.Shared.Demo;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.DueContacts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Dialer.Campaigns;

/// <summary>What <c>campaign run</c> was asked to do.</summary>
internal sealed record CampaignRunArgs(string Campaign, double Minutes, int Agents, bool DemoDatabase, double TalkSeconds, double WrapSeconds, bool AllDue = false, string AmdDetector = AmdProfile.DefaultName);

/// <summary>
/// The <c>campaign run</c> verb: runs one campaign for some minutes against the configured trunk, or the demo carrier
/// when none is configured, with simulated auto-answering agents; one JSON line per call outcome, then a summary line.
/// </summary>
public static class CampaignRunCommand
{
    /// <summary>Builds the verb (<c>campaign run</c>).</summary>
    public static Command Create()
    {
        var campaign = new Option<string>("--campaign") { Description = "Campaign name (Campaigns table), e.g. \"Telecom DE - early arrears\".", Required = true };
        var minutes = new Option<double>("--minutes") { Description = "How long to dial; calls in progress then finish.", DefaultValueFactory = _ => 1 };
        var agents = new Option<int>("--agents") { Description = "Simulated auto-answering agents (speaking every debtor language in the database).", DefaultValueFactory = _ => 3 };
        var demo = new Option<bool>("--demo-db") { Description = "Use a new temporary SQLite database seeded with the demo data instead of the configured one." };
        var talk = new Option<double>("--talk") { Description = "Seconds each simulated agent talks.", DefaultValueFactory = _ => 5 };
        var wrap = new Option<double>("--wrap") { Description = "Seconds of wrap-up after each call.", DefaultValueFactory = _ => 2 };
        var allDue = new Option<bool>("--all-due") { Description = "Dial every call due in the campaign's queue, ignoring its industry filter." };
        var amdProfile = new Option<string>("--amd-profile") { Description = $"AMD detector for the answered calls: {string.Join(", ", AmdDetectors.Names)}.", DefaultValueFactory = _ => AmdProfile.DefaultName };
        var run = new Command("run", "Runs a campaign with simulated agents; prints one JSON line per call and a summary {dialed,answeredHuman,abandoned,machine,talkSeconds}.")
        {
            campaign, minutes, agents, demo, talk, wrap, allDue, amdProfile,
        };
        run.SetAction((ParseResult p, CancellationToken ct) => RunAsync(
            new CampaignRunArgs(p.GetValue(campaign)!, p.GetValue(minutes), p.GetValue(agents), p.GetValue(demo), p.GetValue(talk), p.GetValue(wrap), p.GetValue(allDue), p.GetValue(amdProfile)!),
            CliHost.Configuration(), Console.Out, Console.Error, ct));
        return new Command("campaign", "Campaign runner.") { run };
    }

    internal static async Task<int> RunAsync(CampaignRunArgs args, IConfiguration configuration, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Minutes is <= 0 or > 24 * 60 || args.Agents is < 1 or > 500 || args.TalkSeconds is < 0 or > 3600 || args.WrapSeconds is < 0 or > 3600)
        {
            return CliOutput.Fail("--minutes must be 0..1440, --agents 1..500, --talk and --wrap 0..3600.", stderr);
        }

        if (!AmdDetectors.IsKnown(args.AmdDetector))
        {
            return CliOutput.Fail($"--amd-profile must be one of: {string.Join(", ", AmdDetectors.Names)}.", stderr);
        }

        if (!CliHost.TryDatabaseAndCompliance(configuration, out var database, out var engine, out var problem))
        {
            return CliOutput.Fail(problem!, stderr);
        }

        var time = TimeProvider.System;
        // The throw-away demo database goes when the run ends, however it ends.
        using var demo = args.DemoDatabase ? new TemporarySqliteDatabase("collections-campaign") : null;
        if (demo is not null)
        {
            database = demo.Options;
            await using var seed = DatabaseSetup.CreateContext(database);
            await seed.Database.MigrateAsync(ct).ConfigureAwait(false);
            await DemoDataSeeder.SeedIfEmptyAsync(seed, Instant.FromDateTimeOffset(time.GetUtcNow()), ct: ct).ConfigureAwait(false);
        }
        else if (CliHost.MissingSqliteFile(database) is { } missing)
        {
            return CliOutput.Fail(missing + "; run migrate and load data, or pass --demo-db", stderr);
        }

        Shared.Domain.Campaign? found;
        List<string> languages;
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            var all = await db.Campaigns.AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
            found = all.FirstOrDefault(c => string.Equals(c.Name, args.Campaign, StringComparison.OrdinalIgnoreCase));
            if (found is null)
            {
                return CliOutput.Fail($"No campaign '{args.Campaign}'. Known: {string.Join(", ", all.Select(c => $"\"{c.Name}\""))}", stderr);
            }

            if (args.AllDue)
            {
                found.Industry = null;
            }

            languages = await db.Debtors.Select(d => d.PreferredLanguage).Distinct().ToListAsync(ct).ConfigureAwait(false);
        }

        HopperOptions hopperOptions;
        try
        {
            hopperOptions = HopperSetup.ReadOptions(configuration);
        }
        catch (OptionsValidationException ex)
        {
            return CliOutput.Fail(ex.Message, stderr);
        }

        using var logging = CliHost.Logging();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(configuration);

        // Port 0 unless configured: a second dialer on this machine (or a desk phone's registrar) may hold 5060.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Sip:Port"] = configuration["Dialer:Sip:Port"] ?? "0",
        });
        builder.Services.AddSingleton(logging);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.AddTelephony();

        // The AMD false-positive share the console counts with (validated at start, like the console's).
        builder.Services.AddOptions<Shared.Abandonment.AbandonmentOptions>().BindConfiguration(Shared.Abandonment.AbandonmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(database);
            var ledger = new ContactLedger(engine!, CreateContext, time, logging.CreateLogger<ContactLedger>());

            // The real hopper: the calls due in the campaign's queue, compliance per number, retries, claims under this run's
            // node id (released as each call ends, so a dialer node sharing the database never dials the same account).
            var hopper = new DialerHopper($"campaign-run-{Environment.ProcessId}", engine!, CreateContext, time, hopperOptions,
                new DueContactQueue(CreateContext, time, logging.CreateLogger<DueContactQueue>()), logging.CreateLogger<DialerHopper>());
            var pool = new AgentPool();
            var agents = new SimulatedAgents(pool, time) { Talk = TimeSpan.FromSeconds(args.TalkSeconds), WrapUp = TimeSpan.FromSeconds(args.WrapSeconds) };
            var printer = new PrintingEvents(agents, stdout);
            var runner = new CampaignRunner(found, new CampaignRunnerDependencies(
                host.Services.GetRequiredService<IOutboundCalls>(),
                ledger,
                new AmdLedger(ledger, logging.CreateLogger<AmdLedger>()),
                new HopperDialQueue(hopper, CreateContext),
                pool,
                printer,
                time,
                logging.CreateLogger("Collections.Dialer.Campaigns"),
                AmdDetector: args.AmdDetector,
                // The configured false-positive share and the campaign's stored marks: the estimate the console counts with.
                Abandonment: host.Services.GetRequiredService<IOptions<Shared.Abandonment.AbandonmentOptions>>().Value,
                Marks: new Shared.Abandonment.AmdMarks(CreateContext, time)));
            agents.LogIn(args.Agents, languages);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stop.CancelAfter(TimeSpan.FromMinutes(args.Minutes));
            await runner.RunAsync(TimeSpan.FromSeconds(Math.Max(30, args.TalkSeconds + 30)), stop.Token).ConfigureAwait(false);
            await agents.IdleAsync().ConfigureAwait(false);
            printer.Write(runner.Summary(args.Agents));
            return CliOutput.Ok;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Hands each connected call to a simulated agent and prints each outcome as a JSON line.</summary>
    private sealed class PrintingEvents(SimulatedAgents agents, TextWriter stdout) : ICampaignCallEvents
    {
        private readonly Lock _gate = new();

        public void Connected(IConnectedCall call) => agents.Take(call);

        public void Completed(CallOutcome outcome) => Write(outcome);

        public void Write<T>(T line)
        {
            lock (_gate)
            {
                CliOutput.WriteLine(line, stdout);
            }
        }
    }
}
