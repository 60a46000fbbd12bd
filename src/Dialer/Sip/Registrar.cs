using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Sip;

/// <summary>The agents' phones registrar: realm, extensions with their passwords, allowed expiry range.</summary>
internal sealed class RegistrarOptions
{
    public const string Section = "Dialer:Registrar";

    [Required]
    public string Realm { get; set; } = "collections";

    /// <summary>Extension (e.g. "1001") to its SIP password.</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);

    [Range(1, 86400)]
    public int MinExpires { get; set; } = 60;

    [Range(1, 86400)]
    public int MaxExpires { get; set; } = 3600;

    /// <summary>How long a nonce stays valid before the phone gets stale=true (RFC 2617 3.2.1).</summary>
    [Range(10, 86400)]
    public int NonceLifetimeSeconds { get; set; } = 300;

    /// <summary>Failed digests from one source address within <see cref="FailureWindowSeconds"/> that block it (fail2ban's maxretry).</summary>
    [Range(1, 10_000)]
    public int MaxFailuresPerSource { get; set; } = 10;

    /// <summary>Failed digests for one extension (whether it exists or not) within the window that block it, from anywhere.</summary>
    [Range(1, 10_000)]
    public int MaxFailuresPerExtension { get; set; } = 10;

    /// <summary>The window failures are counted in (fail2ban's findtime).</summary>
    [Range(1, 86400)]
    public int FailureWindowSeconds { get; set; } = 60;

    /// <summary>How long a blocked source or extension is refused with 403 (fail2ban's bantime).</summary>
    [Range(1, 86400)]
    public int BlockSeconds { get; set; } = 300;

    /// <summary>
    /// Digest algorithms challenged, preferred first (RFC 8760 2.4). Some phones abort on the first
    /// challenge they cannot do instead of trying the next (baresip 1.0 with SHA-256): list only MD5 for them.
    /// </summary>
    [MinLength(1)]
    public List<string> Algorithms { get; set; } = ["SHA-256", "MD5"];

    /// <summary>Encryption for every phone unless <see cref="Phones"/> says otherwise for its extension.</summary>
    public PhoneSecurityOptions Security { get; set; } = new();

    /// <summary>Extension to its own encryption settings (replacing <see cref="Security"/> for that phone).</summary>
    public Dictionary<string, PhoneSecurityOptions> Phones { get; set; } = new(StringComparer.Ordinal);

    public PhoneSecurityOptions SecurityOf(string extension) => Phones.TryGetValue(extension, out var own) ? own : Security;
}

/// <summary>
/// How a registered phone's calls are protected: SRTP off, preferred or required, keyed by SDES or DTLS-SRTP, and whether
/// it must register over TLS (sips, RFC 5630). A browser phone (SIP over WebSocket) always gets DTLS-SRTP, as WebRTC demands.
/// </summary>
internal sealed class PhoneSecurityOptions
{
    [RegularExpression(Media.Srtp.MediaPolicy.PolicyPattern, ErrorMessage = "Srtp must be off, preferred or required.")]
    public string Srtp { get; set; } = "off";

    [RegularExpression(Media.Srtp.MediaPolicy.KeyingPattern, ErrorMessage = "SrtpKeying must be sdes or dtls.")]
    public string SrtpKeying { get; set; } = "sdes";

    /// <summary>Refuse REGISTER over UDP, TCP or plain WebSocket (403), so the phone's signalling is always encrypted.</summary>
    public bool RequireTls { get; set; }
}

/// <summary>Where a registered phone can be reached: its Contact, the transport and address (the flow) it registered from.</summary>
internal sealed record RegistrarBinding(string User, string Contact, SipProtocol Protocol, IPEndPoint Source, DateTimeOffset Expires)
{
    /// <summary>A phone on SIP over WebSocket is a browser (RFC 7118): WebRTC media.</summary>
    public bool Browser => Protocol is SipProtocol.Ws or SipProtocol.Wss;
}

/// <summary>
/// Registrar (RFC 3261 10.3) with digest authentication (RFC 2617, RFC 8760 SHA-256 and MD5 challenges,
/// qop=auth) and expiry. Nonces are an HMAC of their issue time and expire; a nonce that authenticated a request is
/// remembered with its highest nonce count until it expires, so a replayed Authorization is refused (RFC 7616 3.4).
/// Unknown and known extensions are answered alike (no enumeration), and failures are rate-limited per source and
/// per extension with a temporary block.
/// </summary>
internal sealed partial class Registrar
{
    /// <summary>Nonces remembered at most; beyond it the expired ones are forgotten (they would be refused as stale anyway).</summary>
    private const int MaxUsedNonces = 100_000;

