using Collections.Dialer.Scheduling;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Tests.Scheduling;

public sealed class SchedulingSetupTests
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = RepositoryRoot.Path, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public void Clustering_on_a_SQLite_file_is_refused_naming_the_key()
    {
        var builder = Builder(new()
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = "Data Source=/tmp/never-opened.db",
            [$"{WorkflowSchedulingOptions.Section}:Clustered"] = "true",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => builder.AddWorkflowScheduling());
        Assert.Contains("Collections:Scheduling:Clustered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_strategy_folder_stops_the_host_naming_the_key()
    {
        var builder = Builder(new()
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = TestDatabases.NewSqlite().ConnectionString,
            [$"{WorkflowOptions.Section}:StrategiesDirectory"] = "config/no-such-folder",
        });
        builder.AddCollectionsDatabase();
        builder.AddCaseWorkflow();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Collections:Workflow:StrategiesDirectory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_checkin_interval_below_half_a_second_stops_the_host_naming_the_key()
    {
        var builder = Builder(new()
        {
            [$"{DatabaseOptions.Section}:ConnectionString"] = TestDatabases.NewSqlite().ConnectionString,
            [$"{WorkflowSchedulingOptions.Section}:ClusterCheckinInterval"] = "00:00:00.1",
        });
        builder.AddCollectionsDatabase();
        builder.AddCaseWorkflow();
        builder.AddWorkflowScheduling();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(nameof(WorkflowSchedulingOptions.ClusterCheckinInterval), ex.Message, StringComparison.Ordinal);
    }
}
