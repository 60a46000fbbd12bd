using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Messaging.Twilio;

/// <summary>Settings of the Twilio account used for SMS and WhatsApp (<c>Collections:Messaging:Twilio</c>).</summary>
public sealed class TwilioOptions
{
    public const string Section = "Collections:Messaging:Twilio";

    /// <summary>Off by default: without an account nothing is sent and every webhook is refused (no token to check signatures with).</summary>
    public bool Enabled { get; set; }

    /// <summary>Root of the REST API; a local fake server in tests and the demo.</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>The account SID, "AC" and 32 hex digits.</summary>
    public string AccountSid { get; set; } = "";

    /// <summary>The account's auth token: password for basic auth and key of X-Twilio-Signature.</summary>
    public string AuthToken { get; set; } = "";

    /// <summary>Sender number for SMS (E.164).</summary>
    public string SmsFrom { get; set; } = "";

    /// <summary>Sender number registered for WhatsApp (E.164, sent as "whatsapp:+...").</summary>
    public string? WhatsAppFrom { get; set; }

    /// <summary>Public base URL of this host as Twilio reaches it (status callbacks go to {WebhookBaseUrl}/webhooks/twilio/status).
    /// Webhook signatures are checked against this URL, so it must be what Twilio calls, also behind a proxy.</summary>
    public string? WebhookBaseUrl { get; set; }

    /// <summary>Requests put on the wire at most (the first plus retries after 429 or 5xx).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Wait before the first retry; doubled for each further one, unless Twilio sends Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP request.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A message left in "sending" longer than this (a crash, a lost answer) is reconciled against the API.
    /// Longer than <see cref="RequestTimeout"/> times <see cref="MaxAttempts"/>, so a send still in progress is not touched.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The status callback URL for outbound messages, or null when no public URL is configured.</summary>
    public Uri? StatusCallbackUrl => string.IsNullOrWhiteSpace(WebhookBaseUrl) ? null : new Uri(WebhookBaseUrl.TrimEnd('/') + "/webhooks/twilio/status");
}

/// <summary>Checks the settings when messaging is enabled, naming the key at fault.</summary>
internal sealed partial class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.BaseUrl)}: '{options.BaseUrl}' is not an absolute http(s) URL.");
        }

        if (!AccountSidPattern().IsMatch(options.AccountSid))
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.AccountSid)}: expected \"AC\" followed by 32 hex digits.");
        }

        if (string.IsNullOrWhiteSpace(options.AuthToken))
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.AuthToken)}: required when messaging is enabled.");
        }

        if (!E164Pattern().IsMatch(options.SmsFrom))
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.SmsFrom)}: '{options.SmsFrom}' is not an E.164 number (+ and up to 15 digits).");
        }

        if (options.WhatsAppFrom is { Length: > 0 } whatsApp && !E164Pattern().IsMatch(whatsApp))
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.WhatsAppFrom)}: '{whatsApp}' is not an E.164 number.");
        }

        if (options.WebhookBaseUrl is { Length: > 0 } webhook && !Uri.TryCreate(webhook, UriKind.Absolute, out _))
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.WebhookBaseUrl)}: '{webhook}' is not an absolute URL.");
        }

        if (options.ReconcileAfter < options.RequestTimeout)
        {
            errors.Add($"{TwilioOptions.Section}:{nameof(TwilioOptions.ReconcileAfter)}: must be at least {nameof(TwilioOptions.RequestTimeout)}, or a send in progress could be reconciled.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164Pattern();
}
