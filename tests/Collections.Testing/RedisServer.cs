using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Collections.Testing;

/// <summary>A real Redis server for tests: <c>redis-server</c> on a free port on 127.0.0.1, without persistence, in a
/// temporary folder, stopped and deleted on dispose. Speaks just enough RESP (the Redis protocol) to wait for PING and to ask
/// the server what a test needs to see, so the fixture needs no client library.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private RedisServer(Process process, int port, string root)
    {
        _process = process;
        Port = port;
        Root = root;
    }

    public int Port { get; }

    public string Root { get; }

    /// <summary>StackExchange.Redis configuration string of this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server (on <paramref name="port"/>, e.g. to bring a stopped one back, else on a free port) and waits
    /// until it answers PING; throws with its output when it does not come up.</summary>
    public static async Task<RedisServer> StartAsync(CancellationToken ct = default, int? port = null)
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("redis-server not found: run ./test.sh, which installs the Debian package 'redis-server'.");
        }

        var root = Path.Combine(Path.GetTempPath(), $"collections-redis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var chosen = port ?? FreePorts.UdpAndTcp();
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", root, "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var server = new RedisServer(process, chosen, root);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}: {server.Output}");
            }

            try
            {
                if (await server.CommandAsync(timeout.Token, "PING") is "PONG")
                {
                    return server;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server on port {chosen} did not answer PING within 30 s: {server.Output}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>What the server printed so far.</summary>
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

    /// <summary>Sends one command on a new connection and returns the reply: a string for simple and bulk strings, a
    /// <c>long</c> for integers, an <c>object?[]</c> for arrays, null for nil; an error reply throws.</summary>
    public async Task<object?> CommandAsync(CancellationToken ct, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, ct);
        var stream = client.GetStream();
        var request = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
        {
            request.Append(System.Globalization.CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await ReadReplyAsync(reader, ct);
    }

    private static async Task<object?> ReadReplyAsync(StreamReader reader, CancellationToken ct)
    {
        var line = await reader.ReadLineAsync(ct) ?? throw new IOException("redis-server closed the connection");
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                throw new InvalidOperationException("redis-server: " + body);
            case ':':
                return long.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                // Test values are ASCII, so characters and bytes agree.
                var buffer = new char[length + 2];
                await reader.ReadBlockAsync(buffer, ct);
                return new string(buffer, 0, length);
            case '*':
                var count = int.Parse(body, System.Globalization.CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadReplyAsync(reader, ct);
                }

                return items;
            default:
                throw new IOException($"unexpected RESP reply '{line}'");
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

    /// <summary>Stops the server (a test may do so early to see how clients cope); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless; the server is already stopped.
            }
        }
    }
}
