using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Messaging.Twilio;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Webhooks;

/// <summary>Twilio's webhooks: message status callbacks and inbound messages, each refused with 403 unless its X-Twilio-Signature matches.</summary>
public static partial class TwilioWebhooksApi
{
    /// <summary>Registers what the webhooks need: Twilio options, status updates, inbound handling (and compliance when absent).</summary>
    public static IHostApplicationBuilder AddTwilioWebhooks(this IHostApplicationBuilder builder)
    {
        builder.AddTwilioMessaging();
        return builder;
    }

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/twilio").DisableAntiforgery().ExcludeFromDescription();
        group.MapPost("/status", StatusAsync);
        group.MapPost("/inbound", InboundAsync);
        return app;
    }

    /// <summary>Status callback: MessageSid, MessageStatus (queued, sent, delivered, undelivered, failed ...), To, ErrorCode.</summary>
    internal static async Task<IResult> StatusAsync(HttpRequest request, IOptions<TwilioOptions> options, MessageStatusUpdater updater, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var form = await VerifiedFormAsync(request, options.Value, loggers, cancellationToken);
        if (form is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var sid = form["MessageSid"].ToString();
        var status = form["MessageStatus"].ToString() is { Length: > 0 } s ? s : form["SmsStatus"].ToString();
        int? errorCode = int.TryParse(form["ErrorCode"], System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
        if (sid.Length == 0 || status.Length == 0)
        {
            return TypedResults.BadRequest();
        }

        await updater.ApplyAsync(sid, status, form["To"].ToString(), errorCode, cancellationToken);
        // 2xx even for an unknown SID: Twilio would otherwise log an error for a message we chose to forget.
        return TypedResults.NoContent();
    }

    /// <summary>Inbound message: opt-out keywords record an opt-out; other text goes to the operators' queue. Answers empty TwiML (no reply).</summary>
    internal static async Task<IResult> InboundAsync(HttpRequest request, IOptions<TwilioOptions> options, InboundMessageService inbound, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var form = await VerifiedFormAsync(request, options.Value, loggers, cancellationToken);
        if (form is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var sid = form["MessageSid"].ToString();
        var from = form["From"].ToString();
        if (sid.Length == 0 || from.Length == 0)
        {
            return TypedResults.BadRequest();
        }

        await inbound.ReceiveAsync(sid, from, form["To"].ToString(), form["Body"].ToString(), cancellationToken);
        return TypedResults.Text("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>", "text/xml");
    }

    /// <summary>The form when the signature matches the URL Twilio called and the POST parameters; null otherwise.</summary>
    private static async Task<IFormCollection?> VerifiedFormAsync(HttpRequest request, TwilioOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!options.Enabled || !request.HasFormContentType)
        {
            LogRefused(loggers.CreateLogger(typeof(TwilioWebhooksApi)), request.Path, options.Enabled ? "not a form" : "messaging disabled");
            return null;
        }

        var form = await request.ReadFormAsync(cancellationToken);
        // Behind a proxy or tunnel the URL Twilio signed is the public one, not what Kestrel sees.
        var url = options.WebhookBaseUrl is { Length: > 0 } publicBase
            ? publicBase.TrimEnd('/') + request.PathBase + request.Path + request.QueryString
            : request.GetEncodedUrl();
        var parameters = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")));
        if (!TwilioSignature.IsValid(options.AuthToken, url, parameters, request.Headers[TwilioSignature.Header]))
        {
            LogRefused(loggers.CreateLogger(typeof(TwilioWebhooksApi)), request.Path, "signature mismatch");
            return null;
        }

        return form;
    }

    [LoggerMessage(EventId = 5161, Level = LogLevel.Warning, Message = "Twilio webhook {Path} refused with 403: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
