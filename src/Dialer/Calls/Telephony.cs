using System.ComponentModel.DataAnnotations;
using System.Net;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;
using Collections.Dialer.Trunks;
using Collections.Shared.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Calls;

/// <summary>Where the Dialer's SIP user agent listens (agents' phones register here).</summary>
internal sealed class SipEndpointOptions
{
    public const string Section = "Dialer:Sip";

    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>UDP and TCP port; 0 picks a free one (tests, demo).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5060;

    [Range(1, 600)]
    public int RingTimeoutSeconds { get; set; } = 30;

    /// <summary>SIP over TLS (sips, RFC 5630) port for phones and carriers that call in; unset leaves it off, 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int? TlsPort { get; set; }

    /// <summary>SIP over WebSocket (RFC 7118) port of our own, for clients other than the console's page (which uses /sip on the console's port); unset leaves it off.</summary>
    [Range(0, 65535)]
    public int? WebSocketPort { get; set; }

    /// <summary>The same over TLS (wss).</summary>
    [Range(0, 65535)]
    public int? SecureWebSocketPort { get; set; }

    /// <summary>Our certificate for the TLS and wss listeners.</summary>
    public SipTlsListenerOptions Tls { get; set; } = new();

    /// <summary>What the endpoint holds for strangers (<c>Dialer:Sip:Limits</c>): message size, headers, transactions and dialogs per source.</summary>
    public SipLimits Limits { get; set; } = new();
}

/// <summary>The certificate our TLS listeners present and whether callers must present one (mutual TLS).</summary>
internal sealed class SipTlsListenerOptions
{
    /// <summary>PEM certificate (with <see cref="Key"/>) or PKCS#12 file; unset makes a self-signed one at start (a demo or lab only).</summary>
    public string? Certificate { get; set; }

    public string? Key { get; set; }

    public string? Password { get; set; }

    /// <summary>Callers must present a certificate trusted by <see cref="ClientCaCertificate"/> (mutual TLS).</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>PEM file of the CA(s) whose client certificates are accepted.</summary>
    public string? ClientCaCertificate { get; set; }
}

/// <summary>Call recording, bound from <c>Dialer:Recording</c>: off unless a folder is named.</summary>
/// <remarks>Recording a call needs the parties told first: GDPR Art. 13 (the purpose, at collection), and in US all-party
/// consent states such as California (Penal Code 632) a notice at the start of the call; the scripts must carry it.</remarks>
public sealed class RecordingOptions
{
    public const string Section = "Dialer:Recording";

    /// <summary>Folder for one stereo WAV per connected call (debtor left, agent right), named by the contact-ledger row's id;
    /// relative to the working folder; null or empty records nothing.</summary>
    public string? Directory { get; set; }

    /// <summary>The key file that encrypts recordings at rest (<see cref="Recording.RecordingKeyRing"/>); null or empty writes
    /// plain WAV files. Recordings are personal data of debtor and operator (GDPR Art. 32(1)(a): encryption as a security
    /// measure). Plain files made before a key was set stay readable; <c>recordings encrypt</c> converts them.</summary>
    public string? KeyFile { get; set; }

    private Recording.RecordingKeyRing? _keys;

    /// <summary>The recording of the call whose ledger row is <paramref name="attemptId"/>, or null when recording is off.</summary>
    public string? PathFor(Guid attemptId) => string.IsNullOrWhiteSpace(Directory) ? null : Path.Combine(Path.GetFullPath(Directory), $"{attemptId:D}.wav");

    /// <summary>Where and how to record the call whose ledger row is <paramref name="attemptId"/>; null when recording is off.</summary>
    public Recording.RecordingTarget? TargetFor(Guid attemptId) => PathFor(attemptId) is { } path ? new Recording.RecordingTarget(path, Keys()) : null;

