using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.DemoCarrier;

/// <summary>How the simulated debtors answer: a mix in percent, ring time, call length.</summary>
internal sealed class DemoCarrierOptions
{
    public const string Section = "Dialer:DemoCarrier";

    [Range(0, 100)]
    public int HumanPercent { get; set; } = 55;

    [Range(0, 100)]
    public int MachinePercent { get; set; } = 20;

    [Range(0, 100)]
    public int BusyPercent { get; set; } = 10;

    [Range(0, 100)]
    public int NoAnswerPercent { get; set; } = 10;

    /// <summary>The rest answers 503 or 404 (network or number failures).</summary>
    [Range(0, 100)]
    public int FailurePercent { get; set; } = 5;

    [Range(0, 60)]
    public double RingSeconds { get; set; } = 2;

    /// <summary>A simulated debtor hangs up by itself after this long.</summary>
    [Range(1, 3600)]
    public double MaxCallSeconds { get; set; } = 120;

    public int Seed { get; set; } = 7;

    /// <summary>Folder with human-greeting.wav, human-speech.wav, machine-greeting.wav; defaults to the shipped prompts.</summary>
    public string? PromptsDirectory { get; set; }
}

/// <summary>What a simulated debtor does with an INVITE.</summary>
internal enum DebtorBehaviour
{
    Human,
    Machine,
    Busy,
    NoAnswer,
    Failure,
}

/// <summary>
/// A UAS on our own stack that answers as simulated debtors (DESIGN.md section 6): humans say a greeting
/// and then speak, answering machines play a long greeting and a beep, others are busy, never answer, or
/// fail. The user part of the Request-URI may force a behaviour (sip:human@..., sip:busy@...), otherwise
/// the configured mix decides.
/// </summary>
internal sealed partial class DemoCarrier : IAsyncDisposable
{
    private readonly DemoCarrierOptions _options;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly short[] _humanGreeting;
    private readonly short[] _humanSpeech;
    private readonly short[] _machineGreeting;
    private readonly List<DebtorCall> _calls = [];

    private readonly MediaPolicy _media;

    /// <param name="media">How the simulated debtors' media is protected; plain G.711 unless given (tests give SRTP policies).</param>
    public DemoCarrier(DemoCarrierOptions options, TimeProvider time, ILogger? logger = null, MediaPolicy? media = null)
    {
        _options = options;
        _media = media ?? MediaPolicy.Plain([AudioCodec.Pcmu, AudioCodec.Pcma]);
        _logger = logger ?? NullLogger.Instance;
        _random = new Random(options.Seed);
        var dir = options.PromptsDirectory ?? Path.Combine(AppContext.BaseDirectory, "DemoCarrier", "Prompts");
        _humanGreeting = WavFile.Read(Path.Combine(dir, "human-greeting.wav")).Samples;
        _humanSpeech = WavFile.Read(Path.Combine(dir, "human-speech.wav")).Samples;
        _machineGreeting = WavFile.Read(Path.Combine(dir, "machine-greeting.wav")).Samples;
        UserAgent = new SipUserAgent(time, _logger, limits: SipLimits.Internal) { IncomingCall = OnInviteAsync };
    }

    public SipUserAgent UserAgent { get; }

    public IPEndPoint EndPoint => UserAgent.Stack.Transport.UdpEndPoint;

    public IPEndPoint TcpEndPoint => UserAgent.Stack.Transport.TcpEndPoint;

    public int CallsAnswered;

    public int CallsReceived;

    public void Start(IPAddress address, int port = 0, int tcpPort = 0) => UserAgent.Start(address, port, tcpPort);

    /// <summary>Also answers SIP over TLS (sips) on <paramref name="port"/>, as a carrier that requires it.</summary>
    public IPEndPoint StartTls(IPAddress address, int port, SipTlsServerSettings settings)
    {
        UserAgent.Stack.Transport.StartTls(address, port, settings);
        return UserAgent.Stack.Transport.TlsEndPoint!;
    }

    /// <summary>Causes of the calls refused for their media (488), newest last: what a test or an operator reads.</summary>
    public IReadOnlyCollection<string> Refusals => [.. _refusals];

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _refusals = new();