    private readonly RegistrarOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, RegistrarBinding> _bindings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _usedNonces = new(StringComparer.Ordinal);
    private readonly Lock _nonceGate = new();
    private readonly AuthFailureLimiter _failures;

    /// <summary>Checked when the extension does not exist, so that an unknown one costs what a known one does.</summary>
    private readonly string _dummyPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public Registrar(RegistrarOptions options, TimeProvider time, ILogger? logger = null)
    {
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _failures = new AuthFailureLimiter(time, options.MaxFailuresPerSource, options.MaxFailuresPerExtension,
            TimeSpan.FromSeconds(options.FailureWindowSeconds), TimeSpan.FromSeconds(options.BlockSeconds));
    }

    /// <summary>Raised after a phone registered or refreshed (user, binding).</summary>
    public event Action<RegistrarBinding>? Registered;

    /// <summary>Raised when a phone's binding is dropped because the connection it registered over closed.</summary>
    public event Action<RegistrarBinding>? FlowLost;

    /// <summary>RFC 5626 5.2: bindings learnt over a connection that closed can no longer be used; a browser re-registers on a new one.</summary>
    public void ForgetFlow(SipProtocol protocol, IPEndPoint remote)
    {
        foreach (var (user, binding) in _bindings)
        {
            if (binding.Protocol == protocol && binding.Source.Equals(remote)
                && _bindings.TryRemove(new KeyValuePair<string, RegistrarBinding>(user, binding)))
            {
                LogFlowLost(_logger, user, protocol);
                FlowLost?.Invoke(binding);
            }
        }
    }

    public bool TryGetBinding(string user, out RegistrarBinding binding)
    {
        if (_bindings.TryGetValue(user, out binding!) && binding.Expires > _time.GetUtcNow())
        {
            return true;
        }

        _bindings.TryRemove(user, out _);
        binding = null!;
        return false;
    }

    /// <summary>The media policy for calls to a registered phone: WebRTC for a browser, else the phone's configured encryption.</summary>
    public MediaPolicy MediaPolicyFor(RegistrarBinding binding)
    {
        if (binding.Browser)
        {
            return MediaPolicy.Browser;
        }

        var security = _options.SecurityOf(binding.User);
        return new MediaPolicy(MediaPolicy.ParsePolicy(security.Srtp), MediaPolicy.ParseKeying(security.SrtpKeying), false, [AudioCodec.Pcmu, AudioCodec.Pcma]);
    }

