using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Sip;

/// <summary>
/// The UA core over the transaction layer (RFC 3261 8 and 12): routes in-dialog requests to their dialog's
/// handler, new INVITEs to <see cref="IncomingCall"/>, REGISTER to <see cref="Register"/>, answers OPTIONS.
/// </summary>
internal sealed partial class SipUserAgent : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IDialogHandler> _dialogs = new();
    private readonly ConcurrentDictionary<string, IPAddress> _dialogPeers = new();
    private readonly ILogger _logger;

    public SipUserAgent(TimeProvider time, ILogger? logger = null, SipTimers? timers = null, SipLimits? limits = null)
    {
        _logger = logger ?? NullLogger.Instance;
        Stack = new SipStack(time, _logger, timers, limits)
        {
            RequestReceived = OnRequestAsync,
            AckReceived = OnAckAsync,
            StrayResponse = OnStrayAsync,
        };
    }

    public SipStack Stack { get; }

    public TimeProvider Time => Stack.Time;

    public const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, REGISTER";

    public Func<ServerTransaction, Task>? IncomingCall { get; set; }

    public Func<ServerTransaction, Task>? Register { get; set; }

    public int DialogCount => _dialogs.Count;

    public void Start(IPAddress address, int udpPort = 0, int tcpPort = 0) => Stack.Start(address, udpPort, tcpPort);

    public void AddDialog(string key, IDialogHandler handler) => _dialogs[key] = handler;

    /// <summary>A dialog created by an INVITE from <paramref name="peer"/>: counted against <see cref="SipLimits.MaxDialogsPerSource"/>.</summary>
    public void AddDialog(string key, IDialogHandler handler, IPEndPoint peer)
    {
        if (!Stack.IsTrusted(peer))
        {
            _dialogPeers[key] = peer.Address;
        }

        _dialogs[key] = handler;
    }

    public void RemoveDialog(string key)
    {
        _dialogs.TryRemove(key, out _);
        _dialogPeers.TryRemove(key, out _);
    }

    /// <summary>Dialogs open from INVITEs that <paramref name="address"/> sent us.</summary>
    public int DialogsFrom(IPAddress address) => _dialogPeers.Values.Count(a => a.Equals(address));

    private async Task OnRequestAsync(ServerTransaction tx)
    {
        var request = tx.Request;
        var toTag = request.To.Tag;
        if (!string.IsNullOrEmpty(toTag))
        {
            if (_dialogs.TryGetValue(SipDialog.KeyOf(request.CallId, toTag), out var handler))
            {
                await handler.OnRequestAsync(tx).ConfigureAwait(false);
            }
            else if (request.Method == "OPTIONS")
            {
                tx.RespondStateless(OptionsResponse(request));
            }
            else
            {
                // RFC 3261 12.2.2: a request for a dialog we do not know; answered once, nothing kept.
                tx.RespondStateless(SipResponse.For(request, 481));
            }

            return;
        }

        // Refusals below are stateless (RFC 3261 8.2.7): one response per request received, no timer G retransmissions
        // and no transaction held for 32 s, so an INVITE from a stranger is neither a memory cost nor a reflector.
        switch (request.Method)
        {
            case "INVITE" when IncomingCall is { } incoming && DialogsFrom(tx.Remote.Address) >= Stack.Limits.MaxDialogsPerSource && !Stack.IsTrusted(tx.Remote):
                LogTooManyDialogs(_logger, tx.Remote, Stack.Limits.MaxDialogsPerSource);
                var busy = SipResponse.For(request, 503, toTag: SipStack.NewTag());
                busy.Add("Retry-After", Stack.Limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                tx.RespondStateless(busy);
                break;
            case "INVITE" when IncomingCall is { } incoming:
                await incoming(tx).ConfigureAwait(false);
                break;
            case "INVITE":
                tx.RespondStateless(SipResponse.For(request, 480, toTag: SipStack.NewTag()));
                break;
            case "REGISTER" when Register is { } register:
                await register(tx).ConfigureAwait(false);
                break;
            case "OPTIONS":
                tx.RespondStateless(OptionsResponse(request));
                break;
            case "BYE":
                tx.RespondStateless(SipResponse.For(request, 481));
                break;
            default:
                var r = SipResponse.For(request, 405, toTag: SipStack.NewTag());
                r.Add("Allow", Allow);
                tx.RespondStateless(r);
                break;
        }
    }

    /// <summary>RFC 3261 11.2: OPTIONS answered with what we allow and accept.</summary>
    private static SipResponse OptionsResponse(SipRequest request)
    {
        var r = SipResponse.For(request, 200, toTag: SipStack.NewTag());
        r.Add("Allow", Allow);
        r.Add("Accept", "application/sdp");
        return r;
    }

    private Task OnAckAsync(SipRequest ack, SipSource source)
    {
        if (ack.To.Tag is { } tag && _dialogs.TryGetValue(SipDialog.KeyOf(ack.CallId, tag), out var handler))
        {
            handler.OnAck(ack);
        }

        return Task.CompletedTask;
    }

    private Task OnStrayAsync(SipResponse response, SipSource source)
    {
        if (response.StatusCode is >= 200 and < 300 && response.CSeq.Method == "INVITE" && response.From.Tag is { } tag
            && _dialogs.TryGetValue(SipDialog.KeyOf(response.CallId, tag), out var handler))
        {
            handler.OnRetransmitted2xx(response);
        }
        else
        {
            LogStray(_logger, response.StatusCode, response.CSeq.Method);
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => Stack.DisposeAsync();

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "INVITE from {Remote} refused with 503: it already has {Limit} dialogs open (Dialer:Sip:Limits:MaxDialogsPerSource)")]
    private static partial void LogTooManyDialogs(ILogger logger, IPEndPoint remote, int limit);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Response {Code} to {Method} matches no transaction or dialog")]
    private static partial void LogStray(ILogger logger, int code, string method);
}
