using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Campaigns;

/// <summary>Registers the campaign runner for a host.</summary>
public static class CampaignRunnerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a background service that runs every campaign whose status is Running. Needs telephony
    /// (<see cref="TelephonyServiceCollectionExtensions.AddTelephony"/>: with no trunk, the demo carrier), the database,
    /// compliance and AMD registered too. The dial queue, agent pool and call events are replaceable: register the
    /// hopper's <see cref="IDialQueue"/> or the console's <see cref="IAgentPool"/> and <see cref="ICampaignCallEvents"/>
    /// before or after this call (these defaults are only added when none is registered).
    /// </summary>
    public static IHostApplicationBuilder AddCampaignRunner(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDialQueue>(sp => new DueCasesDialQueue(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext, sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<AgentPool>();
        builder.Services.TryAddSingleton<IAgentPool>(sp => sp.GetRequiredService<AgentPool>());
        builder.Services.TryAddSingleton<ICampaignCallEvents, LoggingCallEvents>();
        builder.Services.AddHostedService<CampaignRunnerService>();
        return builder;
    }
}

/// <summary>One <see cref="CampaignRunner"/> per running campaign, for the host's lifetime.</summary>
internal sealed partial class CampaignRunnerService(IServiceProvider services, ILogger<CampaignRunnerService> logger) : BackgroundService
{
    /// <summary>How long calls in progress may take to finish when the host stops.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        List<Campaign> campaigns;
        await using (var db = services.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext())
        {
            campaigns = await db.Campaigns.Where(c => c.Status == CampaignStatus.Running).ToListAsync(stoppingToken).ConfigureAwait(false);
        }

        LogCampaigns(logger, campaigns.Count);
        var dependencies = new CampaignRunnerDependencies(
            services.GetRequiredService<IOutboundCalls>(),
            services.GetRequiredService<ContactLedger>(),
            services.GetRequiredService<AmdLedger>(),
            services.GetRequiredService<IDialQueue>(),
            services.GetRequiredService<IAgentPool>(),
            services.GetRequiredService<ICampaignCallEvents>(),
            services.GetRequiredService<TimeProvider>(),
            logger);
        await Task.WhenAll(campaigns.Select(c => new CampaignRunner(c, dependencies).RunAsync(Drain, stoppingToken))).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 8110, Level = LogLevel.Information, Message = "Running {Count} campaigns")]
    private static partial void LogCampaigns(ILogger logger, int count);
}

/// <summary>The default call-events sink until the console registers its own: logs each outcome.</summary>
internal sealed partial class LoggingCallEvents(ILogger<LoggingCallEvents> logger) : ICampaignCallEvents
{
    public void Connected(IConnectedCall call) => LogConnected(logger, call.Agent.Value, call.Target.AccountId);

    public void Completed(CallOutcome outcome) => LogCompleted(logger, outcome.Campaign, outcome.Outcome, outcome.Status);

    [LoggerMessage(EventId = 8120, Level = LogLevel.Information, Message = "Call for account {AccountId} connected to agent {Agent}")]
    private static partial void LogConnected(ILogger logger, int agent, AccountId accountId);

    [LoggerMessage(EventId = 8121, Level = LogLevel.Information, Message = "Campaign {Campaign}: call {Outcome} ({Status})")]
    private static partial void LogCompleted(ILogger logger, string campaign, string outcome, int status);
}
