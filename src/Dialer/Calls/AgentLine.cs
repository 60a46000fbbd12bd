using System.Net;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Calls;

/// <summary>
/// An agent's nailed-up leg (as VICIdial does): at log-in we call the agent's registered phone once and
/// keep that call for the shift; each debtor call is bridged into it and unbridged when it ends. Between
/// debtor calls the leg carries G.711 silence so the phone and any NAT keep the media path open.
/// </summary>
internal sealed class AgentLine : IAsyncDisposable
{
    private readonly SipUserAgent _ua;
    private readonly Registrar _registrar;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private SipCallLeg? _leg;
    private CallMedia? _idle;
    private CallBridge? _bridge;
    private long _relayedToAgent;
    private long _relayedToDebtor;

    public AgentLine(SipUserAgent ua, Registrar registrar, string extension, ILogger? logger = null)
    {
        _ua = ua;
        _registrar = registrar;
        Extension = extension;
        _logger = logger ?? NullLogger.Instance;
    }

    public string Extension { get; }

    public SipCallLeg? Leg => _leg;

    public bool IsUp => _leg is { State: CallState.Answered };

    public CallBridge? CurrentBridge => _bridge;

    /// <summary>The connection a registered phone's leg runs over (its flow), or null for a leg routed by address.</summary>
    public (SipProtocol Protocol, IPEndPoint Remote)? Flow { get; private set; }

    /// <summary>Why the last connect failed (the phone's cause: encryption refused, flow gone), or null.</summary>
    public string? FailureCause { get; private set; }

    /// <summary>
    /// Calls the agent's registered phone over the flow it registered on, with the phone's media policy (a browser gets
    /// WebRTC media); true when it answered (auto-answer or the agent picked up) and its media is secured as required.
    /// </summary>
    public Task<bool> ConnectAsync(TimeSpan ringTimeout, CancellationToken ct)
    {
        if (!_registrar.TryGetBinding(Extension, out var binding))
        {
            return Task.FromResult(false);
        }

        return ConnectToAsync(binding.Contact, binding.Source, binding.Protocol, ringTimeout, ct, _registrar.MediaPolicyFor(binding), flowBound: true);
    }

    /// <summary>Calls <paramref name="target"/> via <paramref name="nextHop"/> (a registered binding, or the built-in demo phone); true when it answered.</summary>
    public async Task<bool> ConnectToAsync(string target, IPEndPoint nextHop, SipProtocol protocol, TimeSpan ringTimeout, CancellationToken ct,
        MediaPolicy? policy = null, bool flowBound = false)
    {
        if (_leg is not null)
        {
            throw new InvalidOperationException($"Agent line {Extension} is already connected.");
        }

        var leg = new SipCallLeg(_ua, new OutboundCallRequest(target, nextHop, protocol, "dialer", ringTimeout,
            [AudioCodec.Pcmu, AudioCodec.Pcma], Media: policy, FlowBound: flowBound, Peer: $"phone {Extension}"), _logger);
        try
        {
            await leg.PlaceAsync(ct).ConfigureAwait(false);
            if (leg.Answered)
            {
                // DTLS-SRTP finishes after the answer: the line is up only once its media is (RFC 5763 5).
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(MediaNegotiator.DtlsTimeout + TimeSpan.FromSeconds(5));
                await leg.MediaReady.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            FailureCause = leg.FailureCause ?? ex.Message;
            await leg.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        catch
        {
            await leg.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (!leg.Answered)
        {
            FailureCause = leg.FailureCause;
            await leg.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        _leg = leg;
        Flow = flowBound && protocol.IsReliable() ? (protocol, nextHop) : null;
        _idle = new CallMedia(leg.Media!, _ua.Time, prompt: null, recordPath: null, classifier: null);
        _idle.Start();
        return true;
    }

    /// <summary>RTP packets the bridges relayed from debtors to this line, over all its bridged calls.</summary>
    public long RelayedToAgent
    {
        get
        {
            lock (_gate)
            {
                return _relayedToAgent + (_bridge?.RelayedToAgent ?? 0);
            }
        }
    }

    /// <summary>RTP packets the bridges relayed from this line to debtors, over all its bridged calls.</summary>
    public long RelayedToDebtor
    {
        get
        {
            lock (_gate)
            {
                return _relayedToDebtor + (_bridge?.RelayedToDebtor ?? 0);
            }
        }
    }

    /// <summary>Debtor calls bridged into this line so far.</summary>
    public int BridgedCalls { get; private set; }

    /// <summary>Bridges a connected debtor leg into this line until either side ends or <see cref="Unbridge"/>.</summary>
    public CallBridge Bridge(ICallLeg debtor, Recording.RecordingTarget? recording = null)
    {
        CallBridge bridge;
        lock (_gate)
        {
            if (!IsUp || _bridge is not null || debtor.Media is null)
            {
                throw new InvalidOperationException($"Agent line {Extension} is not free to bridge.");
            }

            _idle!.Paused = true;
            bridge = new CallBridge(debtor.Media, _leg!.Media!, recording);
            _bridge = bridge;
            BridgedCalls++;
        }

        // Only this debtor's bridge: a later bridge on the same line is not undone by an earlier debtor's end.
        _ = debtor.Ended.ContinueWith(_ => Unbridge(bridge), TaskScheduler.Default);
        return bridge;
    }

    public void Unbridge() => Unbridge(null);

    /// <summary>Stops (or resumes) the line's idle silence while this line is a supervisor's, mixed into another call.</summary>
    public void PauseIdleMedia(bool paused)
    {
        if (_idle is not null)
        {
            _idle.Paused = paused;
        }
    }

    private void Unbridge(CallBridge? only)
    {
        CallBridge? bridge;
        lock (_gate)
        {
            bridge = _bridge;
            if (bridge is null || (only is not null && !ReferenceEquals(bridge, only)))
            {
                return;
            }

            _bridge = null;
            // CallBridge.DisposeAsync completes synchronously and takes no lock of ours: the totals stay exact.
            bridge.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _relayedToAgent += bridge.RelayedToAgent;
            _relayedToDebtor += bridge.RelayedToDebtor;
            if (_idle is not null)
            {
                _idle.Paused = false;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Unbridge();
        if (_idle is not null)
        {
            await _idle.DisposeAsync().ConfigureAwait(false);
        }

        if (_leg is not null)
        {
            await _leg.DisposeAsync().ConfigureAwait(false);
        }
    }
}
