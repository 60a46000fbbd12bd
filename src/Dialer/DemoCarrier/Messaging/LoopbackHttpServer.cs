using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.DemoCarrier.Messaging;

/// <summary>An HTTP request as the loopback server read it.</summary>
public sealed record LoopbackRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The body as form fields (application/x-www-form-urlencoded), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Form() => ParsePairs(Encoding.UTF8.GetString(Body));

    /// <summary>The query string's fields, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> QueryFields() => ParsePairs(Query.TrimStart('?'));

    private static List<KeyValuePair<string, string>> ParsePairs(string text) =>
        [.. text.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            return new KeyValuePair<string, string>(Decode(name), Decode(value));
        })];

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}

/// <summary>The answer to a request. <paramref name="Abort"/> drops the connection without answering (a lost answer);
/// <paramref name="AfterSent"/> runs once the answer is written (or dropped).</summary>
public sealed record LoopbackResponse(int Status, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>>? Headers = null, bool Abort = false, Func<Task>? AfterSent = null)
{
    public static LoopbackResponse Json(int status, string json, IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        new(status, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json), headers);
}

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 and a free port for the built-in demo providers, so the Dialer needs no web
/// framework: request line, headers, a Content-Length body (RFC 9112 6.3; chunked request bodies are refused with 411),
/// persistent connections unless the client asks to close (RFC 9112 9.3). Enough for Twilio's REST client and our tests.
/// </summary>
public sealed partial class LoopbackHttpServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;
    private readonly TcpListener listener;
    private readonly Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> handler;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> connections = [];
    private readonly Lock gate = new();
    private Task? acceptLoop;
    private int disposed;

    /// <summary>Binds 127.0.0.1 on a free port now (the port is known before <see cref="Start"/>); nothing is served until then.</summary>
    public LoopbackHttpServer(Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> handler, ILogger? logger = null)
    {
        this.handler = handler;
        this.logger = logger ?? NullLogger.Instance;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        BaseUrl = new Uri($"http://127.0.0.1:{EndPoint.Port}");
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>"http://127.0.0.1:{port}".</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts accepting connections (connections made before wait in the listen backlog).</summary>
    public void Start() => acceptLoop ??= Task.Run(AcceptAsync);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        listener.Stop();
        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task[] open;
        lock (gate)
        {
            open = [.. connections];
        }

        await Task.WhenAll(open).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (gate)
            {
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Headers: read until the blank line.
                int end;
                while ((end = IndexOfHeaderEnd(buffer, filled)) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        if (buffer.Length >= MaxHeaderBytes)
                        {
                            await WriteAsync(stream, new LoopbackResponse(431, "text/plain", "headers too large"u8.ToArray()), close: true);
                            return;
                        }

                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(filled), stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var head = Encoding.Latin1.GetString(buffer, 0, end).Split("\r\n");
                var requestLine = head[0].Split(' ');
                if (requestLine.Length != 3)
                {
                    await WriteAsync(stream, new LoopbackResponse(400, "text/plain", "bad request line"u8.ToArray()), close: true);
                    return;
                }

                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in head.Skip(1))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                }

                if (headers.ContainsKey("Transfer-Encoding"))
                {
                    await WriteAsync(stream, new LoopbackResponse(411, "text/plain", "send a Content-Length"u8.ToArray()), close: true);
                    return;
                }

                var length = headers.TryGetValue("Content-Length", out var cl) && int.TryParse(cl, out var n) ? n : 0;
                if (length is < 0 or > MaxBodyBytes)
                {
                    await WriteAsync(stream, new LoopbackResponse(413, "text/plain", "body too large"u8.ToArray()), close: true);
                    return;
                }

                // Body: what followed the headers in the buffer, then the rest from the socket.
                var bodyStart = end + 4;
                var body = new byte[length];
                var have = Math.Min(length, filled - bodyStart);
                Array.Copy(buffer, bodyStart, body, 0, have);
                while (have < length)
                {
                    var read = await stream.ReadAsync(body.AsMemory(have), stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    have += read;
                }

                var consumed = bodyStart + Math.Min(length, filled - bodyStart);
                Array.Copy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;

                var target = requestLine[1];
                var q = target.IndexOf('?', StringComparison.Ordinal);
                var request = new LoopbackRequest(requestLine[0], q < 0 ? target : target[..q], q < 0 ? "" : target[q..], headers, body);
                LoopbackResponse response;
                try
                {
                    response = await handler(request, stopping.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogHandlerFailed(logger, request.Method, request.Path, ex);
                    response = new LoopbackResponse(500, "text/plain", "internal error"u8.ToArray());
                }

                var close = response.Abort || requestLine[2] == "HTTP/1.0"
                    || (headers.TryGetValue("Connection", out var token) && token.Equals("close", StringComparison.OrdinalIgnoreCase));
                try
                {
                    if (!response.Abort)
                    {
                        await WriteAsync(stream, response, close);
                    }
                }
                finally
                {
                    // Written or dropped (the client went away): what follows the answer runs either way, as documented.
                    if (response.AfterSent is { } after)
                    {
                        _ = Task.Run(after);
                    }
                }

                if (close)
                {
                    if (response.Abort)
                    {
                        // RST instead of FIN: the client sees the connection reset with no answer.
                        client.Client.LingerState = new LingerOption(true, 0);
                    }

                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping.
        }
    }

    private static int IndexOfHeaderEnd(byte[] buffer, int filled) => buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);

    private async Task WriteAsync(NetworkStream stream, LoopbackResponse response, bool close)
    {
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(Reason(response.Status)).Append("\r\n")
            .Append("Content-Type: ").Append(response.ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
        foreach (var (name, value) in response.Headers ?? [])
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), stopping.Token);
        await stream.WriteAsync(response.Body, stopping.Token);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    [LoggerMessage(EventId = 5241, Level = LogLevel.Warning, Message = "Demo provider failed on {Method} {Path}")]
    private static partial void LogHandlerFailed(ILogger logger, string method, string path, Exception exception);
}
