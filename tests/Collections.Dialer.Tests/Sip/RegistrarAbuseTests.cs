using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Sip;
using Collections.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Sip;

/// <summary>
/// The registrar tried as an attacker would (issue 19, finding 3): replayed credentials (RFC 7616 3.4), extension
/// enumeration, and password guessing, which is blocked per source and per extension as fail2ban does for Asterisk.
/// </summary>
public sealed class RegistrarAbuseTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 23, 0, 0, TimeSpan.Zero));
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ListLogs _log = new();
    private readonly Registrar _registrar;
    private readonly SipUserAgent _server;
    private int _cseq;

    public RegistrarAbuseTests()
    {
        _registrar = new Registrar(new RegistrarOptions
        {
            Users = { ["1001"] = "agent-pw" },
            MaxFailuresPerSource = 5,
            MaxFailuresPerExtension = 3,
            FailureWindowSeconds = 60,
            BlockSeconds = 300,
        }, _time, _log.CreateLogger("registrar"));
        _server = new SipUserAgent(_time) { Register = _registrar.HandleAsync };
        _server.Start(IPAddress.Loopback);
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public async ValueTask DisposeAsync()
    {
        _peer.Dispose();
        await _server.DisposeAsync();
    }

    private int PeerPort => ((IPEndPoint)_peer.LocalEndPoint!).Port;

    private string RegistrarUri => $"sip:127.0.0.1:{_server.Stack.Transport.UdpEndPoint.Port}";

    private SipRequest Register(string user, string contactUser, string? authorization = null, string? callId = null)
    {
        var r = new SipRequest("REGISTER", RegistrarUri);
        r.Add("Via", $"SIP/2.0/UDP 127.0.0.1:{PeerPort};branch={SipStack.NewBranch()}");
        r.Add("From", $"<sip:{user}@127.0.0.1>;tag={SipStack.NewTag()}");
        r.Add("To", $"<sip:{user}@127.0.0.1>");
        r.Add("Call-ID", callId ?? SipStack.NewCallId());
        r.Add("CSeq", $"{++_cseq} REGISTER");
        r.Add("Contact", $"<sip:{contactUser}@127.0.0.1:{PeerPort}>");
        r.Add("Expires", "300");
        if (authorization is not null)
        {
            r.Add("Authorization", authorization);
        }

        return r;
    }

    private async Task<SipResponse> ExchangeAsync(SipRequest request)
    {
        await _peer.SendToAsync(request.ToBytes(), _server.Stack.Transport.UdpEndPoint, TestContext.Current.CancellationToken);
        var buffer = new byte[65536];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        var r = await _peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        Assert.True(SipParser.TryParse(buffer.AsSpan(0, r.ReceivedBytes), out var m, out var error), error);
        return Assert.IsType<SipResponse>(m);
    }

    /// <summary>Asks for a challenge, then answers it with <paramref name="password"/>; returns the Authorization and the answer.</summary>
    private async Task<(string Authorization, SipResponse Response)> AuthenticateAsync(string user, string password, string contactUser = "phone")
    {
        var challenge = await ExchangeAsync(Register(user, contactUser));
        Assert.Equal(401, challenge.StatusCode);
        var digest = DigestAuth.Choose(challenge.GetAll("WWW-Authenticate"))!;
        var authorization = DigestAuth.Authorize(digest, user, password, "REGISTER", RegistrarUri);
        return (authorization, await ExchangeAsync(Register(user, contactUser, authorization)));
    }

    [Fact]
    public async Task ReplayedAuthorization_WithNewCallIdAndContact_GetsFresh401Stale_AndTheBindingStays()
    {
        var (captured, ok) = await AuthenticateAsync("1001", "agent-pw");
        Assert.Equal(200, ok.StatusCode);

        // Finding 3: the captured header with a new Call-ID and Contact: sip:evil@ was answered 200.
        var replay = await ExchangeAsync(Register("1001", "evil", captured, callId: SipStack.NewCallId()));
        Assert.Equal(401, replay.StatusCode);
        Assert.Contains("stale=true", replay["WWW-Authenticate"], StringComparison.Ordinal);
        Assert.DoesNotContain(DigestChallenge.Parse(captured)!.Nonce, replay["WWW-Authenticate"], StringComparison.Ordinal);
        Assert.True(_registrar.TryGetBinding("1001", out var binding));
        Assert.StartsWith("sip:phone@", binding.Contact, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameNonce_WithAHigherNonceCount_IsAccepted()
    {
        // RFC 7616 3.4: a client may reuse a nonce if each request carries a larger nc.
        var challenge = await ExchangeAsync(Register("1001", "phone"));
        var digest = DigestAuth.Choose(challenge.GetAll("WWW-Authenticate"))!;
        Assert.Equal(200, (await ExchangeAsync(Register("1001", "phone", DigestAuth.Authorize(digest, "1001", "agent-pw", "REGISTER", RegistrarUri, 1)))).StatusCode);
        Assert.Equal(200, (await ExchangeAsync(Register("1001", "phone", DigestAuth.Authorize(digest, "1001", "agent-pw", "REGISTER", RegistrarUri, 2)))).StatusCode);
        Assert.Equal(401, (await ExchangeAsync(Register("1001", "phone", DigestAuth.Authorize(digest, "1001", "agent-pw", "REGISTER", RegistrarUri, 2)))).StatusCode);
    }

    [Fact]
    public async Task ExpiredNonce_WithRightCredentials_GetsStale()
    {
        var challenge = await ExchangeAsync(Register("1001", "phone"));
        var digest = DigestAuth.Choose(challenge.GetAll("WWW-Authenticate"))!;
        _time.Advance(TimeSpan.FromSeconds(301)); // NonceLifetimeSeconds = 300
        var late = await ExchangeAsync(Register("1001", "phone", DigestAuth.Authorize(digest, "1001", "agent-pw", "REGISTER", RegistrarUri)));
        Assert.Equal(401, late.StatusCode);
        Assert.Contains("stale=true", late["WWW-Authenticate"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAndKnownExtensions_AreAnsweredAlike()
    {
        var unknownChallenge = await ExchangeAsync(Register("9999", "phone"));
        var knownChallenge = await ExchangeAsync(Register("1001", "phone"));
        Assert.Equal(Shape(knownChallenge), Shape(unknownChallenge));

        var (_, unknownWrong) = await AuthenticateAsync("9999", "guess");
        var (_, knownWrong) = await AuthenticateAsync("1001", "guess");
        Assert.Equal(401, knownWrong.StatusCode);
        Assert.Equal(Shape(knownWrong), Shape(unknownWrong));
    }

    /// <summary>What a guesser can compare: status, reason, header names, and the challenges without their nonces.</summary>
    private static string Shape(SipResponse r) =>
        $"{r.StatusCode} {r.Reason} | {string.Join(",", r.Headers.Select(h => h.Name))} | " +
        string.Join(" ; ", r.GetAll("WWW-Authenticate").Select(c => string.Join(",", DigestChallenge.Parse(c)!.Fields.Where(f => f.Key != "nonce").Select(f => $"{f.Key}={f.Value}"))));

    [Fact]
    public async Task WrongDigestsFromOneSource_BlockIt_WithOneWarning_UntilTheBlockEnds()
    {
        // Five failures (MaxFailuresPerSource) spread over extensions, so the per-extension limit (3) is not what blocks.
        foreach (var user in new[] { "1001", "1002", "1003", "1004", "1005" })
        {
            Assert.Equal(401, (await AuthenticateAsync(user, "guess")).Response.StatusCode);
        }

        var (_, refused) = await AuthenticateAsyncAllowBlocked("1001", "agent-pw");
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal("300", refused["Retry-After"]);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(3044, warning.EventId.Id);
        Assert.Contains("source 127.0.0.1", warning.Message, StringComparison.Ordinal);
        Assert.False(_registrar.TryGetBinding("1001", out _));

        _time.Advance(TimeSpan.FromSeconds(301));
        Assert.Equal(200, (await AuthenticateAsync("1001", "agent-pw")).Response.StatusCode);
    }

    [Fact]
    public async Task WrongDigestsForOneExtension_BlockThatExtensionOnly()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(401, (await AuthenticateAsync("1001", "guess" + i)).Response.StatusCode);
        }

        Assert.Equal(403, (await AuthenticateAsyncAllowBlocked("1001", "agent-pw")).Response.StatusCode);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("extension 1001", warning.Message, StringComparison.Ordinal);
        // Another extension from the same source is still challenged normally (3 failures from this source < 5).
        Assert.Equal(401, (await ExchangeAsync(Register("1002", "phone"))).StatusCode);
    }

    /// <summary>Like <see cref="AuthenticateAsync"/>, but the first answer may already be the block's 403.</summary>
    private async Task<(string? Authorization, SipResponse Response)> AuthenticateAsyncAllowBlocked(string user, string password)
    {
        var challenge = await ExchangeAsync(Register(user, "phone"));
        if (challenge.StatusCode != 401)
        {
            return (null, challenge);
        }

        var digest = DigestAuth.Choose(challenge.GetAll("WWW-Authenticate"))!;
        var authorization = DigestAuth.Authorize(digest, user, password, "REGISTER", RegistrarUri);
        return (authorization, await ExchangeAsync(Register(user, "phone", authorization)));
    }
}
