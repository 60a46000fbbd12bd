using System.Collections.Concurrent;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Hopper;
using Collections.Shared.Compliance;
using Collections.Shared.Contracts;
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
    /// Adds <see cref="CampaignSupervisor"/>: it runs every campaign whose status is Running, and starts, pauses and retunes
    /// them when a supervisor changes them (<see cref="ICampaignControl"/>). Needs telephony
    /// (<see cref="TelephonyServiceCollectionExtensions.AddTelephony"/>: with no trunk, the demo carrier), the database,
    /// compliance, AMD and the hopper (<see cref="HopperSetup.AddHopper"/>: the calls due in each campaign's queue)
    /// registered too. The dial queue, agent pool and call events are replaceable: register another <see cref="IDialQueue"/>
    /// or the console's <see cref="IAgentPool"/> and <see cref="ICampaignCallEvents"/> before this call (these defaults are
    /// only added when none is registered).
    /// </summary>
    public static IHostApplicationBuilder AddCampaignRunner(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IDialQueue>(sp => new HopperDialQueue(
            sp.GetRequiredService<DialerHopper>(), sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext));
        builder.Services.TryAddSingleton<AgentPool>();
        builder.Services.TryAddSingleton<IAgentPool>(sp => sp.GetRequiredService<AgentPool>());
        builder.Services.TryAddSingleton<ICampaignCallEvents, LoggingCallEvents>();
        builder.Services.AddSingleton<CampaignSupervisor>();
        builder.Services.AddSingleton<ICampaignControl>(sp => sp.GetRequiredService<CampaignSupervisor>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CampaignSupervisor>());
        return builder;
    }
}

/// <summary>
/// One <see cref="CampaignRunner"/> per running campaign for the host's lifetime. A supervisor's change arrives through
/// <see cref="Apply"/>: a pause stops the campaign's dialing (calls in progress finish), a start begins it, and a change of
/// mode, lines per agent, abandonment target, ring time, queue or industry filter restarts it with the new settings.
/// </summary>
public sealed partial class CampaignSupervisor(IServiceProvider services, ILogger<CampaignSupervisor> logger) : BackgroundService, ICampaignControl
{
    /// <summary>How long calls in progress may take to finish when a campaign stops.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait before reading the campaigns again when the database cannot be reached at start.</summary>
    public static readonly TimeSpan RetryLoad = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<CampaignId, Run> _runs = new();
    private readonly ConcurrentDictionary<Task, byte> _stopping = new();
    private readonly Lock _gate = new();
    private CampaignRunnerDependencies? _dependencies;
    private CancellationToken _hostStopping;

    /// <inheritdoc />
    public IReadOnlyList<CampaignLines> Lines() =>
    [
        .. _runs.Values.Select(r =>
        {
            var (dialing, ringing, waiting, ratio) = r.Runner.Live();
            return new CampaignLines(r.Runner.Campaign.Id, dialing, ringing, waiting, r.Runner.Pacing, ratio);
        }),
    ];

    /// <inheritdoc />
    public void Apply(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        lock (_gate)
        {
            if (_dependencies is null)
            {
                return;   // not started yet: the start reads the saved campaign from the database
            }

            var running = _runs.TryGetValue(campaign.Id, out var run) ? run : null;
            if (campaign.Status != CampaignStatus.Running)
            {
                if (running is not null)
                {
                    LogPaused(logger, campaign.Name, campaign.Status);
                    Stop(running);
                }

                return;
            }

            if (running is not null && SameSettings(running.Runner.Campaign, campaign))
            {
                return;
            }

            if (running is not null)
            {
                LogRetuned(logger, campaign.Name);
                Stop(running);
            }

            Start(campaign);
        }
    }

