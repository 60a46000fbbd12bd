using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Collections.AgentConsole.Tests.Hosting;

/// <summary>The real host on a fresh SQLite file (or the settings a test gives), in Development like the demo.</summary>
public sealed class ConsoleFactory(params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"collections-console-{Guid.NewGuid():N}.db");

    /// <summary>This host's print queue and demo messaging folder (its journal and received e-mails).</summary>
    public string OutreachFolder { get; } = Path.Combine(Path.GetTempPath(), $"collections-outreach-{Guid.NewGuid():N}");

    public CollectionsDbContext OpenDatabase() =>
        DatabaseSetup.CreateContext(new() { ConnectionString = $"Data Source={DatabasePath};Pooling=false" });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Collections:Database:ConnectionString", $"Data Source={DatabasePath};Pooling=false");
        builder.UseSetting("Dialer:Sip:Port", "0");
        builder.UseSetting("Collections:Outreach:DemoMessaging:Directory", Path.Combine(OutreachFolder, "demo-messaging"));
        builder.UseSetting("Collections:Outreach:PrintQueueDirectory", Path.Combine(OutreachFolder, "print-queue"));
        foreach (var (key, value) in settings)
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
