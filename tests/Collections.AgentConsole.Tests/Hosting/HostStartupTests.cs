using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Tests.Hosting;

public sealed class HostStartupTests
{
    [Fact]
    public async Task Health_answers_200_once_the_development_host_has_migrated_SQLite()
    {
        await using var factory = new ConsoleFactory();
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_answers_503_when_the_database_is_unreachable()
    {
        // Production does not migrate on start; a database file in a folder that cannot be created is unreachable.
        await using var factory = new ConsoleFactory(("Collections:Database:ConnectionString", "Data Source=/proc/no-such-folder/x.db"));
        using var client = factory.WithWebHostBuilder(b => b.UseSetting("environment", "Production")).CreateClient();
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_is_served()
    {
        await using var factory = new ConsoleFactory();
        using var client = factory.CreateClient();
        var json = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Contains("\"openapi\"", json);
    }

    [Fact]
    public async Task The_offset_clock_moves_every_service_of_the_host_the_scheduler_included()
    {
        // A rehearsal moves the host a day ahead; the scheduler must see the same day, or the nightly jobs (the due-work
        // sweep's night run, the interest accrual) would never fire in it.
        var offsetFile = Path.Combine(Path.GetTempPath(), $"collections-offset-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(offsetFile, "86400", TestContext.Current.CancellationToken);
        try
        {
            await using var factory = new ConsoleFactory(("Collections:Clock:OffsetFile", offsetFile));
            var clock = factory.Services.GetRequiredService<TimeProvider>();
            var scheduler = await factory.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);

            Assert.InRange(clock.GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
            Assert.InRange(scheduler.TimeProvider.GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
        }
        finally
        {
            File.Delete(offsetFile);
        }
    }

    [Fact]
    public void An_unknown_provider_stops_the_host_naming_the_key()
    {
        using var factory = new ConsoleFactory(("Collections:Database:Provider", "Oracle"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var validation = Assert.IsType<OptionsValidationException>(error.GetBaseException());
        Assert.Contains("Collections:Database:Provider", validation.Message);
    }

    [Fact]
    public void A_bad_connection_string_stops_the_host_naming_the_key()
    {
        using var factory = new ConsoleFactory(("Collections:Database:Provider", "Postgres"), ("Collections:Database:ConnectionString", "Hots=127.0.0.1"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Collections:Database:ConnectionString", error.GetBaseException().Message);
    }
}

public sealed class DemoStartupTests
{
    [Fact]
    public async Task The_development_host_loads_the_demo_once_into_an_empty_database()
    {
        await using var factory = new ConsoleFactory();
        using (factory.CreateClient())
        {
            await using var db = Collections.Shared.Persistence.DatabaseSetup.CreateContext(new() { ConnectionString = $"Data Source={factory.DatabasePath};Pooling=false" });
            Assert.Equal(7, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Creditors, TestContext.Current.CancellationToken));
            Assert.Equal(240, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Debtors, TestContext.Current.CancellationToken));
        }

        // A second start on the same file (a restart of the demo) keeps the data as it is.
        await using var again = new ConsoleFactory(("Collections:Database:ConnectionString", $"Data Source={factory.DatabasePath};Pooling=false"));
        using (again.CreateClient())
        {
            await using var db = Collections.Shared.Persistence.DatabaseSetup.CreateContext(new() { ConnectionString = $"Data Source={factory.DatabasePath};Pooling=false" });
            Assert.Equal(240, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Debtors, TestContext.Current.CancellationToken));
        }
    }
}
