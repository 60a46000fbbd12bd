using System.Collections.Concurrent;
using Collections.Dialer.Routing;
using Collections.Dialer.Sip;
using Collections.Shared.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Calls;

/// <summary>What became of a supervisor's request to join a call.</summary>
/// <param name="Phone">What the supervisor's leg went to.</param>
/// <param name="Refusal">Why the supervisor could not join (null when joined).</param>
public sealed record MonitorJoinResult(bool Joined, AgentPhoneKind Phone, string? Refusal);

/// <summary>
/// Supervisors listening to, whispering into and barging into agents' calls (issue 17). Joining calls the supervisor's
/// phone, registered with the registrar under their extension (or, with the demo carrier, the built-in demo phone), and
/// mixes that leg into the bridge between the debtor and the agent's nailed-up leg as its third party
/// (<see cref="ConferenceMixer"/>); a change of mode changes the mix at the next 20 ms frame; leaving hangs up the
/// supervisor's leg only. One supervisor per call, one call per supervisor (their phone has one line for it).
/// </summary>
public sealed partial class CallMonitors : IHostedService, IAsyncDisposable
{
    private readonly TelephonyService _telephony;
    private readonly AgentPhones _phones;
    private readonly IOptions<SipEndpointOptions> _endpoint;
    private readonly ILogger<CallMonitors> _logger;
    private readonly ConcurrentDictionary<AgentId, Session> _sessions = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _demoCalls;

    internal CallMonitors(TelephonyService telephony, AgentPhones phones, IOptions<SipEndpointOptions> endpoint, ILogger<CallMonitors> logger)
    {
        _telephony = telephony;
        _phones = phones;
        _endpoint = endpoint;
        _logger = logger;
    }

    /// <summary>Raised when a supervisor's monitoring of an agent's call ended by itself: the call ended, or the supervisor's phone hung up.</summary>
    public event Action<AgentId, string>? Ended;

    /// <summary>The mode a supervisor monitors the agent's call in, with who; null when nobody does.</summary>
    public (string Supervisor, MonitorMode Mode)? Of(AgentId agent) =>
        _sessions.TryGetValue(agent, out var s) ? (s.Supervisor, s.Mode) : null;

    /// <summary>
    /// Joins <paramref name="supervisor"/> into the agent's current call in <paramref name="mode"/>, calling their phone
    /// (<paramref name="extension"/>'s registration, else the demo phone), or changes the mode when they are already on it.
    /// A supervisor on another call leaves it first.
    /// </summary>
    public async Task<MonitorJoinResult> JoinAsync(AgentId agent, string supervisor, string? extension, MonitorMode mode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_sessions.TryGetValue(agent, out var current))
            {
                if (!string.Equals(current.Supervisor, supervisor, StringComparison.Ordinal))
                {
                    return new(false, AgentPhoneKind.None, $"{current.Supervisor} is already monitoring this call.");
                }

                current.Bridge.SetMode(mode);
                current.Mode = mode;
                LogMode(_logger, agent.Value, mode);
                return new(true, current.Kind, null);
            }

            foreach (var other in _sessions.Values.Where(s => string.Equals(s.Supervisor, supervisor, StringComparison.Ordinal)))
            {
                await EndAsync(other, raise: true).ConfigureAwait(false);
            }

            if (_phones.CurrentBridgeOf(agent) is not { } bridge)
            {
                return new(false, AgentPhoneKind.None, "The call has no audio bridged to the operator's line to join.");
            }

            var (line, kind) = await ConnectAsync(extension, ct).ConfigureAwait(false);
            if (line is null)
            {
                return new(false, AgentPhoneKind.None, kind == AgentPhoneKind.Phone
                    ? $"The phone registered under extension {extension} did not answer."
                    : $"No phone is registered under extension {extension ?? "(none)"} and there is no demo phone.");
            }

            line.PauseIdleMedia(true);
            if (!bridge.Attach(line.Leg!.Media!, mode, _telephony.UserAgent.Time))
            {
                await line.DisposeAsync().ConfigureAwait(false);
                return new(false, AgentPhoneKind.None, "The call ended before the supervisor's phone answered.");
            }