    public DebtorBehaviour Choose(string requestUri)
    {
        var user = SipUri.TryParse(requestUri, out var u) ? u.User?.ToLowerInvariant() : null;
        switch (user)
        {
            case "human": return DebtorBehaviour.Human;
            case "machine": return DebtorBehaviour.Machine;
            case "busy": return DebtorBehaviour.Busy;
            case "noanswer": return DebtorBehaviour.NoAnswer;
            case "fail": return DebtorBehaviour.Failure;
        }

        int roll;
        lock (_gate)
        {
            roll = _random.Next(100);
        }

        var o = _options;
        return roll < o.HumanPercent ? DebtorBehaviour.Human
            : roll < o.HumanPercent + o.MachinePercent ? DebtorBehaviour.Machine
            : roll < o.HumanPercent + o.MachinePercent + o.BusyPercent ? DebtorBehaviour.Busy
            : roll < o.HumanPercent + o.MachinePercent + o.BusyPercent + o.NoAnswerPercent ? DebtorBehaviour.NoAnswer
            : DebtorBehaviour.Failure;
    }

    private Task OnInviteAsync(ServerTransaction tx)
    {
        Interlocked.Increment(ref CallsReceived);
        var behaviour = Choose(tx.Request.Uri);
        LogInvite(_logger, behaviour);
        var call = new DebtorCall(this, tx, behaviour);
        lock (_gate)
        {
            _calls.Add(call);
        }

        _ = call.RunAsync();
        return Task.CompletedTask;
    }

    private void Forget(DebtorCall call)
    {
        lock (_gate)
        {
            _calls.Remove(call);
        }
    }

    public async ValueTask DisposeAsync()
    {
        DebtorCall[] calls;
        lock (_gate)
        {
            calls = [.. _calls];
        }

        foreach (var c in calls)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        await UserAgent.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One simulated debtor's side of a call (UAS, RFC 3261 13.3).</summary>
    private sealed class DebtorCall(DemoCarrier carrier, ServerTransaction tx, DebtorBehaviour behaviour) : IDialogHandler, IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly string _tag = SipStack.NewTag();
        private SipDialog? _dialog;
        private RtpSession? _rtp;
        private int _ended;

        private SipUserAgent Ua => carrier.UserAgent;

        public string MediaSecurity { get; private set; } = "plain RTP";

        public async Task RunAsync()
        {
            var request = tx.Request;
            var ct = _cts.Token;
            try
            {
                tx.Cancelled += () =>
                {
                    tx.Respond(SipResponse.For(request, 487, toTag: _tag));
                    _ = EndAsync(sendBye: false);
                };
                switch (behaviour)
                {
                    case DebtorBehaviour.Busy:
                        tx.Respond(SipResponse.For(request, 486, toTag: _tag));
                        await EndAsync(false).ConfigureAwait(false);
                        return;
                    case DebtorBehaviour.Failure:
                        tx.Respond(SipResponse.For(request, Random.Shared.Next(2) == 0 ? 503 : 404, toTag: _tag));
                        await EndAsync(false).ConfigureAwait(false);
                        return;
                }

                if (!SessionDescription.TryParse(request.BodyText, out var offer))
                {
                    tx.Respond(SipResponse.For(request, 488, toTag: _tag));
                    await EndAsync(false).ConfigureAwait(false);
                    return;
                }

                var local = Ua.Stack.Transport.LocalEndPoint(tx.Protocol).Address;
                _rtp = new RtpSession(local, Ua.Time);
                var negotiator = new MediaNegotiator(carrier._media, _rtp, tx.Protocol.IsSecure(), "the caller");
                var (answer, cause) = negotiator.AnswerOffer(offer, local, tx.Remote.Address);
                if (answer is null)
                {
                    // RFC 3261 21.4.26 with a Warning (20.43, code 399: miscellaneous) that says why.
                    carrier._refusals.Enqueue(cause!);
                    var refused = SipResponse.For(request, 488, toTag: _tag);
                    refused.Add("Warning", $"399 collections \"{cause!.Replace("\"", "'", StringComparison.Ordinal)}\"");
                    tx.Respond(refused);
                    await EndAsync(false).ConfigureAwait(false);
                    return;
                }

                MediaSecurity = negotiator.Outcome;
                _dialog = SipDialog.FromUas(request, _tag, tx.Protocol, tx.Remote);
                Ua.AddDialog(_dialog.Key, this);
                tx.Respond(SipResponse.For(request, 180, toTag: _tag));
                if (behaviour == DebtorBehaviour.NoAnswer)
                {
                    return; // rings until the caller CANCELs
                }

                await Task.Delay(TimeSpan.FromSeconds(carrier._options.RingSeconds), Ua.Time, ct).ConfigureAwait(false);
                var ok = SipResponse.For(request, 200, toTag: _tag);
                ok.Add("Contact", $"<{Ua.Stack.ContactUri(tx.Protocol, "debtor")}>");
                ok.Add("Content-Type", "application/sdp");
                ok.Body = Encoding.UTF8.GetBytes(answer.ToString());
                tx.Respond(ok);
                Interlocked.Increment(ref carrier.CallsAnswered);
                await SpeakAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Plays the behaviour's audio as 20 ms RTP frames, then silence, and hangs up after the maximum call time.</summary>
        private async Task SpeakAsync(CancellationToken ct)
        {
            var script = behaviour == DebtorBehaviour.Machine
                ? carrier._machineGreeting
                : [.. carrier._humanGreeting, .. new short[8000 * 2], .. carrier._humanSpeech];
            var maxFrames = (int)(carrier._options.MaxCallSeconds * 50);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), Ua.Time);
            var frame = new short[RtpSession.SamplesPerFrame];
            for (var i = 0; i < maxFrames && await timer.WaitForNextTickAsync(ct).ConfigureAwait(false); i++)
            {
                Array.Clear(frame);
                var offset = i * frame.Length;
                if (offset < script.Length)
                {
                    script.AsSpan(offset, Math.Min(frame.Length, script.Length - offset)).CopyTo(frame);
                }

                _rtp!.SendAudio(frame, i == 0);
            }

