using System.Net;

namespace Collections.Dialer.Sip;

/// <summary>RFC 3261 timer base values (section 17.1.1.1 and table 4); tests may shrink or keep them and advance a fake clock.</summary>
internal sealed record SipTimers(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    public static SipTimers Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

    /// <summary>Timers B, F, H, J and L: 64*T1.</summary>
    public TimeSpan Timeout64 => T1 * 64;
}

/// <summary>State of a transaction, with the names RFC 3261 17.1 and 17.2 (plus RFC 6026 Accepted) use.</summary>
internal enum TransactionState
{
    Calling,
    Trying,
    Proceeding,
    Accepted,
    Completed,
    Confirmed,
    Terminated,
}

/// <summary>Base for both directions: owns the RFC 3261 timers, all created from the injected <see cref="TimeProvider"/>.</summary>
internal abstract class SipTransaction : IDisposable
{
    private readonly Dictionary<char, ITimer> _timers = [];

    protected SipTransaction(SipStack stack, SipProtocol protocol, IPEndPoint remote)
    {
        Stack = stack;
        Protocol = protocol;
        Remote = remote;
    }

    protected SipStack Stack { get; }

    protected object Gate { get; } = new();

    public SipProtocol Protocol { get; }

    public IPEndPoint Remote { get; }

    public TransactionState State { get; protected set; }

    public abstract string Key { get; }

    protected bool Reliable => Protocol.IsReliable();

