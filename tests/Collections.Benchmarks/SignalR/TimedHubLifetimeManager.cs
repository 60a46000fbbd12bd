using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace Collections.Benchmarks.SignalR;

/// <summary>The server's side of a send, per hub method: how long the caller was held (the group send walks every connection
/// of the group and hands each the serialised bytes before it returns) and how long until every connection's write had
/// completed. What is left of a client's delay after this is the transports, the clients and the wait for a CPU.</summary>
public sealed class SendTimings
{
    private readonly ConcurrentDictionary<string, Timing> _byMethod = new();

    public bool Measuring { get; set; }

    public void Add(string method, double heldMs, double completedMs)
    {
        if (Measuring)
        {
            var timing = _byMethod.GetOrAdd(method, _ => new Timing());
            lock (timing)
            {
                timing.Held.Add(heldMs);
                timing.Completed.Add(completedMs);
            }
        }
    }

    /// <summary>One line per method: sends, and p50 / max of held and completed.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var (method, timing) in _byMethod.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            lock (timing)
            {
                double[] held = [.. timing.Held.Order()], done = [.. timing.Completed.Order()];
                yield return System.FormattableString.Invariant(
                    $"server send {method}: {held.Length} sends, caller held p50 {held[held.Length / 2]:0.0} / max {held[^1]:0.0} ms, all writes done p50 {done[done.Length / 2]:0.0} / max {done[^1]:0.0} ms");
            }
        }
    }

    private sealed class Timing
    {
        public List<double> Held { get; } = [];

        public List<double> Completed { get; } = [];
    }
}

/// <summary>Wraps the hub's lifetime manager to time its group sends (<see cref="SendTimings"/>); everything else passes through.</summary>
public sealed class TimedHubLifetimeManager<THub>(DefaultHubLifetimeManager<THub> inner, SendTimings timings) : HubLifetimeManager<THub>
    where THub : Hub
{
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var send = inner.SendGroupAsync(groupName, methodName, args, cancellationToken);
        var held = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (send.IsCompleted)
        {
            timings.Add(methodName, held, held);
            return send;
        }

        return Completed(send, methodName, started, held);
    }

    private async Task Completed(Task send, string methodName, long started, double held)
    {
        await send;
        timings.Add(methodName, held, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public override Task OnConnectedAsync(HubConnectionContext connection) => inner.OnConnectedAsync(connection);

    public override Task OnDisconnectedAsync(HubConnectionContext connection) => inner.OnDisconnectedAsync(connection);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, Microsoft.AspNetCore.SignalR.Protocol.CompletionMessage result) =>
        inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        inner.TryGetReturnType(invocationId, out type);
}
