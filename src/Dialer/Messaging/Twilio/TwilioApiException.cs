using System.Net;

namespace Collections.Dialer.Messaging.Twilio;

/// <summary>Classes of Twilio errors the sender treats differently.</summary>
public enum TwilioErrorKind
{
    /// <summary>Any other error.</summary>
    Other = 0,

    /// <summary>Bad credentials (HTTP 401, code 20003): a configuration fault, nothing to retry.</summary>
    Authentication = 1,

    /// <summary>The request was malformed or a parameter invalid (HTTP 400: 21211 invalid To, 21602 body required, 21606 bad From ...).</summary>
    InvalidRequest = 2,

    /// <summary>The recipient replied STOP to this sender (code 21610); Twilio refuses further messages, and so do we.</summary>
    RecipientUnsubscribed = 3,

    /// <summary>Too many requests (HTTP 429, code 20429): retried after the Retry-After wait.</summary>
    RateLimited = 4,

    /// <summary>Twilio's side failed (HTTP 5xx): retried; for a create, only after checking the message was not made.</summary>
    ServerError = 5,

    /// <summary>The resource does not exist (HTTP 404, code 20404).</summary>
    NotFound = 6,
}

/// <summary>An error answer of Twilio's REST API, from its JSON body (<c>code</c>, <c>message</c>, <c>more_info</c>, <c>status</c>).</summary>
public sealed class TwilioApiException(HttpStatusCode status, int code, string message, string? moreInfo)
    : Exception($"Twilio error {code} (HTTP {(int)status}): {message}")
{
    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>Twilio's error code (https://www.twilio.com/docs/api/errors), or the HTTP status when the body had none.</summary>
    public int Code { get; } = code;

    /// <summary>Twilio's human-readable message.</summary>
    public string TwilioMessage { get; } = message;

    /// <summary>Link to the error's documentation.</summary>
    public string? MoreInfo { get; } = moreInfo;

    /// <summary>What kind of error this is.</summary>
    public TwilioErrorKind Kind => (int)Status switch
    {
        429 => TwilioErrorKind.RateLimited,
        >= 500 => TwilioErrorKind.ServerError,
        401 => TwilioErrorKind.Authentication,
        404 => TwilioErrorKind.NotFound,
        _ when Code == 21610 => TwilioErrorKind.RecipientUnsubscribed,
        400 => TwilioErrorKind.InvalidRequest,
        _ => TwilioErrorKind.Other,
    };

    /// <summary>Only 429 and 5xx are worth another attempt; every 4xx would fail the same way again.</summary>
    public bool IsRetryable => Kind is TwilioErrorKind.RateLimited or TwilioErrorKind.ServerError;
}