    /// <summary>Campaigns being dialed now.</summary>
    public IReadOnlyList<Campaign> Running() => [.. _runs.Values.Select(r => r.Runner.Campaign)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var time = services.GetRequiredService<TimeProvider>();
        List<Campaign> campaigns;
        while (true)
        {
            try
            {
                await using var db = services.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext();
                campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).ToListAsync(stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // An unreachable database must not stop the host (the health check reports it): try again shortly.
                LogLoadFailed(logger, RetryLoad.TotalSeconds, ex);
                await Task.Delay(RetryLoad, time, stoppingToken).ConfigureAwait(false);
            }
        }

        LogCampaigns(logger, campaigns.Count, AmdDetectorName(services));
        lock (_gate)
        {
            _hostStopping = stoppingToken;
            _dependencies = new CampaignRunnerDependencies(
                services.GetRequiredService<IOutboundCalls>(),
                services.GetRequiredService<ContactLedger>(),
                services.GetRequiredService<AmdLedger>(),
                services.GetRequiredService<IDialQueue>(),
                services.GetRequiredService<IAgentPool>(),
                services.GetRequiredService<ICampaignCallEvents>(),
                services.GetRequiredService<TimeProvider>(),
                logger,
                services.GetService<AgentPhones>(),
                services.GetService<Microsoft.Extensions.Options.IOptions<RecordingOptions>>()?.Value,
                services.GetService<IOperatorDesk>(),
                AmdDetectorName(services),
                services.GetService<IInboundReservation>(),
                services.GetService<Microsoft.Extensions.Options.IOptions<Shared.Abandonment.AbandonmentOptions>>()?.Value,
                services.GetService<Shared.Abandonment.AmdMarks>(),
                services.GetService<Microsoft.Extensions.Options.IOptions<Amd.MachinePolicy>>()?.Value,
                // Only the learned detector has a speech model to batch; the app_amd-style profiles leave it unloaded.
                string.Equals(AmdDetectorName(services), Amd.LearnedAmdDetector.DetectorName, StringComparison.OrdinalIgnoreCase) ? services.GetService<Amd.SileroVadBatcher>() : null);
            foreach (var campaign in campaigns)
            {
                Start(campaign);
            }
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            foreach (var run in _runs.Values)
            {
                Stop(run);
            }
        }

        await Task.WhenAll(_stopping.Keys).ConfigureAwait(false);
    }

    private void Start(Campaign campaign)
    {
        var runner = new CampaignRunner(campaign, _dependencies!);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_hostStopping);
        var run = new Run(runner, stop, Task.CompletedTask);
        run = run with { Task = RunAsync(run) };
        _runs[campaign.Id] = run;
    }

    private async Task RunAsync(Run run)
    {
        await Task.Yield();
        try
        {
            await run.Runner.RunAsync(Drain, run.Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRunFailed(logger, run.Runner.Campaign.Name, ex);
        }
        finally
        {
            run.Stop.Dispose();
        }
    }

    // Stops dialing at once; the calls in progress finish in the background (the host's stop waits for them).
    private void Stop(Run run)
    {
        _runs.TryRemove(new KeyValuePair<CampaignId, Run>(run.Runner.Campaign.Id, run));
        try
        {
            run.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _stopping.TryAdd(run.Task, 0);
        _ = run.Task.ContinueWith(t => _stopping.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static bool SameSettings(Campaign a, Campaign b) =>
        a.Mode == b.Mode && a.MaxLinesPerAgent.Equals(b.MaxLinesPerAgent) && a.TargetAbandonRate.Equals(b.TargetAbandonRate)
        && a.RingTimeoutSeconds == b.RingTimeoutSeconds && a.Industry == b.Industry && a.Queue == b.Queue
        && a.MachinePolicy == b.MachinePolicy && a.MachineMessage == b.MachineMessage && a.InformationMessage == b.InformationMessage
        && a.Name == b.Name;

    /// <summary>The detector every campaign call runs: <c>Dialer:Amd:Profile</c> (validated at start by <c>AddAmd</c>; <c>learned</c> unless set).</summary>
    internal static string AmdDetectorName(IServiceProvider services) =>
        services.GetService<Microsoft.Extensions.Options.IOptions<Amd.MachinePolicy>>()?.Value.Profile ?? Amd.MachinePolicy.DefaultDetector;

    private sealed record Run(CampaignRunner Runner, CancellationTokenSource Stop, Task Task);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Information, Message = "Running {Count} campaigns; answering-machine detection: {Detector}")]
    private static partial void LogCampaigns(ILogger logger, int count, string detector);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Information, Message = "Campaign {Campaign} set to {Status}: dialing stops, calls in progress finish")]
    private static partial void LogPaused(ILogger logger, string campaign, CampaignStatus status);

    [LoggerMessage(EventId = 8112, Level = LogLevel.Information, Message = "Campaign {Campaign} retuned: restarted with the new settings")]
    private static partial void LogRetuned(ILogger logger, string campaign);

    [LoggerMessage(EventId = 8114, Level = LogLevel.Error, Message = "Cannot read the campaigns; trying again in {Seconds} s")]
    private static partial void LogLoadFailed(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(EventId = 8113, Level = LogLevel.Error, Message = "Campaign {Campaign} stopped on an error")]
    private static partial void LogRunFailed(ILogger logger, string campaign, Exception exception);
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
