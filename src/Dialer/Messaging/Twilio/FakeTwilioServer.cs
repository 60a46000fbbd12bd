using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Messaging.Twilio;

/// <summary>What the fake server does with the next create request, to exercise the client's error paths.</summary>
public enum FakeTwilioFault
{
    /// <summary>429 with Twilio's error 20429 and Retry-After: 0; nothing is created.</summary>
    RateLimited,

    /// <summary>503 before anything is created.</summary>
    ServerErrorBeforeCreate,

    /// <summary>The message is created (and will be delivered) but the answer is a 500: the client cannot know it went out.</summary>
    ServerErrorAfterCreate,

    /// <summary>The message is created and the connection is dropped without an answer (a crash or a lost response).</summary>
    DropAfterCreate,
}

/// <summary>How a message to a number ends, reported through status callbacks.</summary>
public enum FakeTwilioOutcome { Delivered, Undelivered, Failed }

/// <summary>A status callback the fake server sent, with the answer our webhook gave.</summary>
public sealed record FakeTwilioCallback(string MessageSid, string Status, HttpStatusCode Answer);

/// <summary>
/// A local stand-in for Twilio's Messages API on 127.0.0.1 (a free port), for tests and the demo: it answers create, fetch
/// and list as the API documents (201 with the message JSON; 400, 401, 404, 429 with Twilio's error JSON), keeps the
/// messages, and posts status callbacks (queued, sent, then delivered, undelivered or failed) to each message's
/// StatusCallback with a valid X-Twilio-Signature. It can post inbound messages to a webhook the same way.
/// </summary>
public sealed class FakeTwilioServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TimeProvider time;
    private readonly ConcurrentQueue<FakeTwilioFault> faults = new();
    private readonly ConcurrentDictionary<string, FakeTwilioOutcome> outcomes = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> whatsAppSessions = new();
    private readonly ConcurrentDictionary<string, byte> unsubscribed = new();
    private readonly List<Dictionary<string, object?>> messages = [];
    private readonly List<FakeTwilioCallback> callbacks = [];
    private readonly List<Task> pendingCallbacks = [];
    private readonly Lock gate = new();
    private int createRequests;

    private FakeTwilioServer(WebApplication app, string accountSid, string authToken, TimeProvider time)
    {
        this.app = app;
        AccountSid = accountSid;
        AuthToken = authToken;
        this.time = time;
    }

    public string AccountSid { get; }

    public string AuthToken { get; }

    /// <summary>Where the server listens, for <see cref="TwilioOptions.BaseUrl"/>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Client used to post callbacks and inbound messages; replace it to reach an in-memory test host.</summary>
    public HttpClient CallbackClient { get; set; } = new();

    /// <summary>When false, no status callbacks are posted (as when the StatusCallback URL is unreachable).</summary>
    public bool SendCallbacks { get; set; } = true;

    /// <summary>POST requests to the Messages list that reached the server (accepted or not).</summary>
    public int CreateRequests => Volatile.Read(ref createRequests);

    /// <summary>Messages created so far, as the API would list them.</summary>
    public IReadOnlyList<TwilioMessageResource> Messages
    {
        get
        {
            lock (gate)
            {
                return messages.Select(ToResource).ToList();
            }
        }
    }

    /// <summary>Status callbacks sent so far and how our webhook answered.</summary>
    public IReadOnlyList<FakeTwilioCallback> Callbacks
    {
        get
        {
            lock (gate)
            {
                return callbacks.ToList();
            }
        }
    }

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    public static async Task<FakeTwilioServer> StartAsync(string accountSid, string authToken, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var webApp = builder.Build();
        var server = new FakeTwilioServer(webApp, accountSid, authToken, time ?? TimeProvider.System);
        server.Map();
        await webApp.StartAsync();
        var address = webApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>The next create request meets <paramref name="fault"/> (faults queue up, one per request).</summary>
    public void InjectFault(FakeTwilioFault fault) => faults.Enqueue(fault);

    /// <summary>Messages to <paramref name="number"/> (E.164) end with <paramref name="outcome"/>.</summary>
    public void SetOutcome(string number, FakeTwilioOutcome outcome) => outcomes[number] = outcome;

    /// <summary>Twilio blocks a number that replied STOP to the sender (error 21610) until it replies START.</summary>
    public void Unsubscribe(string number) => unsubscribed[number] = 0;

    /// <summary>Waits until every status callback started so far has been answered.</summary>
    public async Task DrainCallbacksAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (gate)
            {
                pending = pendingCallbacks.Where(t => !t.IsCompleted).ToArray();
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending);
        }
    }

    /// <summary>Posts an inbound message to <paramref name="webhook"/> as Twilio does, signed with the auth token (or <paramref name="signature"/> when given).</summary>
    public async Task<HttpResponseMessage> SendInboundAsync(Uri webhook, string from, string to, string body, string? signature = null)
    {
        var (whatsApp, number) = TwilioAddress.Parse(from);
        if (whatsApp)
        {
            // A message from the user opens WhatsApp's 24-hour customer service window.
            whatsAppSessions[number] = time.GetUtcNow();
        }

        var parameters = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", NewSid()), new("SmsSid", ""), new("AccountSid", AccountSid), new("From", from), new("To", to),
            new("Body", body), new("NumMedia", "0"), new("NumSegments", "1"), new("SmsStatus", "received"), new("ApiVersion", "2010-04-01"),
        };
        parameters[1] = new("SmsSid", parameters[0].Value);
        return await PostSignedAsync(webhook, parameters, signature);
    }

    /// <summary>Posts form <paramref name="parameters"/> to <paramref name="url"/> with a signature (computed, or the one given).</summary>
    public async Task<HttpResponseMessage> PostSignedAsync(Uri url, IReadOnlyList<KeyValuePair<string, string>> parameters, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Add(TwilioSignature.Header, signature ?? TwilioSignature.Compute(AuthToken, url.AbsoluteUri, parameters));
        request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
        return await CallbackClient.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await DrainCallbacksAsync();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private void Map()
    {
        var prefix = "/2010-04-01/Accounts/{account}";
        app.MapPost(prefix + "/Messages.json", CreateAsync);
        app.MapGet(prefix + "/Messages.json", List);
        app.MapGet(prefix + "/Messages/{sid}.json", Fetch);
    }

    private async Task<IResult> CreateAsync(HttpContext context, string account)
    {
        Interlocked.Increment(ref createRequests);
        if (Unauthorized(context, account) is { } denied)
        {
            return denied;
        }

        FakeTwilioFault? fault = faults.TryDequeue(out var next) ? next : null;
        var form = await context.Request.ReadFormAsync();
        var to = form["To"].ToString();
        var from = form["From"].ToString();
        var body = form["Body"].ToString();
        var contentSid = form["ContentSid"].ToString();
        var (whatsApp, number) = TwilioAddress.Parse(to);
        var (fromWhatsApp, _) = TwilioAddress.Parse(from);

        if (PendingFault(fault, FakeTwilioFault.RateLimited))
        {
            context.Response.Headers.RetryAfter = "0";
            return Error(429, 20429, "Too Many Requests");
        }

        if (PendingFault(fault, FakeTwilioFault.ServerErrorBeforeCreate))
        {
            return Error(503, 20500, "Service Unavailable");
        }

        if (!IsE164(number))
        {
            return Error(400, 21211, $"The 'To' number {to} is not a valid phone number.");
        }

        if (!IsE164(TwilioAddress.Parse(from).Number) || whatsApp != fromWhatsApp)
        {
            return Error(400, 21212, $"The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID.");
        }

        if (string.IsNullOrEmpty(body) && string.IsNullOrEmpty(contentSid))
        {
            return Error(400, 21602, "Message body is required.");
        }

        if (!whatsApp && unsubscribed.ContainsKey(number))
        {
            return Error(400, 21610, "Attempt to send to unsubscribed recipient");
        }

        var now = time.GetUtcNow();
        var message = new Dictionary<string, object?>
        {
            ["sid"] = NewSid(),
            ["account_sid"] = account,
            ["api_version"] = "2010-04-01",
            ["to"] = to,
            ["from"] = from,
            ["body"] = string.IsNullOrEmpty(body) ? $"[content template {contentSid}] {form["ContentVariables"]}" : body,
            ["status"] = "queued",
            ["direction"] = "outbound-api",
            ["num_segments"] = "1",
            ["num_media"] = "0",
            ["error_code"] = null,
            ["error_message"] = null,
            ["price"] = null,
            ["price_unit"] = "USD",
            ["messaging_service_sid"] = null,
            ["date_created"] = TwilioDates.Format2822(now),
            ["date_updated"] = TwilioDates.Format2822(now),
            ["date_sent"] = null,
        };
        message["uri"] = $"/2010-04-01/Accounts/{account}/Messages/{message["sid"]}.json";
        lock (gate)
        {
            messages.Add(message);
        }

        // WhatsApp: free-form text only inside the 24-hour window after the user's last message; outside it Twilio accepts
        // the request and the message then fails with 63016, unless a content template (ContentSid) is used.
        var outcome = outcomes.GetValueOrDefault(number, FakeTwilioOutcome.Delivered);
        int? errorCode = outcome switch { FakeTwilioOutcome.Undelivered => 30003, FakeTwilioOutcome.Failed => 30008, _ => null };
        if (whatsApp && string.IsNullOrEmpty(contentSid)
            && (!whatsAppSessions.TryGetValue(number, out var opened) || now - opened > TimeSpan.FromHours(24)))
        {
            outcome = FakeTwilioOutcome.Failed;
            errorCode = 63016;
        }

        var callback = form["StatusCallback"].ToString();
        if (SendCallbacks && Uri.TryCreate(callback, UriKind.Absolute, out var callbackUrl))
        {
            var snapshot = ToResource(message);
            context.Response.OnCompleted(() =>
            {
                lock (gate)
                {
                    pendingCallbacks.Add(Task.Run(() => SendCallbacksAsync(message, snapshot, callbackUrl, outcome, errorCode)));
                }

                return Task.CompletedTask;
            });
        }
        else
        {
            Advance(message, Final(outcome), errorCode);
        }

        if (PendingFault(fault, FakeTwilioFault.ServerErrorAfterCreate))
        {
            return Error(500, 20500, "Internal Server Error");
        }

        if (PendingFault(fault, FakeTwilioFault.DropAfterCreate))
        {
            context.Abort();
            return Results.Empty;
        }

        return Results.Json(message, statusCode: 201);
    }

    private IResult List(HttpContext context, string account)
    {
        if (Unauthorized(context, account) is { } denied)
        {
            return denied;
        }

        var query = context.Request.Query;
        var pageSize = int.TryParse(query["PageSize"], out var size) ? Math.Clamp(size, 1, 1000) : 50;
        var page = int.TryParse(query["Page"], out var p) ? Math.Max(0, p) : 0;
        List<Dictionary<string, object?>> matching;
        lock (gate)
        {
            matching = messages
                .Where(m => string.IsNullOrEmpty(query["To"]) || (string)m["to"]! == query["To"])
                .Where(m => string.IsNullOrEmpty(query["From"]) || (string)m["from"]! == query["From"])
                .Reverse() // newest first, as Twilio lists
                .Select(m => new Dictionary<string, object?>(m))
                .ToList();
        }

        var slice = matching.Skip(page * pageSize).Take(pageSize).ToList();
        var basePath = $"/2010-04-01/Accounts/{account}/Messages.json?To={Uri.EscapeDataString(query["To"].ToString())}&From={Uri.EscapeDataString(query["From"].ToString())}&PageSize={pageSize}";
        return Results.Json(new Dictionary<string, object?>
        {
            ["messages"] = slice,
            ["page"] = page,
            ["page_size"] = pageSize,
            ["uri"] = $"{basePath}&Page={page}",
            ["first_page_uri"] = $"{basePath}&Page=0",
            ["next_page_uri"] = (page + 1) * pageSize < matching.Count ? $"{basePath}&Page={page + 1}" : null,
            ["previous_page_uri"] = page > 0 ? $"{basePath}&Page={page - 1}" : null,
            ["start"] = page * pageSize,
            ["end"] = page * pageSize + slice.Count - 1,
        });
    }

    private IResult Fetch(HttpContext context, string account, string sid)
    {
        if (Unauthorized(context, account) is { } denied)
        {
            return denied;
        }

        lock (gate)
        {
            var message = messages.FirstOrDefault(m => (string)m["sid"]! == sid);
            return message is null
                ? Error(404, 20404, $"The requested resource /2010-04-01/Accounts/{account}/Messages/{sid}.json was not found")
                : Results.Json(new Dictionary<string, object?>(message));
        }
    }

    private async Task SendCallbacksAsync(Dictionary<string, object?> message, TwilioMessageResource created, Uri url, FakeTwilioOutcome outcome, int? errorCode)
    {
        var statuses = outcome == FakeTwilioOutcome.Failed ? new[] { "queued", "failed" } : ["queued", "sent", Final(outcome)];
        foreach (var status in statuses)
        {
            Advance(message, status, status is "failed" or "undelivered" ? errorCode : null);
            var parameters = new List<KeyValuePair<string, string>>
            {
                new("MessageSid", created.Sid), new("SmsSid", created.Sid), new("AccountSid", AccountSid),
                new("From", created.From ?? ""), new("To", created.To ?? ""), new("MessageStatus", status), new("SmsStatus", status),
                new("ApiVersion", "2010-04-01"),
            };
            if (status is "failed" or "undelivered" && errorCode is not null)
            {
                parameters.Add(new("ErrorCode", errorCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            HttpStatusCode answer;
            try
            {
                using var response = await PostSignedAsync(url, parameters);
                answer = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                answer = 0;
            }

            lock (gate)
            {
                callbacks.Add(new FakeTwilioCallback(created.Sid, status, answer));
            }
        }
    }

    private void Advance(Dictionary<string, object?> message, string status, int? errorCode)
    {
        lock (gate)
        {
            message["status"] = status;
            message["error_code"] = errorCode;
            message["date_updated"] = TwilioDates.Format2822(time.GetUtcNow());
            if (status == "sent")
            {
                message["date_sent"] = message["date_updated"];
            }
        }
    }

    private static string Final(FakeTwilioOutcome outcome) => outcome switch
    {
        FakeTwilioOutcome.Undelivered => "undelivered",
        FakeTwilioOutcome.Failed => "failed",
        _ => "delivered",
    };

    private static bool PendingFault(FakeTwilioFault? fault, FakeTwilioFault kind) => fault == kind;

    private IResult? Unauthorized(HttpContext context, string account)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        return context.Request.Headers.Authorization.ToString() == expected && account == AccountSid
            ? null
            : Error(401, 20003, "Authenticate");
    }

    private static IResult Error(int status, int code, string message) => Results.Json(new Dictionary<string, object>
    {
        ["code"] = code,
        ["message"] = message,
        ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
        ["status"] = status,
    }, statusCode: status);

    private static bool IsE164(string number) => number.Length is >= 8 and <= 16 && number[0] == '+' && number[1] != '0' && number[1..].All(char.IsAsciiDigit);

    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    private static TwilioMessageResource ToResource(Dictionary<string, object?> message) =>
        JsonSerializer.Deserialize<TwilioMessageResource>(JsonSerializer.Serialize(message))!;
}