    /// <summary>Starts (or restarts) RFC 3261 timer <paramref name="name"/>; its callback runs under <see cref="Gate"/>.</summary>
    protected void StartTimer(char name, TimeSpan due, Action onFire)
    {
        StopTimer(name);
        ITimer? timer = null;
        timer = Stack.Time.CreateTimer(_ =>
        {
            lock (Gate)
            {
                if (State == TransactionState.Terminated || !_timers.TryGetValue(name, out var current) || !ReferenceEquals(current, timer))
                {
                    return;
                }

                _timers.Remove(name);
                onFire();
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timers[name] = timer;
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    protected void StopTimer(char name)
    {
        if (_timers.Remove(name, out var t))
        {
            t.Dispose();
        }
    }

    protected void Terminate()
    {
        State = TransactionState.Terminated;
        foreach (var t in _timers.Values)
        {
            t.Dispose();
        }

        _timers.Clear();
        Stack.Remove(this);
    }

    protected void Send(SipMessage message) => _ = SendGuardedAsync(message);

    private async Task SendGuardedAsync(SipMessage message)
    {
        try
        {
            await Stack.Transport.SendAsync(message, Protocol, Remote).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            OnTransportError(ex.Message);
        }
    }

    /// <summary>RFC 3261 17.1.4: a transport failure is reported to the TU like a 503, whose reason phrase says what failed.</summary>
    protected virtual void OnTransportError(string cause)
    {
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (State != TransactionState.Terminated)
            {
                Terminate();
            }
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Client transaction (RFC 3261 17.1): INVITE with timers A, B, D; non-INVITE with timers E, F, K. The final
/// response (or a synthesised 408 on timeout, 503 on transport error) completes <see cref="Final"/>.
/// </summary>
internal sealed class ClientTransaction : SipTransaction
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SipRequest? _ack;
    private TimeSpan _interval;
    private bool _cancelPending;

    public ClientTransaction(SipStack stack, SipRequest request, SipProtocol protocol, IPEndPoint remote)
        : base(stack, protocol, remote)
    {
        Request = request;
        Branch = request.TopVia!.Branch!;
        IsInvite = request.Method == "INVITE";
        State = IsInvite ? TransactionState.Calling : TransactionState.Trying;
    }

    public SipRequest Request { get; }

    public string Branch { get; }

    public bool IsInvite { get; }

    public override string Key => SipStack.ClientKey(Branch, Request.Method);

    /// <summary>Raised for each 1xx, outside the transaction lock.</summary>
    public event Action<SipResponse>? Provisional;

    public Task<SipResponse> Final => _final.Task;

    internal void Start()
    {
        lock (Gate)
        {
            _interval = Stack.Timers.T1;
            Send(Request);
            if (IsInvite)
            {
                if (!Reliable)
                {
                    StartTimer('A', _interval, OnTimerA);
                }

                StartTimer('B', Stack.Timers.Timeout64, () => Timeout());
            }
            else
            {
                if (!Reliable)
                {
                    StartTimer('E', _interval, OnTimerE);
                }

                StartTimer('F', Stack.Timers.Timeout64, () => Timeout());
            }
        }
    }

    // Timer A (17.1.1.2): retransmit INVITE, doubling each time, while no response has arrived.
    private void OnTimerA()
    {
        if (State != TransactionState.Calling)
        {
            return;
        }

        Send(Request);
        _interval *= 2;
        StartTimer('A', _interval, OnTimerA);
    }

    // Timer E (17.1.2.2): doubling up to T2 in Trying, every T2 in Proceeding.
    private void OnTimerE()
    {
        if (State is not (TransactionState.Trying or TransactionState.Proceeding))
        {
            return;
        }

        Send(Request);
        _interval = State == TransactionState.Trying ? TimeSpan.FromTicks(Math.Min((_interval * 2).Ticks, Stack.Timers.T2.Ticks)) : Stack.Timers.T2;
        StartTimer('E', _interval, OnTimerE);
    }

    private void Timeout(int code = 408, string? reason = null)
    {
        var r = SipResponse.For(Request, code, reason);
        Terminate();
        _final.TrySetResult(r);
    }

    internal void ConnectionLost(string cause) => OnTransportError(cause);

    protected override void OnTransportError(string cause)
    {
        lock (Gate)
        {
            if (State is TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding)
            {
                // A reason phrase is one line of text (RFC 3261 25.1): the transport's message, flattened.
                Timeout(503, "Service Unavailable (" + cause.ReplaceLineEndings(" ") + ")");
            }
        }
    }

    internal void OnResponse(SipResponse response)
    {
        var raiseProvisional = false;
        var complete = false;
        lock (Gate)
        {
            var code = response.StatusCode;
            if (code >= 200)
            {
                _cancelPending = false; // a final response makes a held CANCEL pointless
            }

            if (code < 200)
            {
                if (State is TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding)
                {
                    State = TransactionState.Proceeding;
                    if (IsInvite)
                    {
                        StopTimer('A');
                        StopTimer('B');
                    }

                    raiseProvisional = true;
                }
            }
            else if (IsInvite)
            {
                if (code < 300)
                {
                    // 17.1.1.2: a 2xx ends the INVITE client transaction; the TU (dialog) sends the ACK.
                    if (State is TransactionState.Calling or TransactionState.Proceeding)
                    {
                        Terminate();
                        complete = true;
                    }
                }
                else if (State is TransactionState.Calling or TransactionState.Proceeding)
                {
                    _ack = BuildNon2xxAck(response);
                    Send(_ack);
                    State = TransactionState.Completed;
                    StopTimer('A');
                    StopTimer('B');
                    // Timer D: at least 32 s on UDP to absorb retransmitted finals, zero on TCP.
                    StartTimer('D', Reliable ? TimeSpan.Zero : TimeSpan.FromSeconds(32), Terminate);
                    complete = true;
                }
                else if (State == TransactionState.Completed && _ack is not null)
                {
                    Send(_ack);
                }
            }
            else if (State is TransactionState.Trying or TransactionState.Proceeding)
            {
                State = TransactionState.Completed;
                StopTimer('E');
                StopTimer('F');
                // Timer K: T4 on UDP, zero on TCP.
                StartTimer('K', Reliable ? TimeSpan.Zero : Stack.Timers.T4, Terminate);
                complete = true;
            }
        }

        if (raiseProvisional)
        {
            bool sendCancel;
            lock (Gate)
            {
                sendCancel = _cancelPending;
                _cancelPending = false;
            }

            if (sendCancel)
            {
                Cancel();
            }

            Provisional?.Invoke(response);
        }

        if (complete)
        {
            _final.TrySetResult(response);
        }
    }

    /// <summary>RFC 3261 17.1.1.3: the ACK for a non-2xx final has the INVITE's Request-URI, top Via, From, Call-ID, Route and the response's To.</summary>
    private SipRequest BuildNon2xxAck(SipResponse response)
    {
        var ack = new SipRequest("ACK", Request.Uri);
        ack.Add("Via", Request["Via"]!);
        foreach (var route in Request.GetAll("Route"))
        {
            ack.Add("Route", route);
        }

        ack.Add("Max-Forwards", "70");
        ack.Add("From", Request["From"]!);
        ack.Add("To", response["To"]!);
        ack.Add("Call-ID", Request.CallId);
        ack.Add("CSeq", new CSeq(Request.CSeq.Number, "ACK").ToString());
        return ack;
    }

    /// <summary>
    /// Sends CANCEL for this INVITE (RFC 3261 9.1): same Request-URI, top Via, From, To, Call-ID, CSeq number.
    /// Before any provisional response the CANCEL is held and sent when one arrives (9.1: a CANCEL must not
    /// be sent before a provisional response), so this returns null then.
    /// </summary>
    public ClientTransaction? Cancel()
    {
        lock (Gate)
        {
            if (!IsInvite || State is not (TransactionState.Calling or TransactionState.Proceeding))
            {
                return null;
            }

            if (State == TransactionState.Calling)
            {
                _cancelPending = true;
                return null;
            }
        }

        var cancel = new SipRequest("CANCEL", Request.Uri);
        cancel.Add("Via", Request["Via"]!);
        foreach (var route in Request.GetAll("Route"))
        {
            cancel.Add("Route", route);
        }

        cancel.Add("Max-Forwards", "70");
        cancel.Add("From", Request["From"]!);
        cancel.Add("To", Request["To"]!);
        cancel.Add("Call-ID", Request.CallId);
        cancel.Add("CSeq", new CSeq(Request.CSeq.Number, "CANCEL").ToString());
        return Stack.SendRequest(cancel, Protocol, Remote, keepVia: true);
    }
}

/// <summary>
/// Server transaction (RFC 3261 17.2): INVITE with timers G, H, I (and RFC 6026 Accepted with timer L);
/// non-INVITE with timer J. Retransmitted requests are answered with the last response sent.
/// </summary>
internal sealed class ServerTransaction : SipTransaction
{
    private SipResponse? _last;
    private TimeSpan _interval;

    public ServerTransaction(SipStack stack, SipRequest request, SipSource source)
        : base(stack, source.Protocol, source.Remote)
    {
        Request = request;
        Source = source;
        IsInvite = request.Method == "INVITE";
        State = IsInvite ? TransactionState.Proceeding : TransactionState.Trying;
        Key = SipStack.ServerKey(request);
    }

    public SipRequest Request { get; }

    /// <summary>Where the request came from, with the signed-in user of a console WebSocket.</summary>
    public SipSource Source { get; }

    public bool IsInvite { get; }

    public override string Key { get; }

    /// <summary>Raised when a CANCEL matched this INVITE while it was still proceeding (RFC 3261 9.2).</summary>
    public event Action? Cancelled;

    public SipResponse? LastResponse
    {
        get
        {
            lock (Gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Counted against the stack's per-source and global limits (the peer is not trusted).</summary>
    internal bool Counted { get; init; }

    /// <summary>Called once the TU has seen the request: an INVITE it has not answered yet gets 100 Trying.</summary>
    internal void Start()
    {
        bool unanswered;
        lock (Gate)
        {
            unanswered = _last is null && State != TransactionState.Terminated;
        }

        if (IsInvite && unanswered)
        {
            // 17.2.1: 100 Trying at once so the client stops retransmitting (we do not wait 200 ms).
            Respond(SipResponse.For(Request, 100));
        }
    }

    /// <summary>
    /// Answers once and forgets the transaction, as a stateless UAS does (RFC 3261 8.2.7), for refusals and challenges:
    /// nothing is held for 32 s and no timer retransmits the answer (a retransmitted request is answered again, once),
    /// so a stranger's request costs no memory and draws exactly one response.
    /// </summary>
    public void RespondStateless(SipResponse response)
    {
        lock (Gate)
        {
            if (State is TransactionState.Completed or TransactionState.Confirmed or TransactionState.Terminated or TransactionState.Accepted)
            {
                return;
            }

            _last = response;
            // Forgotten before the response leaves: whoever reads the answer finds nothing held for it.
            Terminate();
            Send(response);
        }
    }

    public void Respond(SipResponse response)
    {
        lock (Gate)
        {
            if (State is TransactionState.Completed or TransactionState.Confirmed or TransactionState.Terminated or TransactionState.Accepted)
            {
                return;
            }

            _last = response;
            var code = response.StatusCode;
            if (code < 200)
            {
                State = TransactionState.Proceeding;
                Send(response);
                return;
            }

            // Timers first, then the send: whoever reacts to the response (a test's clock among them) finds them running.
            if (IsInvite && code < 300)
            {
                // RFC 6026 Accepted: absorb INVITE retransmissions; 2xx retransmission until ACK (13.3.1.4) happens here too.
                State = TransactionState.Accepted;
                _interval = Stack.Timers.T1;
                if (!Reliable)
                {
                    StartTimer('G', _interval, OnTimerG);
                }

                StartTimer('L', Stack.Timers.Timeout64, Terminate);
            }
            else if (IsInvite)
            {
                State = TransactionState.Completed;
                _interval = Stack.Timers.T1;
                if (!Reliable)
                {
                    StartTimer('G', _interval, OnTimerG);
                }

                StartTimer('H', Stack.Timers.Timeout64, Terminate);
            }
            else
            {
                State = TransactionState.Completed;
                StartTimer('J', Reliable ? TimeSpan.Zero : Stack.Timers.Timeout64, Terminate);
            }

            Send(response);
        }
    }

    // Timer G (17.2.1): retransmit the final response, doubling up to T2, until the ACK arrives.
    private void OnTimerG()
    {
        if (State is not (TransactionState.Completed or TransactionState.Accepted) || _last is null)
        {
            return;
        }

        Send(_last);
        _interval = TimeSpan.FromTicks(Math.Min((_interval * 2).Ticks, Stack.Timers.T2.Ticks));
        StartTimer('G', _interval, OnTimerG);
    }

    internal void OnRetransmission()
    {
        lock (Gate)
        {
            if (_last is not null && State is TransactionState.Proceeding or TransactionState.Completed or TransactionState.Trying)
            {
                Send(_last);
            }
        }
    }

    internal void OnAck()
    {
        lock (Gate)
        {
            if (State == TransactionState.Completed)
            {
                State = TransactionState.Confirmed;
                StopTimer('G');
                StopTimer('H');
                // Timer I: T4 on UDP to absorb ACK retransmissions, zero on TCP.
                StartTimer('I', Reliable ? TimeSpan.Zero : Stack.Timers.T4, Terminate);
            }
            else if (State == TransactionState.Accepted)
            {
                StopTimer('G');
            }
        }
    }

    /// <returns>true when the INVITE was still proceeding, so the TU must answer it with 487.</returns>
    internal bool OnCancel()
    {
        bool proceeding;
        lock (Gate)
        {
            proceeding = State == TransactionState.Proceeding;
        }

        if (proceeding)
        {
            Cancelled?.Invoke();
        }

        return proceeding;
    }
}
