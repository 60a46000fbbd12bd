using System.Net;
using System.Text;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Inbound;

/// <summary>
/// The caller's leg of an inbound call (RFC 3261 13.3 UAS): answers the INVITE with 200 and an SDP answer (G.711, PCMU or PCMA
/// as offered, with RFC 4733 telephone-event when offered), keeps the dialog, answers BYE and session refreshes, and hangs up
/// with BYE. Plain RTP only (a trunk's SRTP applies to our own INVITEs; inbound SRTP is not built). The same <see cref="ICallLeg"/>
/// as an outbound leg, so the agent's line bridges it like any debtor call.
/// </summary>
internal sealed partial class InboundLeg : ICallLeg, IDialogHandler
{
    private static readonly AudioCodec[] Codecs = [AudioCodec.Pcmu, AudioCodec.Pcma];

    private readonly SipUserAgent _ua;
    private readonly ServerTransaction _invite;
    private readonly ILogger _logger;
    private readonly string _tag = SipStack.NewTag();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private SipDialog? _dialog;
    private int _disposed;

    public InboundLeg(SipUserAgent ua, ServerTransaction invite, ILogger logger)
    {
        _ua = ua;
        _invite = invite;
        _logger = logger;
        CallId = invite.Request.CallId;
    }

    public CallState State { get; private set; } = CallState.Idle;

    public string CallId { get; }

    public RtpSession? Media { get; private set; }

    public Task Ended => _ended.Task;

    /// <summary>Who ended the call, once ended.</summary>
    public HangupParty? HangupBy { get; private set; }

    public event Action<ICallLeg, CallState, CallState>? StateChanged;

    /// <summary>Answers the INVITE; false (and the INVITE refused with 488) when the offer has no codec we speak.</summary>
    public bool Answer()
    {
        var request = _invite.Request;
        _invite.Cancelled += () =>
        {
            // RFC 3261 9.2: only possible before our 200, which follows the INVITE at once.
            _invite.Respond(SipResponse.For(request, 487, toTag: _tag));
            HangupBy = HangupParty.Remote;
            End();
        };

        if (!SessionDescription.TryParse(request.BodyText, out var offer))
        {
            Refuse(488);
            return false;
        }

        var local = _ua.Stack.Transport.LocalEndPoint(_invite.Protocol).Address;
        if (local.Equals(IPAddress.Any))
        {
            local = IPAddress.Loopback;
        }

        var rtp = new RtpSession(local, _ua.Time);
        var answer = SessionDescription.Answer(offer, local, rtp.LocalEndPoint.Port, Codecs);
        if (answer?.FirstAudioCodec is not { } codec || AudioCodec.ByName(codec.Name) is not { } known)
        {
            _ = rtp.DisposeAsync().AsTask();
            Refuse(488);
            return false;
        }

        Media = rtp;
        rtp.TelephoneEventPayloadType = offer.Codecs.FirstOrDefault(c => c.IsTelephoneEvent)?.PayloadType;
        var remoteAddress = offer.Address.Equals(IPAddress.Any) ? _invite.Remote.Address : offer.Address;
        rtp.SetRemote(new IPEndPoint(remoteAddress, offer.AudioPort));
        rtp.Codec = known;
        Transition(CallState.Calling);
        _dialog = SipDialog.FromUas(request, _tag, _invite.Protocol);
        _ua.AddDialog(_dialog.Key, this, _invite.Remote);
        var ok = SipResponse.For(request, 200, toTag: _tag);
        ok.Add("Contact", $"<{_ua.Stack.ContactUri(_invite.Protocol, "inbound")}>");
        ok.Add("Allow", SipUserAgent.Allow);
        ok.Add("Content-Type", "application/sdp");
        ok.Body = Encoding.UTF8.GetBytes(answer.ToString());
        _invite.Respond(ok);
        Transition(CallState.Answered);
        return true;
    }

    /// <summary>Refuses the INVITE with <paramref name="status"/> (nothing kept).</summary>
    public void Refuse(int status)
    {
        _invite.Respond(SipResponse.For(_invite.Request, status, toTag: _tag));
        Transition(CallState.Calling);
        End();
    }

    public async Task HangupAsync()
    {
        SipDialog? dialog;
        lock (_gate)
        {
            if (State != CallState.Answered || _dialog is null)
            {
                return;
            }

            dialog = _dialog;
        }

        HangupBy ??= HangupParty.Local;
        Transition(CallState.Terminating);
        var bye = dialog.CreateRequest("BYE");
        try
        {
            await _ua.Stack.SendRequest(bye, dialog.Protocol, dialog.NextHop()).Final.ConfigureAwait(false);
        }
        finally
        {
            End();
        }
    }

    public Task OnRequestAsync(ServerTransaction transaction)
    {
        var r = transaction.Request;
        switch (r.Method)
        {
            case "BYE":
                transaction.Respond(SipResponse.For(r, 200));
                HangupBy ??= HangupParty.Remote;
                LogBye(_logger, CallId);
                End();
                break;
            case "INVITE" or "UPDATE" when Media is not null && SessionDescription.TryParse(r.BodyText, out var offer)
                                          && SessionDescription.Answer(offer, Media.LocalEndPoint.Address, Media.LocalEndPoint.Port, Codecs) is { } answer:
                // RFC 3261 14.2: a session refresh or media move from the caller.
                var remoteAddress = offer.Address.Equals(IPAddress.Any) ? transaction.Remote.Address : offer.Address;
                Media.SetRemote(new IPEndPoint(remoteAddress, offer.AudioPort));
                var ok = SipResponse.For(r, 200);
                ok.Add("Contact", $"<{_ua.Stack.ContactUri(transaction.Protocol, "inbound")}>");
                ok.Add("Content-Type", "application/sdp");
                ok.Body = Encoding.UTF8.GetBytes(answer.ToString());
                transaction.Respond(ok);
                break;
            default:
                transaction.Respond(SipResponse.For(r, r.Method is "OPTIONS" or "INFO" ? 200 : 405));
                break;
        }

        return Task.CompletedTask;
    }

    public void OnAck(SipRequest ack)
    {
    }

    public void OnRetransmitted2xx(SipResponse response)
    {
    }

    private void Transition(CallState to)
    {
        CallState from;
        lock (_gate)
        {
            from = State;
            if (from == to || !CallStateMachine.IsAllowed(from, to))
            {
                return;
            }

            State = to;
        }

        StateChanged?.Invoke(this, from, to);
    }

    private void End()
    {
        if (_dialog is not null)
        {
            _ua.RemoveDialog(_dialog.Key);
        }

        Transition(CallState.Terminated);
        _ended.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (State == CallState.Answered)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await HangupAsync().WaitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        End();
        if (Media is not null)
        {
            await Media.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Inbound call {CallId}: the caller hung up")]
    private static partial void LogBye(ILogger logger, string callId);
}
