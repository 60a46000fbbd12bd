using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Sip;

/// <summary>
/// Where a message came from: protocol, peer (for streams the connection to answer on, RFC 3261 18.2.2), and for a
/// WebSocket opened by a signed-in user of the console, that user's SIP extension (the only one they may register).
/// </summary>
internal readonly record struct SipSource(SipProtocol Protocol, IPEndPoint Remote, string? AuthenticatedUser = null);

/// <summary>How we open TLS to one peer (a trunk's proxy): the name to check, whether and against what to verify its
/// certificate, and our own certificate when the carrier wants mutual TLS.</summary>
internal sealed record SipTlsClientSettings(string TargetHost, bool VerifyCertificate, X509Certificate2Collection? TrustedRoots, X509Certificate2? ClientCertificate);

/// <summary>Our side of TLS for listeners (sips and wss): certificate, and whether clients must present one (mutual TLS) trusted by the given roots.</summary>
internal sealed record SipTlsServerSettings(X509Certificate2 Certificate, bool RequireClientCertificate = false, X509Certificate2Collection? ClientRoots = null);

/// <summary>
/// UDP, TCP, TLS (RFC 3261 18 and 26.2, RFC 5630) and WebSocket (RFC 7118: one SIP message per WebSocket message,
/// subprotocol "sip", over ws or wss) transports on one address. Receive loops parse with <see cref="SipParser"/> and never
/// let an exception from a message escape: bad input is logged and dropped, the loop goes on. Connections are reused both
/// ways (RFC 5923): a request received on a connection is answered on it, and a registered phone is called on the
/// connection it registered over (a browser cannot be connected to at all).
/// </summary>
internal sealed partial class SipTransport : IAsyncDisposable
{
    /// <summary>The GUID RFC 6455 4.2.2 appends to Sec-WebSocket-Key.</summary>
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The WebSocket subprotocol for SIP (RFC 7118 4.1).</summary>
    public const string WebSocketSubprotocol = "sip";

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private int _disposed;
    private readonly ConcurrentDictionary<(SipProtocol, IPEndPoint), Connection> _connections = new();
    private readonly ConcurrentDictionary<IPEndPoint, SipTlsClientSettings> _tlsPeers = new();
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private Socket? _udp;
    private TcpListener? _listener;
    private TcpListener? _tlsListener;
    private readonly List<TcpListener> _wsListeners = [];
    private SipTlsServerSettings? _tls;
    private readonly List<Task> _loops = [];

    public SipTransport(ILogger logger) => _logger = logger;

    /// <summary>Called for each well-formed message received. Exceptions it throws are logged, not propagated.</summary>
    public Func<SipMessage, SipSource, Task>? MessageReceived { get; set; }

    /// <summary>Raised when a connection (TCP, TLS, WebSocket) closes, with why: a phone registered over it can no longer be reached on it
    /// (RFC 5626 flow failure), and requests sent on it will get no answer (RFC 3261 17.1.4).</summary>
    public event Action<SipProtocol, IPEndPoint, string>? ConnectionClosed;

    public IPEndPoint UdpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public IPEndPoint TcpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The TLS listener (sips), or null when none was started.</summary>
    public IPEndPoint? TlsEndPoint { get; private set; }

    /// <summary>Our own plain WebSocket listener (ws), or null.</summary>
    public IPEndPoint? WebSocketEndPoint { get; private set; }

