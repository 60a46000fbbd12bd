using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Time;
using Collections.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// One running main job for the end-to-end tests of a database provider: a fresh database migrated with the ops CLI's
/// <c>migrate</c> verb, a floor of operators and campaigns, a strategy folder with one strategy, and the console started as a
/// child process (<see cref="ConsoleProcess"/>) with the demo data off, on free loopback ports (HTTP and SIP chosen here; the
/// demo carrier, demo phone and demo messaging provider bind port 0), on a clock the test moves through days by writing an
/// offset file (<c>Collections:Clock:OffsetFile</c>, which the host and the CLI both read).
/// </summary>
public abstract class CollectionWorld : IAsyncLifetime
{
    /// <summary>Every operator's password (Identity's rules: 10 characters, upper, lower, digit, symbol).</summary>
    public const string Password = "E2e-pass-2026!";

    public const string AdminLogin = "e2e.admin";

    /// <summary>The strategy every account of these tests gets (<c>strategies/e2e.yaml</c>): a letter at once, an SMS the next
    /// day at 10:00, a call two days later at 10:00 (a working day).</summary>
    public const string StrategyId = "e2e-letter-sms-call";

    private const string Strategy = """
        # The end-to-end tests' one strategy: letter -> SMS -> call, a few days apart (format: docs/workflow.md).
        id: e2e-letter-sms-call
        name: End-to-end, letter then SMS then call
        priority: 10
        when:
          debtorTypes: [consumer]
          balance: { min: 0.01 }
        steps:
          - id: letter
            phase: written-reminder
            channel: letter
            campaign: letters
            template: first-reminder
            anchor: due-date
            days: 1
            time: "08:00"
          - id: sms
            phase: phone-and-messages
            channel: sms
            campaign: reminder-messages
            template: first-reminder
            days: 1
            time: "10:00"
          - id: call
            phase: phone-and-messages
            channel: call
            campaign: collections-phone
            stage: first-contact
            days: 2
            time: "10:00"
        """;

    /// <summary>Operators of the floor: login, name, languages.</summary>
    public static readonly IReadOnlyList<(string Login, string Name, string Languages)> Operators =
    [
        ("e2e.anna", "Anna Becker", "de"),
        ("e2e.liga", "Līga Kalniņa", "lv"),
        ("e2e.janis", "Jānis Ozols", "lv"),
    ];

    private int _httpPort;
    private TimeSpan _offset;