            await EndAsync(sendBye: true).ConfigureAwait(false);
        }

        private async Task EndAsync(bool sendBye)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1)
            {
                return;
            }

            if (sendBye && _dialog is not null)
            {
                var bye = _dialog.CreateRequest("BYE");
                try
                {
                    await Ua.Stack.SendRequest(bye, _dialog.Protocol, _dialog.NextHop()).Final.ConfigureAwait(false);
                }
                catch (IOException)
                {
                }
            }

            await DisposeAsync().ConfigureAwait(false);
        }

        public Task OnRequestAsync(ServerTransaction transaction)
        {
            var r = transaction.Request;
            switch (r.Method)
            {
                case "BYE":
                    transaction.Respond(SipResponse.For(r, 200));
                    Interlocked.Exchange(ref _ended, 1);
                    _ = DisposeAsync().AsTask();
                    break;
                case "INVITE" or "UPDATE" when _rtp is not null && _rtp.Protection == MediaProtection.None && SessionDescription.TryParse(r.BodyText, out var offer)
                                              && SessionDescription.Answer(offer, _rtp.LocalEndPoint.Address, _rtp.LocalEndPoint.Port, [AudioCodec.Pcmu, AudioCodec.Pcma]) is { } answer:
                    _rtp.SetRemote(new IPEndPoint(offer.Address, offer.AudioPort));
                    var ok = SipResponse.For(r, 200);
                    ok.Add("Contact", $"<{Ua.Stack.ContactUri(transaction.Protocol, "debtor")}>");
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

        private int _disposed;

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

            if (!_cts.IsCancellationRequested)
            {
                await _cts.CancelAsync().ConfigureAwait(false);
            }

            if (_rtp is not null)
            {
                await _rtp.DisposeAsync().ConfigureAwait(false);
            }

            carrier.Forget(this);
        }
    }

    [LoggerMessage(EventId = 3030, Level = LogLevel.Debug, Message = "Demo carrier answers an INVITE as {Behaviour}")]
    private static partial void LogInvite(ILogger logger, DebtorBehaviour behaviour);
}
