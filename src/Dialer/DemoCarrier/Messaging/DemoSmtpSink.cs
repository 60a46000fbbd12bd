using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Collections.Dialer.Messaging.Email;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.DemoCarrier.Messaging;

/// <summary>
/// The demo's mail server: a minimal SMTP receiver (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP,
/// QUIT) on 127.0.0.1 and a free port, so the real <see cref="SmtpEmailSender"/> (MailKit) delivers the demo's e-mails.
/// Each accepted message is written as an <c>.eml</c> file (the bytes received) to its folder, where a mail client opens it.
/// </summary>
public sealed partial class DemoSmtpSink : IHostedService, IAsyncDisposable
{
    private const string Host = "collections-demo";
    private readonly TcpListener listener;
    private readonly string directory;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> sessions = [];
    private readonly Lock gate = new();
    private Task? acceptLoop;
    private int received;

    /// <summary>Binds 127.0.0.1 on a free port now; sessions are served from <see cref="StartAsync"/>.</summary>
    public DemoSmtpSink(string directory, ILogger<DemoSmtpSink> logger)
    {
        this.directory = System.IO.Directory.CreateDirectory(directory).FullName;
        this.logger = logger;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    /// <summary>Where the received messages are written.</summary>
    public string Directory => directory;

    /// <summary>Messages accepted so far.</summary>
    public int Received => Volatile.Read(ref received);

    /// <summary>Points the SMTP client at this sink: loopback, no TLS, no authentication.</summary>
    public void Configure(SmtpOptions smtp)
    {
        smtp.Host = "127.0.0.1";
        smtp.Port = Port;
        smtp.Security = MailKit.Security.SecureSocketOptions.None;
        smtp.UserName = null;
        smtp.Password = null;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        acceptLoop ??= Task.Run(AcceptAsync, CancellationToken.None);
        LogStarted(logger, Port, directory);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (stopping.IsCancellationRequested)
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
            open = [.. sessions];
        }

        await Task.WhenAll(open).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
                sessions.RemoveAll(t => t.IsCompleted);
                sessions.Add(Task.Run(() => SessionAsync(client)));
            }
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        // Latin-1 maps every byte to one char and back, so 8-bit message bodies are stored exactly as received.
        using var reader = new StreamReader(stream, Encoding.Latin1, false, 8192, leaveOpen: true);
        await using var writer = new StreamWriter(stream, Encoding.Latin1, 1024, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
        string? from = null;
        var recipients = new List<string>();
        try
        {
            await writer.WriteLineAsync($"220 {Host} ESMTP demo sink");
            while (await reader.ReadLineAsync(stopping.Token) is { } line)
            {
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync($"250-{Host}\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync($"250 {Host}");
                        break;
                    case "MAIL":
                        from = Address(line);
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        if (from is null)
                        {
                            await writer.WriteLineAsync("503 5.5.1 MAIL first");
                            break;
                        }

                        recipients.Add(Address(line));
                        await writer.WriteLineAsync("250 2.1.5 OK");
                        break;
                    case "DATA":
                        if (recipients.Count == 0)
                        {
                            await writer.WriteLineAsync("503 5.5.1 RCPT first");
                            break;
                        }

                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var message = new StringBuilder();
                        while (await reader.ReadLineAsync(stopping.Token) is { } data && data != ".")
                        {
                            // RFC 5321 4.5.2: a leading dot was doubled by the sender.
                            message.Append(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data).Append("\r\n");
                        }

                        var id = Store(message.ToString());
                        LogReceived(logger, id, recipients.Count);
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync($"250 2.0.0 OK queued as {id}");
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the sink is stopping.
        }
    }

    private string Store(string message)
    {
        var number = Interlocked.Increment(ref received);
        var id = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}-{number:D6}");
        File.WriteAllText(Path.Combine(directory, id + ".eml"), message, Encoding.Latin1);
        return id;
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    [LoggerMessage(EventId = 5211, Level = LogLevel.Information, Message = "Demo SMTP sink on 127.0.0.1:{Port}, messages written to {Directory}")]
    private static partial void LogStarted(ILogger logger, int port, string directory);

    [LoggerMessage(EventId = 5212, Level = LogLevel.Debug, Message = "Demo SMTP sink stored {Id} for {Recipients} recipient(s)")]
    private static partial void LogReceived(ILogger logger, string id, int recipients);
}
