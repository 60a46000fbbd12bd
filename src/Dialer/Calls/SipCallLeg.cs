using System.Net;
using System.Text;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Calls;

/// <summary>
/// What to call and how: target, next hop, credentials, caller ID, codecs, ring timeout; the media policy (plain RTP with
/// <paramref name="Codecs"/> unless given); <paramref name="FlowBound"/> for a registered phone, whose in-dialog requests
/// go back over the flow it registered on (RFC 5626 5.3: its Contact may not be reachable, a browser's never is).
/// </summary>
internal sealed record OutboundCallRequest(
    string Target,
    IPEndPoint NextHop,
    SipProtocol Protocol,
    string CallerId,
    TimeSpan RingTimeout,
    IReadOnlyList<AudioCodec> Codecs,
    string? Username = null,
    string? Password = null,
    bool ViaProxy = false,
    MediaPolicy? Media = null,
    bool FlowBound = false,
    string Peer = "the callee")
{
    public MediaPolicy MediaPolicy => Media ?? MediaPolicy.Plain(Codecs);
}

/// <summary>
/// An outbound call leg (RFC 3261 13.2 UAC): INVITE with SDP offer, provisional and early media (183 + SDP),
/// 2xx + ACK, non-2xx (ACKed by the transaction), CANCEL when the ring timeout expires, digest
/// authentication on 401/407, BYE either way, and answering re-INVITE / UPDATE session refreshes.
/// Owns its cancellation, timers and RTP session; dispose it when done.
/// </summary>
internal sealed partial class SipCallLeg : ICallLeg, IDialogHandler
{
    private readonly SipUserAgent _ua;
    private readonly OutboundCallRequest _request;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _mediaReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MediaNegotiator? _negotiator;
    private readonly Lock _gate = new();
    private readonly string _callId = SipStack.NewCallId();
    private readonly string _fromTag = SipStack.NewTag();
    private ClientTransaction? _invite;
    private SipDialog? _dialog;
    private SipRequest? _ack;
    private SessionDescription? _localSdp;
    private bool _cancelRequested;
    private string? _authHeaderName;
    private string? _authHeaderValue;
    private long _startTimestamp;

    public SipCallLeg(SipUserAgent ua, OutboundCallRequest request, ILogger? logger = null)
    {
        _ua = ua;
        _request = request;
        _logger = logger ?? NullLogger.Instance;
    }

    public CallState State { get; private set; } = CallState.Idle;

    /// <summary>The dialog's Call-ID (RFC 3261 8.1.1.4).</summary>
    public string CallId => _callId;

    public RtpSession? Media { get; private set; }

    public Task Ended => _ended.Task;

    /// <summary>Final SIP status of the INVITE (200 when answered; 408 when nothing answered at all).</summary>
    public int FinalStatus { get; private set; }

    public bool Answered { get; private set; }

    public TimeSpan? AnswerDelay { get; private set; }

    public HangupParty? HangupBy { get; private set; }

    public int ReInvitesAnswered { get; private set; }

    /// <summary>Why the call failed or was ended by us for a reason the caller should see (encryption refused, TLS failed), else null.</summary>
    public string? FailureCause { get; private set; }

    /// <summary>What protects the media: "SRTP (SDES)", "SRTP (DTLS-SRTP)", "plain RTP".</summary>
    public string MediaSecurity => _negotiator?.Outcome ?? "plain RTP";

    /// <summary>
    /// Completes when media can flow after the answer: at once for plain RTP and SDES, when the DTLS handshake is done
    /// for DTLS-SRTP; faults with the cause when the encryption the policy requires cannot be had.
    /// </summary>
    public Task MediaReady => _mediaReady.Task;

    public event Action<ICallLeg, CallState, CallState>? StateChanged;

    /// <summary>Raised when media starts flowing: early (183 with SDP) or on answer.</summary>
    public event Action<SipCallLeg>? MediaStarted;

    private void Transition(CallState to)
    {
        CallState from;
        lock (_gate)
        {
            from = State;
            if (from == to && to is not (CallState.Ringing or CallState.EarlyMedia))
            {
                return;
            }

            if (!CallStateMachine.IsAllowed(from, to))
            {
                throw new InvalidOperationException($"Call leg cannot go from {from} to {to}.");
            }

            State = to;
        }

        LogState(_logger, _callId, from, to);
        StateChanged?.Invoke(this, from, to);
        if (to == CallState.Terminated)
        {
            _ua.RemoveDialog(SipDialog.KeyOf(_callId, _fromTag));
            _ended.TrySetResult();
        }
    }

