using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Collections.Testing;

/// <summary>
/// A real load balancer for tests: Debian's HAProxy in front of console nodes, on a free port on 127.0.0.1, configured as
/// docs/scale-out.md recommends (HTTP mode, WebSockets tunnelled, sticky sessions by an inserted cookie, a health check on
/// <c>/health</c>, redispatch when a node is down). Its runtime API (the admin socket in its temporary folder) tells a test
/// what the balancer believes about each node. Stopped and deleted on dispose.
/// </summary>
public sealed class HaproxyServer : IAsyncDisposable
{
    /// <summary>The cookie HAProxy inserts to keep a browser on its node; its value is the node's name.</summary>
    public const string StickyCookie = "SRV";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HaproxyServer(Process process, int port, string root)
    {
        _process = process;
        Port = port;
        Root = root;
    }

    public int Port { get; }

    public string Root { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The configuration a deployment would use (docs/scale-out.md prints the same), for <paramref name="nodes"/>
    /// by name and HTTP port.</summary>
    public static string Configuration(int port, string adminSocket, IReadOnlyList<(string Name, int Port)> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn 2000
                log stdout format raw local0
                stats socket {adminSocket} mode 600 level admin

            defaults
                mode http
                log global
                option httplog
                option forwardfor
                # A node that is down: send its sessions (sticky cookie and all) to another one.
                option redispatch
                retries 2
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                # SignalR's WebSocket: once upgraded, HAProxy tunnels it for as long as it lives.
                timeout tunnel 1h

            frontend console
                bind 127.0.0.1:{port}
                default_backend nodes

            backend nodes
                balance roundrobin
                cookie {StickyCookie} insert indirect nocache httponly
                option httpchk GET /health
                http-check expect status 200
                default-server inter 1s fall 2 rise 2

            """));
        foreach (var (name, nodePort) in nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {name} 127.0.0.1:{nodePort} check cookie {name}\n");
        }

        return text.ToString();
    }

    /// <summary>Starts HAProxy in the foreground for <paramref name="nodes"/> and waits until it listens.</summary>
    public static async Task<HaproxyServer> StartAsync(IReadOnlyList<(string Name, int Port)> nodes, CancellationToken ct = default)
    {
        const string binary = "/usr/sbin/haproxy";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("haproxy not found: run ./test.sh, which installs the Debian package 'haproxy'.");
        }

        var root = Path.Combine(Path.GetTempPath(), $"collections-haproxy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var port = FreePorts.UdpAndTcp();
        var config = Path.Combine(root, "haproxy.cfg");
        await File.WriteAllTextAsync(config, Configuration(port, Path.Combine(root, "admin.sock"), nodes), ct);
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -db: foreground, no daemon; -f: this configuration only (not /etc/haproxy).
        foreach (var argument in new[] { "-db", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var server = new HaproxyServer(process, port, root);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var waited = 0; waited < 300; waited++)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"haproxy exited with {process.ExitCode}: {server.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, ct);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ct);
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"haproxy did not listen on {port} within 30 s: {server.Output}");
    }

    /// <summary>What HAProxy printed so far (its log lines, one per request, with the node that served it).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The balancer's view of each node: name to status (<c>UP</c>, <c>DOWN</c>, <c>UP 1/2</c>, ...), from
    /// <c>show stat</c> on the admin socket.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NodeStatesAsync(CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(Root, "admin.sock")), ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes("show stat\n"), ct);
        var reply = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, ct)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // CSV: "# pxname,svname,...,status,..." then one line per frontend, server and backend.
        var lines = reply.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var status = Array.IndexOf(header, "status");
        return lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length > status && f[0] == "nodes" && f[1] is not "BACKEND")
            .ToDictionary(f => f[1], f => f[status], StringComparer.Ordinal);
    }

    /// <summary>Waits until the balancer reports <paramref name="node"/> with a status starting with <paramref name="status"/>.</summary>
    public async Task WaitForNodeAsync(string node, string status, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string> states = new Dictionary<string, string>();
        while (clock.Elapsed < timeout)
        {
            states = await NodeStatesAsync(ct);
            if (states.TryGetValue(node, out var now) && now.StartsWith(status, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200, ct);
        }

        throw new TimeoutException($"haproxy did not see node {node} {status} within {timeout.TotalSeconds:0} s: {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
