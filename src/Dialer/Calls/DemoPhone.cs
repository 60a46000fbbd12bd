using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Calls;

/// <summary>
/// The built-in demo phone (DESIGN.md section 6): an operator with no SIP phone registered gets this
/// auto-answering UAS on our own stack, so the nailed-up agent leg and the debtor bridge run in a demo
/// with nothing but a browser. It answers every INVITE at once (RFC 3261 13.3: 100 from the transaction,
/// then 180 and 200 with an SDP answer, PCMU or PCMA), sends G.711 silence every 20 ms so the media path
/// stays open (RFC 3551 4.5 ptime), counts the RTP it receives per call, answers BYE and never hangs up.
/// </summary>
internal sealed partial class DemoPhone : IAsyncDisposable
{
    /// <summary>Ended calls kept for inspection (tests, diagnostics); older ones are dropped.</summary>
    private const int EndedCallsKept = 64;

    /// <summary>A frame whose peak exceeds this (of 32767, about -30 dBFS) counts as voice rather than silence or line noise.</summary>
    public const int VoicePeak = 1000;

    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DemoPhoneCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _ended = new();
    private int _callsAnswered;
    private int _disposed;

    public DemoPhone(TimeProvider time, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        UserAgent = new SipUserAgent(time, _logger, limits: SipLimits.Internal) { IncomingCall = OnInviteAsync };
    }

    public SipUserAgent UserAgent { get; }

    public IPEndPoint EndPoint => UserAgent.Stack.Transport.UdpEndPoint;

    public int CallsAnswered => Volatile.Read(ref _callsAnswered);

    /// <summary>Calls not yet ended.</summary>
    public int ActiveCalls => _calls.Values.Count(c => !c.Ended.IsCompleted);

    public void Start(IPAddress address, int port = 0) => UserAgent.Start(address, port, 0);

    /// <summary>The call with this SIP Call-ID, while up or among the last ended ones.</summary>
    public bool TryGetCall(string callId, out DemoPhoneCall call) => _calls.TryGetValue(callId, out call!);

    private Task OnInviteAsync(ServerTransaction tx)
    {
        var call = new DemoPhoneCall(this, tx);
        _calls[tx.Request.CallId] = call;
        call.Answer();
        return Task.CompletedTask;
    }

