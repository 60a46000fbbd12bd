using System.Net;
using System.Net.Sockets;

namespace Collections.Testing;

/// <summary>
/// A TCP relay on a free loopback port in front of a server, whose network a test can drop and restore: a drop resets every
/// relayed connection and, until restored, resets each new one at once, as a browser sees an unplugged cable or a dead
/// Wi-Fi. Media that does not go through it (WebRTC's UDP) is not touched.
/// </summary>
public sealed class NetworkDropProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accept;
    private volatile bool _down;

    public NetworkDropProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Connections reset by drops so far.</summary>
    public int Reset { get; private set; }

    /// <summary>Cuts every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Drop()
    {
        _down = true;
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, as a dead link ends up being seen
                client.Dispose();
                Reset++;
            }

            _open.Clear();
        }
    }

    public void Restore() => _down = false;

    private async Task AcceptAsync()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_cts.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_down)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
                inbound.Dispose();
                continue;
            }

            _ = Task.Run(() => RelayAsync(inbound));
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(_target, _cts.Token);
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _cts.Token), b.CopyToAsync(a, _cts.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _listener.Stop();
        Drop();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
    }
}
