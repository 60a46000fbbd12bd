using System.Collections.Concurrent;
using Collections.Dialer.Routing;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Calls;

/// <summary>What an agent's nailed-up leg is connected to.</summary>
public enum AgentPhoneKind
{
    /// <summary>No leg: no phone registered and no demo phone (a trunk is configured).</summary>
    None,

    /// <summary>The agent's own SIP phone, registered with the Dialer's registrar under their extension.</summary>
    Phone,

    /// <summary>The built-in auto-answering demo phone (DESIGN.md section 6, no trunk configured).</summary>
    DemoPhone,
}

/// <summary>
/// The agents' nailed-up legs (DESIGN.md sections 3 and 6, as VICIdial does): at log-in the Dialer calls the
/// agent's registered phone once, or the built-in demo phone when none is registered and the demo carrier is
/// in use, and keeps that leg for the shift; each connected debtor leg is bridged into it. Thread-safe: one
/// semaphore per agent, so two log-ins of one agent do not call the phone twice.
/// </summary>
/// <remarks>The caller pauses its own media on the debtor leg (AMD's <see cref="CallMedia"/>) before <see cref="TryBridge"/>, so only the bridge feeds the debtor.</remarks>
public sealed partial class AgentPhones : IHostedService, IAsyncDisposable
{
    private readonly TelephonyService _telephony;
    private readonly IOptions<SipEndpointOptions> _endpoint;
    private readonly ILogger<AgentPhones> _logger;
    private readonly ConcurrentDictionary<AgentId, Slot> _slots = new();

    internal AgentPhones(TelephonyService telephony, IOptions<SipEndpointOptions> endpoint, ILogger<AgentPhones> logger)
    {
        _telephony = telephony;
        _endpoint = endpoint;
        _logger = logger;
        telephony.Registrar.Registered += binding => PhoneRegistered?.Invoke(binding.User);
        telephony.Registrar.FlowLost += OnFlowLost;
    }

    /// <summary>
    /// Raised when a phone registers or refreshes under an extension, e.g. a browser phone coming back after a network drop:
    /// the console then redials the line of an operator who is still at work.
    /// </summary>
    public event Action<string>? PhoneRegistered;

    /// <summary>The connection a phone's leg ran over closed (a browser lost its network, a softphone quit): the leg is dead.</summary>
    private void OnFlowLost(RegistrarBinding binding)
    {
        foreach (var (agent, slot) in _slots)
        {
            if (slot.Read() is ({ Flow: { } flow, Leg: { } leg }, var kind) && flow.Protocol == binding.Protocol && flow.Remote.Equals(binding.Source))
            {
                LogFlowLost(_logger, agent.Value, binding.User);
                // The BYE cannot reach the phone; the hang-up ends the leg locally and the Ended continuation forgets it.
                _ = leg.HangupAsync();
            }
        }
    }

