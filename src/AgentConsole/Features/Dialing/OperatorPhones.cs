using System.Collections.Concurrent;
using Collections.Dialer.Calls;
using Collections.Shared.Contracts;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using DomainAgentId = Collections.Shared.Domain.AgentId;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>
/// Each operator's audio leg for the shift (DESIGN.md 3): when they go ready and have no line up, the dialer calls the
/// phone registered under their SIP extension (or, with the demo carrier, the built-in demo phone) and keeps that call up;
/// when they log out it is hung up. Debtor calls are then bridged into it by the campaign runner.
/// </summary>
public sealed partial class OperatorPhones(
    DialerBridge bridge,
    AgentPhones phones,
    ICollectionsDbContextFactory databases,
    ILogger<OperatorPhones> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<DomainAgentId, string?> _extensions = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        bridge.Presence += OnPresence;
        return Task.CompletedTask;
    }

    // The host may stop twice, or after its services were disposed (a test factory's dispose): all are fine.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        bridge.Presence -= OnPresence;
        if (!_disposed)
        {
            await _stopping.CancelAsync();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _stopping.Dispose();
    }

    private void OnPresence(RoutingAgentId number, DomainAgentId agent, AgentState state)
    {
        var ct = _stopping.Token;
        _ = state == AgentState.LoggedOut ? ReleaseAsync(number, agent) : ConnectAsync(number, agent, ct);
    }

    private async Task ConnectAsync(RoutingAgentId number, DomainAgentId agent, CancellationToken ct)
    {
        try
        {
            if (phones.KindOf(number) != AgentPhoneKind.None)
            {
                return;
            }

            var extension = await ExtensionOfAsync(agent, ct);
            var kind = await phones.ConnectAsync(number, extension, ct);
            LogLine(logger, agent.Value, extension ?? "(none)", kind);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, agent.Value, ex);
        }
    }

    private async Task ReleaseAsync(RoutingAgentId number, DomainAgentId agent)
    {
        try
        {
            await phones.DisconnectAsync(number);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, agent.Value, ex);
        }
    }

    private async Task<string?> ExtensionOfAsync(DomainAgentId agent, CancellationToken ct)
    {
        if (_extensions.TryGetValue(agent, out var known))
        {
            return known;
        }

        await using var db = databases.CreateDbContext();
        var extension = await db.Agents.AsNoTracking().Where(a => a.Id == agent).Select(a => a.SipExtension).FirstOrDefaultAsync(ct);
        _extensions[agent] = extension;
        return extension;
    }

    [LoggerMessage(EventId = 2611, Level = LogLevel.Information, Message = "Operator {AgentId} (extension {Extension}): audio line {Kind}")]
    private static partial void LogLine(ILogger logger, Guid agentId, string extension, AgentPhoneKind kind);

    [LoggerMessage(EventId = 2612, Level = LogLevel.Warning, Message = "Operator {AgentId}: calling or releasing their phone failed")]
    private static partial void LogFailed(ILogger logger, Guid agentId, Exception exception);
}