    public Task HandleAsync(ServerTransaction tx)
    {
        var request = tx.Request;
        var user = NameAddress.Parse(request["To"] ?? string.Empty).Uri is var to && SipUri.TryParse(to, out var toUri) ? toUri.User : null;
        if (string.IsNullOrEmpty(user))
        {
            tx.RespondStateless(SipResponse.For(request, 400, "Bad Request (no extension in To)", SipStack.NewTag()));
            return Task.CompletedTask;
        }

        if (_failures.BlockedUntil(tx.Remote.Address, user) is { } until)
        {
            // As fail2ban bans: nothing is checked while blocked, not even a right password. Answered once, statelessly.
            var blocked = SipResponse.For(request, 403, "Forbidden (too many failed attempts)", SipStack.NewTag());
            blocked.Add("Retry-After", Math.Max(1, (int)Math.Ceiling((until - _time.GetUtcNow()).TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            tx.RespondStateless(blocked);
            return Task.CompletedTask;
        }

        // A console WebSocket carries its signed-in user's extension: they register that one only, whatever password they hold.
        if (tx.Source.AuthenticatedUser is { } signedIn && !string.Equals(signedIn, user, StringComparison.Ordinal))
        {
            LogRefused(_logger, user, $"the signed-in user's extension is {signedIn}");
            tx.RespondStateless(SipResponse.For(request, 403, $"Forbidden (signed in as extension {signedIn})", SipStack.NewTag()));
            return Task.CompletedTask;
        }

        // Unknown extensions are challenged and refused exactly like known ones with a wrong password (no 404: that told a
        // guesser which extensions exist), and their digest is checked against a dummy password so both cost the same.
        var known = _options.Users.TryGetValue(user, out var password);
        var auth = request["Authorization"] is { } a ? DigestChallenge.Parse(a) : null;
        var check = auth is null ? AuthCheck.Missing : Check(auth, user, known ? password! : _dummyPassword);
        if (!known && check != AuthCheck.Missing)
        {
            check = AuthCheck.Wrong;
        }

        if (check == AuthCheck.Ok && !TryUseNonce(auth!))
        {
            // RFC 7616 3.4 / RFC 2617 3.2.3: a nonce (and nonce count) already used is a replay; the credentials were right, so
            // a real phone is told stale=true and retries with the fresh nonce at once, while a captured header is useless.
            check = AuthCheck.Replayed;
        }

        if (check == AuthCheck.Wrong)
        {
            foreach (var (key, failures) in _failures.Fail(tx.Remote.Address, user))
            {
                LogBlocked(_logger, key, failures, _options.FailureWindowSeconds, _options.BlockSeconds, tx.Remote);
            }
        }

        if (check != AuthCheck.Ok)
        {
            LogChallenge(_logger, user, check);
            // RFC 3261 8.2.7: a challenge is the classic stateless answer; nothing is held for whoever asked.
            tx.RespondStateless(Challenge(request, stale: check is AuthCheck.Stale or AuthCheck.Replayed, browser: tx.Protocol is SipProtocol.Ws or SipProtocol.Wss));
            return Task.CompletedTask;
        }

        // After authentication, so that a per-extension TLS rule does not tell strangers which extensions exist.
        if (_options.SecurityOf(user).RequireTls && !tx.Protocol.IsSecure())
        {
            LogRefused(_logger, user, $"TLS is required and it came over {tx.Protocol}");
            tx.RespondStateless(SipResponse.For(request, 403, "Forbidden (TLS required: register over sips or wss)", SipStack.NewTag()));
            return Task.CompletedTask;
        }

        var now = _time.GetUtcNow();
        var defaultExpires = int.TryParse(request["Expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 3600;
        var contacts = request.GetAll("Contact").ToList();
        if (contacts.Count == 1 && contacts[0].Trim() == "*")
        {
            // RFC 3261 10.2.2: "*" with Expires: 0 removes every binding.
            _bindings.TryRemove(user, out _);
        }

        foreach (var c in contacts.Where(c => c.Trim() != "*"))
        {
            var na = NameAddress.Parse(c);
            var expires = HeaderParams.Get(na.Parameters, "expires") is { } pe && int.TryParse(pe, NumberStyles.None, CultureInfo.InvariantCulture, out var ce) ? ce : defaultExpires;
            if (expires == 0)
            {
                _bindings.TryRemove(user, out _);
                continue;
            }

            if (expires < _options.MinExpires)
            {
                // RFC 3261 10.3 step 7: 423 Interval Too Brief with Min-Expires.
                var brief = SipResponse.For(request, 423, "Interval Too Brief", SipStack.NewTag());
                brief.Add("Min-Expires", _options.MinExpires.ToString(CultureInfo.InvariantCulture));
                tx.RespondStateless(brief);
                return Task.CompletedTask;
            }

            expires = Math.Min(expires, _options.MaxExpires);
            var binding = new RegistrarBinding(user, na.Uri, tx.Protocol, tx.Remote, now.AddSeconds(expires));
            _bindings[user] = binding;
            LogRegistered(_logger, user, expires);
            Registered?.Invoke(binding);
        }

        var ok = SipResponse.For(request, 200, toTag: SipStack.NewTag());
        if (TryGetBinding(user, out var current))
        {
            var seconds = (int)Math.Max(0, (current.Expires - now).TotalSeconds);
            ok.Add("Contact", $"<{current.Contact}>;expires={seconds.ToString(CultureInfo.InvariantCulture)}");
        }

        ok.Add("Date", now.ToString("r", CultureInfo.InvariantCulture));
        tx.Respond(ok);
        return Task.CompletedTask;
    }

    private enum AuthCheck
    {
        Ok,
        Missing,
        Wrong,
        Stale,
        Replayed,
    }

    /// <summary>
    /// Records that <paramref name="auth"/>'s nonce authenticated a request with its nonce count (RFC 7616 3.4: the count
    /// must grow with each request on one nonce; without qop there is no count and the nonce is single-use). False on a replay.
    /// </summary>
    private bool TryUseNonce(DigestChallenge auth)
    {
        var nc = auth.Fields.TryGetValue("qop", out _) && auth.Fields.TryGetValue("nc", out var hex)
            && long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n) ? n : 0;
        lock (_nonceGate)
        {
            if (_usedNonces.TryGetValue(auth.Nonce, out var highest) && (nc == 0 || nc <= highest))
            {
                return false;
            }

            if (_usedNonces.Count >= MaxUsedNonces)
            {
                var now = _time.GetUtcNow().ToUnixTimeSeconds();
                foreach (var old in _usedNonces.Keys.Where(k => now - IssuedAt(k) > _options.NonceLifetimeSeconds).ToList())
                {
                    _usedNonces.Remove(old);
                }
            }

            _usedNonces[auth.Nonce] = Math.Max(nc, 1);
            return true;
        }
    }

    private static long IssuedAt(string nonce)
    {
        var dot = nonce.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && long.TryParse(nonce[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var issued) ? issued : 0;
    }

    private AuthCheck Check(DigestChallenge auth, string user, string password)
    {
        if (!string.Equals(auth.Fields.GetValueOrDefault("username"), user, StringComparison.Ordinal)
            || !string.Equals(auth.Realm, _options.Realm, StringComparison.Ordinal)
            || !DigestAuth.IsSupported(auth.Algorithm))
        {
            return AuthCheck.Wrong;
        }

        var nonceState = CheckNonce(auth.Nonce);
        if (nonceState == AuthCheck.Wrong)
        {
            return AuthCheck.Wrong;
        }

        if (!DigestAuth.Verify(auth, "REGISTER", password))
        {
            return AuthCheck.Wrong;
        }

        return nonceState;
    }

    private SipResponse Challenge(SipRequest request, bool stale, bool browser)
    {
        var r = SipResponse.For(request, 401, toTag: SipStack.NewTag());
        var nonce = NewNonce();
        var staleText = stale ? ", stale=true" : string.Empty;
        // RFC 8760 2.4: one challenge per algorithm, the preferred first. Browser SIP libraries (SIP.js, JsSIP) answer only
        // the first challenge and only MD5, so over WebSocket MD5 leads when it is allowed at all.
        var algorithms = _options.Algorithms.Where(DigestAuth.IsSupported);
        if (browser)
        {
            algorithms = algorithms.OrderBy(a => a.Equals("MD5", StringComparison.OrdinalIgnoreCase) ? 0 : 1);
        }

        foreach (var algorithm in algorithms)
        {
            r.Add("WWW-Authenticate", $"Digest realm=\"{_options.Realm}\", nonce=\"{nonce}\", qop=\"auth\", algorithm={algorithm}{staleText}");
        }
        return r;
    }

    /// <summary>issue-time.random.HMAC(issue-time.random): unique per challenge (so single use means something) and unforgeable.</summary>
    private string NewNonce()
    {
        var issued = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return issued + "." + Sign(issued);
    }

    private string Sign(string issued) => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(issued)))[..24];

    private AuthCheck CheckNonce(string nonce)
    {
        var dot = nonce.LastIndexOf('.');
        var issued = IssuedAt(nonce);
        if (dot <= 0 || issued <= 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(nonce[..dot])), Encoding.ASCII.GetBytes(nonce[(dot + 1)..])))
        {
            return AuthCheck.Wrong;
        }

        return _time.GetUtcNow().ToUnixTimeSeconds() - issued > _options.NonceLifetimeSeconds ? AuthCheck.Stale : AuthCheck.Ok;
    }

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "Extension {User} registered for {Expires} s")]
    private static partial void LogRegistered(ILogger logger, string user, int expires);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Debug, Message = "REGISTER for {User} challenged: {Reason}")]
    private static partial void LogChallenge(ILogger logger, string user, AuthCheck reason);

    [LoggerMessage(EventId = 3044, Level = LogLevel.Warning, Message = "SIP digest failures: {Key} failed {Failures} times within {Window} s (last from {Remote}); blocked for {Block} s")]
    private static partial void LogBlocked(ILogger logger, string key, int failures, int window, int block, IPEndPoint remote);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Information, Message = "Extension {User}: its {Protocol} connection closed, binding dropped")]
    private static partial void LogFlowLost(ILogger logger, string user, SipProtocol protocol);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Warning, Message = "REGISTER for {User} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string user, string reason);
}

