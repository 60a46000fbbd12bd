using Collections.Dialer.Hopper;
using Collections.Shared.Abandonment;
using Collections.Shared.Compliance;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Tests.Hopper;

/// <summary><c>AddHopper</c> in a host: the node id and options come from configuration; bad options stop the start.</summary>
public sealed class HopperHostingTests
{
    private static IHost Build(DatabaseOptions database, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collections:Database:Provider"] = database.Provider.ToString(),
            ["Collections:Database:ConnectionString"] = database.ConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddCollectionsDatabase().AddCompliance();
        builder.AddHopper();
        return builder.Build();
    }

    [Fact]
    public async Task The_hosted_hopper_claims_under_its_configured_node_id()
    {
        var world = await HopperWorld.CreateAsync(await TestDatabases.NewSqlite().MigrateAsync());
        await world.SaveAsync([world.NewAccount("HOSTED")]);
        using var host = Build(world.Database, new() { ["Collections:Hopper:NodeId"] = "dialer-7" });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var hopper = host.Services.GetRequiredService<DialerHopper>();
        Assert.Equal("dialer-7", hopper.NodeId);
        // The host's clock is the system clock: rank at a Tuesday morning in Berlin so the DE pack allows the call.
        var entries = await hopper.PeekAsync(world.Campaign, 5, HopperWorld.Start, TestContext.Current.CancellationToken);
        Assert.Equal("HOSTED", Assert.Single(entries).AccountReference);
        var stats = await host.Services.GetRequiredService<AbandonmentStats>().GetAsync(world.Campaign.Id, HopperWorld.Start, TestContext.Current.CancellationToken);
        Assert.Equal(0, stats.Lifetime.AnsweredByPerson);
        Assert.NotNull(host.Services.GetRequiredService<ContactLedger>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_negative_retry_delay_stops_the_host_naming_the_key()
    {
        using var host = Build(TestDatabases.NewSqlite(), new() { ["Collections:Hopper:Retry:Busy:Delay"] = "-00:00:01" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Collections:Hopper:Retry:Busy:Delay", ex.Message, StringComparison.Ordinal);
    }
}