    protected CollectionWorld()
    {
        Root = Path.Combine(Path.GetTempPath(), $"collections-e2e-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PrintQueue => Path.Combine(Root, "print-queue");

    public string MessagingFolder => Path.Combine(Root, "demo-messaging");

    public string OffsetFile => Path.Combine(Root, "clock-offset");

    public Uri BaseAddress => new($"http://127.0.0.1:{_httpPort}/");

    public DatabaseOptions Database { get; private set; } = new();

    internal ConsoleProcess Host { get; private set; } = null!;

    /// <summary>Where the host's logs are kept after the run (the test output folder).</summary>
    public string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "e2e");

    /// <summary>The host's "now": the system clock moved by the offset the test wrote last.</summary>
    public Instant Now => Instant.FromDateTimeOffset(DateTimeOffset.UtcNow + _offset);

    protected abstract string Name { get; }

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    public CollectionsDbContext OpenDatabase() => DatabaseSetup.CreateContext(Database);

    /// <summary>Moves the host's clock forward to <paramref name="at"/> (the host re-reads the file every 100 ms).</summary>
    public void MoveTo(Instant at)
    {
        Assert.True(at >= Now - Duration.FromSeconds(1), $"the clock only moves forward: {at} is before the host's now {Now}");
        _offset = at.ToDateTimeOffset() - DateTimeOffset.UtcNow;
        OffsetClock.Write(OffsetFile, _offset);

        // The host reads the file again on the first clock read more than its poll interval (100 ms, below) after the last: once
        // that long has passed since the write, every clock read of the host sees the new time. Without it a sign-in right after
        // a move could be stamped on the old clock and its cookie found expired on the new one (an HTTP 401 in a full run).
        Thread.Sleep(ClockPollInterval * 2.5);
    }

    private static readonly TimeSpan ClockPollInterval = TimeSpan.FromMilliseconds(100);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Artifacts);
        File.Delete(Path.Combine(Artifacts, $"{Name}-console.log"));
        Directory.CreateDirectory(Path.Combine(Root, "strategies"));
        await File.WriteAllTextAsync(Path.Combine(Root, "strategies", "e2e.yaml"), Strategy);
        OffsetClock.Write(OffsetFile, TimeSpan.Zero);
        Database = await CreateDatabaseAsync();
        var migrated = await CliAsync("migrate");
        Assert.True(migrated.Exit == 0, $"migrate: {migrated.Stderr}");
        await SeedFloorAsync();
        _httpPort = FreePorts.UdpAndTcp();
        Host = await ConsoleProcess.StartAsync(BaseAddress, HostEnvironment(FreePorts.UdpAndTcp()), Path.Combine(Artifacts, $"{Name}-console.log"), CancellationToken.None);
    }

    /// <summary>Kills the host with SIGKILL and starts it again on the same database, folders, ports and clock.</summary>
    public async Task KillAndRestartAsync(CancellationToken ct)
    {
        var sip = int.Parse(HostSettings["Dialer__Sip__Port"], CultureInfo.InvariantCulture);
        await Host.KillAsync();
        await Host.DisposeAsync();
        Host = await ConsoleProcess.StartAsync(BaseAddress, HostEnvironment(sip), Path.Combine(Artifacts, $"{Name}-console.log"), ct);
    }

    private Dictionary<string, string> HostSettings { get; set; } = [];

    private Dictionary<string, string> HostEnvironment(int sipPort)
    {
        HostSettings = new Dictionary<string, string>(CommonEnvironment())
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            // Only this test's accounts are worked: no demo data, no simulated operators.
            ["Collections__Demo__Enabled"] = "false",
            ["Collections__Demo__Calls__SimulatedOperators"] = "0",
            ["Collections__Clock__PollInterval"] = ClockPollInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Collections__Outreach__PrintQueueDirectory"] = PrintQueue,
            ["Collections__Outreach__DemoMessaging__Directory"] = MessagingFolder,
            // Simulated debtors who neither text STOP nor PAID back and whose messages are all delivered: the replies have
            // tests of their own (DemoMessagingTests); here they would change the case's course at random.
            ["Collections__Outreach__DemoMessaging__StopPercent"] = "0",
            ["Collections__Outreach__DemoMessaging__PaidPercent"] = "0",
            ["Collections__Outreach__DemoMessaging__UndeliveredPercent"] = "0",
            ["Collections__Outreach__DemoMessaging__StatusInterval"] = "00:00:00.200",
            ["Collections__Outreach__Dispatch__PollInterval"] = "00:00:00.500",
            // A host killed just after its dispatcher claimed an entry leaves the claim to run out (a node that died gives its
            // entries back when its lease ends): the shortest lease allowed, so the restarted host takes it back in seconds.
            ["Collections__Outreach__Dispatch__Lease"] = "00:00:30",
            // The clock jumps days ahead: Quartz's misfire pass and idle wait are shortened so a jump's work runs within seconds.
            ["Collections__Scheduling__MisfireThreshold"] = "00:00:01",
            ["Collections__Scheduling__IdleWaitTime"] = "00:00:01",
            ["Collections__Scheduling__Sweep__Interval"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Error",
            ["Logging__LogLevel__Quartz"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in DialerSettings.AllHumanDemoCarrier)
        {
            HostSettings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        HostSettings["Dialer__Sip__Port"] = sipPort.ToString(CultureInfo.InvariantCulture);
        return HostSettings;
    }

    /// <summary>What the host and the CLI share: the database, the clock, the strategies.</summary>
    private Dictionary<string, string> CommonEnvironment() => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Collections__Database__Provider"] = Database.Provider.ToString(),
        ["Collections__Database__ConnectionString"] = Database.ConnectionString,
        ["Collections__Clock__OffsetFile"] = OffsetFile,
        ["Collections__Workflow__StrategiesDirectory"] = Path.Combine(Root, "strategies"),
    };

    /// <summary>Runs the ops CLI (<c>collections-dialer</c>) on this world's database and clock.</summary>
    public Task<CliResult> CliAsync(params string[] args) => ConsoleProcess.RunCliAsync(Root, CommonEnvironment(), args);

    /// <summary>Places <paramref name="csv"/> (docs/import.md) with <c>import accounts</c>, as an operations person would.</summary>
    public async Task<CliResult> ImportAccountsAsync(string name, string csv)
    {
        var file = Path.Combine(Root, name);
        await File.WriteAllTextAsync(file, csv);
        return await CliAsync("import", "accounts", "--no-progress", file);
    }

    /// <summary>An HTTP client signed in as <paramref name="login"/> and its cookie (a new sign-in after every restart or jump:
    /// cookies expire on the host's clock).</summary>
    public async Task<(HttpClient Client, string Cookie)> SignInAsync(string login, CancellationToken ct)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.PostAsJsonAsync("/api/auth/login", new { login, password = Password }, ct);
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {login}: {(int)response.StatusCode}");
        var cookie = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return (client, cookie);
    }

    /// <summary>Polls <paramref name="probe"/> every 250 ms until it returns a value; fails naming <paramref name="what"/> with the
    /// host's log after <paramref name="timeout"/> (a wait on a loaded machine, not a speed limit).</summary>
    public async Task<T> WaitForAsync<T>(string what, Func<CollectionsDbContext, Task<T?>> probe, CancellationToken ct, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = OpenDatabase())
            {
                if (await probe(db) is { } found)
                {
                    return found;
                }
            }

            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(90)))
            {
                Assert.Fail($"waited {deadline.Elapsed.TotalSeconds:0} s for {what} (host clock {Now}); log {Host.LogPath}:\n{Host.Tail()}");
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>The floor: the operators (with sign-ins), an administrator, and one progressive campaign per queue the strategy
    /// and the workflow fill. Written straight into the database before the host starts: the product has no page or verb to
    /// create operators and campaigns outside the demo data.</summary>
    private async Task SeedFloorAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped(_ => DatabaseSetup.CreateContext(Database));
        services.AddIdentityCore<ConsoleUser>(o => o.Password.RequiredLength = 10).AddRoles<IdentityRole>().AddEntityFrameworkStores<CollectionsDbContext>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CollectionsDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in ConsoleRoles.All)
        {
            Check(await roles.CreateAsync(new IdentityRole(role)));
        }

        var created = Instant.FromDateTimeOffset(DateTimeOffset.UtcNow);
        foreach (var (login, name, languages) in Operators)
        {
            var agent = new Agent { Login = login, DisplayName = name, Languages = languages };
            db.Agents.Add(agent);
            await db.SaveChangesAsync();
            var user = new ConsoleUser { UserName = login, DisplayName = name, AgentId = agent.Id };
            Check(await users.CreateAsync(user, Password));
            Check(await users.AddToRoleAsync(user, ConsoleRoles.Operator));
        }

        var admin = new ConsoleUser { UserName = AdminLogin, DisplayName = "E2E Administrator" };
        Check(await users.CreateAsync(admin, Password));
        Check(await users.AddToRoleAsync(admin, ConsoleRoles.Administrator));

        foreach (var queue in new[] { Campaign.DefaultQueue, "instalment-reminders", "follow-up-calls", "callbacks" })
        {
            db.Campaigns.Add(new Campaign
            {
                Name = $"E2E - {queue}",
                Queue = queue,
                Mode = DialMode.Progressive,
                Status = CampaignStatus.Running,
                MaxLinesPerAgent = 1.0,
                RingTimeoutSeconds = 25,
                // Every debtor here is a person (the demo carrier answers as one); on a loaded machine AMD may still call one
                // a machine (issue 14: gaps measured on arrival time). This test is about the process, not AMD: whatever the
                // verdict, the call goes to the operator.
                MachinePolicy = MachinePolicy.SendToAgent,
                CreatedAt = created,
            });
        }

        await db.SaveChangesAsync();

        static void Check(IdentityResult result) =>
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await DropDatabaseAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }

        GC.SuppressFinalize(this);
    }

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;
}

/// <summary>What a CLI verb returned.</summary>
public sealed record CliResult(int Exit, string Stdout, string Stderr);

/// <summary>The end-to-end world on a SQLite file.</summary>
public sealed class SqliteCollectionWorld : CollectionWorld
{
    protected override string Name => "sqlite";

    protected override Task<DatabaseOptions> CreateDatabaseAsync() => Task.FromResult(new DatabaseOptions
    {
        Provider = DatabaseProvider.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(Root, "collections.db")}",
    });
}

/// <summary>The end-to-end world on a real PostgreSQL server started for it.</summary>
public sealed class PostgresCollectionWorld : CollectionWorld
{
    private PostgresServer? _server;

    protected override string Name => "postgres";

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _server = await PostgresServer.StartAsync();
        return new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = await _server.CreateDatabaseAsync("e2e") };
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
