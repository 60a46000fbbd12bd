using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Collections.Dialer.Messaging.Twilio;

namespace Collections.Dialer.DemoCarrier.Messaging;

/// <summary>How a simulated message to a number ends, reported through status callbacks.</summary>
public enum SimulatedOutcome { Delivered, Undelivered, Failed }

/// <summary>A status callback the simulator sent, with the answer the webhook gave (0 when it could not be reached).</summary>
public sealed record SimulatedCallback(string MessageSid, string Status, HttpStatusCode Answer);

/// <summary>
/// Twilio's Messages API (2010-04-01) as the demo messaging provider and the tests need it: create, fetch and list messages
/// with basic auth, answered as Twilio documents them (201 with the message JSON; 400 with codes 21211 invalid To, 21212
/// invalid From, 21602 body required, 21610 unsubscribed recipient; 401 20003; 404 20404), then signed status callbacks
/// (queued, sent, then delivered, undelivered 30003 or failed 30008; free WhatsApp text outside the 24-hour window fails
/// with 63016) to each message's StatusCallback, and signed inbound messages to a webhook. Independent of any HTTP server:
/// <see cref="HandleAsync"/> takes a request and returns the answer.
/// </summary>
/// <remarks>With a journal file, every created message and its final status is appended as a JSON line, and read back at
/// start, so a restarted demo still lists what it accepted before: reconciliation after a crash then finds the message
/// instead of sending it again, as it would at Twilio.</remarks>
public sealed class TwilioApiSimulator
{
    private readonly TimeProvider time;
    private readonly string? journal;
    private readonly ConcurrentDictionary<string, SimulatedOutcome> outcomes = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> whatsAppSessions = new();
    private readonly ConcurrentDictionary<string, byte> unsubscribed = new();
    private readonly List<Dictionary<string, object?>> messages = [];
    private readonly List<SimulatedCallback> callbacks = [];
    private readonly List<Task> pendingCallbacks = [];
    private readonly Lock gate = new();
    private int creates;

    public TwilioApiSimulator(string accountSid, string authToken, TimeProvider time, string? journalPath = null)
    {
        AccountSid = accountSid;
        AuthToken = authToken;
        this.time = time;
        journal = journalPath;
        if (journal is not null)
        {
            Load(journal);
        }
    }

    public string AccountSid { get; }

    public string AuthToken { get; }

    /// <summary>Client that posts callbacks and inbound messages; replace it to reach an in-memory test host.</summary>
    public HttpClient CallbackClient { get; set; } = new();

    /// <summary>When false, no status callbacks are posted (as when the StatusCallback URL is unreachable).</summary>
    public bool SendCallbacks { get; set; } = true;

    /// <summary>Wait between a message's status callbacks (queued, sent, delivered).</summary>
    public TimeSpan StatusInterval { get; set; }

    /// <summary>Decides the outcome of a message to a number that has none set (the demo's share of undelivered messages).</summary>
    public Func<string, SimulatedOutcome>? OutcomeFor { get; set; }

    /// <summary>Called after the final status callback of each delivered message (the demo's simulated replies).</summary>
    public Func<TwilioMessageResource, Task>? Delivered { get; set; }

    /// <summary>Create requests handled (accepted or refused).</summary>
    public int CreateRequests => Volatile.Read(ref creates);

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

    /// <summary>Status callbacks sent so far and how the webhook answered.</summary>
    public IReadOnlyList<SimulatedCallback> Callbacks
    {
        get
        {
            lock (gate)
            {
                return [.. callbacks];
            }
        }
    }

    /// <summary>Messages to <paramref name="number"/> (E.164) end with <paramref name="outcome"/>.</summary>
    public void SetOutcome(string number, SimulatedOutcome outcome) => outcomes[number] = outcome;

    /// <summary>Twilio blocks a number that replied STOP to the sender (error 21610) until it replies START.</summary>
    public void Unsubscribe(string number) => unsubscribed[number] = 0;

    /// <summary>Answers one API request.</summary>
    public Task<LoopbackResponse> HandleAsync(LoopbackRequest request, CancellationToken cancellationToken)
    {
        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /2010-04-01/Accounts/{account}/Messages.json and /2010-04-01/Accounts/{account}/Messages/{sid}.json
        if (parts.Length < 4 || parts[0] != "2010-04-01" || parts[1] != "Accounts")
        {
            return Task.FromResult(Error(404, 20404, $"The requested resource {request.Path} was not found"));
        }

        var account = parts[2];
        if (Unauthorized(request, account) is { } denied)
        {
            if (request.Method == "POST")
            {
                Interlocked.Increment(ref creates);
            }

            return Task.FromResult(denied);
        }

        return (request.Method, parts.Length, parts[3]) switch
        {
            ("POST", 4, "Messages.json") => Task.FromResult(Create(account, request.Form())),
            ("GET", 4, "Messages.json") => Task.FromResult(List(account, request.QueryFields())),
            ("GET", 5, "Messages") when parts[4].EndsWith(".json", StringComparison.Ordinal) => Task.FromResult(Fetch(account, parts[4][..^5])),
            _ => Task.FromResult(Error(404, 20404, $"The requested resource {request.Path} was not found")),
        };
    }

