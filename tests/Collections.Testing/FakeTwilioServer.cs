using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging.Twilio;
using Collections.Testing;

namespace Collections.Testing;

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

/// <summary>
/// The demo messaging provider's Twilio API (<see cref="TwilioApiSimulator"/>) on a loopback port, with faults injected
/// before or after a create, for the tests of the client, the sender and the dispatcher.
/// </summary>
public sealed class FakeTwilioServer : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<FakeTwilioFault> faults = new();
    private LoopbackHttpServer server = null!;
    private int createRequests;

    private FakeTwilioServer(TwilioApiSimulator simulator) => Simulator = simulator;

    /// <summary>The simulated API behind the faults.</summary>
    public TwilioApiSimulator Simulator { get; }

    public string AccountSid => Simulator.AccountSid;

    public string AuthToken => Simulator.AuthToken;

    /// <summary>Where the server listens, for <see cref="TwilioOptions.BaseUrl"/>.</summary>
    public Uri BaseUrl => server.BaseUrl;

    /// <summary>Client used to post callbacks and inbound messages; replace it to reach an in-memory test host.</summary>
    public HttpClient CallbackClient
    {
        get => Simulator.CallbackClient;
        set => Simulator.CallbackClient = value;
    }

    /// <summary>When false, no status callbacks are posted (as when the StatusCallback URL is unreachable).</summary>
    public bool SendCallbacks
    {
        get => Simulator.SendCallbacks;
        set => Simulator.SendCallbacks = value;
    }

    /// <summary>POST requests to the Messages list that reached the server (accepted, refused or faulted).</summary>
    public int CreateRequests => Volatile.Read(ref createRequests);

    /// <summary>Messages created so far, as the API would list them.</summary>
    public IReadOnlyList<TwilioMessageResource> Messages => Simulator.Messages;

    /// <summary>Status callbacks sent so far and how our webhook answered.</summary>
    public IReadOnlyList<SimulatedCallback> Callbacks => Simulator.Callbacks;

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    public static Task<FakeTwilioServer> StartAsync(string accountSid, string authToken, TimeProvider? time = null, string? journalPath = null)
    {
        var fake = new FakeTwilioServer(new TwilioApiSimulator(accountSid, authToken, time ?? TimeProvider.System, journalPath));
        fake.server = new LoopbackHttpServer(fake.HandleAsync);
        fake.server.Start();
        return Task.FromResult(fake);
    }

    /// <summary>The next create request meets <paramref name="fault"/> (faults queue up, one per request).</summary>
    public void InjectFault(FakeTwilioFault fault) => faults.Enqueue(fault);

    /// <summary>Messages to <paramref name="number"/> (E.164) end with <paramref name="outcome"/>.</summary>
    public void SetOutcome(string number, SimulatedOutcome outcome) => Simulator.SetOutcome(number, outcome);

    /// <summary>Twilio blocks a number that replied STOP to the sender (error 21610) until it replies START.</summary>
    public void Unsubscribe(string number) => Simulator.Unsubscribe(number);

    /// <summary>Waits until every status callback started so far has been answered.</summary>
    public Task DrainCallbacksAsync() => Simulator.DrainCallbacksAsync();

    /// <summary>Posts an inbound message to <paramref name="webhook"/> as Twilio does, signed with the auth token (or <paramref name="signature"/> when given).</summary>
    public Task<HttpResponseMessage> SendInboundAsync(Uri webhook, string from, string to, string body, string? signature = null) =>
        Simulator.SendInboundAsync(webhook, from, to, body, signature);

    /// <summary>Posts form <paramref name="parameters"/> to <paramref name="url"/> with a signature (computed, or the one given).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(Uri url, IReadOnlyList<KeyValuePair<string, string>> parameters, string? signature = null) =>
        Simulator.PostSignedAsync(url, parameters, signature);

    public async ValueTask DisposeAsync()
    {
        await DrainCallbacksAsync();
        await server.DisposeAsync();
    }

    private async Task<LoopbackResponse> HandleAsync(LoopbackRequest request, CancellationToken cancellationToken)
    {
        var create = request.Method == "POST" && request.Path.EndsWith("/Messages.json", StringComparison.Ordinal);
        if (!create)
        {
            return await Simulator.HandleAsync(request, cancellationToken);
        }

        Interlocked.Increment(ref createRequests);
        FakeTwilioFault? fault = faults.TryDequeue(out var next) ? next : null;
        switch (fault)
        {
            case FakeTwilioFault.RateLimited:
                return TwilioApiSimulator.Error(429, 20429, "Too Many Requests", [new("Retry-After", "0")]);
            case FakeTwilioFault.ServerErrorBeforeCreate:
                return TwilioApiSimulator.Error(503, 20500, "Service Unavailable");
        }

        var created = await Simulator.HandleAsync(request, cancellationToken);
        return fault switch
        {
            FakeTwilioFault.ServerErrorAfterCreate => TwilioApiSimulator.Error(500, 20500, "Internal Server Error") with { AfterSent = created.AfterSent },
            FakeTwilioFault.DropAfterCreate => created with { Abort = true },
            _ => created,
        };
    }
}