            var session = new Session(agent, supervisor, line, bridge, kind) { Mode = mode };
            _sessions[agent] = session;
            LogJoined(_logger, agent.Value, mode, kind, line.Leg.CallId);
            _ = Task.WhenAny(bridge.Closed, line.Leg.Ended).ContinueWith(_ => EndAsync(session, raise: true), TaskScheduler.Default).Unwrap();
            return new(true, kind, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the supervisor's part in the agent's call (their leg is hung up; the call goes on); false when nobody monitored it.</summary>
    public async Task<bool> LeaveAsync(AgentId agent)
    {
        return _sessions.TryGetValue(agent, out var session) && await EndAsync(session, raise: false).ConfigureAwait(false);
    }

    private async Task<(AgentLine? Line, AgentPhoneKind Kind)> ConnectAsync(string? extension, CancellationToken ct)
    {
        var ring = TimeSpan.FromSeconds(_endpoint.Value.RingTimeoutSeconds);
        var ua = _telephony.UserAgent;
        var registrar = _telephony.Registrar;
        AgentLine line;
        bool answered;
        AgentPhoneKind kind;
        if (!string.IsNullOrEmpty(extension) && registrar.TryGetBinding(extension, out _))
        {
            line = new AgentLine(ua, registrar, extension, _logger);
            kind = AgentPhoneKind.Phone;
            answered = await Try(line, l => l.ConnectAsync(ring, ct)).ConfigureAwait(false);
        }
        else if (_telephony.DemoPhone is { } demo)
        {
            line = new AgentLine(ua, registrar, extension ?? "demo", _logger);
            kind = AgentPhoneKind.DemoPhone;
            var target = $"sip:monitor-{Interlocked.Increment(ref _demoCalls)}@{demo.EndPoint.Address}:{demo.EndPoint.Port}";
            answered = await Try(line, l => l.ConnectToAsync(target, demo.EndPoint, SipProtocol.Udp, ring, ct)).ConfigureAwait(false);
        }
        else
        {
            return (null, AgentPhoneKind.None);
        }

        if (answered)
        {
            return (line, kind);
        }

        LogNoAnswer(_logger, extension ?? "demo phone", line.FailureCause ?? "no answer");
        await line.DisposeAsync().ConfigureAwait(false);
        return (null, kind);
    }

    private static async Task<bool> Try(AgentLine line, Func<AgentLine, Task<bool>> connect)
    {
        try
        {
            return await connect(line).ConfigureAwait(false);
        }
        catch
        {
            await line.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<bool> EndAsync(Session session, bool raise)
    {
        if (!_sessions.TryRemove(new KeyValuePair<AgentId, Session>(session.Agent, session)))
        {
            return false;
        }

        await session.Bridge.DetachAsync().ConfigureAwait(false);
        await session.Line.DisposeAsync().ConfigureAwait(false);
        LogLeft(_logger, session.Agent.Value, raise ? "ended by itself" : "left");
        if (raise)
        {
            Ended?.Invoke(session.Agent, session.Supervisor);
        }

        return true;
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registered after <see cref="AgentPhones"/>, so stopped before it: supervisors' legs get their BYE first.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await EndAsync(session, raise: false).ConfigureAwait(false);
        }
    }

    private sealed class Session(AgentId agent, string supervisor, AgentLine line, CallBridge bridge, AgentPhoneKind kind)
    {
        public AgentId Agent { get; } = agent;

        public string Supervisor { get; } = supervisor;

        public AgentLine Line { get; } = line;

        public CallBridge Bridge { get; } = bridge;

        public AgentPhoneKind Kind { get; } = kind;

        public MonitorMode Mode { get; set; }
    }

    [LoggerMessage(EventId = 3080, Level = LogLevel.Information, Message = "Agent {Agent}: a supervisor joined the call to {Mode} ({Kind}, leg {CallId})")]
    private static partial void LogJoined(ILogger logger, int agent, MonitorMode mode, AgentPhoneKind kind, string callId);

    [LoggerMessage(EventId = 3081, Level = LogLevel.Information, Message = "Agent {Agent}: the supervisor now {Mode}s")]
    private static partial void LogMode(ILogger logger, int agent, MonitorMode mode);

    [LoggerMessage(EventId = 3082, Level = LogLevel.Information, Message = "Agent {Agent}: the supervisor's leg is down ({How})")]
    private static partial void LogLeft(ILogger logger, int agent, string how);

    [LoggerMessage(EventId = 3083, Level = LogLevel.Warning, Message = "The supervisor's phone {Target} did not take the monitoring leg: {Cause}")]
    private static partial void LogNoAnswer(ILogger logger, string target, string cause);
}
