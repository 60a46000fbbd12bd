using System.Collections.Concurrent;
using Collections.AgentConsole.Features.Phone;
using Collections.Dialer.Calls;
using Collections.Shared.Contracts;
using DomainAgentId = Collections.Shared.Domain.AgentId;
using RoutingAgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>
/// Each operator's audio leg for the shift (DESIGN.md 3): when they go ready and have no line up, the dialer calls the
/// phone registered under their SIP extension (or, with the demo carrier, the built-in demo phone) and keeps that call up;
/// when they log out it is hung up. Debtor calls are then bridged into it by the campaign runner. When an operator's phone
/// registers while they are at work (the page's browser phone coming back after a network drop, or registering after they
/// went ready on the demo phone), the line is redialled to it.
/// </summary>
public sealed partial class OperatorPhones(
    DialerBridge bridge,
    AgentPhones phones,
    OperatorExtensions extensions,
    ILogger<OperatorPhones> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<DomainAgentId, RoutingAgentId> _atWork = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        bridge.Presence += OnPresence;
        phones.PhoneRegistered += OnPhoneRegistered;
        return Task.CompletedTask;
    }

    // The host may stop twice, or after its services were disposed (a test factory's dispose): all are fine.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        bridge.Presence -= OnPresence;
        phones.PhoneRegistered -= OnPhoneRegistered;
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
        if (_disposed)
        {
            return;
        }

        var ct = _stopping.Token;
        if (state == AgentState.LoggedOut)
        {
            _atWork.TryRemove(agent, out _);
            _ = ReleaseAsync(number, agent);
        }
        else
        {
            _atWork[agent] = number;
            _ = ConnectAsync(number, agent, ct);
        }
    }

    private void OnPhoneRegistered(string extension)
    {
        if (_disposed)
        {
            return;
        }

        var ct = _stopping.Token;
        foreach (var agent in extensions.WithExtension(extension))
        {
            if (_atWork.TryGetValue(agent, out var number))
            {
                _ = ReconnectAsync(number, agent, extension, ct);
            }
        }
    }

    private async Task ReconnectAsync(RoutingAgentId number, DomainAgentId agent, string extension, CancellationToken ct)
    {
        try
        {
            var kind = await phones.ConnectRegisteredPhoneAsync(number, extension, ct);
            LogLine(logger, agent.Value, extension, kind);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, agent.Value, ex);
        }
    }

    private async Task ConnectAsync(RoutingAgentId number, DomainAgentId agent, CancellationToken ct)
    {
        try
        {
            if (phones.KindOf(number) != AgentPhoneKind.None)
            {
                return;
            }

            var extension = await extensions.OfAsync(agent, ct);
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

    [LoggerMessage(EventId = 2611, Level = LogLevel.Information, Message = "Operator {AgentId} (extension {Extension}): audio line {Kind}")]
    private static partial void LogLine(ILogger logger, Guid agentId, string extension, AgentPhoneKind kind);

    [LoggerMessage(EventId = 2612, Level = LogLevel.Warning, Message = "Operator {AgentId}: calling or releasing their phone failed")]
    private static partial void LogFailed(ILogger logger, Guid agentId, Exception exception);
}
