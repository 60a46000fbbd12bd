using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Letters;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Collections.Dialer.Tests.Messaging;

/// <summary>E-mail through a real SMTP server: Debian's python3-aiosmtpd, writing what it receives to a maildir.</summary>
[Trait("Category", "Integration")]
public sealed class SmtpEmailTests
{
    [Fact]
    public async Task A_demand_with_its_PDF_reaches_the_SMTP_server_with_subject_body_and_recipient()
    {
        await using var smtp = await LocalSmtpServer.StartAsync();
        var port = smtp.Port;
        var sender = new SmtpEmailSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SecureSocketOptions.None, FromAddress = "mahnung@collections.example", FromName = "Collections Demo Agency" }),
            NullLogger<SmtpEmailSender>.Instance);
        var pdf = new LetterRenderer().Render(LetterSamples.Claim(LetterKind.FinalDemand, "de"));
        var message = sender.Compose("Max Mustermann", "max@example.org", "Letzte Mahnung: Konto DE-4711 (Telco Deutschland GmbH)",
            "Guten Tag Max Mustermann,\n\nunsere letzte Mahnung finden Sie im Anhang.\n", [new EmailAttachment("letzte-mahnung-DE-4711.pdf", "application/pdf", pdf)], "de");

        var id = await sender.SendAsync(message, TestContext.Current.CancellationToken);

        var file = Assert.Single(smtp.Received);
        var received = await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal(id, received.MessageId);
        Assert.Equal("max@example.org", received.To.Mailboxes.Single().Address);
        Assert.Equal("mahnung@collections.example", received.From.Mailboxes.Single().Address);
        Assert.Equal("Letzte Mahnung: Konto DE-4711 (Telco Deutschland GmbH)", received.Subject);
        Assert.Contains("unsere letzte Mahnung finden Sie im Anhang.", received.TextBody);
        var attachment = Assert.IsType<MimePart>(Assert.Single(received.Attachments));
        Assert.Equal("letzte-mahnung-DE-4711.pdf", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content, TestContext.Current.CancellationToken);
        Assert.Equal(pdf, content.ToArray());
    }
}

/// <summary>Debian's aiosmtpd on 127.0.0.1 and a free port, storing every message it receives in a maildir.</summary>
internal sealed class LocalSmtpServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string maildir;

    private LocalSmtpServer(Process process, string maildir, int port)
    {
        this.process = process;
        this.maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Files of the messages received so far.</summary>
    public IReadOnlyList<string> Received => Directory.GetFiles(Path.Combine(maildir, "new"));

    public static async Task<LocalSmtpServer> StartAsync()
    {
        var maildir = Directory.CreateTempSubdirectory("collections-mail-").FullName;
        foreach (var sub in new[] { "tmp", "new", "cur" })
        {
            // aiosmtpd's Mailbox handler opens an existing maildir; it does not create one.
            Directory.CreateDirectory(Path.Combine(maildir, sub));
        }

        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var server = new LocalSmtpServer(process, maildir, port);
        try
        {
            await WaitForPortAsync(port);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(maildir, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until the server accepts connections (bounded: 100 tries, 100 ms apart).</summary>
    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        throw new TimeoutException($"aiosmtpd did not listen on 127.0.0.1:{port}");
    }
}