    /// <summary>Places the call and returns when it is answered or has failed (then <see cref="State"/> is Terminated).</summary>
    public async Task PlaceAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        var local = _ua.Stack.Transport.LocalEndPoint(_request.Protocol).Address;
        if (local.Equals(IPAddress.Any))
        {
            local = IPAddress.Loopback;
        }

        Media = new RtpSession(local, _ua.Time);
        _negotiator = new MediaNegotiator(_request.MediaPolicy, Media, _request.Protocol.IsSecure(), _request.Peer);
        Media.Secured += _ => _mediaReady.TrySetResult();
        Media.SecurityFailed += OnSecurityFailed;
        _startTimestamp = _ua.Time.GetTimestamp();
        try
        {
            _localSdp = _negotiator.CreateOffer(local);
        }
        catch (MediaPolicyException ex)
        {
            // The policy cannot even be offered (SDES required over clear signalling): no INVITE goes out.
            FailureCause = ex.Message;
            FinalStatus = 488;
            HangupBy = HangupParty.Local;
            LogPolicyRefused(_logger, _callId, ex.Message);
            Transition(CallState.Calling);
            Transition(CallState.Terminated);
            _mediaReady.TrySetException(new IOException(ex.Message));
            return;
        }

        Transition(CallState.Calling);

        // The ring timeout runs from the first INVITE across authentication retries (RFC 3261 9.1: CANCEL then 487).
        await using var ringTimer = _ua.Time.CreateTimer(_ => CancelRinging(), null, _request.RingTimeout, Timeout.InfiniteTimeSpan);
        await using var cancelReg = linked.Token.Register(CancelRinging);
        _ua.AddDialog(SipDialog.KeyOf(_callId, _fromTag), this);

        SipResponse final;
        long cseq = 1;
        var authAttempts = 0;
        while (true)
        {
            var invite = BuildInvite(cseq);
            var tx = _ua.Stack.SendRequest(invite, _request.Protocol, _request.NextHop);
            tx.Provisional += OnProvisional;
            lock (_gate)
            {
                _invite = tx;
            }

            if (Volatile.Read(ref _cancelRequested))
            {
                tx.Cancel();
            }

            final = await tx.Final.ConfigureAwait(false);
            if (final.StatusCode is 401 or 407 && _request.Username is not null && authAttempts < 2 && !_cancelRequested)
            {
                var challengeHeader = final.StatusCode == 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
                if (DigestAuth.Choose(final.GetAll(challengeHeader)) is { } challenge)
                {
                    authAttempts++;
                    _authHeaderName = final.StatusCode == 401 ? "Authorization" : "Proxy-Authorization";
                    _authHeaderValue = DigestAuth.Authorize(challenge, _request.Username, _request.Password ?? string.Empty, "INVITE", invite.Uri);
                    cseq++;
                    continue;
                }
            }

            break;
        }

        FinalStatus = final.StatusCode;
        if (final.StatusCode is >= 200 and < 300)
        {
            await OnAnsweredAsync(final).ConfigureAwait(false);
            if (FailureCause is not null)
            {
                return;
            }

            if (Volatile.Read(ref _cancelRequested))
            {
                // RFC 3261 9.1: a 2xx that crosses our CANCEL still makes a call: ACK it, then BYE.
                await HangupAsync().ConfigureAwait(false);
            }

            return;
        }

        HangupBy = _cancelRequested ? HangupParty.Local : HangupParty.Remote;
        if (final.StatusCode == 503 && final.Reason.StartsWith("Service Unavailable (", StringComparison.Ordinal))
        {
            FailureCause = final.Reason["Service Unavailable (".Length..^1]; // our transport's reason (TLS refused, flow gone)
        }
        else if (final.StatusCode == 488 && _request.MediaPolicy.Srtp == EncryptionPolicy.Required)
        {
            FailureCause = $"{_request.Peer} refused the encrypted media offer (488 {final.Reason}); SRTP is required, so no plain call was tried";
        }

