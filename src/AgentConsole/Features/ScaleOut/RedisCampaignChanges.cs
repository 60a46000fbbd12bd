using System.Text.Json;
using Collections.AgentConsole.Features.Wallboard;
using Collections.Shared.Domain;
using StackExchange.Redis;

namespace Collections.AgentConsole.Features.ScaleOut;

/// <summary>A supervisor's Start, Pause or Retune reaches every node's dialer: the node that saved the change announces the
/// campaign on one Redis channel, and every other node reads the campaign again from the shared database and applies it.
/// Without this, each node's dialer reads campaigns at its start only, and a pause on one node's wallboard would leave the
/// others dialing.</summary>
public sealed partial class RedisCampaignChanges(RedisBackplane backplane, IServiceProvider services, ILogger<RedisCampaignChanges> logger)
    : BackgroundService, ICampaignChangeNotice
{
    /// <summary>The channel name under the prefix, named like SignalR's own channels.</summary>
    public const string ChannelName = "Collections.AgentConsole.Wallboard:campaigns";

    private static readonly RedisChannel Channel = RedisChannel.Literal(ChannelName);
    private static readonly TimeSpan RetrySubscribe = TimeSpan.FromSeconds(2);
    private readonly Guid _instance = Guid.NewGuid();

    public async Task ChangedAsync(CampaignId id, CancellationToken ct)
    {
        try
        {
            var connection = await backplane.ConnectAsync(null).WaitAsync(ct);
            await connection.GetSubscriber().PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(new Change(id.Value, _instance)));
        }
        catch (RedisException ex)
        {
            LogAnnounceFailed(logger, id.Value, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed once; StackExchange.Redis restores the subscription after a reconnect. Redis down at start: try again.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await backplane.ConnectAsync(null).WaitAsync(stoppingToken);
                await connection.GetSubscriber().SubscribeAsync(Channel, (channel, message) => _ = ApplyAsync(message, stoppingToken));
                return;
            }
            catch (RedisException)
            {
                await Task.Delay(RetrySubscribe, stoppingToken);
            }
        }
    }

    private async Task ApplyAsync(RedisValue message, CancellationToken ct)
    {
        try
        {
            var change = JsonSerializer.Deserialize<Change>((byte[])message!);
            if (change is null || change.Instance == _instance)
            {
                return;
            }

            await services.GetRequiredService<CampaignBoard>().ChangedElsewhereAsync(new CampaignId(change.CampaignId), ct);
            LogApplied(logger, change.CampaignId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogApplyFailed(logger, ex);
        }
    }

    private sealed record Change(Guid CampaignId, Guid Instance);

    [LoggerMessage(EventId = 2715, Level = LogLevel.Warning, Message = "Campaign {CampaignId} changed here but the other nodes could not be told (Redis); their dialers keep the old settings until told or restarted")]
    private static partial void LogAnnounceFailed(ILogger logger, Guid campaignId, Exception exception);

    [LoggerMessage(EventId = 2716, Level = LogLevel.Information, Message = "Campaign {CampaignId} changed on another node: applied to this node's dialer")]
    private static partial void LogApplied(ILogger logger, Guid campaignId);

    [LoggerMessage(EventId = 2717, Level = LogLevel.Warning, Message = "A campaign change from another node could not be applied here")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);
}