    private static async Task RunAfterAsync(Task answered, Func<Task> callbacks)
    {
        await answered.ConfigureAwait(false);
        await callbacks().ConfigureAwait(false);
    }

    /// <summary>Waits until every status callback started so far has been answered.</summary>
    public async Task DrainCallbacksAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (gate)
            {
                pending = pendingCallbacks.Where(t => !t.IsCompleted).ToArray();
                pendingCallbacks.RemoveAll(t => t.IsCompleted);
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

        var sid = NewSid();
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", sid), new("SmsSid", sid), new("AccountSid", AccountSid), new("From", from), new("To", to),
            new("Body", body), new("NumMedia", "0"), new("NumSegments", "1"), new("SmsStatus", "received"), new("ApiVersion", "2010-04-01"),
        };
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

    private LoopbackResponse Create(string account, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        Interlocked.Increment(ref creates);
        string Field(string name) => form.LastOrDefault(f => f.Key == name).Value ?? "";
        var to = Field("To");
        var from = Field("From");
        var body = Field("Body");
        var contentSid = Field("ContentSid");
        var (whatsApp, number) = TwilioAddress.Parse(to);
        var (fromWhatsApp, fromNumber) = TwilioAddress.Parse(from);
        if (!IsE164(number))
        {
            return Error(400, 21211, $"The 'To' number {to} is not a valid phone number.");
        }

        if (!IsE164(fromNumber) || whatsApp != fromWhatsApp)
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
        var sid = NewSid();
        var message = new Dictionary<string, object?>
        {
            ["sid"] = sid,
            ["account_sid"] = account,
            ["api_version"] = "2010-04-01",
            ["to"] = to,
            ["from"] = from,
            ["body"] = string.IsNullOrEmpty(body) ? $"[content template {contentSid}] {Field("ContentVariables")}" : body,
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
            ["uri"] = $"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
        };
        lock (gate)
        {
            messages.Add(message);
            Journal(message);
        }

        // WhatsApp: free-form text only inside the 24-hour window after the user's last message; outside it Twilio accepts
        // the request and the message then fails with 63016, unless a content template (ContentSid) is used.
        var outcome = outcomes.TryGetValue(number, out var set) ? set : OutcomeFor?.Invoke(number) ?? SimulatedOutcome.Delivered;
        int? errorCode = outcome switch { SimulatedOutcome.Undelivered => 30003, SimulatedOutcome.Failed => 30008, _ => null };
        if (whatsApp && string.IsNullOrEmpty(contentSid)
            && (!whatsAppSessions.TryGetValue(number, out var opened) || now - opened > TimeSpan.FromHours(24)))
        {
            outcome = SimulatedOutcome.Failed;
            errorCode = 63016;
        }

        var created = ToResource(message);
        var json = JsonSerializer.Serialize(message);
        Func<Task> after;
        if (SendCallbacks && Uri.TryCreate(Field("StatusCallback"), UriKind.Absolute, out var callbackUrl))
        {
            // Counted as pending from now, before the answer leaves, so a drain that follows the answer waits for them; they
            // start once the answer is written (Twilio calls back after it answered the create).
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                pendingCallbacks.Add(RunAfterAsync(answered.Task, () => RunCallbacksAsync(message, created, callbackUrl, outcome, errorCode)));
            }

            after = () =>
            {
                answered.TrySetResult();
                return Task.CompletedTask;
            };
        }
        else
        {
            Advance(message, Final(outcome), errorCode);
            after = () => outcome == SimulatedOutcome.Delivered && Delivered is { } delivered ? delivered(created) : Task.CompletedTask;
        }

