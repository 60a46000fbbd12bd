using System.Threading.Channels;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>
/// Carries operators' state changes to every supervisor (<c>AgentChanged</c>) off the path that made them (issue 17 item 5).
/// </summary>
/// <remarks>
/// A group send walks every connection of the group and hands each the serialised message before it returns, so with 2,000
/// supervisors' wallboards the caller was held 8 to 25 ms at p50 and up to 270 ms (docs/performance.md, 2026-12-05): the
/// operator's <c>SetState</c>, and the call router between attaching a call and sending its screen-pop. Here the change is queued
/// and one loop sends it; changes of one operator that wait together are sent once, the last, since a board shows each
/// operator's state now (wallboard.js replaces the operator's row with each one it gets).
/// </remarks>
public sealed partial class AgentChangeFeed(
    IHubContext<SupervisorHub, ISupervisorClient> supervisors,
    ILogger<AgentChangeFeed> logger) : BackgroundService
{
    private readonly Channel<AgentStatusDto> _changes = Channel.CreateUnbounded<AgentStatusDto>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues <paramref name="status"/> for every supervisor; returns at once.</summary>
    public void Post(AgentStatusDto status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _changes.Writer.TryWrite(status);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waiting = new List<AgentStatusDto>();
        while (await _changes.Reader.WaitToReadAsync(stoppingToken))
        {
            waiting.Clear();
            while (_changes.Reader.TryRead(out var status))
            {
                waiting.Add(status);
            }

            foreach (var status in Latest(waiting))
            {
                try
                {
                    // Not awaited to the end: the send returns once every connection has the message queued; a slow
                    // connection's write finishing later must not hold the next operator's change (SignalR queues per connection).
                    var sending = supervisors.Clients.Group(ConsoleHubs.Supervisors).AgentChanged(status);
                    if (!sending.IsCompletedSuccessfully)
                    {
                        _ = ObserveAsync(sending);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
        }
    }

    /// <summary>Of the changes waiting together, each operator's last, in the order of those last changes.</summary>
    public static IReadOnlyList<AgentStatusDto> Latest(IReadOnlyList<AgentStatusDto> waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        if (waiting.Count < 2)
        {
            return waiting;
        }

        var last = new Dictionary<Guid, int>();
        for (var i = 0; i < waiting.Count; i++)
        {
            last[waiting[i].AgentId] = i;
        }

        return [.. waiting.Where((status, i) => last[status.AgentId] == i)];
    }

    private async Task ObserveAsync(Task sending)
    {
        try
        {
            await sending;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "An operator's state change did not reach the supervisors")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
