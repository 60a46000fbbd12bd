using System.ComponentModel.DataAnnotations;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Collections.Dialer.Messaging.Email;

/// <summary>SMTP settings for reminders, demands and creditor reports (<c>Collections:Messaging:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Collections:Messaging:Smtp";

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>None, StartTls (RFC 3207, port 587), SslOnConnect (RFC 8314 implicit TLS, port 465) or Auto.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "service@collections.example";

    public string? FromName { get; set; }
}

/// <summary>A file attached to an e-mail.</summary>
public sealed record EmailAttachment(string FileName, string MediaType, byte[] Content);

/// <summary>Sends e-mail through SMTP with MailKit; one connection per message (reminders are few and spread over the day).</summary>
public sealed partial class SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> logger)
{
    /// <summary>Builds a plain-text message from our sender address.</summary>
    public MimeMessage Compose(string toName, string toAddress, string subject, string body, IEnumerable<EmailAttachment>? attachments = null, string? language = null)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName ?? settings.FromAddress, settings.FromAddress));
        message.To.Add(new MailboxAddress(toName, toAddress));
        message.Subject = subject;
        if (language is not null)
        {
            message.Headers.Add(HeaderId.ContentLanguage, language);
        }

        var builder = new BodyBuilder { TextBody = body };
        foreach (var attachment in attachments ?? [])
        {
            builder.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.MediaType));
        }

        message.Body = builder.ToMessageBody();
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(settings.FromAddress.Split('@')[^1]);
        return message;
    }

    /// <summary>Delivers <paramref name="message"/> to the SMTP server and returns its Message-Id.</summary>
    /// <exception cref="SmtpNotSentException">The server took nothing: unreachable, refused our session, or answered the
    /// message with a transient 4yz reply (RFC 5321 4.2.1); the same message may be sent again later.</exception>
    /// <exception cref="SmtpCommandException">A permanent 5yz reply: the server refused the message for good.</exception>
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or MailKit.ProtocolException or MailKit.Security.AuthenticationException
            or MailKit.Security.SslHandshakeException or SmtpCommandException)
        {
            // No message was offered yet: whatever failed, nothing can have been delivered.
            throw new SmtpNotSentException(ex is SmtpCommandException command ? (int)command.StatusCode : null, $"SMTP session to {settings.Host}:{settings.Port} failed: {ex.Message}", ex);
        }

        try
        {
            await client.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode is >= 400 and < 500)
        {
            // RFC 5321 4.2.1: a 4yz reply is a transient negative completion; the server did not accept the message.
            throw new SmtpNotSentException((int)ex.StatusCode, ex.Message, ex);
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or SmtpCommandException or System.Net.Sockets.SocketException)
        {
            // The server accepted the message with its reply to the end of DATA; a failed QUIT does not take that back.
        }

        var id = message.MessageId ?? "";
        LogSent(logger, id, message.Attachments.Count());
        return id;
    }

    [LoggerMessage(EventId = 5141, Level = LogLevel.Information, Message = "E-mail {MessageId} handed to the SMTP server ({Attachments} attachments)")]
    private static partial void LogSent(ILogger logger, string messageId, int attachments);
}

/// <summary>The SMTP server took nothing (unreachable, session refused, or a transient 4yz reply): sending again later is safe.</summary>
public sealed class SmtpNotSentException(int? statusCode, string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The SMTP reply code, when the server answered.</summary>
    public int? StatusCode { get; } = statusCode;
}
