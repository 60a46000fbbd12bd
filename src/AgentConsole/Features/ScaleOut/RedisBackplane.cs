using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.AgentConsole.Features.ScaleOut;

/// <summary>The node's one connection to the Redis backplane, shared by SignalR's lifetime manager and the health check.
/// It connects on first use and, when Redis is down, keeps retrying in the background instead of failing the node.</summary>
public sealed partial class RedisBackplane(IOptions<SignalRScaleOutOptions> options, ILogger<RedisBackplane> logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<IConnectionMultiplexer>? _connection;

    /// <summary>The StackExchange.Redis configuration: the configured string, our channel prefix, no abort when Redis is
    /// down at start (the multiplexer reconnects and SignalR's subscriptions are restored with it), and commands that fail at
    /// once while disconnected instead of waiting in a backlog for up to the command timeout: a push that cannot be delivered
    /// is lost either way, and waiting would stall the call router and the wallboard timer (and hold shutdown) per push.</summary>
    public static ConfigurationOptions Configuration(SignalRScaleOutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(options.Redis!);
        configuration.ChannelPrefix = RedisChannel.Literal(options.ChannelPrefix);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= $"collections-console-{Environment.MachineName}";
        return configuration;
    }

    /// <summary>The shared connection, connecting on first call (the signature of <c>RedisOptions.ConnectionFactory</c>).</summary>
    public Task<IConnectionMultiplexer> ConnectAsync(TextWriter? log)
    {
        lock (_gate)
        {
            return _connection ??= ConnectCoreAsync(log);
        }
    }

    private async Task<IConnectionMultiplexer> ConnectCoreAsync(TextWriter? log)
    {
        var configuration = Configuration(options.Value);
        var endpoints = string.Join(", ", configuration.EndPoints.Select(e => e.ToString()));
        LogConnecting(logger, endpoints, options.Value.ChannelPrefix);
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration, log);
        connection.ConnectionFailed += (_, e) => LogConnectionFailed(logger, e.EndPoint?.ToString() ?? endpoints, e.FailureType, e.Exception);
        connection.ConnectionRestored += (_, e) => LogConnectionRestored(logger, e.EndPoint?.ToString() ?? endpoints);
        if (!connection.IsConnected)
        {
            LogNotYetConnected(logger, endpoints);
        }

        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? connection;
        lock (_gate)
        {
            connection = _connection;
        }

        if (connection is { IsCompletedSuccessfully: true })
        {
            await connection.Result.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Information, Message = "SignalR Redis backplane: connecting to {Endpoints} (channel prefix '{ChannelPrefix}')")]
    private static partial void LogConnecting(ILogger logger, string endpoints, string channelPrefix);

    [LoggerMessage(EventId = 2702, Level = LogLevel.Warning, Message = "SignalR Redis backplane: connection to {Endpoint} failed ({FailureType}); pushes between nodes are lost until it is restored")]
    private static partial void LogConnectionFailed(ILogger logger, string endpoint, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(EventId = 2703, Level = LogLevel.Information, Message = "SignalR Redis backplane: connection to {Endpoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 2704, Level = LogLevel.Warning, Message = "SignalR Redis backplane: {Endpoints} not reachable at start; retrying in the background")]
    private static partial void LogNotYetConnected(ILogger logger, string endpoints);
}

/// <summary>Reachable means the shared connection is up and Redis answers PING.</summary>
internal sealed class BackplaneHealthCheck(RedisBackplane backplane, IOptions<SignalRScaleOutOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var prefix = options.Value.ChannelPrefix;
        try
        {
            var connection = await backplane.ConnectAsync(null).WaitAsync(cancellationToken);
            if (!connection.IsConnected)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "Redis backplane unreachable: pushes from other nodes are not delivered here");
            }

            var roundTrip = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis backplane reachable (PING {roundTrip.TotalMilliseconds:0.0} ms, channel prefix '{prefix}')");
        }
        catch (RedisException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis backplane unreachable: " + ex.GetType().Name, ex);
        }
    }
}
