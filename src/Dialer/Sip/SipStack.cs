using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Sip;

/// <summary>
/// The transaction layer and its transports (RFC 3261 sections 17-18): matches responses to client
/// transactions (17.1.3) and requests to server transactions (17.2.3), and hands new requests to the TU.
/// </summary>
internal sealed partial class SipStack : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ClientTransaction> _clients = new();
    private readonly ConcurrentDictionary<string, ServerTransaction> _servers = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perSource = new();
    private readonly ConcurrentDictionary<IPEndPoint, byte> _trusted = new();
    private readonly ILogger _logger;
    private int _counted;
    private long _refused;

    public SipStack(TimeProvider time, ILogger? logger = null, SipTimers? timers = null, SipLimits? limits = null)
    {
        Time = time;
        Timers = timers ?? SipTimers.Default;
        Limits = limits ?? new SipLimits();
        _logger = logger ?? NullLogger.Instance;
        Transport = new SipTransport(_logger) { MessageReceived = OnMessageAsync, MaxMessageBytes = Limits.MaxMessageBytes };
        Transport.ConnectionClosed += OnConnectionClosed;
    }

    /// <summary>What this stack holds for untrusted sources.</summary>
    public SipLimits Limits { get; }

    /// <summary>Requests refused by <see cref="Limits"/> (503, 400) without keeping a transaction.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Exempts a peer from the per-source and global limits: a configured trunk's proxy (port 0: any port of that address),
    /// or one of our own user agents. Everything else is a stranger whose requests are counted.
    /// </summary>
    public void Trust(IPEndPoint peer) => _trusted[peer] = 0;

    public bool IsTrusted(IPEndPoint remote) =>
        _trusted.ContainsKey(remote) || _trusted.ContainsKey(new IPEndPoint(remote.Address, 0));

    /// <summary>RFC 3261 17.1.4: requests still waiting on a connection that closed will get no answer: they fail now, with why.</summary>
    private void OnConnectionClosed(SipProtocol protocol, IPEndPoint remote, string why)
    {
        foreach (var tx in _clients.Values)
        {
            if (tx.Protocol == protocol && tx.Remote.Equals(remote))
            {
                tx.ConnectionLost($"the {protocol.ViaToken()} connection to {remote} closed before an answer: {why}");
            }
        }
    }

    public TimeProvider Time { get; }

    public SipTimers Timers { get; }

    public SipTransport Transport { get; }

    public string UserAgent { get; init; } = "Collections-Dialer/1.0";

    /// <summary>New requests outside any transaction (not ACK, not CANCEL): the TU answers through the transaction.</summary>
    public Func<ServerTransaction, Task>? RequestReceived { get; set; }

    /// <summary>ACK for a 2xx, which has its own branch and so no transaction (RFC 3261 17.1.1.3).</summary>
    public Func<SipRequest, SipSource, Task>? AckReceived { get; set; }

    /// <summary>Responses that match no transaction, e.g. retransmitted 2xx to an INVITE (13.2.2.4).</summary>
    public Func<SipResponse, SipSource, Task>? StrayResponse { get; set; }

    public int ActiveTransactions => _clients.Count + _servers.Count;

    public void Start(IPAddress address, int udpPort = 0, int tcpPort = 0) => Transport.Start(address, udpPort, tcpPort);

    public static string NewBranch() => ViaHeader.MagicCookie + RandomToken(10);

    public static string NewTag() => RandomToken(8);

    public static string NewCallId() => RandomToken(16);

    private static string RandomToken(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    public static string ClientKey(string branch, string method) => branch + "|" + (method == "ACK" ? "INVITE" : method);

    /// <summary>RFC 3261 17.2.3: branch + sent-by + method, ACK matching its INVITE.</summary>
    public static string ServerKey(SipRequest request)
    {
        var via = request.TopVia!;
        var method = request.Method == "ACK" ? "INVITE" : request.Method;
        return (via.Branch ?? string.Empty) + "|" + via.SentBy + "|" + method;
    }

    /// <summary>The Contact URI for this stack on a transport.</summary>
    public string ContactUri(SipProtocol protocol, string user)
    {
        var ep = Transport.LocalEndPoint(protocol);
        return $"sip:{user}@{ep.Address}:{ep.Port.ToString(CultureInfo.InvariantCulture)}{protocol.UriParameter()}";
    }

    public ViaHeader NewVia(SipProtocol protocol)
    {
        var ep = Transport.LocalEndPoint(protocol);
        // RFC 3581: ask for rport so replies come back to the port we sent from.
        return new ViaHeader(protocol.ViaToken(), ep.Address.ToString(), ep.Port,
            [new("branch", NewBranch()), new("rport", null)]);
    }

    /// <summary>Starts a client transaction; puts a fresh top Via unless <paramref name="keepVia"/> (CANCEL reuses the INVITE's).</summary>
    public ClientTransaction SendRequest(SipRequest request, SipProtocol protocol, IPEndPoint destination, bool keepVia = false)
    {
        if (!keepVia)
        {
            request.Remove("Via");
            request.Headers.Insert(0, new SipHeader("Via", NewVia(protocol).ToString()));
        }

        if (request["Max-Forwards"] is null)
        {
            request.Add("Max-Forwards", "70");
        }

        if (request["User-Agent"] is null)
        {
            request.Add("User-Agent", UserAgent);
        }

        var tx = new ClientTransaction(this, request, protocol, destination);
        _clients[tx.Key] = tx;
        tx.Start();
        return tx;
    }

    /// <summary>Sends a message outside any transaction: ACK for 2xx, or a stateless response.</summary>
    public Task SendStatelessAsync(SipMessage message, SipProtocol protocol, IPEndPoint destination)
    {
        if (message is SipRequest r && r["Via"] is null)
        {
            r.Headers.Insert(0, new SipHeader("Via", NewVia(protocol).ToString()));
            if (r["Max-Forwards"] is null)
            {
                r.Add("Max-Forwards", "70");
            }
        }

        return Transport.SendAsync(message, protocol, destination);
    }

    internal void Remove(SipTransaction tx)
    {
        switch (tx)
        {
            case ClientTransaction c:
                _clients.TryRemove(new KeyValuePair<string, ClientTransaction>(c.Key, c));
                break;
            case ServerTransaction s:
                if (_servers.TryRemove(new KeyValuePair<string, ServerTransaction>(s.Key, s)) && s.Counted)
                {
                    Uncount(s.Remote.Address);
                }

                break;
        }
    }

    private async Task OnMessageAsync(SipMessage message, SipSource source)
    {
        if (message is SipResponse response)
        {
            var branch = response.TopVia?.Branch;
            if (branch is not null && _clients.TryGetValue(ClientKey(branch, response.CSeq.Method), out var tx))
            {
                tx.OnResponse(response);
            }
            else if (StrayResponse is { } stray)
            {
                await stray(response, source).ConfigureAwait(false);
            }

            return;
        }

        var request = (SipRequest)message;
        var key = ServerKey(request);
        if (request.Method == "ACK")
        {
            if (_servers.TryGetValue(key, out var inviteTx) && inviteTx.State == TransactionState.Completed)
            {
                inviteTx.OnAck();
                return;
            }

            // ACK for a 2xx: stop that transaction's 2xx retransmissions, then tell the dialog.
            foreach (var s in _servers.Values)
            {
                if (s.IsInvite && s.State == TransactionState.Accepted && s.Request.CallId == request.CallId && s.Request.CSeq.Number == request.CSeq.Number)
                {
                    s.OnAck();
                }
            }

            if (AckReceived is { } ack)
            {
                await ack(request, source).ConfigureAwait(false);
            }

            return;
        }

        if (_servers.TryGetValue(key, out var existing))
        {
            existing.OnRetransmission();
            return;
        }

        if (request.Headers.Count > Limits.MaxHeaders)
        {
            await RefuseAsync(request, source, 400, $"Bad Request (more than {Limits.MaxHeaders} header fields)", "too many header fields").ConfigureAwait(false);
            return;
        }

        var counted = !IsTrusted(source.Remote);
        if (counted && !TryCount(source.Remote.Address, out var why))
        {
            // RFC 3261 21.5.4: 503 with Retry-After; sent once, nothing kept, so a flood costs no memory and draws no retransmissions.
            await RefuseAsync(request, source, 503, null, why).ConfigureAwait(false);
            return;
        }

        if (request.Method == "CANCEL")
        {
            var tx = new ServerTransaction(this, request, source) { Counted = counted };
            if (!_servers.TryAdd(tx.Key, tx))
            {
                Uncount(counted, source.Remote.Address);
                return;
            }

            var inviteKey = (request.TopVia!.Branch ?? string.Empty) + "|" + request.TopVia.SentBy + "|INVITE";
            if (_servers.TryGetValue(inviteKey, out var invite))
            {
                tx.Respond(SipResponse.For(request, 200));
                invite.OnCancel();
            }
            else
            {
                tx.Respond(SipResponse.For(request, 481));
            }

            return;
        }

        var server = new ServerTransaction(this, request, source) { Counted = counted };
        if (!_servers.TryAdd(server.Key, server))
        {
            Uncount(counted, source.Remote.Address);
            return;
        }

        if (RequestReceived is { } handler)
        {
            var handling = handler(server);
            // RFC 3261 17.2.1: 100 Trying unless the TU answers within 200 ms; one that answered (or refused) at once needs none.
            server.Start();
            await handling.ConfigureAwait(false);
        }
        else
        {
            server.RespondStateless(SipResponse.For(request, 405));
        }
    }

    private bool TryCount(IPAddress source, out string why)
    {
        if (Interlocked.Increment(ref _counted) > Limits.MaxTransactions)
        {
            Interlocked.Decrement(ref _counted);
            why = $"{Limits.MaxTransactions} transactions are open (Dialer:Sip:Limits:MaxTransactions)";
            return false;
        }

        var mine = _perSource.AddOrUpdate(source, 1, (_, n) => n + 1);
        if (mine > Limits.MaxTransactionsPerSource)
        {
            Uncount(source);
            why = $"{Limits.MaxTransactionsPerSource} transactions from this address are open (Dialer:Sip:Limits:MaxTransactionsPerSource)";
            return false;
        }

        why = string.Empty;
        return true;
    }

    private void Uncount(bool counted, IPAddress source)
    {
        if (counted)
        {
            Uncount(source);
        }
    }

    private void Uncount(IPAddress source)
    {
        Interlocked.Decrement(ref _counted);
        if (_perSource.AddOrUpdate(source, 0, (_, n) => n - 1) <= 0)
        {
            _perSource.TryRemove(new KeyValuePair<IPAddress, int>(source, 0));
        }
    }

    /// <summary>Answers once, statelessly (RFC 3261 8.2.7), and keeps nothing. ACKs are never answered.</summary>
    private async Task RefuseAsync(SipRequest request, SipSource source, int code, string? reason, string why)
    {
        Interlocked.Increment(ref _refused);
        LogRefused(_logger, request.Method, source.Remote, code, why);
        var response = SipResponse.For(request, code, reason, NewTag());
        if (code == 503)
        {
            response.Add("Retry-After", Limits.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            await Transport.SendAsync(response, source.Protocol, source.Remote).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Already logged by the transport; a refusal that cannot be delivered changes nothing.
        }
    }

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "Refused {Method} from {Remote} with {Code}: {Why}")]
    private static partial void LogRefused(ILogger logger, string method, IPEndPoint remote, int code, string why);

    public async ValueTask DisposeAsync()
    {
        foreach (var t in _clients.Values)
        {
            t.Dispose();
        }

        foreach (var t in _servers.Values)
        {
            t.Dispose();
        }

        await Transport.DisposeAsync().ConfigureAwait(false);
    }
}
