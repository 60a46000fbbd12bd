using System.Net.Http.Json;
using System.Net;
using System.Net.Sockets;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Collections.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The real console on Kestrel on a free loopback port (a browser cannot reach TestServer), on a fresh SQLite
/// file with the demo data and users, and the real dialer: the campaign runner places SIP calls to the demo carrier (every
/// simulated debtor a person who stays on the line for ten minutes) and connects them to ready operators. The clock runs
/// from a weekday afternoon (<see cref="CallingHoursClock"/>) so the compliance engine lets the demo debtors be called.</summary>
public sealed class KestrelConsole : WebApplicationFactory<Program>
{
    private readonly (string Key, string Value)[] _settings;

    /// <summary>Starts the console; <paramref name="settings"/> are applied last (over the defaults below).</summary>
    public KestrelConsole(params (string Key, string Value)[] settings)
    {
        _settings = settings;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        StartServer();
    }

    public int Port { get; }

    /// <summary>The host's clock: real time moved to a weekday afternoon.</summary>
    public CallingHoursClock Clock { get; } = new();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"collections-console-{Guid.NewGuid():N}.db");

    /// <summary>This host's print queue and demo messaging folder (its journal and received e-mails).</summary>
    public string OutreachFolder { get; } = Path.Combine(Path.GetTempPath(), $"collections-outreach-{Guid.NewGuid():N}");

    public CollectionsDbContext OpenDatabase() =>
        DatabaseSetup.CreateContext(new() { ConnectionString = $"Data Source={DatabasePath};Pooling=false" });

    /// <summary>An HTTP client of its own (own cookies) signed in as <paramref name="login"/>; null when refused.</summary>
    public async Task<(HttpClient Client, string Cookie)> SignInAsync(string login, CancellationToken ct)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.PostAsJsonAsync("/api/auth/login", new { login, password = Features.Auth.DemoUsers.Password }, ct);
        response.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return (client, cookie);
    }

    /// <summary>A SignalR connection to <paramref name="path"/> carrying <paramref name="cookie"/>.</summary>
    public HubConnection Hub(string path, string cookie) => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, path), o => o.Headers["Cookie"] = cookie)
        .Build();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Collections:Database:ConnectionString", $"Data Source={DatabasePath};Pooling=false");
        builder.UseSetting("Collections:Demo:Calls:SimulatedOperators", "0");
        // The demo messaging provider posts its signed webhooks to this console, on its real port.
        builder.UseSetting("Collections:Outreach:DemoMessaging:WebhookBaseUrl", BaseAddress.AbsoluteUri);
        builder.UseSetting("Collections:Outreach:DemoMessaging:Directory", Path.Combine(OutreachFolder, "demo-messaging"));
        builder.UseSetting("Collections:Outreach:PrintQueueDirectory", Path.Combine(OutreachFolder, "print-queue"));
        foreach (var (key, value) in Collections.Testing.DialerSettings.AllHumanDemoCarrier)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        TemporarySqliteDatabase.Delete(DatabasePath);
        // The audit trail's anchor, kept beside the SQLite file (docs/security.md).
        File.Delete($"{DatabasePath}.audit-anchor.json");
        if (Directory.Exists(OutreachFolder))
        {
            Directory.Delete(OutreachFolder, recursive: true);
        }
    }
}
