using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Messaging.Twilio;

/// <summary>Our client of Twilio's Messages REST API (2010-04-01): create, fetch and list messages.</summary>
/// <remarks>
/// The API takes form-encoded POSTs with HTTP basic auth (account SID and auth token) and answers JSON (the ".json" suffix).
/// Errors carry <c>code</c>, <c>message</c>, <c>more_info</c> and <c>status</c>; they become <see cref="TwilioApiException"/>.
/// Only 429 and 5xx are retried, with exponential backoff or the Retry-After Twilio sends. A create is not idempotent on
/// Twilio's side (the API takes no idempotency key), so before a create is retried after a 5xx the caller's lookup runs: if
/// the message was made after all, it is returned instead of being sent a second time.
/// </remarks>
public sealed partial class TwilioMessagesClient(HttpClient http, IOptions<TwilioOptions> options, TimeProvider time, ILogger<TwilioMessagesClient> logger)
{
    private readonly TwilioOptions settings = options.Value;

    private string MessagesPath => $"{settings.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid)}/Messages";

    /// <summary>Creates (sends) a message; <paramref name="findExisting"/> is asked before any retry that could duplicate it.</summary>
    public async Task<TwilioMessageResource> CreateAsync(
        TwilioSendRequest request,
        Func<CancellationToken, Task<TwilioMessageResource?>>? findExisting,
        Action? onAttempt,
        CancellationToken cancellationToken)
    {
        EnsureEnabled();
        var form = request.ToForm();
        for (var attempt = 1; ; attempt++)
        {
            onAttempt?.Invoke();
            using var message = new HttpRequestMessage(HttpMethod.Post, MessagesPath + ".json") { Content = new FormUrlEncodedContent(form) };
            var (resource, error, retryAfter) = await SendOnceAsync<TwilioMessageResource>(message, cancellationToken);
            if (resource is not null)
            {
                LogCreated(logger, resource.Sid, resource.Status ?? "?", attempt);
                return resource;
            }

            if (!error!.IsRetryable || attempt >= settings.MaxAttempts)
            {
                throw error;
            }

            var delay = Backoff(attempt, retryAfter);
            LogRetry(logger, error.Code, (int)error.Status, attempt, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);

            // A 429 means the request was refused before anything was made; a 5xx may have come after the message was
            // created, so look before sending again.
            if (error.Kind == TwilioErrorKind.ServerError && findExisting is not null && await findExisting(cancellationToken) is { } existing)
            {
                LogFoundAfterError(logger, existing.Sid, attempt);
                return existing;
            }
        }
    }

    /// <summary>Fetches one message by SID.</summary>
    public async Task<TwilioMessageResource> FetchAsync(string sid, CancellationToken cancellationToken)
    {
        EnsureEnabled();
        return await ReadWithRetriesAsync<TwilioMessageResource>($"{MessagesPath}/{Uri.EscapeDataString(sid)}.json", cancellationToken);
    }

    /// <summary>Lists messages between two addresses, newest first, reading at most <paramref name="maxPages"/> pages.</summary>
    public async Task<IReadOnlyList<TwilioMessageResource>> ListAsync(string to, string from, int pageSize, int maxPages, CancellationToken cancellationToken)
    {
        EnsureEnabled();
        var result = new List<TwilioMessageResource>();
        var url = $"{MessagesPath}.json?To={Uri.EscapeDataString(to)}&From={Uri.EscapeDataString(from)}&PageSize={pageSize}";
        for (var page = 0; page < maxPages && url is not null; page++)
        {
            var body = await ReadWithRetriesAsync<TwilioMessagePage>(url, cancellationToken);
            result.AddRange(body.Messages);
            // next_page_uri is relative to the API's root ("/2010-04-01/Accounts/...").
            url = body.NextPageUri is { Length: > 0 } next ? settings.BaseUrl.TrimEnd('/') + next : null;
        }

        return result;
    }

    private async Task<T> ReadWithRetriesAsync<T>(string url, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, url);
            var (resource, error, retryAfter) = await SendOnceAsync<T>(message, cancellationToken);
            if (resource is not null)
            {
                return resource;
            }

            if (!error!.IsRetryable || attempt >= settings.MaxAttempts)
            {
                throw error;
            }

            var delay = Backoff(attempt, retryAfter);
            LogRetry(logger, error.Code, (int)error.Status, attempt, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private async Task<(T? Resource, TwilioApiException? Error, TimeSpan? RetryAfter)> SendOnceAsync<T>(HttpRequestMessage message, CancellationToken cancellationToken)
        where T : class
    {
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        using var response = await http.SendAsync(message, timeout.Token);
        if (response.IsSuccessStatusCode)
        {
            var resource = await response.Content.ReadFromJsonAsync<T>(timeout.Token)
                ?? throw new TwilioApiException(response.StatusCode, (int)response.StatusCode, "empty answer", null);
            return (resource, null, null);
        }

        TwilioErrorBody? body = null;
        try
        {
            body = await response.Content.ReadFromJsonAsync<TwilioErrorBody>(timeout.Token);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            // A proxy or load balancer in front of Twilio may answer HTML; the HTTP status still classifies the error.
        }

        var error = new TwilioApiException(response.StatusCode, body?.Code ?? (int)response.StatusCode,
            body?.Message ?? response.ReasonPhrase ?? response.StatusCode.ToString(), body?.MoreInfo);
        return (null, error, RetryAfter(response));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow > TimeSpan.Zero ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>InitialBackoff x 2^(attempt-1), capped; Retry-After wins when Twilio sends it (RFC 9110 10.2.3).</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = settings.InitialBackoff * Math.Pow(2, attempt - 1);
        var wait = retryAfter ?? exponential;
        return wait > settings.MaxBackoff ? settings.MaxBackoff : wait;
    }

    private void EnsureEnabled()
    {
        if (!settings.Enabled)
        {
            throw new InvalidOperationException($"Twilio messaging is disabled: set {TwilioOptions.Section}:{nameof(TwilioOptions.Enabled)} and the account settings.");
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Twilio accepted message {Sid} ({Status}) on attempt {Attempt}")]
    private static partial void LogCreated(ILogger logger, string sid, string status, int attempt);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Twilio error {Code} (HTTP {Status}) on attempt {Attempt}; retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, int code, int status, int attempt, double delayMs);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Message {Sid} exists although attempt {Attempt} failed with a server error; not sending again")]
    private static partial void LogFoundAfterError(ILogger logger, string sid, int attempt);
}

/// <summary>Adds "whatsapp:" to an E.164 number for the WhatsApp channel, as Twilio addresses WhatsApp users.</summary>
public static class TwilioAddress
{
    public const string WhatsAppPrefix = "whatsapp:";

    /// <summary>The address in Twilio's form for the channel.</summary>
    public static string For(bool whatsApp, string e164) => whatsApp ? WhatsAppPrefix + e164 : e164;

    /// <summary>Splits "whatsapp:+49..." into (true, "+49..."); a plain number into (false, number).</summary>
    public static (bool WhatsApp, string Number) Parse(string address) => address.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase)
        ? (true, address[WhatsAppPrefix.Length..])
        : (false, address);

}
