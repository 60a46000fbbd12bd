using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Messaging.Twilio;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
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

    /// <summary>Largest webhook body accepted: Twilio posts about 30 short parameters and an SMS body of at most 1,600 characters.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>How the form of a webhook is read: a few short keys, no value longer than a long message (FormReader limits).</summary>
    internal static readonly FormOptions WebhookForm = new()
    {
        ValueCountLimit = 100,
        KeyLengthLimit = 100,
        ValueLengthLimit = 16 * 1024,
        BufferBodyLengthLimit = MaxBodyBytes,
    };

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/twilio").DisableAntiforgery().ExcludeFromDescription();
        group.MapPost("/status", StatusAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        group.MapPost("/inbound", InboundAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        return app;
    }

    /// <summary>Status callback: MessageSid, MessageStatus (queued, sent, delivered, undelivered, failed ...), To, ErrorCode.</summary>
    internal static async Task<IResult> StatusAsync(HttpRequest request, IOptions<TwilioOptions> options, MessageStatusUpdater updater, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (form, refusal) = await VerifiedFormAsync(request, options.Value, loggers, cancellationToken);
        if (form is null)
        {
            return refusal!;
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
        var (form, refusal) = await VerifiedFormAsync(request, options.Value, loggers, cancellationToken);
        if (form is null)
        {
            return refusal!;
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

    /// <summary>
    /// The form when the signature matches the URL Twilio called and the POST parameters; otherwise the refusal. What can be
    /// judged without the body is judged first (size, content type, a signature header at all), and the form is read with
    /// small limits, so a hostile body is refused with 413 or 400 after at most <see cref="MaxBodyBytes"/>, never a 500.
    /// </summary>
    internal static async Task<(IFormCollection? Form, IResult? Refusal)> VerifiedFormAsync(HttpRequest request, TwilioOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioWebhooksApi));
        if (!options.Enabled)
        {
            LogRefused(logger, request.Path, 403, "messaging disabled");
            return (null, TypedResults.StatusCode(StatusCodes.Status403Forbidden));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            LogRefused(logger, request.Path, 413, $"{request.ContentLength} bytes announced, the limit is {MaxBodyBytes}");
            return (null, TypedResults.Problem($"A Twilio webhook body is at most {MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        if (!request.HasFormContentType || !request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            // Twilio posts application/x-www-form-urlencoded only; multipart and anything else is not read at all.
            LogRefused(logger, request.Path, 400, "not an application/x-www-form-urlencoded form");
            return (null, TypedResults.Problem("Twilio webhooks are application/x-www-form-urlencoded forms.", statusCode: StatusCodes.Status400BadRequest));
        }

        if (!TwilioSignature.LooksSigned(request.Headers[TwilioSignature.Header]))
        {
            LogRefused(logger, request.Path, 403, "no signature");
            return (null, TypedResults.StatusCode(StatusCodes.Status403Forbidden));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes; // a chunked body that grows past the limit ends in 413 while it is read
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(WebhookForm, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            // FormReader's limits: too many parameters, a key or value too long.
            LogRefused(logger, request.Path, 400, ex.Message);
            return (null, TypedResults.Problem($"The form exceeds a webhook limit: {ex.Message}", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            LogRefused(logger, request.Path, 413, ex.Message);
            return (null, TypedResults.Problem($"A Twilio webhook body is at most {MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        // Behind a proxy or tunnel the URL Twilio signed is the public one, not what Kestrel sees.
        var url = options.WebhookBaseUrl is { Length: > 0 } publicBase
            ? publicBase.TrimEnd('/') + request.PathBase + request.Path + request.QueryString
            : request.GetEncodedUrl();
        var parameters = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")));
        if (!TwilioSignature.IsValid(options.AuthToken, url, parameters, request.Headers[TwilioSignature.Header]))
        {
            LogRefused(logger, request.Path, 403, "signature mismatch");
            return (null, TypedResults.StatusCode(StatusCodes.Status403Forbidden));
        }

        return (form, null);
    }

    [LoggerMessage(EventId = 5161, Level = LogLevel.Warning, Message = "Twilio webhook {Path} refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, int status, string reason);
}
