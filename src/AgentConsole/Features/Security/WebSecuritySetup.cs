using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Collections.AgentConsole.Features.Creditors;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Security;

/// <summary>The web edge, bound from <c>Collections:WebSecurity</c>: which proxies may say the client's address and scheme, and the sign-in rate limit.</summary>
public sealed class WebSecurityOptions
{
    public const string Section = "Collections:WebSecurity";

    /// <summary>Addresses of reverse proxies (TLS terminators, load balancers) whose X-Forwarded-For/-Proto are believed, e.g. "10.0.0.5".</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR notation, e.g. "10.0.0.0/24".</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// Failed sign-ins one client address may make per window before it is refused with 429 (beside Identity's lockout of
    /// an account after 10 failures): one address can then keep at most one account locked, never every operator's.
    /// </summary>
    [Range(1, 10_000)]
    public int SignInFailuresPerWindow { get; set; } = 10;

    [Range(1, 86_400)]
    public int SignInWindowSeconds { get; set; } = 300;

    /// <summary>Strict-Transport-Security max-age outside Development (RFC 6797 6.1.1).</summary>
    [Range(0, 3650)]
    public int HstsMaxAgeDays { get; set; } = 365;

    /// <summary>The problem with a configured proxy address or network, or null.</summary>
    public string? Problem() =>
        KnownProxies.FirstOrDefault(p => !IPAddress.TryParse(p, out _)) is { } badProxy ? $"KnownProxies: '{badProxy}' is not an IP address"
        : KnownNetworks.FirstOrDefault(n => !System.Net.IPNetwork.TryParse(n, out _)) is { } badNetwork ? $"KnownNetworks: '{badNetwork}' is not a CIDR network such as 10.0.0.0/24"
        : null;
}

/// <summary>
/// Security of the web edge: forwarded headers from known proxies (so the auth cookie is Secure behind a TLS proxy),
/// security headers on every response, HSTS outside Development, per-address rate limiting of sign-in, an
/// authenticated OpenAPI document outside Development, and one log line (not a stack trace) per refused hub call.
/// </summary>
public static partial class WebSecuritySetup
{
    /// <summary>
    /// Same origin only, and no inline script or style (CSP Level 3; the pages load their modules and styles as files, so an
    /// injected &lt;script&gt; or style attribute does not run). 'self' covers the console's own ws/wss (SignalR, SIP at /sip).
    /// frame-ancestors 'none' replaces X-Frame-Options for browsers that know CSP (the operator page cannot be framed).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IHostApplicationBuilder AddWebSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebSecurityOptions>().BindConfiguration(WebSecurityOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Problem() is null, $"{WebSecurityOptions.Section} has a proxy that is not an address or network (KnownProxies: 10.0.0.5, KnownNetworks: 10.0.0.0/24).")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebSecurityOptions>>((o, security) =>
        {
            // Only the proxies named here may say who the client is and that it spoke HTTPS; loopback stays trusted (the defaults).
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in security.Value.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in security.Value.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        builder.Services.AddOptions<HstsOptions>().Configure<IOptions<WebSecurityOptions>>((o, security) =>
            o.MaxAge = TimeSpan.FromDays(security.Value.HstsMaxAgeDays));
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<RefusedHubCallFilter>();
        builder.Services.Configure<HubOptions>(o => o.AddFilter<RefusedHubCallFilter>());
        // SignalR's dispatcher logs every exception a hub method throws at Error with its stack trace, refusals included (log
        // flooding by any signed-in user). RefusedHubCallFilter logs each failure once instead: a refusal as one warning
        // line, anything else at Error with its exception.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.None);
        return builder;
    }

    /// <summary>First in the pipeline: forwarded headers, HSTS outside Development, then the security headers on every response.</summary>
    public static WebApplication UseWebSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // The operator page needs the microphone for the browser phone; nothing needs the camera or location.
            headers["Permissions-Policy"] = "camera=(), geolocation=(), microphone=(self)";
            return next(context);
        });
        return app;
    }

    /// <summary>The OpenAPI document: open in Development, for signed-in users or creditor API keys elsewhere.</summary>
    public static WebApplication MapOpenApiDocument(this WebApplication app)
    {
        var document = app.MapOpenApi();
        if (!app.Environment.IsDevelopment())
        {
            document.RequireAuthorization(p => p
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, CreditorKeyAuthentication.SchemeName)
                .RequireAuthenticatedUser());
        }

        return app;
    }

    [LoggerMessage(EventId = 2951, Level = LogLevel.Warning, Message = "Hub call {Hub}.{Method} by {User} refused: {Reason}")]
    internal static partial void LogHubRefusal(ILogger logger, string hub, string method, string user, string reason);

    [LoggerMessage(EventId = 2952, Level = LogLevel.Error, Message = "Hub call {Hub}.{Method} by {User} failed")]
    internal static partial void LogHubFailure(ILogger logger, string hub, string method, string user, Exception exception);
}

/// <summary>
/// Failed sign-ins per client address (after forwarded headers) on the framework's fixed-window rate limiter: only failures
/// take a permit, so operators signing in are never slowed; an address out of permits is refused before any password check.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public SignInThrottle(IOptions<WebSecurityOptions> options)
    {
        var o = options.Value;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = o.SignInFailuresPerWindow,
            Window = TimeSpan.FromSeconds(o.SignInWindowSeconds),
            QueueLimit = 0,
        }));
    }

    public static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Whether <paramref name="address"/> may try now; when not, how long until it may (for Retry-After).</summary>
    public bool MayTry(string address, out TimeSpan retryAfter)
    {
        using var lease = _failures.AttemptAcquire(address, 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Failed(string address) => _failures.AttemptAcquire(address).Dispose();

    public void Dispose() => _failures.Dispose();
}

/// <summary>Logs a failed hub call once: a <see cref="HubException"/> (a refusal written for the operator) as one warning line.</summary>
internal sealed class RefusedHubCallFilter(ILogger<RefusedHubCallFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex) when (Log(invocationContext, ex))
        {
            throw;
        }
    }

    private bool Log(HubInvocationContext context, Exception ex)
    {
        var hub = context.Hub.GetType().Name;
        var user = context.Context.User?.Identity?.Name ?? "anonymous";
        if (ex is HubException)
        {
            WebSecuritySetup.LogHubRefusal(logger, hub, context.HubMethodName, user, ex.Message);
        }
        else
        {
            WebSecuritySetup.LogHubFailure(logger, hub, context.HubMethodName, user, ex);
        }

        return false;
    }
}