/// <summary>
/// REGISTER as a client (RFC 3261 10.2) to a trunk's registrar, answering 401/407 with digest credentials
/// and refreshing before expiry (at 80 % of the granted time) on the injected clock.
/// </summary>
internal sealed class RegistrationClient : IAsyncDisposable
{
    private readonly SipUserAgent _ua;
    private readonly string _registrarUri;
    private readonly IPEndPoint _registrar;
    private readonly SipProtocol _protocol;
    private readonly string _user;
    private readonly string _password;
    private readonly int _expires;
    private readonly string _callId = SipStack.NewCallId();
    private readonly string _tag = SipStack.NewTag();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _cseq;
    private ITimer? _refresh;

    public RegistrationClient(SipUserAgent ua, string registrarUri, SipProtocol protocol, string user, string password, int expires)
    {
        _ua = ua;
        _registrarUri = registrarUri;
        _registrar = SipUri.Parse(registrarUri).ToEndPoint();
        _protocol = protocol;
        _user = user;
        _password = password;
        _expires = expires;
    }

    public int Registrations { get; private set; }

    public TimeSpan? GrantedExpiry { get; private set; }

    public int LastStatus { get; private set; }

    /// <summary>Registers now; on success schedules the refresh. Returns the final status.</summary>
    public async Task<int> RegisterAsync(int? expires = null)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            string? authHeader = null;
            string? authValue = null;
            SipResponse response;
            var attempts = 0;
            while (true)
            {
                var host = SipUri.Parse(_registrarUri).Host;
                var request = new SipRequest("REGISTER", $"sip:{host}");
                request.Add("From", $"<sip:{_user}@{host}>;tag={_tag}");
                request.Add("To", $"<sip:{_user}@{host}>");
                request.Add("Call-ID", _callId);
                request.Add("CSeq", $"{++_cseq} REGISTER");
                request.Add("Contact", $"<{_ua.Stack.ContactUri(_protocol, _user)}>");
                request.Add("Expires", (expires ?? _expires).ToString(CultureInfo.InvariantCulture));
                if (authHeader is not null)
                {
                    request.Add(authHeader, authValue!);
                }

                response = await _ua.Stack.SendRequest(request, _protocol, _registrar).Final.ConfigureAwait(false);
                if (response.StatusCode is 401 or 407 && attempts++ < 2
                    && DigestAuth.Choose(response.GetAll(response.StatusCode == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")) is { } challenge)
                {
                    authHeader = response.StatusCode == 401 ? "Authorization" : "Proxy-Authorization";
                    authValue = DigestAuth.Authorize(challenge, _user, _password, "REGISTER", request.Uri);
                    continue;
                }

                break;
            }

            LastStatus = response.StatusCode;
            if (response.StatusCode is >= 200 and < 300 && (expires ?? _expires) > 0)
            {
                Registrations++;
                var granted = GrantedSeconds(response) ?? _expires;
                GrantedExpiry = TimeSpan.FromSeconds(granted);
                _refresh?.Dispose();
                _refresh = _ua.Time.CreateTimer(_ => _ = RegisterAsync(), null, TimeSpan.FromSeconds(granted * 0.8), Timeout.InfiniteTimeSpan);
            }

            return response.StatusCode;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static int? GrantedSeconds(SipResponse response)
    {
        foreach (var c in response.GetAll("Contact"))
        {
            if (HeaderParams.Get(NameAddress.Parse(c).Parameters, "expires") is { } e && int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return int.TryParse(response["Expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}

/// <summary>OPTIONS keep-alive to a trunk's proxy (RFC 3261 11): tells whether the carrier answers.</summary>
internal sealed class OptionsKeepAlive : IAsyncDisposable
{
    private readonly SipUserAgent _ua;
    private readonly IPEndPoint _target;
    private readonly string _targetUri;
    private readonly SipProtocol _protocol;
    private readonly ITimer _timer;

    public OptionsKeepAlive(SipUserAgent ua, string targetUri, SipProtocol protocol, TimeSpan interval)
    {
        _ua = ua;
        _targetUri = targetUri;
        _target = SipUri.Parse(targetUri).ToEndPoint();
        _protocol = protocol;
        _timer = ua.Time.CreateTimer(_ => _ = PingAsync(), null, interval, interval);
    }

    public bool? Reachable { get; private set; }

    public int Sent { get; private set; }

    public int LastStatus { get; private set; }

    public async Task<int> PingAsync()
    {
        var r = new SipRequest("OPTIONS", _targetUri);
        var host = _ua.Stack.Transport.LocalEndPoint(_protocol).Address;
        r.Add("From", $"<sip:keepalive@{host}>;tag={SipStack.NewTag()}");
        r.Add("To", $"<{_targetUri}>");
        r.Add("Call-ID", SipStack.NewCallId());
        r.Add("CSeq", "1 OPTIONS");
        r.Add("Accept", "application/sdp");
        Sent++;
        var response = await _ua.Stack.SendRequest(r, _protocol, _target).Final.ConfigureAwait(false);
        LastStatus = response.StatusCode;
        // Any answer, even 404 or 405, proves the carrier is there; 408 (timer F) and 503 (transport) do not.
        Reachable = response.StatusCode is not (408 or 503);
        return response.StatusCode;
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();
}
