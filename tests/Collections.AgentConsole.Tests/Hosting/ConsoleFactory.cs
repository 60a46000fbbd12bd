using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Collections.AgentConsole.Tests.Hosting;

/// <summary>The real host on a fresh SQLite file (or the settings a test gives), in Development like the demo.</summary>
public sealed class ConsoleFactory(params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"collections-console-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Collections:Database:ConnectionString", $"Data Source={DatabasePath};Pooling=false");
        builder.UseSetting("Dialer:Sip:Port", "0");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
