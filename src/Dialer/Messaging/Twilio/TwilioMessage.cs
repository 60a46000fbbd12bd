using System.Globalization;
using System.Text.Json.Serialization;

namespace Collections.Dialer.Messaging.Twilio;

/// <summary>A message to create through the Messages API; addresses are E.164 or "whatsapp:+..." as Twilio expects.</summary>
/// <param name="Body">The text; null when a WhatsApp content template is used.</param>
/// <param name="ContentSid">The approved WhatsApp content template (HX...), required outside the 24 h session window.</param>
/// <param name="ContentVariables">JSON object of the template's variables, for example {"1":"Anna","2":"120,00 EUR"}.</param>
public sealed record TwilioSendRequest(string To, string From, string? Body, Uri? StatusCallback = null, string? ContentSid = null, string? ContentVariables = null)
{
    /// <summary>The form fields of the POST, named as in Twilio's API.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToForm()
    {
        var form = new List<KeyValuePair<string, string>> { new("To", To), new("From", From) };
        if (Body is not null)
        {
            form.Add(new("Body", Body));
        }

        if (ContentSid is not null)
        {
            form.Add(new("ContentSid", ContentSid));
        }

        if (ContentVariables is not null)
        {
            form.Add(new("ContentVariables", ContentVariables));
        }

        if (StatusCallback is not null)
        {
            form.Add(new("StatusCallback", StatusCallback.AbsoluteUri));
        }

        return form;
    }
}

/// <summary>The Message resource as Twilio's API returns it (the fields we use).</summary>
public sealed record TwilioMessageResource
{
    [JsonPropertyName("sid")] public required string Sid { get; init; }
    [JsonPropertyName("account_sid")] public string? AccountSid { get; init; }
    [JsonPropertyName("to")] public string? To { get; init; }
    [JsonPropertyName("from")] public string? From { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("direction")] public string? Direction { get; init; }
    [JsonPropertyName("error_code")] public int? ErrorCode { get; init; }
    [JsonPropertyName("error_message")] public string? ErrorMessage { get; init; }
    [JsonPropertyName("num_segments")] public string? NumSegments { get; init; }
    [JsonPropertyName("date_created")] public string? DateCreated { get; init; }
    [JsonPropertyName("date_sent")] public string? DateSent { get; init; }
    [JsonPropertyName("date_updated")] public string? DateUpdated { get; init; }
    [JsonPropertyName("api_version")] public string? ApiVersion { get; init; }
    [JsonPropertyName("uri")] public string? Uri { get; init; }

    /// <summary><see cref="DateCreated"/> parsed; Twilio writes RFC 2822 dates ("Thu, 26 Nov 2026 15:20:01 +0000").</summary>
    [JsonIgnore]
    public DateTimeOffset? CreatedAt => TwilioDates.Parse(DateCreated);
}

/// <summary>One page of the Messages list.</summary>
public sealed record TwilioMessagePage
{
    [JsonPropertyName("messages")] public IReadOnlyList<TwilioMessageResource> Messages { get; init; } = [];
    [JsonPropertyName("next_page_uri")] public string? NextPageUri { get; init; }
    [JsonPropertyName("page")] public int Page { get; init; }
    [JsonPropertyName("page_size")] public int PageSize { get; init; }
}

/// <summary>Twilio's error body: <c>{"code":21211,"message":"...","more_info":"https://www.twilio.com/docs/errors/21211","status":400}</c>.</summary>
public sealed record TwilioErrorBody
{
    [JsonPropertyName("code")] public int? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("more_info")] public string? MoreInfo { get; init; }
    [JsonPropertyName("status")] public int? Status { get; init; }
}

/// <summary>RFC 2822 dates as the 2010-04-01 API writes them.</summary>
public static class TwilioDates
{
    private const string Format = "ddd, dd MMM yyyy HH:mm:ss";

    /// <summary>Formats an instant as Twilio does, always in +0000.</summary>
    public static string Format2822(DateTimeOffset at) => at.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture) + " +0000";

    /// <summary>Parses "Thu, 26 Nov 2026 15:20:01 +0000"; null when absent or malformed.</summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < 6)
        {
            return null;
        }

        var zone = value[^5..];
        var local = value[..^6];
        if (!DateTime.TryParseExact(local, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            || !int.TryParse(zone.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
        {
            return null;
        }

        var offset = new TimeSpan(hhmm / 100, hhmm % 100, 0) * (zone[0] == '-' ? -1 : 1);
        return new DateTimeOffset(time, offset);
    }
}
