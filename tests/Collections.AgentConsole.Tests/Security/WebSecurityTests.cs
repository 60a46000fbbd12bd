using System.Net;
using System.Net.Http.Json;
using System.Text;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Tests.Hosting;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collections.AgentConsole.Tests.Security;

/// <summary>The web edge tried from outside (issue 19, finding 4).</summary>
public sealed class WebSecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Credentials(string login, string password) =>
        new($"{{\"login\":\"{login}\",\"password\":\"{password}\"}}", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Every_response_carries_CSP_without_unsafe_inline_frame_denial_nosniff_and_referrer_policy()
    {
        await using var factory = new ConsoleFactory();
        using var client = factory.CreateClient();
        foreach (var path in new[] { "/", "/operator.html", "/js/signin.js", "/css/console.css", "/api/me", "/health", "/no-such-page" })
        {
            var response = await client.GetAsync(path, Ct);
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }
    }

    [Fact]
    public async Task The_pages_have_no_inline_script_or_style_for_the_CSP_to_block()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        await using var factory = new ConsoleFactory();
        using var client = factory.CreateClient();
        foreach (var page in new[] { "/", "/operator.html", "/wallboard.html", "/case.html", "/outbox.html", "/payments.html", "/settlements.html" })
        {
            var html = await client.GetStringAsync(page, Ct);
            Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"\sstyle\s*=", html);
            Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        }
    }

    [Fact]
    public async Task Behind_a_known_TLS_proxy_the_auth_cookie_is_Secure_HttpOnly_and_SameSite_and_a_stranger_cannot_claim_https()
    {
        await using var factory = new ConsoleFactory(("Collections:WebSecurity:KnownProxies:0", "10.1.2.3"));
        using var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddTransient<IStartupFilter, PeerAddressFilter>())).CreateClient();

        var cookie = await SignInThroughAsync(client, "10.1.2.3");
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        // The same header from an address that is not a known proxy is not believed.
        var plain = await SignInThroughAsync(client, "203.0.113.9");
        Assert.DoesNotContain("secure", plain, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Signs in over plain HTTP from <paramref name="peer"/>, which says the client spoke HTTPS to it; returns the auth cookie.</summary>
    private static async Task<string> SignInThroughAsync(HttpClient client, string peer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = Credentials(DemoUsers.SupervisorLogin, DemoUsers.Password) };
        request.Headers.Add(PeerAddressFilter.Header, peer);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");
        var response = await client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        return Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("collections.auth=", StringComparison.Ordinal));
    }

    /// <summary>The test server has no TCP peer: this sets the connection's address from a header, before the app's pipeline.</summary>
    private sealed class PeerAddressFilter : IStartupFilter
    {
        public const string Header = "X-Test-Peer";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }

                return inner(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task Outside_Development_the_OpenAPI_document_needs_a_sign_in_and_HTTPS_answers_carry_HSTS()
    {
        await using var factory = new ConsoleFactory(("Collections:Database:ConnectionString", "Data Source=/proc/no-such-folder/x.db"));
        using var client = factory.WithWebHostBuilder(b => b.UseSetting("environment", "Production"))
            .CreateClient(new() { BaseAddress = new Uri("https://collections.example/") });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json", Ct)).StatusCode);
        var page = await client.GetAsync("/", Ct);
        Assert.StartsWith("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_user_costs_a_password_hash_like_a_known_one()
    {
        // Finding 4: an unknown login answered in 2.8 ms and a known one in 82 ms. Counting hashes, not timing them.
        var counter = new CountingHasher();
        await using var factory = new ConsoleFactory();
        using var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<ConsoleUser>>(counter))).CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/login", Credentials(DemoUsers.SupervisorLogin, "wrong-password-1"), Ct)).StatusCode);
        var known = counter.Verifications;
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/login", Credentials("no.such.user", "wrong-password-1"), Ct)).StatusCode);
        Assert.Equal(1, known);
        Assert.Equal(2, counter.Verifications);
    }

    [Fact]
    public async Task Failed_sign_ins_from_one_address_are_refused_with_429_before_the_password_is_checked()
    {
        await using var factory = new ConsoleFactory(("Collections:WebSecurity:SignInFailuresPerWindow", "3"));
        using var client = factory.CreateClient();
        // Three guesses at three different operators (Identity's lockout per account would need ten on one).
        foreach (var login in new[] { "maria.gonzalez", "anna.schneider", "harriet.collins" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/login", Credentials(login, "guess-1234!A"), Ct)).StatusCode);
        }

        var refused = await client.PostAsync("/api/auth/login", Credentials(DemoUsers.SupervisorLogin, DemoUsers.Password), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_refused_hub_call_logs_one_warning_line_and_no_error_with_a_stack_trace()
    {
        var log = new ListLogs();
        await using var factory = new ConsoleFactory();
        var host = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        using var client = host.CreateClient();
        var login = await client.PostAsync("/api/auth/login", Credentials("maria.gonzalez", DemoUsers.Password), Ct);
        login.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(host.Server.BaseAddress, ConsoleHubs.AgentPath), o =>
            {
                o.HttpMessageHandlerFactory = _ => host.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        await hub.StartAsync(Ct);

        var refusal = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("OpenAccount", Guid.NewGuid(), Ct));
        Assert.Contains("current call", refusal.Message, StringComparison.Ordinal);

        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Error);
        var warning = Assert.Single(log.Entries, e => e.EventId.Id == 2951);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Null(warning.Exception);
        Assert.Contains("OpenAccount", warning.Message, StringComparison.Ordinal);
    }

    private sealed class CountingHasher : IPasswordHasher<ConsoleUser>
    {
        private readonly PasswordHasher<ConsoleUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(ConsoleUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ConsoleUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