        _mediaReady.TrySetException(new IOException(FailureCause ?? $"the call was not answered ({final.StatusCode})"));
        Transition(CallState.Terminated);
    }

    private SipRequest BuildInvite(long cseq)
    {
        var invite = new SipRequest("INVITE", _request.Target);
        var target = SipUri.Parse(_request.Target);
        var local = _ua.Stack.Transport.LocalEndPoint(_request.Protocol);
        invite.Add("From", $"<sip:{_request.CallerId}@{(_request.ViaProxy ? target.Host : local.Address.ToString())}>;tag={_fromTag}");
        invite.Add("To", $"<{_request.Target}>");
        invite.Add("Call-ID", _callId);
        invite.Add("CSeq", $"{cseq} INVITE");
        invite.Add("Contact", $"<{_ua.Stack.ContactUri(_request.Protocol, _request.CallerId)}>");
        invite.Add("Allow", SipUserAgent.Allow);
        invite.Add("Content-Type", "application/sdp");
        if (_authHeaderName is not null)
        {
            invite.Add(_authHeaderName, _authHeaderValue!);
        }

        invite.Body = Encoding.UTF8.GetBytes(_localSdp!.ToString());
        return invite;
    }

    private void OnProvisional(SipResponse response)
    {
        if (response.StatusCode == 100 || State is CallState.Terminated or CallState.Answered)
        {
            return;
        }

        if (response.Body.Length > 0 && SessionDescription.TryParse(response.BodyText, out var sdp) && !_earlyApplied)
        {
            // RFC 3960: 183 Session Progress with SDP carries early media (ringback, announcements).
            _earlyApplied = true;
            if (ApplyRemoteSdp(sdp) is { } cause)
            {
                FailureCause = cause;
                CancelRinging();
                return;
            }

            Transition(CallState.EarlyMedia);
            MediaStarted?.Invoke(this);
        }
        else if (State != CallState.EarlyMedia)
        {
            Transition(CallState.Ringing);
        }
    }

    private bool _earlyApplied;

    /// <summary>Applies the answer under the leg's policy; returns the cause when the policy cannot be met.</summary>
    private string? ApplyRemoteSdp(SessionDescription sdp)
    {
        if (Media is null || _negotiator is null)
        {
            return null;
        }

        var cause = _negotiator.ApplyAnswer(sdp, _request.NextHop.Address);
        if (cause is null)
        {
            LogMedia(_logger, _callId, _negotiator.Outcome);
            if (Media.Protection != MediaProtection.Pending)
            {
                _mediaReady.TrySetResult();
            }
        }

        return cause;
    }

    private void OnSecurityFailed(RtpSession session, string cause) => _ = FailMediaAsync(cause);

    /// <summary>The encryption the policy requires failed after the answer (DTLS): the call ends with the cause.</summary>
    private async Task FailMediaAsync(string cause)
    {
        FailureCause ??= $"SRTP is required for {_request.Peer}, but {cause}";
        LogPolicyRefused(_logger, _callId, FailureCause);
        _mediaReady.TrySetException(new IOException(FailureCause));
        await HangupAsync().ConfigureAwait(false);
    }

    private async Task OnAnsweredAsync(SipResponse ok)
    {
        var outbound = _request.FlowBound ? _request.NextHop
            : _request.ViaProxy && ok.GetAll("Record-Route").Any() ? null
            : _request.ViaProxy ? _request.NextHop : null;
        var dialog = SipDialog.FromUac(_invite!.Request, ok, _request.Protocol, outbound);
        _dialog = dialog;
        var ack = dialog.CreateRequest("ACK", newSequence: false);
        ack.Set("CSeq", $"{_invite.Request.CSeq.Number} ACK");
        if (_authHeaderName is not null)
        {
            ack.Add(_authHeaderName, _authHeaderValue!);
        }

        _ack = ack;
        await _ua.Stack.SendStatelessAsync(ack, _request.Protocol, dialog.NextHop()).ConfigureAwait(false);
        var cause = FailureCause;
        if (cause is null && ok.Body.Length > 0 && SessionDescription.TryParse(ok.BodyText, out var sdp))
        {
            cause = ApplyRemoteSdp(sdp);
        }
        else if (cause is null && !_earlyApplied)
        {
            cause = $"{_request.Peer} answered without SDP";
        }

        if (cause is not null)
        {
            // RFC 3264 6 / RFC 3261 15: an answer we cannot accept after 2xx: ACK it, then BYE with the reason (RFC 3326).
            FailureCause = cause;
            FinalStatus = 488;
            LogPolicyRefused(_logger, _callId, cause);
            _mediaReady.TrySetException(new IOException(cause));
            Transition(CallState.Answered);
            await SendByeAsync(dialog, "SIP;cause=488;text=\"" + cause.Replace("\"", "'", StringComparison.Ordinal) + "\"").ConfigureAwait(false);
            return;
        }

        Answered = true;
        AnswerDelay = _ua.Time.GetElapsedTime(_startTimestamp);
        Transition(CallState.Answered);
        MediaStarted?.Invoke(this);
    }

    /// <summary>Cancels a ringing call (RFC 3261 9.1); the INVITE then ends with 487.</summary>
    private void CancelRinging()
    {
        ClientTransaction? tx;
        lock (_gate)
        {
            if (State is not (CallState.Calling or CallState.Ringing or CallState.EarlyMedia))
            {
                return;
            }

            _cancelRequested = true;
            tx = _invite;
        }

        // RFC 3261 9.1: do not CANCEL before a provisional response; the transaction keeps the request until then.
        tx?.Cancel();
    }

    /// <summary>Ends the call: CANCEL while ringing, BYE once answered.</summary>
    public async Task HangupAsync()
    {
        SipDialog? dialog;
        lock (_gate)
        {
            if (State is CallState.Calling or CallState.Ringing or CallState.EarlyMedia)
            {
                dialog = null;
            }
            else if (State == CallState.Answered)
            {
                dialog = _dialog;
            }
            else
            {
                return;
            }
        }

        if (dialog is null)
        {
            CancelRinging();
            await Ended.ConfigureAwait(false);
            return;
        }

        await SendByeAsync(dialog, null).ConfigureAwait(false);
    }

    private async Task SendByeAsync(SipDialog dialog, string? reason)
    {
        Transition(CallState.Terminating);
        HangupBy = HangupParty.Local;
        var bye = dialog.CreateRequest("BYE");
        bye.Add("Contact", $"<{_ua.Stack.ContactUri(_request.Protocol, _request.CallerId)}>");
        if (reason is not null)
        {
            bye.Add("Reason", reason);
        }

        var tx = _ua.Stack.SendRequest(bye, _request.Protocol, dialog.NextHop());
        var response = await tx.Final.ConfigureAwait(false);
        if (response.StatusCode is 401 or 407 && _request.Username is not null
            && DigestAuth.Choose(response.GetAll(response.StatusCode == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")) is { } challenge)
        {
            var retry = dialog.CreateRequest("BYE");
            retry.Add(response.StatusCode == 401 ? "Authorization" : "Proxy-Authorization",
                DigestAuth.Authorize(challenge, _request.Username, _request.Password ?? string.Empty, "BYE", retry.Uri));
            await _ua.Stack.SendRequest(retry, _request.Protocol, dialog.NextHop()).Final.ConfigureAwait(false);
        }

        Transition(CallState.Terminated);
    }

    public async Task OnRequestAsync(ServerTransaction transaction)
    {
        var request = transaction.Request;
        switch (request.Method)
        {
            case "BYE":
                transaction.Respond(SipResponse.For(request, 200));
                if (State is CallState.Answered)
                {
                    HangupBy = HangupParty.Remote;
                    Transition(CallState.Terminated);
                }

                break;
            case "INVITE" or "UPDATE":
                transaction.Respond(AnswerSessionRefresh(request));
                break;
            case "OPTIONS" or "INFO":
                transaction.Respond(SipResponse.For(request, 200));
                break;
            default:
                var r = SipResponse.For(request, 405);
                r.Add("Allow", SipUserAgent.Allow);
                transaction.Respond(r);
                break;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>RFC 3261 14.2 / RFC 3311: answer a re-INVITE or UPDATE; a new offer moves media, no offer gets ours.</summary>
    private SipResponse AnswerSessionRefresh(SipRequest request)
    {
        if (_dialog is null || Media is null || _localSdp is null)
        {
            return SipResponse.For(request, 481);
        }

        if (request.CSeq.Number <= _dialog.RemoteSeq && _dialog.RemoteSeq != 0)
        {
            return SipResponse.For(request, 500);
        }

        _dialog.RemoteSeq = request.CSeq.Number;
        if (request["Contact"] is { } contact)
        {
            _dialog.RemoteTarget = NameAddress.Parse(contact).Uri;
        }

        SessionDescription body = _localSdp;
        if (request.Body.Length > 0 && _negotiator?.Policy is { } policy && (policy.WebRtc || policy.Srtp != EncryptionPolicy.Off))
        {
            // A secure session is kept as agreed: the refresh is answered with our current description (same keys,
            // fingerprint and ICE credentials); new keys would need a new DTLS or SDES exchange we do not start mid-call.
            if (_negotiator.Current is { } current)
            {
                body = current;
            }
        }
        else if (request.Body.Length > 0)
        {
            if (!SessionDescription.TryParse(request.BodyText, out var offer)
                || SessionDescription.Answer(offer, _localSdp.Address, _localSdp.AudioPort, _request.Codecs) is not { } answer)
            {
                return SipResponse.For(request, 488);
            }

            Media.SetRemote(new IPEndPoint(offer.Address.Equals(IPAddress.Any) ? _request.NextHop.Address : offer.Address, offer.AudioPort));
            if (answer.FirstAudioCodec is { } codec && AudioCodec.ByName(codec.Name) is { } known)
            {
                Media.Codec = known.WithPayloadType(codec.PayloadType);
            }

            Media.TelephoneEventPayloadType = offer.TelephoneEventPayloadType;
            body = answer;
        }

        _localSdp.Version++;
        var text = body == _localSdp ? _localSdp.ToString() : WithVersion(body, _localSdp).ToString();
        var ok = SipResponse.For(request, 200);
        ok.Add("Contact", $"<{_ua.Stack.ContactUri(_request.Protocol, _request.CallerId)}>");
        ok.Add("Content-Type", "application/sdp");
        ok.Body = Encoding.UTF8.GetBytes(text);
        ReInvitesAnswered++;
        return ok;
    }

    private static SessionDescription WithVersion(SessionDescription answer, SessionDescription ours)
    {
        // RFC 3264 8: the o= line keeps our session id and increments its version with each change.
        var s = new SessionDescription { SessionId = ours.SessionId, Version = ours.Version, Address = answer.Address, AudioPort = answer.AudioPort, Direction = answer.Direction, Profile = answer.Profile };
        s.Codecs.AddRange(answer.Codecs);
        foreach (var (pt, fmtp) in answer.Fmtp)
        {
            s.Fmtp[pt] = fmtp;
        }

        return s;
    }

    public void OnAck(SipRequest ack)
    {
        // ACK to our 2xx of an offerless re-INVITE carries the answer (RFC 3264 5).
        if (ack.Body.Length > 0 && SessionDescription.TryParse(ack.BodyText, out var sdp) && Media is not null
            && _negotiator?.Policy is { WebRtc: false, Srtp: EncryptionPolicy.Off })
        {
            Media.SetRemote(new IPEndPoint(sdp.Address.Equals(IPAddress.Any) ? _request.NextHop.Address : sdp.Address, sdp.AudioPort));
        }
    }

    public void OnRetransmitted2xx(SipResponse response)
    {
        // RFC 3261 13.2.2.4: each retransmitted 2xx gets the same ACK again.
        if (_ack is not null && _dialog is not null)
        {
            _ = _ua.Stack.SendStatelessAsync(_ack, _request.Protocol, _dialog.NextHop());
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (State is not CallState.Terminated and not CallState.Idle)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await HangupAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        _ua.RemoveDialog(SipDialog.KeyOf(_callId, _fromTag));
        if (Media is not null)
        {
            await Media.DisposeAsync().ConfigureAwait(false);
        }

        _cts.Dispose();
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Debug, Message = "Call {CallId}: {From} -> {To}")]
    private static partial void LogState(ILogger logger, string callId, CallState from, CallState to);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Call {CallId}: media {Security}")]
    private static partial void LogMedia(ILogger logger, string callId, string security);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "Call {CallId} refused: {Cause}")]
    private static partial void LogPolicyRefused(ILogger logger, string callId, string cause);
}