    /// <summary>The key ring read from <see cref="KeyFile"/> (once), or null when recordings are not encrypted.</summary>
    /// <exception cref="InvalidOperationException">The key file cannot be used; the message names it and why.</exception>
    public Recording.RecordingKeyRing? Keys()
    {
        if (string.IsNullOrWhiteSpace(KeyFile))
        {
            return null;
        }

        if (_keys is null)
        {
            _keys = Recording.RecordingKeyRing.TryLoad(KeyFile, out var ring, out var error) ? ring : throw new InvalidOperationException(error);
        }

        return _keys;
    }

    /// <summary>Null when <see cref="KeyFile"/> is unset or usable; otherwise why not.</summary>
    public string? KeyFileProblem() => string.IsNullOrWhiteSpace(KeyFile) || Recording.RecordingKeyRing.TryLoad(KeyFile, out _, out var error) ? null : error;
}

/// <summary>Places debtor calls for the campaign: through the configured trunk, or the demo carrier when there is none.</summary>
internal interface IOutboundCalls
{
    /// <summary>True when calls go to the built-in demo carrier (no trunk configured).</summary>
    bool UsesDemoCarrier { get; }

    SipUserAgent UserAgent { get; }

    Registrar Registrar { get; }

    /// <summary>Calls <paramref name="number"/>; waits for a free line when the trunk's MaxConcurrentCalls are in use.</summary>
    Task<SipCallLeg> PlaceAsync(string number, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="number"/>, reporting each state the leg passes through (ringing, early media) to
    /// <paramref name="progress"/> before the final response; implementations that cannot report simply place the call.</summary>
    Task<SipCallLeg> PlaceAsync(string number, Action<CallState>? progress, CancellationToken cancellationToken) => PlaceAsync(number, cancellationToken);
}

/// <summary>Registers the SIP stack for a host: options validated at start, the user agent, registrar, trunk or demo carrier.</summary>
public static class TelephonyServiceCollectionExtensions
{
    /// <summary>
    /// Adds telephony: binds <c>Dialer:Sip</c>, <c>Dialer:Trunks</c>, <c>Dialer:Registrar</c>, <c>Dialer:DemoCarrier</c>;
    /// with no trunk configured the demo carrier and the demo phone are started on loopback and every call goes to
    /// the carrier. Also adds <see cref="AgentPhones"/>, the agents' nailed-up legs.
    /// </summary>
    public static IHostApplicationBuilder AddTelephony(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SipEndpointOptions>().BindConfiguration(SipEndpointOptions.Section).ValidateDataAnnotations()
            .Validate(o => Validator.TryValidateObject(o.Limits, new ValidationContext(o.Limits), null, true),
                $"{SipEndpointOptions.Section}:Limits is invalid (MaxMessageBytes 1024-65536, MaxHeaders 16-256, MaxTransactionsPerSource, MaxTransactions, MaxDialogsPerSource and RetryAfterSeconds at least 1).")
            .ValidateOnStart();
        builder.Services.AddOptions<RegistrarOptions>().ReplaceConfiguredLists(RegistrarOptions.Section).BindConfiguration(RegistrarOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RecordingOptions>()
            .BindConfiguration(RecordingOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.Directory) || TryCreate(o.Directory), $"{RecordingOptions.Section}:{nameof(RecordingOptions.Directory)} cannot be created or written.")
            .Validate(o => o.KeyFileProblem() is null, "Dialer:Recording:KeyFile cannot be used (missing, readable by others, or no valid '<id> <base64 key>' line); `recordings key` makes one.")
            .ValidateOnStart();
        builder.Services.AddOptions<DemoCarrier.DemoCarrierOptions>().BindConfiguration(DemoCarrier.DemoCarrierOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TrunksOptions>()
            .Configure<IConfiguration>((o, config) =>
            {
                foreach (var child in config.GetSection(TrunksOptions.Section).GetChildren())
                {
                    var trunk = new TrunkOptions();
                    ConfiguredLists.ClearConfigured(trunk, child);
                    child.Bind(trunk);
                    o.Trunks[child.Key] = trunk;
                }
            })
            .Validate(o => o.Trunks.All(t => Validator.TryValidateObject(t.Value, new ValidationContext(t.Value), null, true)),
                $"A trunk under {TrunksOptions.Section} is invalid (Proxy, CallerId, Transport, MaxConcurrentCalls, Codecs, Srtp, SrtpKeying).")
            .Validate(o => o.Trunks.All(t => t.Value.SecurityProblem() is null),
                $"A trunk under {TrunksOptions.Section} has encryption settings that cannot work together (SDES keys need Transport tls; Tls files must exist).")
            .ValidateOnStart();
        // The host's clock when it has one (the console's offset clock in rehearsals and end-to-end tests); an unconditional
        // Add here replaced it for every service resolved later, Quartz included.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TelephonyService>();
        builder.Services.AddSingleton<IOutboundCalls>(sp => sp.GetRequiredService<TelephonyService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelephonyService>());
        builder.Services.AddSingleton(sp => new BrowserPhones(sp.GetRequiredService<TelephonyService>(), sp.GetRequiredService<IOptions<RegistrarOptions>>()));
        builder.Services.AddSingleton(sp => new AgentPhones(sp.GetRequiredService<TelephonyService>(),
            sp.GetRequiredService<IOptions<SipEndpointOptions>>(), sp.GetRequiredService<ILogger<AgentPhones>>()));
        // After TelephonyService: hosted services stop in reverse order, so the agents' legs hang up while the user agent runs.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentPhones>());
        // Supervisors' legs into agents' calls (listen, whisper, barge); after AgentPhones, so they hang up first.
        builder.Services.AddSingleton(sp => new CallMonitors(sp.GetRequiredService<TelephonyService>(), sp.GetRequiredService<AgentPhones>(),
            sp.GetRequiredService<IOptions<SipEndpointOptions>>(), sp.GetRequiredService<ILogger<CallMonitors>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallMonitors>());
        return builder;
    }

    private static bool TryCreate(string directory)
    {
        try
        {
            var full = System.IO.Directory.CreateDirectory(directory).FullName;
            var probe = Path.Combine(full, $".write-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}

/// <summary>Owns the user agent for the host's lifetime and routes outbound calls.</summary>
internal sealed partial class TelephonyService(
    IOptions<SipEndpointOptions> endpoint,
    IOptions<TrunksOptions> trunks,
    IOptions<RegistrarOptions> registrar,
    IOptions<DemoCarrier.DemoCarrierOptions> demo,
    TimeProvider time,
    ILogger<TelephonyService> logger,
    IOptions<RecordingOptions>? recording = null) : IHostedService, IOutboundCalls, IAsyncDisposable
{
    private SipUserAgent? _ua;
    private DemoCarrier.DemoCarrier? _demo;
    private DemoPhone? _demoPhone;
    private TrunkRoute? _trunk;
    private SemaphoreSlim? _lines;
    private RegistrationClient? _registration;
    private OptionsKeepAlive? _keepAlive;

    public bool UsesDemoCarrier { get; private set; }

    public SipUserAgent UserAgent => _ua ?? throw new InvalidOperationException("Telephony has not started.");

    public Registrar Registrar { get; } = new(registrar.Value, time, logger);

    /// <summary>The built-in auto-answering phone for agents with no SIP phone registered; only with the demo carrier.</summary>
    public DemoPhone? DemoPhone => _demoPhone;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (recording?.Value is { Directory.Length: > 0 } recorded && string.IsNullOrWhiteSpace(recorded.KeyFile))
        {
            // GDPR Art. 32(1)(a): recordings are personal data; plain files are readable by anyone who can read the folder.
            LogPlainRecordings(logger, recorded.Directory);
        }

        var o = endpoint.Value;
        _ua = new SipUserAgent(time, logger, limits: o.Limits) { Register = Registrar.HandleAsync };
        var address = IPAddress.Parse(o.BindAddress);
        Listen(nameof(SipEndpointOptions.Port), o.Port, () => _ua.Start(address, o.Port, o.Port));
        if (o.TlsPort is not null || o.SecureWebSocketPort is not null)
        {
            var tls = ServerTls(o, address);
            if (o.TlsPort is { } tlsPort)
            {
                Listen(nameof(SipEndpointOptions.TlsPort), tlsPort, () => _ua.Stack.Transport.StartTls(address, tlsPort, tls));
                LogListening(logger, "TLS", _ua.Stack.Transport.TlsEndPoint!);
            }

            if (o.SecureWebSocketPort is { } wssPort)
            {
                Listen(nameof(SipEndpointOptions.SecureWebSocketPort), wssPort, () => _ua.Stack.Transport.StartWebSocket(address, wssPort, tls));
                LogListening(logger, "WSS", _ua.Stack.Transport.SecureWebSocketEndPoint!);
            }
        }

        if (o.WebSocketPort is { } wsPort)
        {
            Listen(nameof(SipEndpointOptions.WebSocketPort), wsPort, () => _ua.Stack.Transport.StartWebSocket(address, wsPort, null));
            LogListening(logger, "WS", _ua.Stack.Transport.WebSocketEndPoint!);
        }

        // RFC 5626 flow failure: a phone whose connection closed is no longer reachable through its binding.
        _ua.Stack.Transport.ConnectionClosed += (protocol, remote, _) => Registrar.ForgetFlow(protocol, remote);

        if (trunks.Value.Trunks.Count == 0)
        {
            // DESIGN.md 6: with no trunk the demo carrier answers every call, so a newcomer needs no configuration.
            _demo = new DemoCarrier.DemoCarrier(demo.Value, time, logger);
            _demo.Start(IPAddress.Loopback);
            // Our own carrier sends a BYE for every call it ends: never counted against the limits for strangers.
            _ua.Stack.Trust(_demo.EndPoint);
            _ua.Stack.Trust(_demo.TcpEndPoint);
            UsesDemoCarrier = true;
            _lines = new SemaphoreSlim(1000);
            LogDemo(logger, _demo.EndPoint);
            // DESIGN.md 6: an operator with no SIP phone registered gets the built-in demo phone.
            _demoPhone = new DemoPhone(time, logger);
            _demoPhone.Start(IPAddress.Loopback);
            _ua.Stack.Trust(_demoPhone.EndPoint);
            LogDemoPhone(logger, _demoPhone.EndPoint);
            return;
        }

        var (name, options) = trunks.Value.Trunks.First();
        var trunk = TrunkRoute.From(name, options);
        _trunk = trunk;
        trunk.Prepare(_ua.Stack.Transport);
        // The carrier's proxy (any port of its address) is exempt from the per-source limits: it carries every call.
        _ua.Stack.Trust(new IPEndPoint(trunk.Proxy.Address, 0));
        _lines = new SemaphoreSlim(options.MaxConcurrentCalls);
        if (trunk.RegistrarUri is { } registrarUri && options.Username is { } user)
        {
            _registration = new RegistrationClient(_ua, registrarUri, trunk.Protocol, user, options.Password ?? string.Empty, options.RegisterExpiresSeconds);
            var status = await _registration.RegisterAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            LogRegistered(logger, name, status);
        }

        if (options.OptionsKeepAliveSeconds > 0)
        {
            _keepAlive = new OptionsKeepAlive(_ua, trunk.ProxyUri, trunk.Protocol, TimeSpan.FromSeconds(options.OptionsKeepAliveSeconds));
        }
    }

    private static void Listen(string key, int port, Action start)
    {
        try
        {
            start();
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"{SipEndpointOptions.Section}:{key}: port {port} is in use (another SIP service or dialer); " +
                $"set {SipEndpointOptions.Section}:{key} to a free port, or 0 to pick one.", ex);
        }
    }

    /// <summary>The listeners' certificate: the configured one, else a self-signed one for this run (logged, so a lab can pin it).</summary>
    private SipTlsServerSettings ServerTls(SipEndpointOptions o, IPAddress address)
    {
        var t = o.Tls;
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        if (string.IsNullOrEmpty(t.Certificate))
        {
            certificate = SipCertificates.SelfSigned(address);
            LogSelfSigned(logger, certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
        }
        else
        {
            try
            {
                certificate = SipCertificates.Load(t.Certificate, t.Key, t.Password);
            }
            catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException($"{SipEndpointOptions.Section}:Tls:Certificate: cannot load '{t.Certificate}': {ex.Message}", ex);
            }
        }

        var roots = string.IsNullOrEmpty(t.ClientCaCertificate) ? null : SipCertificates.LoadRoots(t.ClientCaCertificate);
        return new SipTlsServerSettings(certificate, t.RequireClientCertificate, roots);
    }

    public Task<SipCallLeg> PlaceAsync(string number, CancellationToken cancellationToken) => PlaceAsync(number, null, cancellationToken);

    public async Task<SipCallLeg> PlaceAsync(string number, Action<CallState>? progress, CancellationToken cancellationToken)
    {
        var ua = UserAgent;
        await _lines!.WaitAsync(cancellationToken).ConfigureAwait(false);
        SipCallLeg leg;
        var ring = TimeSpan.FromSeconds(endpoint.Value.RingTimeoutSeconds);
        if (UsesDemoCarrier && _demo is not null)
        {
            leg = new SipCallLeg(ua, new OutboundCallRequest($"sip:{number}@127.0.0.1:{_demo.EndPoint.Port}", _demo.EndPoint, SipProtocol.Udp,
                "4930000000", ring, [AudioCodec.Pcmu, AudioCodec.Pcma]), logger);
        }
        else
        {
            var trunk = _trunk!;
            leg = new SipCallLeg(ua, trunk.Call(trunk.TargetFor(number), ring), logger);
        }

        _ = leg.Ended.ContinueWith(_ => _lines.Release(), TaskScheduler.Default);
        if (progress is not null)
        {
            leg.StateChanged += (_, _, to) => progress(to);
        }

        try
        {
            await leg.PlaceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await leg.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return leg;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    // The host stops the service and the container then disposes it, sometimes at the same time (a test factory's
    // Dispose): each part is taken out atomically, so exactly one caller disposes it.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _keepAlive, null) is { } keepAlive)
        {
            await keepAlive.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _registration, null) is { } registration)
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _demo, null) is { } demo)
        {
            await demo.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _demoPhone, null) is { } demoPhone)
        {
            await demoPhone.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _ua, null) is { } ua)
        {
            await ua.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 3072, Level = LogLevel.Warning, Message = "Calls are recorded to {Directory} unencrypted: set Dialer:Recording:KeyFile to encrypt them at rest (docs/privacy.md)")]
    private static partial void LogPlainRecordings(ILogger logger, string directory);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "No trunk configured: calls go to the demo carrier at {EndPoint}")]
    private static partial void LogDemo(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Information, Message = "Demo phone for agents without a SIP phone at {EndPoint}")]
    private static partial void LogDemoPhone(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "Registered with trunk {Trunk}: {Status}")]
    private static partial void LogRegistered(ILogger logger, string trunk, int status);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Information, Message = "SIP over {Transport} listening on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string transport, IPEndPoint endPoint);

    [LoggerMessage(EventId = 3053, Level = LogLevel.Warning, Message = "No certificate configured under Dialer:Sip:Tls: using a self-signed one for this run (SHA-256 {Thumbprint}); phones must be told to trust it")]
    private static partial void LogSelfSigned(ILogger logger, string thumbprint);
}