    /// <summary>Our own secure WebSocket listener (wss), or null.</summary>
    public IPEndPoint? SecureWebSocketEndPoint { get; private set; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Largest message handed on (<see cref="SipLimits.MaxMessageBytes"/>); a request over it is answered 513 here.</summary>
    public int MaxMessageBytes { get; set; } = SipParser.MaxMessageSize;

    private long _dropped;

    public void Start(IPAddress address, int udpPort, int tcpPort)
    {
        _udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _udp.ReceiveBufferSize = 4 * 1024 * 1024;
        _udp.Bind(new IPEndPoint(address, udpPort));
        UdpEndPoint = (IPEndPoint)_udp.LocalEndPoint!;
        _listener = new TcpListener(address, tcpPort < 0 ? 0 : tcpPort);
        _listener.Start();
        TcpEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _loops.Add(Task.Run(UdpLoopAsync));
        _loops.Add(Task.Run(() => AcceptLoopAsync(_listener, SipProtocol.Tcp)));
    }

    /// <summary>Listens for SIP over TLS (RFC 3261 26.2, RFC 5630) on <paramref name="port"/> (0 picks one).</summary>
    public void StartTls(IPAddress address, int port, SipTlsServerSettings settings)
    {
        _tls = settings;
        _tlsListener = new TcpListener(address, port);
        _tlsListener.Start();
        TlsEndPoint = (IPEndPoint)_tlsListener.LocalEndpoint;
        _loops.Add(Task.Run(() => AcceptLoopAsync(_tlsListener, SipProtocol.Tls)));
    }

    /// <summary>Listens for SIP over WebSocket (RFC 7118) on a port of our own: ws, or wss when <paramref name="tls"/> is given.</summary>
    public void StartWebSocket(IPAddress address, int port, SipTlsServerSettings? tls)
    {
        if (tls is not null)
        {
            _tls ??= tls;
        }

        var listener = new TcpListener(address, port);
        listener.Start();
        _wsListeners.Add(listener);
        if (tls is null)
        {
            WebSocketEndPoint = (IPEndPoint)listener.LocalEndpoint;
        }
        else
        {
            SecureWebSocketEndPoint = (IPEndPoint)listener.LocalEndpoint;
        }

        _loops.Add(Task.Run(() => AcceptLoopAsync(listener, tls is null ? SipProtocol.Ws : SipProtocol.Wss)));
    }

    /// <summary>How to open TLS to <paramref name="remote"/> (a trunk's proxy); without settings we verify against the system's roots.</summary>
    public void SetTlsClient(IPEndPoint remote, SipTlsClientSettings settings) => _tlsPeers[remote] = settings;

    public IPEndPoint LocalEndPoint(SipProtocol protocol) => protocol switch
    {
        SipProtocol.Tcp => TcpEndPoint,
        SipProtocol.Tls => TlsEndPoint ?? TcpEndPoint,
        SipProtocol.Ws => WebSocketEndPoint ?? TcpEndPoint,
        SipProtocol.Wss => SecureWebSocketEndPoint ?? TcpEndPoint,
        _ => UdpEndPoint,
    };

    /// <summary>True while a connection of <paramref name="protocol"/> to <paramref name="remote"/> is open.</summary>
    public bool HasConnection(SipProtocol protocol, IPEndPoint remote) =>
        _connections.TryGetValue((protocol, remote), out var c) && !c.Closed;

    public async Task SendAsync(SipMessage message, SipProtocol protocol, IPEndPoint remote)
    {
        var bytes = message.ToBytes();
        Connection? conn = null;
        try
        {
            if (protocol == SipProtocol.Udp)
            {
                await _udp!.SendToAsync(bytes, SocketFlags.None, remote, _cts.Token).ConfigureAwait(false);
            }
            else
            {
                conn = await GetOrConnectAsync(protocol, remote).ConfigureAwait(false);
                await conn.SendAsync(bytes, _cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException or WebSocketException or AuthenticationException)
        {
            LogSendFailed(_logger, protocol, remote, ex.Message);
            if (protocol != SipProtocol.Udp)
            {
                // A peer that refuses us after the handshake (TLS 1.3 rejects a client certificate only then) closes the
                // connection as we write: the cause is why it closed, not the disposed stream we were writing to.
                throw conn?.CloseReason is { } why
                    ? new IOException($"the {protocol.ViaToken()} connection to {remote} closed before the request went out: {why}", ex)
                    : ex as IOException ?? new IOException($"{protocol.ViaToken()} send to {remote} failed: {ex.Message}", ex);
            }
        }
    }

    private async Task<Connection> GetOrConnectAsync(SipProtocol protocol, IPEndPoint remote)
    {
        if (_connections.TryGetValue((protocol, remote), out var existing) && !existing.Closed)
        {
            return existing;
        }

        if (protocol is SipProtocol.Ws or SipProtocol.Wss)
        {
            // RFC 7118 5: the server never opens WebSocket connections; a phone gone from its connection is unreachable.
            throw new IOException($"no open WebSocket connection from {remote}: the phone has gone (network drop or closed page)");
        }

        await _connectGate.WaitAsync(_cts.Token).ConfigureAwait(false);
        try
        {
            if (_connections.TryGetValue((protocol, remote), out existing) && !existing.Closed)
            {
                return existing;
            }

            var client = new TcpClient(remote.AddressFamily) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
                timeout.CancelAfter(HandshakeTimeout);
                await client.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
                Stream stream = client.GetStream();
                if (protocol == SipProtocol.Tls)
                {
                    stream = await AuthenticateAsClientAsync(stream, remote, timeout.Token).ConfigureAwait(false);
                }

                var conn = new StreamConnection(protocol, remote, client, stream, null);
                _connections[(protocol, remote)] = conn;
                _ = Task.Run(() => StreamReadLoopAsync(conn));
                return conn;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>RFC 5630 / RFC 3261 26.2: TLS to a peer, verifying its certificate as configured; never falls back to clear text.</summary>
    private async Task<Stream> AuthenticateAsClientAsync(Stream stream, IPEndPoint remote, CancellationToken ct)
    {
        var settings = _tlsPeers.TryGetValue(remote, out var s) ? s : new SipTlsClientSettings(remote.Address.ToString(), true, null, null);
        string? refusal = null;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = settings.TargetHost,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (!settings.VerifyCertificate || errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (settings.TrustedRoots is { Count: > 0 } roots && certificate is not null
                    && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && ChainsTo(roots, certificate))
                {
                    return true;
                }

                refusal = $"its certificate ({certificate?.Subject ?? "none"}) is not trusted for {settings.TargetHost}: {errors}";
                return false;
            },
        };
        if (settings.ClientCertificate is { } mine)
        {
            options.ClientCertificates = [mine];
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var why = refusal ?? (ex is OperationCanceledException ? "no TLS handshake within 10 s" : ex.Message);
            throw new IOException($"TLS to {remote} failed: {why}. TLS is required here, so the request was not sent in the clear (is the peer speaking plain SIP on that port?)", ex);
        }
    }

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_cts.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _udp!.ReceiveFromAsync(buffer, SocketFlags.None, any, _cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable from an earlier send surfaces here on some platforms: not fatal.
                LogReceiveError(_logger, ex.SocketErrorCode.ToString());
                continue;
            }

            await DeliverAsync(buffer.AsSpan(0, r.ReceivedBytes).ToArray(), new SipSource(SipProtocol.Udp, (IPEndPoint)r.RemoteEndPoint)).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, SipProtocol protocol)
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_cts.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            client.NoDelay = true;
            var remote = (IPEndPoint)client.Client.RemoteEndPoint!;
            if (protocol == SipProtocol.Tcp)
            {
                var conn = new StreamConnection(protocol, remote, client, client.GetStream(), null);
                _connections[(protocol, remote)] = conn;
                _ = Task.Run(() => StreamReadLoopAsync(conn));
            }
            else
            {
                // Handshakes run off the accept loop: a slow or hostile client must not hold up the others.
                _ = Task.Run(() => AcceptSecureOrWebSocketAsync(client, remote, protocol));
            }
        }
    }

    private async Task AcceptSecureOrWebSocketAsync(TcpClient client, IPEndPoint remote, SipProtocol protocol)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            Stream stream = client.GetStream();
            if (protocol is SipProtocol.Tls or SipProtocol.Wss)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                var tls = _tls!;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = tls.Certificate,
                    ClientCertificateRequired = tls.RequireClientCertificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateClient(tls, certificate, errors),
                }, timeout.Token).ConfigureAwait(false);
                stream = ssl;
            }

            if (protocol == SipProtocol.Tls)
            {
                var conn = new StreamConnection(protocol, remote, client, stream, null);
                _connections[(protocol, remote)] = conn;
                await StreamReadLoopAsync(conn).ConfigureAwait(false);
                return;
            }

            var webSocket = await AcceptWebSocketHandshakeAsync(stream, timeout.Token).ConfigureAwait(false);
            if (webSocket is null)
            {
                client.Dispose();
                return;
            }

            await ServeWebSocketAsync(webSocket, remote, protocol == SipProtocol.Wss, null, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException or WebSocketException)
        {
            LogHandshakeFailed(_logger, protocol, remote, ex.Message);
            client.Dispose();
        }
    }

    private static bool ValidateClient(SipTlsServerSettings tls, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (!tls.RequireClientCertificate)
        {
            return true;
        }

        if (certificate is null)
        {
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        return tls.ClientRoots is { Count: > 0 } roots && ChainsTo(roots, certificate);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> (a private CA instead of the system's).</summary>
    private static bool ChainsTo(X509Certificate2Collection roots, X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var cert = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(cert);
    }

    /// <summary>
    /// The server's opening handshake (RFC 6455 4.2) on our own WebSocket port: a GET with Upgrade: websocket, a key and
    /// version 13, and the "sip" subprotocol among those asked for (RFC 7118 4.1; anything else is answered 400).
    /// </summary>
    private static async Task<WebSocket?> AcceptWebSocketHandshakeAsync(Stream stream, CancellationToken ct)
    {
        var head = new List<byte>(1024);
        var one = new byte[1];
        while (head.Count < 8192)
        {
            if (await stream.ReadAsync(one, ct).ConfigureAwait(false) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var protocols = headers.GetValueOrDefault("Sec-WebSocket-Protocol", string.Empty).Split(',', StringSplitOptions.TrimEntries);
        if (!lines[0].StartsWith("GET ", StringComparison.Ordinal)
            || !headers.GetValueOrDefault("Upgrade", string.Empty).Equals("websocket", StringComparison.OrdinalIgnoreCase)
            || headers.GetValueOrDefault("Sec-WebSocket-Version") != "13"
            || headers.GetValueOrDefault("Sec-WebSocket-Key") is not { Length: > 0 } key
            || !protocols.Contains(WebSocketSubprotocol, StringComparer.OrdinalIgnoreCase))
        {
            var refusal = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n" +
                          "SIP over WebSocket needs a WebSocket upgrade with subprotocol \"sip\" (RFC 7118).\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(refusal), ct).ConfigureAwait(false);
            return null;
        }

        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                       $"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {WebSocketSubprotocol}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), ct).ConfigureAwait(false);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = WebSocketSubprotocol,
            KeepAliveInterval = TimeSpan.FromSeconds(30),
        });
    }

    /// <summary>
    /// Serves an accepted WebSocket (ours, or one the console accepted at /sip for a signed-in user) until it closes:
    /// each message is one SIP message (RFC 7118 5), text or binary. <paramref name="authenticatedUser"/> is the only
    /// extension REGISTER may bind over this connection.
    /// </summary>
    public async Task ServeWebSocketAsync(WebSocket webSocket, IPEndPoint remote, bool secure, string? authenticatedUser, CancellationToken ct)
    {
        var protocol = secure ? SipProtocol.Wss : SipProtocol.Ws;
        var conn = new WebSocketConnection(protocol, remote, webSocket, authenticatedUser);
        _connections[(protocol, remote)] = conn;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cts.Token);
        var buffer = new byte[16384];
        var message = new MemoryStream();
        var why = "closed by the peer";
        try
        {
            while (!linked.IsCancellationRequested && webSocket.State == WebSocketState.Open)
            {
                var result = await webSocket.ReceiveAsync(buffer, linked.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > SipParser.MaxMessageSize)
                {
                    Interlocked.Increment(ref _dropped);
                    LogStreamClosed(_logger, remote, "WebSocket message over the size limit");
                    await webSocket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "SIP message too large", CancellationToken.None).ConfigureAwait(false);
                    break;
                }

                if (result.EndOfMessage)
                {
                    var raw = message.ToArray();
                    message.SetLength(0);
                    await DeliverAsync(raw, new SipSource(protocol, remote, authenticatedUser)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Network drop or page closed: the flow ends.
            why = ex.Message;
        }
        finally
        {
            Close(conn, why);
        }
    }

    private async Task StreamReadLoopAsync(StreamConnection conn)
    {
        var framer = new SipStreamFramer();
        var buffer = new byte[16384];
        var why = "closed by the peer";
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var n = await conn.Stream.ReadAsync(buffer, _cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                framer.Append(buffer.AsSpan(0, n));
                while (framer.Next() is { } raw)
                {
                    await DeliverAsync(raw, new SipSource(conn.Protocol, conn.Remote)).ConfigureAwait(false);
                }

                if (framer.Poisoned)
                {
                    Interlocked.Increment(ref _dropped);
                    LogStreamClosed(_logger, conn.Remote, framer.Error ?? "framing");
                    why = "closed: " + (framer.Error ?? "framing");
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            // Peer reset or shutdown (a TLS peer refusing our certificate closes here, after its handshake): the connection ends.
            why = ex.Message;
        }
        finally
        {
            Close(conn, why);
        }
    }

    private void Close(Connection conn, string why)
    {
        conn.CloseReason ??= why;
        conn.Dispose();
        if (_connections.TryRemove(new KeyValuePair<(SipProtocol, IPEndPoint), Connection>((conn.Protocol, conn.Remote), conn)))
        {
            LogConnectionClosed(_logger, conn.Protocol, conn.Remote, why);
            try
            {
                ConnectionClosed?.Invoke(conn.Protocol, conn.Remote, why);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogHandlerFailed(_logger, ex);
            }
        }
    }

    private async Task DeliverAsync(byte[] raw, SipSource source)
    {
        if (raw.Length <= 4 && raw.All(b => b is (byte)'\r' or (byte)'\n' or 0))
        {
            return; // keep-alive (RFC 5626 4.4.1)
        }

        if (!SipParser.TryParse(raw, out var message, out var error))
        {
            Interlocked.Increment(ref _dropped);
            LogMalformed(_logger, source.Protocol, source.Remote, error ?? "unknown");
            return;
        }

        if (raw.Length > MaxMessageBytes && message is SipRequest big)
        {
            // RFC 3261 21.5.11: 513 Message Too Large, sent once and not kept (no transaction holds the request). Responses
            // are not limited here: they only complete requests we sent, and a stray one is dropped unread by the stack.
            Interlocked.Increment(ref _dropped);
            LogTooLarge(_logger, source.Protocol, source.Remote, raw.Length, MaxMessageBytes);
            if (big.Method != "ACK")
            {
                await SendAsyncSafe(SipResponse.For(big, 513), source).ConfigureAwait(false);
            }

            return;
        }

        if (message is SipRequest request)
        {
            // RFC 3261 18.2.1 and RFC 3581 4: record where the request really came from in the top Via.
            var via = request.TopVia!;
            var host = source.Remote.Address.ToString();
            if (!string.Equals(via.Host, host, StringComparison.Ordinal))
            {
                via.SetParam("received", host);
            }

            if (HeaderParams.Get(via.Parameters, "rport") is not null)
            {
                via.SetParam("rport", source.Remote.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                via.SetParam("received", host);
            }

            var index = request.Headers.FindIndex(h => h.Name == "Via");
            request.Headers[index] = new SipHeader("Via", via.ToString());
        }

        try
        {
            if (MessageReceived is { } handler)
            {
                await handler(message!, source).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHandlerFailed(_logger, ex);
        }
    }

    /// <summary>A reply outside any transaction whose failure only matters to the log (it already went to <see cref="LogSendFailed"/>).</summary>
    private async Task SendAsyncSafe(SipMessage message, SipSource source)
    {
        try
        {
            await SendAsync(message, source.Protocol, source.Remote).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A host may stop the stack and then dispose it, possibly at the same time: only the first call tears down.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        _udp?.Dispose();
        _listener?.Stop();
        _tlsListener?.Stop();
        foreach (var listener in _wsListeners)
        {
            listener.Stop();
        }
        foreach (var c in _connections.Values)
        {
            c.Dispose();
        }

        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
    }

    /// <summary>A connection-oriented flow: TCP, TLS or WebSocket.</summary>
    private abstract class Connection(SipProtocol protocol, IPEndPoint remote, string? authenticatedUser) : IDisposable
    {
        protected SemaphoreSlim WriteGate { get; } = new(1, 1);

        public SipProtocol Protocol { get; } = protocol;

        public IPEndPoint Remote { get; } = remote;

        public string? AuthenticatedUser { get; } = authenticatedUser;

        public bool Closed { get; protected set; }

        /// <summary>Why the connection closed (the peer's alert, reset or end of stream), for the cause of a send it broke.</summary>
        public string? CloseReason { get; set; }

        public abstract Task SendAsync(byte[] bytes, CancellationToken ct);

        public abstract void Dispose();
    }

    private sealed class StreamConnection(SipProtocol protocol, IPEndPoint remote, TcpClient client, Stream stream, string? user)
        : Connection(protocol, remote, user)
    {
        public Stream Stream { get; } = stream;

        public override async Task SendAsync(byte[] bytes, CancellationToken ct)
        {
            await WriteGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await Stream.WriteAsync(bytes, ct).ConfigureAwait(false);
                await Stream.FlushAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                WriteGate.Release();
            }
        }

        public override void Dispose()
        {
            Closed = true;
            Stream.Dispose();
            client.Dispose();
        }
    }

    private sealed class WebSocketConnection(SipProtocol protocol, IPEndPoint remote, WebSocket webSocket, string? user)
        : Connection(protocol, remote, user)
    {
        public override async Task SendAsync(byte[] bytes, CancellationToken ct)
        {
            await WriteGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // RFC 7118 5: one SIP message per WebSocket message; text frames, as SIP is UTF-8.
                await webSocket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
            }
            finally
            {
                WriteGate.Release();
            }
        }

        public override void Dispose()
        {
            Closed = true;
            webSocket.Abort();
            webSocket.Dispose();
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Dropped malformed SIP message over {Protocol} from {Remote}: {Error}")]
    private static partial void LogMalformed(ILogger logger, SipProtocol protocol, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Refused a {Size}-byte SIP message over {Protocol} from {Remote}: the limit is {Limit} bytes")]
    private static partial void LogTooLarge(ILogger logger, SipProtocol protocol, IPEndPoint remote, int size, int limit);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "SIP send over {Protocol} to {Remote} failed: {Error}")]
    private static partial void LogSendFailed(ILogger logger, SipProtocol protocol, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "UDP receive error {Error}")]
    private static partial void LogReceiveError(ILogger logger, string error);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "{Protocol} connection with {Remote} closed: {Why}")]
    private static partial void LogConnectionClosed(ILogger logger, SipProtocol protocol, IPEndPoint remote, string why);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Closed TCP connection from {Remote}: {Error}")]
    private static partial void LogStreamClosed(ILogger logger, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "SIP message handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "{Protocol} handshake from {Remote} failed: {Error}")]
    private static partial void LogHandshakeFailed(ILogger logger, SipProtocol protocol, IPEndPoint remote, string error);
}
