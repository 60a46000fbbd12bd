using System.Text.Json;
using Collections.AgentConsole.Features.Wallboard;
using Collections.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.AgentConsole.Features.ScaleOut;

/// <summary>The floor across nodes: each node publishes its wallboard report once a second on one Redis channel (under the
/// deployment's channel prefix, on the backplane's connection) and keeps every other node's latest, so each node's
/// supervisors see the whole floor. Pub/sub, not a shared key: a report is only worth its freshness, and a node that stops
/// publishing (killed, cut off from Redis) goes silent on every other node within <c>WallboardNodeTimeout</c>.</summary>
public sealed partial class RedisFloorShare : IWallboardFloorShare
{
    /// <summary>The channel name under the prefix, named like SignalR's own channels.</summary>
    public const string ChannelName = "Collections.AgentConsole.Wallboard:floor";

    private static readonly RedisChannel Channel = RedisChannel.Literal(ChannelName);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisBackplane _backplane;
    private readonly NodeFloors _floors;
    private readonly ILogger<RedisFloorShare> _logger;
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private volatile bool _subscribed;
    private volatile bool _failing;
    private volatile bool _clashLogged;

    public RedisFloorShare(RedisBackplane backplane, IOptions<SignalRScaleOutOptions> options, TimeProvider time, ILogger<RedisFloorShare> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _backplane = backplane;
        _logger = logger;
        Node = options.Value.NodeName!;
        _floors = new NodeFloors(time, options.Value.WallboardNodeTimeout);
    }

    public string Node { get; }

    public Guid Instance { get; } = Guid.NewGuid();

    public async Task<MergedFloor> ShareAsync(NodeFloorReport own, IReadOnlyList<AgentStatusDto> ownBoard, CancellationToken ct)
    {
        try
        {
            var connection = await _backplane.ConnectAsync(null).WaitAsync(ct);
            var subscriber = connection.GetSubscriber();
            await SubscribeAsync(subscriber, ct);
            await subscriber.PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(own, Json));
            if (_failing)
            {
                _failing = false;
                LogSharing(_logger, Node);
            }
        }
        catch (RedisException ex)
        {
            // Logged once per outage, not once a second; the board still shows what is known (the others go silent).
            if (!_failing)
            {
                _failing = true;
                LogShareFailed(_logger, Node, ex);
            }
        }

        return _floors.Merge(own, ownBoard);
    }

    /// <summary>Subscribes once; StackExchange.Redis restores the subscription itself after a reconnect (as it does
    /// SignalR's), so only a subscription that never succeeded is tried again, at the next report.</summary>
    private async Task SubscribeAsync(ISubscriber subscriber, CancellationToken ct)
    {
        if (_subscribed)
        {
            return;
        }

        await _subscribing.WaitAsync(ct);
        try
        {
            if (!_subscribed)
            {
                await subscriber.SubscribeAsync(Channel, (_, message) => Receive(message));
                _subscribed = true;
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private void Receive(RedisValue message)
    {
        NodeFloorReport? report;
        try
        {
            report = JsonSerializer.Deserialize<NodeFloorReport>((byte[])message!, Json);
        }
        catch (JsonException ex)
        {
            LogUnreadable(_logger, ex);
            return;
        }

        if (report is null || report.Instance == Instance)
        {
            return;
        }

        if (report.Node == Node)
        {
            // Two nodes with one name would overwrite each other's operators on every board: say so (once) and keep our own.
            if (!_clashLogged)
            {
                _clashLogged = true;
                LogNameClash(_logger, Node);
            }

            return;
        }

        _floors.Receive(report);
    }

    [LoggerMessage(EventId = 2711, Level = LogLevel.Warning, Message = "Wallboard: node {Node} cannot send its floor to the other nodes; they will show it silent until Redis is back")]
    private static partial void LogShareFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(EventId = 2712, Level = LogLevel.Information, Message = "Wallboard: node {Node} sends its floor to the other nodes again")]
    private static partial void LogSharing(ILogger logger, string node);

    [LoggerMessage(EventId = 2713, Level = LogLevel.Warning, Message = "Wallboard: another console node reports under this node's name {Node}; give each node its own Collections:SignalR:NodeName")]
    private static partial void LogNameClash(ILogger logger, string node);

    [LoggerMessage(EventId = 2714, Level = LogLevel.Warning, Message = "Wallboard: a floor report on the Redis channel could not be read and was dropped")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