        return LoopbackResponse.Json(201, json) with { AfterSent = after };
    }

    private LoopbackResponse List(string account, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        string Field(string name) => query.LastOrDefault(f => f.Key == name).Value ?? "";
        var pageSize = int.TryParse(Field("PageSize"), CultureInfo.InvariantCulture, out var size) ? Math.Clamp(size, 1, 1000) : 50;
        var page = int.TryParse(Field("Page"), CultureInfo.InvariantCulture, out var p) ? Math.Max(0, p) : 0;
        var to = Field("To");
        var from = Field("From");
        List<Dictionary<string, object?>> matching;
        lock (gate)
        {
            matching = messages
                .Where(m => (string)m["account_sid"]! == account)
                .Where(m => to.Length == 0 || (string)m["to"]! == to)
                .Where(m => from.Length == 0 || (string)m["from"]! == from)
                .Reverse() // newest first, as Twilio lists
                .Select(m => new Dictionary<string, object?>(m))
                .ToList();
        }

        var slice = matching.Skip(page * pageSize).Take(pageSize).ToList();
        var basePath = $"/2010-04-01/Accounts/{account}/Messages.json?To={Uri.EscapeDataString(to)}&From={Uri.EscapeDataString(from)}&PageSize={pageSize}";
        return LoopbackResponse.Json(200, JsonSerializer.Serialize(new Dictionary<string, object?>
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
        }));
    }

    private LoopbackResponse Fetch(string account, string sid)
    {
        lock (gate)
        {
            var message = messages.FirstOrDefault(m => (string)m["sid"]! == sid && (string)m["account_sid"]! == account);
            return message is null
                ? Error(404, 20404, $"The requested resource /2010-04-01/Accounts/{account}/Messages/{sid}.json was not found")
                : LoopbackResponse.Json(200, JsonSerializer.Serialize(message));
        }
    }

    private async Task RunCallbacksAsync(Dictionary<string, object?> message, TwilioMessageResource created, Uri url, SimulatedOutcome outcome, int? errorCode)
    {
        var statuses = outcome == SimulatedOutcome.Failed ? new[] { "queued", "failed" } : ["queued", "sent", Final(outcome)];
        foreach (var status in statuses)
        {
            if (status != "queued" && StatusInterval > TimeSpan.Zero)
            {
                await Task.Delay(StatusInterval, time);
            }

            Advance(message, status, status is "failed" or "undelivered" ? errorCode : null);
            var parameters = new List<KeyValuePair<string, string>>
            {
                new("MessageSid", created.Sid), new("SmsSid", created.Sid), new("AccountSid", AccountSid),
                new("From", created.From ?? ""), new("To", created.To ?? ""), new("MessageStatus", status), new("SmsStatus", status),
                new("ApiVersion", "2010-04-01"),
            };
            if (status is "failed" or "undelivered" && errorCode is not null)
            {
                parameters.Add(new("ErrorCode", errorCode.Value.ToString(CultureInfo.InvariantCulture)));
            }

            HttpStatusCode answer;
            try
            {
                using var response = await PostSignedAsync(url, parameters);
                answer = response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = 0;
            }

            lock (gate)
            {
                callbacks.Add(new SimulatedCallback(created.Sid, status, answer));
            }
        }

        if (outcome == SimulatedOutcome.Delivered && Delivered is { } delivered)
        {
            await delivered(created);
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

            if (status is "delivered" or "undelivered" or "failed")
            {
                Journal(new Dictionary<string, object?> { ["sid"] = message["sid"], ["status"] = status, ["error_code"] = errorCode });
            }
        }
    }

    /// <summary>Appends one line to the journal (under the gate). The OS keeps it through a killed process.</summary>
    private void Journal(Dictionary<string, object?> line)
    {
        if (journal is not null)
        {
            File.AppendAllText(journal, JsonSerializer.Serialize(line) + "\n", Encoding.UTF8);
        }
    }

    private void Load(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return;
        }

        var bySid = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Dictionary<string, JsonElement>? fields;
            try
            {
                fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line);
            }
            catch (JsonException)
            {
                // A line cut short by a crash: the message it began was not acknowledged, as at a real provider.
                continue;
            }

            if (fields?.GetValueOrDefault("sid").GetString() is not { } sid)
            {
                continue;
            }

            if (fields.ContainsKey("to"))
            {
                var message = fields.ToDictionary(f => f.Key, f => (object?)Plain(f.Value));
                bySid[sid] = message;
                messages.Add(message);
            }
            else if (bySid.TryGetValue(sid, out var known))
            {
                known["status"] = Plain(fields["status"]);
                known["error_code"] = Plain(fields["error_code"]);
            }
        }
    }

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetInt32(),
        _ => null,
    };

    private static string Final(SimulatedOutcome outcome) => outcome switch
    {
        SimulatedOutcome.Undelivered => "undelivered",
        SimulatedOutcome.Failed => "failed",
        _ => "delivered",
    };

    private LoopbackResponse? Unauthorized(LoopbackRequest request, string account)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        return request.Headers.GetValueOrDefault("Authorization") == expected && account == AccountSid
            ? null
            : Error(401, 20003, "Authenticate");
    }

    /// <summary>Twilio's error answer: code, message, more_info, status.</summary>
    public static LoopbackResponse Error(int status, int code, string message, IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        LoopbackResponse.Json(status, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
            ["status"] = status,
        }), headers);

    private static bool IsE164(string number) => number.Length is >= 8 and <= 16 && number[0] == '+' && number[1] != '0' && number[1..].All(char.IsAsciiDigit);

    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    private static TwilioMessageResource ToResource(Dictionary<string, object?> message) =>
        JsonSerializer.Deserialize<TwilioMessageResource>(JsonSerializer.Serialize(message))!;
}
