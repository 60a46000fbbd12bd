using System.ComponentModel.DataAnnotations;
using Collections.Shared.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>How often a node says it is alive, and how long without a word makes it dead (<c>Collections:Ledger</c>).</summary>
public sealed class LedgerNodeOptions
{
    public const string Section = "Collections:Ledger";

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node silent this long is dead and its open calls are closed. Several heartbeats, so a slow database does not kill a live node.</summary>
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Open calls of no known node are closed once this old: longer than any call lasts.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan OrphanAge { get; set; } = TimeSpan.FromHours(4);
}

/// <summary>This process's node id, written on every ledger row it reserves.</summary>
public sealed record LedgerNodeIdentity(string Id);

/// <summary>Beats this node's heart and closes the calls of nodes that stopped (<see cref="LedgerReconciler"/>), from start.</summary>
public sealed partial class LedgerNodeService(
    LedgerReconciler reconciler, LedgerNodeIdentity node, IOptions<LedgerNodeOptions> options, TimeProvider time, ILogger<LedgerNodeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.Heartbeat, time);
        do
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await reconciler.HeartbeatAsync(node.Id, stoppingToken);
                await reconciler.CloseDeadAsync(node.Id, Duration.FromTimeSpan(o.Lease), Duration.FromTimeSpan(o.OrphanAge), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, node.Id, ex);
            }
        }
        while (await Tick(timer, stoppingToken));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 7011, Level = LogLevel.Error, Message = "Ledger heartbeat or reconciliation of node {Node} failed; tried again at the next beat")]
    private static partial void LogFailed(ILogger logger, string node, Exception exception);
}

/// <summary>Registers the node's heartbeat and the closing of dead nodes' calls.</summary>
public static class LedgerNodeSetup
{
    /// <summary>For a host that places calls; rows its ledger reserves then carry its node id.</summary>
    public static IHostApplicationBuilder AddLedgerReconciliation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LedgerNodeOptions>().BindConfiguration(LedgerNodeOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Lease >= o.Heartbeat * 3, $"{LedgerNodeOptions.Section}:Lease must be at least three heartbeats, so a slow beat does not declare a live node dead.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new LedgerNodeIdentity(LedgerReconciler.NewNodeId(sp.GetRequiredService<TimeProvider>())));
        builder.Services.AddSingleton(sp => new LedgerReconciler(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LedgerReconciler>>()));
        builder.Services.AddHostedService<LedgerNodeService>();
        return builder;
    }
}