    /// <summary>
    /// Connects the agent's leg unless it is up: their registered phone when <paramref name="extension"/> has a
    /// binding, else the demo phone when the demo carrier is in use, else none. Returns what the leg is connected to.
    /// </summary>
    public async Task<AgentPhoneKind> ConnectAsync(AgentId agent, string? extension, CancellationToken ct)
    {
        var slot = _slots.GetOrAdd(agent, _ => new Slot());
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (current, kind) = slot.Read();
            if (current is { IsUp: true })
            {
                return kind;
            }

            if (current is not null)
            {
                // The phone hung up since: forget the dead leg and redial.
                slot.ClearIf(current);
                await current.DisposeAsync().ConfigureAwait(false);
            }

            return await ConnectCoreAsync(agent, slot, extension, ct).ConfigureAwait(false);
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>
    /// The agent's phone registered (again): connects the leg to it unless a live leg to that phone, over the connection it
    /// registered on, is up. A demo-phone leg not bridged to a debtor is replaced; a leg left on a connection the phone has
    /// since replaced (it came back after a network drop) is hung up and the phone redialled.
    /// </summary>
    public async Task<AgentPhoneKind> ConnectRegisteredPhoneAsync(AgentId agent, string extension, CancellationToken ct)
    {
        var slot = _slots.GetOrAdd(agent, _ => new Slot());
        await slot.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (current, kind) = slot.Read();
            if (!_telephony.Registrar.TryGetBinding(extension, out var binding))
            {
                return current is { IsUp: true } ? kind : AgentPhoneKind.None;
            }

            if (current is { IsUp: true })
            {
                var sameFlow = current.Flow is not { } flow || (flow.Protocol == binding.Protocol && flow.Remote.Equals(binding.Source));
                if ((kind == AgentPhoneKind.Phone && sameFlow) || current.CurrentBridge is not null)
                {
                    return kind;
                }
            }

            if (current is not null && slot.ClearIf(current))
            {
                await current.DisposeAsync().ConfigureAwait(false);
            }

            return await ConnectCoreAsync(agent, slot, extension, ct).ConfigureAwait(false);
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private async Task<AgentPhoneKind> ConnectCoreAsync(AgentId agent, Slot slot, string? extension, CancellationToken ct)
    {
        var ring = TimeSpan.FromSeconds(_endpoint.Value.RingTimeoutSeconds);
        var ua = _telephony.UserAgent;
        var registrar = _telephony.Registrar;
        if (!string.IsNullOrEmpty(extension) && registrar.TryGetBinding(extension, out _))
        {
            var line = new AgentLine(ua, registrar, extension, _logger);
            if (await ConnectLineAsync(line, l => l.ConnectAsync(ring, ct)).ConfigureAwait(false))
            {
                return Keep(agent, slot, line, AgentPhoneKind.Phone);
            }

            LogNoAnswer(_logger, agent.Value, extension, line.FailureCause ?? "no answer");
            return AgentPhoneKind.None;
        }

        if (_telephony.DemoPhone is { } demo)
        {
            var line = new AgentLine(ua, registrar, extension ?? "demo", _logger);
            var target = $"sip:agent-{agent.Value}@{demo.EndPoint.Address}:{demo.EndPoint.Port}";
            if (await ConnectLineAsync(line, l => l.ConnectToAsync(target, demo.EndPoint, SipProtocol.Udp, ring, ct)).ConfigureAwait(false))
            {
                return Keep(agent, slot, line, AgentPhoneKind.DemoPhone);
            }

            LogNoAnswer(_logger, agent.Value, "demo phone", line.FailureCause ?? "no answer");
            return AgentPhoneKind.None;
        }

        LogNoPhone(_logger, agent.Value, extension);
        return AgentPhoneKind.None;
    }

    private static async Task<bool> ConnectLineAsync(AgentLine line, Func<AgentLine, Task<bool>> connect)
    {
        try
        {
            if (await connect(line).ConfigureAwait(false))
            {
                return true;
            }
        }
        catch
        {
            await line.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await line.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    private AgentPhoneKind Keep(AgentId agent, Slot slot, AgentLine line, AgentPhoneKind kind)
    {
        slot.Set(line, kind);
        LogConnected(_logger, agent.Value, kind, line.Leg!.CallId);
        // The phone hanging up ends the leg: forget it now, so KindOf says None and the next ConnectAsync redials.
        _ = line.Leg.Ended.ContinueWith(_ =>
        {
            if (slot.ClearIf(line))
            {
                LogDropped(_logger, agent.Value, kind);
                _ = line.DisposeAsync().AsTask();
            }
        }, TaskScheduler.Default);
        return kind;
    }

    /// <summary>Hangs up the agent's leg and forgets it (log-out).</summary>
    public async Task DisconnectAsync(AgentId agent)
    {
        if (!_slots.TryGetValue(agent, out var slot))
        {
            return;
        }

        await slot.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var (line, kind) = slot.Read();
            if (line is not null && slot.ClearIf(line))
            {
                await line.DisposeAsync().ConfigureAwait(false);
                LogDisconnected(_logger, agent.Value, kind);
            }
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>What the agent's leg is connected to now; None when no leg is up.</summary>
    public AgentPhoneKind KindOf(AgentId agent) =>
        _slots.TryGetValue(agent, out var slot) && slot.Read() is ({ IsUp: true }, var kind) ? kind : AgentPhoneKind.None;

    /// <summary>
    /// Bridges a connected debtor leg into the agent's nailed-up leg until the debtor leg ends. False when the
    /// agent has no leg up or it is already bridged; a leg found dropped is forgotten so the next ConnectAsync redials.
    /// </summary>
    internal bool TryBridge(AgentId agent, ICallLeg debtor, Recording.RecordingTarget? recording = null) => Bridge(agent, debtor, recording) is not null;

    /// <summary>
    /// As <see cref="TryBridge"/>, returning the agent's leg the debtor was bridged into (null when not bridged). The caller
    /// watches that leg's end, not whatever leg the agent has later: a phone put down in the instant after the bridge is
    /// forgotten by the slot at once, and the debtor must still be hung up.
    /// </summary>
    internal SipCallLeg? Bridge(AgentId agent, ICallLeg debtor, Recording.RecordingTarget? recording = null)
    {
        if (!_slots.TryGetValue(agent, out var slot) || slot.Read() is not ({ } line, var kind))
        {
            return null;
        }

        if (!line.IsUp)
        {
            if (slot.ClearIf(line))
            {
                LogDropped(_logger, agent.Value, kind);
                _ = line.DisposeAsync().AsTask();
            }

            return null;
        }

        if (line.CurrentBridge is not null || debtor.Media is null || debtor.State != CallState.Answered)
        {
            return null;
        }

        try
        {
            line.Bridge(debtor, recording);
        }
        catch (InvalidOperationException)
        {
            // Lost a race: the line got bridged or dropped between the check and the bridge.
            return null;
        }

        LogBridged(_logger, agent.Value, debtor.CallId, line.Leg!.CallId);
        return line.Leg;
    }

    /// <summary>Takes the debtor out of the agent's leg (the call was refused by the console); the leg stays up.</summary>
    internal void Unbridge(AgentId agent)
    {
        if (_slots.TryGetValue(agent, out var slot) && slot.Read().Line is { } line)
        {
            line.Unbridge();
        }
    }

    /// <summary>RTP packets relayed from debtors to this agent's current leg, over all its bridged calls.</summary>
    internal long RelayedToAgent(AgentId agent) => _slots.TryGetValue(agent, out var slot) && slot.Read().Line is { } line ? line.RelayedToAgent : 0;

    /// <summary>The bridge of the debtor call on the agent's leg now, or null (a supervisor joins it: <see cref="CallMonitors"/>).</summary>
    internal CallBridge? CurrentBridgeOf(AgentId agent) => _slots.TryGetValue(agent, out var slot) ? slot.Read().Line?.CurrentBridge : null;

    /// <summary>True while the agent's leg is bridged to a debtor.</summary>
    internal bool IsBridged(AgentId agent) => _slots.TryGetValue(agent, out var slot) && slot.Read().Line is { CurrentBridge: not null };

    /// <summary>The agent's leg (tests, diagnostics).</summary>
    internal SipCallLeg? LegOf(AgentId agent) => _slots.TryGetValue(agent, out var slot) ? slot.Read().Line?.Leg : null;

    /// <summary>The demo phone's side of the agent's leg, when the leg goes to the demo phone.</summary>
    internal DemoPhone.DemoPhoneCall? DemoPhoneCallOf(AgentId agent) =>
        LegOf(agent) is { } leg && _telephony.DemoPhone is { } demo && demo.TryGetCall(leg.CallId, out var call) ? call : null;

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registered after <see cref="TelephonyService"/>, so stopped before it: the legs get their BYE while the user agent still runs.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _slots.Keys)
        {
            await DisconnectAsync(agent).ConfigureAwait(false);
        }
    }

    /// <summary>One agent's leg; the semaphore serialises connect and disconnect, the lock guards the fields.</summary>
    private sealed class Slot
    {
        private readonly Lock _sync = new();
        private AgentLine? _line;
        private AgentPhoneKind _kind;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public (AgentLine? Line, AgentPhoneKind Kind) Read()
        {
            lock (_sync)
            {
                return (_line, _kind);
            }
        }

        public void Set(AgentLine line, AgentPhoneKind kind)
        {
            lock (_sync)
            {
                _line = line;
                _kind = kind;
            }
        }

        public bool ClearIf(AgentLine line)
        {
            lock (_sync)
            {
                if (!ReferenceEquals(_line, line))
                {
                    return false;
                }

                _line = null;
                _kind = AgentPhoneKind.None;
                return true;
            }
        }
    }

    [LoggerMessage(EventId = 3065, Level = LogLevel.Information, Message = "Agent {Agent}: nailed-up leg to {Kind} connected (call {CallId})")]
    private static partial void LogConnected(ILogger logger, int agent, AgentPhoneKind kind, string callId);

    [LoggerMessage(EventId = 3066, Level = LogLevel.Warning, Message = "Agent {Agent}: {Target} did not take the nailed-up leg: {Cause}")]
    private static partial void LogNoAnswer(ILogger logger, int agent, string target, string cause);

    [LoggerMessage(EventId = 3067, Level = LogLevel.Information, Message = "Agent {Agent}: no phone registered for extension {Extension} and no demo phone; no leg")]
    private static partial void LogNoPhone(ILogger logger, int agent, string? extension);

    [LoggerMessage(EventId = 3068, Level = LogLevel.Warning, Message = "Agent {Agent}: the {Kind} leg dropped; the next log-in redials")]
    private static partial void LogDropped(ILogger logger, int agent, AgentPhoneKind kind);

    [LoggerMessage(EventId = 3069, Level = LogLevel.Information, Message = "Agent {Agent}: {Kind} leg hung up at log-out")]
    private static partial void LogDisconnected(ILogger logger, int agent, AgentPhoneKind kind);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Warning, Message = "Agent {Agent}: the connection of phone {Extension} closed; its leg is ended and redialled when the phone registers again")]
    private static partial void LogFlowLost(ILogger logger, int agent, string extension);

    [LoggerMessage(EventId = 3070, Level = LogLevel.Debug, Message = "Agent {Agent}: debtor call {DebtorCallId} bridged into leg {AgentCallId}")]
    private static partial void LogBridged(ILogger logger, int agent, string debtorCallId, string agentCallId);
}
