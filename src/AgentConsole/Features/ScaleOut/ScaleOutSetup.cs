using Collections.AgentConsole.Features.Wallboard;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.AgentConsole.Features.ScaleOut;

/// <summary>Several console nodes behind one load balancer (DESIGN.md 6): with <c>Collections:SignalR:Redis</c> set, every
/// SignalR push (to a group, a user or all) is published on Redis and delivered by whichever node holds the connection, so a
/// supervisor on node B sees the state change of an operator signed in on node A. With
/// <c>Collections:DataProtection:KeysDirectory</c> set, every node reads one key ring, so one sign-in cookie works on all.</summary>
public static class ScaleOutSetup
{
    /// <summary>Application name of the shared key ring: nodes with different content roots still accept each other's cookies.</summary>
    public const string DataProtectionApplicationName = "Collections.AgentConsole";

    public static IHostApplicationBuilder AddScaleOut(this IHostApplicationBuilder builder)
    {
        // One name per node on the wallboard: the hopper's node id when the deployment already names its nodes there.
        var hopperNode = builder.Configuration["Collections:Hopper:NodeId"];
        builder.Services.AddOptions<SignalRScaleOutOptions>().BindConfiguration(SignalRScaleOutOptions.Section)
            .PostConfigure(o => o.NodeName = string.IsNullOrWhiteSpace(o.NodeName)
                ? string.IsNullOrWhiteSpace(hopperNode) ? $"{Environment.MachineName}/{Environment.ProcessId}" : hopperNode
                : o.NodeName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SignalRScaleOutOptions>, SignalRScaleOutOptionsValidator>();

        var keys = builder.Configuration.GetSection(DataProtectionOptions.Section).Get<DataProtectionOptions>()?.KeysDirectory;
        if (!string.IsNullOrWhiteSpace(keys))
        {
            builder.Services.AddDataProtection()
                .PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(keys)))
                .SetApplicationName(DataProtectionApplicationName);
        }

        // Whether the backplane is wired is a composition decision, so it reads configuration here; the value itself is
        // validated (and a malformed one stops the host) through the options above.
        if (!(builder.Configuration.GetSection(SignalRScaleOutOptions.Section).Get<SignalRScaleOutOptions>()?.Enabled ?? false))
        {
            return builder;
        }

        builder.Services.AddSingleton<RedisBackplane>();
        // The wallboard shows the whole floor: every node's report over Redis (docs/scale-out.md, "The floor across nodes").
        builder.Services.AddSingleton<IWallboardFloorShare, RedisFloorShare>();
        // ... and a supervisor's campaign command reaches every node's dialer.
        builder.Services.AddSingleton<RedisCampaignChanges>();
        builder.Services.AddSingleton<ICampaignChangeNotice>(sp => sp.GetRequiredService<RedisCampaignChanges>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisCampaignChanges>());
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<RedisBackplane, IOptions<SignalRScaleOutOptions>>((redis, backplane, options) =>
        {
            redis.Configuration = RedisBackplane.Configuration(options.Value);
            redis.ConnectionFactory = backplane.ConnectAsync;
        });
        // Unhealthy (503) when Redis is away: the backplane then carries every group push of this node too (screen-pops to the
        // operator's group, state changes, the wallboard) and every hub connection's group joins, so without Redis the node
        // cannot serve the console even to its own operators. All nodes report it together, which is the truth: the fix is
        // Redis (docs/scale-out.md).
        builder.Services.AddHealthChecks().AddCheck<BackplaneHealthCheck>("backplane", failureStatus: HealthStatus.Unhealthy);
        return builder;
    }
}
