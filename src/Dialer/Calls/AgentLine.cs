using Collections.Dialer.Media.Sdp;
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

    /// <summary>Calls the agent's registered phone; true when it answered (auto-answer or the agent picked up).</summary>
    public async Task<bool> ConnectAsync(TimeSpan ringTimeout, CancellationToken ct)
    {
        if (!_registrar.TryGetBinding(Extension, out var binding))
        {
            return false;
        }

        var leg = new SipCallLeg(_ua, new OutboundCallRequest(binding.Contact, binding.Source, binding.Protocol, "dialer", ringTimeout,
            [AudioCodec.Pcmu, AudioCodec.Pcma]), _logger);
        await leg.PlaceAsync(ct).ConfigureAwait(false);
        if (!leg.Answered)
        {
            await leg.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        _leg = leg;
        _idle = new CallMedia(leg.Media!, _ua.Time, prompt: null, recordPath: null, classifier: null);
        _idle.Start();
        return true;
    }

    /// <summary>Bridges a connected debtor leg into this line until either side ends or <see cref="Unbridge"/>.</summary>
    public CallBridge Bridge(SipCallLeg debtor, string? recordPath = null)
    {
        lock (_gate)
        {
            if (!IsUp || _bridge is not null || debtor.Media is null)
            {
                throw new InvalidOperationException($"Agent line {Extension} is not free to bridge.");
            }

            _idle!.Paused = true;
            _bridge = new CallBridge(debtor.Media, _leg!.Media!, recordPath);
        }

        _ = debtor.Ended.ContinueWith(_ => Unbridge(), TaskScheduler.Default);
        return _bridge;
    }

    public void Unbridge()
    {
        CallBridge? bridge;
        lock (_gate)
        {
            bridge = _bridge;
            _bridge = null;
            if (_idle is not null)
            {
                _idle.Paused = false;
            }
        }

        bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