    private void OnEnded(DemoPhoneCall call)
    {
        _ended.Enqueue(call.CallId);
        while (_ended.Count > EndedCallsKept && _ended.TryDequeue(out var old))
        {
            _calls.TryRemove(old, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var call in _calls.Values)
        {
            await call.DisposeAsync().ConfigureAwait(false);
        }

        await UserAgent.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One answered call on the demo phone (UAS side of the dialog).</summary>
    internal sealed class DemoPhoneCall : IDialogHandler, IAsyncDisposable
    {
        private readonly DemoPhone _phone;
        private readonly ServerTransaction _invite;
        private readonly string _tag = SipStack.NewTag();
        private readonly CancellationTokenSource _cts = new();
        private readonly TaskCompletionSource _endedTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private SipDialog? _dialog;
        private RtpSession? _rtp;
        private Task? _loop;
        private long _voicePackets;
        private int _disposed;

        public DemoPhoneCall(DemoPhone phone, ServerTransaction invite)
        {
            _phone = phone;
            _invite = invite;
            CallId = invite.Request.CallId;
        }

        public string CallId { get; }

        /// <summary>RTP packets received from the caller (the bridged debtor's audio, or the line's idle silence).</summary>
        public long PacketsReceived => _rtp?.PacketsReceived ?? 0;

        public long PacketsSent => _rtp?.PacketsSent ?? 0;

        /// <summary>Received frames that carry sound (peak above <see cref="VoicePeak"/>), not silence: the debtor's voice through the bridge.</summary>
        public long VoicePacketsReceived => Interlocked.Read(ref _voicePackets);

        /// <summary>True when the caller ended the call with BYE (or CANCEL before the answer).</summary>
        public bool EndedByCaller { get; private set; }

        /// <summary>Completes when the call ends.</summary>
        public Task Ended => _endedTcs.Task;

        private SipUserAgent Ua => _phone.UserAgent;

        public void Answer()
        {
            var request = _invite.Request;
            _invite.Cancelled += () =>
            {
                // RFC 3261 9.2: the INVITE is answered 487 once CANCELled (only possible before our 200).
                _invite.Respond(SipResponse.For(request, 487, toTag: _tag));
                EndedByCaller = true;
                _ = DisposeAsync().AsTask();
            };

            if (!SessionDescription.TryParse(request.BodyText, out var offer))
            {
                Reject(488);
                return;
            }

            var local = _invite.Protocol == SipProtocol.Tcp ? Ua.Stack.Transport.TcpEndPoint.Address : Ua.Stack.Transport.UdpEndPoint.Address;
            _rtp = new RtpSession(local, Ua.Time);
            _rtp.AudioReceived += OnAudio;
            // RFC 3264 6: answer with the first of the offer's codecs we also have; G.711 only.
            var answer = SessionDescription.Answer(offer, local, _rtp.LocalEndPoint.Port, [AudioCodec.Pcmu, AudioCodec.Pcma]);
            if (answer?.FirstAudioCodec is not { } codec || AudioCodec.ByName(codec.Name) is not { } known)
            {
                Reject(488);
                return;
            }

            _dialog = SipDialog.FromUas(request, _tag, _invite.Protocol);
            Ua.AddDialog(_dialog.Key, this);
            _invite.Respond(SipResponse.For(request, 180, toTag: _tag));
            var remoteAddress = offer.Address.Equals(IPAddress.Any) ? _invite.Remote.Address : offer.Address;
            _rtp.SetRemote(new IPEndPoint(remoteAddress, offer.AudioPort));
            _rtp.Codec = known;
            var ok = SipResponse.For(request, 200, toTag: _tag);
            ok.Add("Contact", $"<{Ua.Stack.ContactUri(_invite.Protocol, "demo-phone")}>");
            ok.Add("Content-Type", "application/sdp");
            ok.Body = Encoding.UTF8.GetBytes(answer.ToString());
            _invite.Respond(ok);
            Interlocked.Increment(ref _phone._callsAnswered);
            LogAnswered(_phone._logger, CallId, known.Name);
            _loop = Task.Run(SendSilenceAsync);
        }

        private void OnAudio(RtpSession session, AudioFrame frame)
        {
            var peak = 0;
            foreach (var sample in frame.Samples)
            {
                peak = Math.Max(peak, Math.Abs((int)sample));
            }

            if (peak > VoicePeak)
            {
                Interlocked.Increment(ref _voicePackets);
            }
        }

        private void Reject(int status)
        {
            _invite.Respond(SipResponse.For(_invite.Request, status, toTag: _tag));
            _ = DisposeAsync().AsTask();
        }

        /// <summary>G.711 silence every 20 ms until the call ends: keeps NAT bindings and the peer's jitter buffer fed.</summary>
        private async Task SendSilenceAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), Ua.Time);
            var frame = new short[RtpSession.SamplesPerFrame];
            var first = true;
            try
            {
                while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
                {
                    _rtp!.SendAudio(frame, marker: first);
                    first = false;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Hangs up from the phone's side with BYE (RFC 3261 15.1.1), as an operator putting the handset down would.</summary>
        public async Task HangupAsync()
        {
            if (_dialog is null || Volatile.Read(ref _disposed) == 1)
            {
                return;
            }

            var bye = _dialog.CreateRequest("BYE");
            await Ua.Stack.SendRequest(bye, _dialog.Protocol, _dialog.NextHop()).Final.ConfigureAwait(false);
            await DisposeAsync().ConfigureAwait(false);
        }

        public Task OnRequestAsync(ServerTransaction transaction)
        {
            var r = transaction.Request;
            switch (r.Method)
            {
                case "BYE":
                    transaction.Respond(SipResponse.For(r, 200));
                    EndedByCaller = true;
                    LogBye(_phone._logger, CallId, PacketsReceived);
                    _ = DisposeAsync().AsTask();
                    break;
                case "INVITE" or "UPDATE" when _rtp is not null && SessionDescription.TryParse(r.BodyText, out var offer)
                                              && SessionDescription.Answer(offer, _rtp.LocalEndPoint.Address, _rtp.LocalEndPoint.Port, [AudioCodec.Pcmu, AudioCodec.Pcma]) is { } answer:
                    // RFC 3261 14.2: a session refresh or media move from the caller.
                    var remoteAddress = offer.Address.Equals(IPAddress.Any) ? transaction.Remote.Address : offer.Address;
                    _rtp.SetRemote(new IPEndPoint(remoteAddress, offer.AudioPort));
                    var ok = SipResponse.For(r, 200);
                    ok.Add("Contact", $"<{Ua.Stack.ContactUri(transaction.Protocol, "demo-phone")}>");
                    ok.Add("Content-Type", "application/sdp");
                    ok.Body = Encoding.UTF8.GetBytes(answer.ToString());
                    transaction.Respond(ok);
                    break;
                default:
                    transaction.Respond(SipResponse.For(r, r.Method is "OPTIONS" or "INFO" or "INVITE" or "UPDATE" ? 200 : 405));
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

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            if (_dialog is not null)
            {
                Ua.RemoveDialog(_dialog.Key);
            }

            await _cts.CancelAsync().ConfigureAwait(false);
            if (_loop is not null)
            {
                await _loop.ConfigureAwait(false);
            }

            if (_rtp is not null)
            {
                _rtp.AudioReceived -= OnAudio;
                // Counters stay readable after the sockets close: RtpSession keeps them.
                await _rtp.DisposeAsync().ConfigureAwait(false);
            }

            _cts.Dispose();
            _endedTcs.TrySetResult();
            _phone.OnEnded(this);
        }
    }

    [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "Demo phone answered call {CallId} with {Codec}")]
    private static partial void LogAnswered(ILogger logger, string callId, string codec);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Information, Message = "Demo phone call {CallId} ended by BYE after {Packets} RTP packets received")]
    private static partial void LogBye(ILogger logger, string callId, long packets);
}
