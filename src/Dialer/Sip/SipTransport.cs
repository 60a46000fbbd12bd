using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Sip;

/// <summary>Where a message came from: protocol, peer, and for TCP the connection to answer on (RFC 3261 18.2.2).</summary>
internal readonly record struct SipSource(SipProtocol Protocol, IPEndPoint Remote);

/// <summary>
/// UDP and TCP transports on one address (RFC 3261 section 18). Receive loops parse with <see cref="SipParser"/>
/// and never let an exception from a message escape: bad input is logged and dropped, the loop goes on.
/// </summary>
internal sealed partial class SipTransport : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private int _disposed;
    private readonly ConcurrentDictionary<IPEndPoint, TcpConnection> _tcp = new();
    private Socket? _udp;
    private TcpListener? _listener;
    private readonly List<Task> _loops = [];

    public SipTransport(ILogger logger) => _logger = logger;

    /// <summary>Called for each well-formed message received. Exceptions it throws are logged, not propagated.</summary>
    public Func<SipMessage, SipSource, Task>? MessageReceived { get; set; }

    public IPEndPoint UdpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public IPEndPoint TcpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public long Dropped => Interlocked.Read(ref _dropped);

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
        _loops.Add(Task.Run(AcceptLoopAsync));
    }

    public IPEndPoint LocalEndPoint(SipProtocol protocol) => protocol == SipProtocol.Tcp ? TcpEndPoint : UdpEndPoint;

    public async Task SendAsync(SipMessage message, SipProtocol protocol, IPEndPoint remote)
    {
        var bytes = message.ToBytes();
        try
        {
            if (protocol == SipProtocol.Udp)
            {
                await _udp!.SendToAsync(bytes, SocketFlags.None, remote, _cts.Token).ConfigureAwait(false);
            }
            else
            {
                var conn = await GetOrConnectAsync(remote).ConfigureAwait(false);
                await conn.SendAsync(bytes, _cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            LogSendFailed(_logger, protocol, remote, ex.Message);
            if (protocol == SipProtocol.Tcp)
            {
                throw new IOException($"TCP send to {remote} failed: {ex.Message}", ex);
            }
        }
    }

    private async Task<TcpConnection> GetOrConnectAsync(IPEndPoint remote)
    {
        if (_tcp.TryGetValue(remote, out var existing) && !existing.Closed)
        {
            return existing;
        }

        var client = new TcpClient(remote.AddressFamily) { NoDelay = true };
        await client.ConnectAsync(remote, _cts.Token).ConfigureAwait(false);
        var conn = new TcpConnection(client, remote);
        _tcp[remote] = conn;
        _ = Task.Run(() => TcpReadLoopAsync(conn));
        return conn;
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

    private async Task AcceptLoopAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(_cts.Token).ConfigureAwait(false);
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
            var conn = new TcpConnection(client, remote);
            _tcp[remote] = conn;
            _ = Task.Run(() => TcpReadLoopAsync(conn));
        }
    }

    private async Task TcpReadLoopAsync(TcpConnection conn)
    {
        var framer = new SipStreamFramer();
        var buffer = new byte[16384];
        var stream = conn.Client.GetStream();
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var n = await stream.ReadAsync(buffer, _cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                framer.Append(buffer.AsSpan(0, n));
                while (framer.Next() is { } raw)
                {
                    await DeliverAsync(raw, new SipSource(SipProtocol.Tcp, conn.Remote)).ConfigureAwait(false);
                }

                if (framer.Poisoned)
                {
                    Interlocked.Increment(ref _dropped);
                    LogStreamClosed(_logger, conn.Remote, framer.Error ?? "framing");
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Peer reset or shutdown: the connection ends, the listener goes on.
        }
        finally
        {
            conn.Dispose();
            _tcp.TryRemove(new KeyValuePair<IPEndPoint, TcpConnection>(conn.Remote, conn));
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
        foreach (var c in _tcp.Values)
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

    private sealed class TcpConnection(TcpClient client, IPEndPoint remote) : IDisposable
    {
        private readonly SemaphoreSlim _write = new(1, 1);

        public TcpClient Client { get; } = client;

        public IPEndPoint Remote { get; } = remote;

        public bool Closed { get; private set; }

        public async Task SendAsync(byte[] bytes, CancellationToken ct)
        {
            await _write.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await Client.GetStream().WriteAsync(bytes, ct).ConfigureAwait(false);
            }
            finally
            {
                _write.Release();
            }
        }

        public void Dispose()
        {
            Closed = true;
            Client.Dispose();
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Dropped malformed SIP message over {Protocol} from {Remote}: {Error}")]
    private static partial void LogMalformed(ILogger logger, SipProtocol protocol, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "SIP send over {Protocol} to {Remote} failed: {Error}")]
    private static partial void LogSendFailed(ILogger logger, SipProtocol protocol, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "UDP receive error {Error}")]
    private static partial void LogReceiveError(ILogger logger, string error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Closed TCP connection from {Remote}: {Error}")]
    private static partial void LogStreamClosed(ILogger logger, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "SIP message handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
