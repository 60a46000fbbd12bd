using System.Security.Claims;
using Collections.AgentConsole.Features.I18n;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Auth;

/// <summary>Sign-in: ASP.NET Core Identity on our database, cookie authentication, roles Operator, Supervisor, Administrator, Creditor.</summary>
public static class AuthSetup
{
    /// <summary>Claim carrying the operator's agent id (absent for users who take no calls).</summary>
    public const string AgentIdClaim = "collections:agent";

    /// <summary>Claim carrying the name shown on the console.</summary>
    public const string DisplayNameClaim = "collections:name";

    /// <summary>Policy for the supervisor hub and campaign commands.</summary>
    public const string SupervisorPolicy = "supervisor";

    /// <summary>The legal queue: role Legal, or an administrator.</summary>
    public const string LegalPolicy = "legal";

    /// <summary>The field visit page and its API: role FieldAgent, or an administrator.</summary>
    public const string FieldAgentPolicy = "field-agent";

    /// <summary>The audit page and its API: administrators only.</summary>
    public const string AdministratorPolicy = "administrator";

    public static IHostApplicationBuilder AddConsoleAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddIdentity<ConsoleUser, IdentityRole>(ConsoleIdentity.Configure)
            .AddEntityFrameworkStores<CollectionsDbContext>()
            .AddClaimsPrincipalFactory<ConsoleClaimsFactory>();

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "collections.auth";
            o.Cookie.HttpOnly = true;
            // Secure whenever the request was HTTPS, including behind a TLS proxy named in Collections:WebSecurity:KnownProxies
            // (the forwarded-headers middleware makes such a request HTTPS before the cookie is written).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Strict: the cookie never rides on a request started by another site (CSRF on the JSON endpoints and hubs).
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.LoginPath = "/";
            // APIs and hubs answer 401/403 instead of redirecting to the sign-in page, so a script sees the refusal.
            o.Events.OnRedirectToLogin = ctx => Refuse(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Refuse(ctx, StatusCodes.Status403Forbidden);
        });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(SupervisorPolicy, p => p.RequireRole(ConsoleRoles.Supervisor, ConsoleRoles.Administrator))
            .AddPolicy(LegalPolicy, p => p.RequireRole(ConsoleRoles.Legal, ConsoleRoles.Administrator))
            .AddPolicy(FieldAgentPolicy, p => p.RequireRole(ConsoleRoles.FieldAgent, ConsoleRoles.Administrator))
            .AddPolicy(AdministratorPolicy, p => p.RequireRole(ConsoleRoles.Administrator));
        return builder;
    }

    private static Task Refuse(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments(Phone.PhoneSetup.Path))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    private static readonly ConsoleUser DummyUser = new() { UserName = "no-such-user", DisplayName = "no-such-user" };

    private static string? _dummyHash;

    /// <summary>A hash of a random password, made once with the configured hasher (same algorithm and iterations as real ones).</summary>
    private static string DummyHash(IPasswordHasher<ConsoleUser> hasher) =>
        _dummyHash ??= hasher.HashPassword(DummyUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    /// <summary>The signed-in operator's agent id, or null.</summary>
    public static AgentId? AgentIdOf(ClaimsPrincipal? user) =>
        user?.FindFirst(AgentIdClaim)?.Value is { } v && Guid.TryParse(v, out var id) ? new AgentId(id) : null;

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/login", async Task<Results<Ok<MeDto>, UnauthorizedHttpResult, ProblemHttpResult>> (LoginRequest request, HttpContext http, SignInManager<ConsoleUser> signIn, UserManager<ConsoleUser> users, IPasswordHasher<ConsoleUser> hasher, Security.SignInThrottle throttle, CollectionsDbContext db, CancellationToken ct) =>
        {
            var address = Security.SignInThrottle.AddressOf(http);
            if (!throttle.MayTry(address, out var retryAfter))
            {
                // RFC 6585 4: 429 with Retry-After in seconds (RFC 9110 10.2.3).
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem("Too many failed sign-ins from this address; try again later.", statusCode: StatusCodes.Status429TooManyRequests);
            }

            var user = await users.FindByNameAsync(request.Login ?? "");
            if (user is null)
            {
                // An unknown user costs one password hash like a known one (answering at once told a guesser who exists).
                hasher.VerifyHashedPassword(DummyUser, DummyHash(hasher), request.Password ?? "");
                throttle.Failed(address);
                return TypedResults.Unauthorized();
            }

            var result = await signIn.PasswordSignInAsync(user, request.Password ?? "", isPersistent: false, lockoutOnFailure: true);
            if (result.IsLockedOut || result.IsNotAllowed)
            {
                // Identity answers these without hashing: hash anyway, so a locked account does not show by its speed either.
                hasher.VerifyHashedPassword(DummyUser, DummyHash(hasher), request.Password ?? "");
            }

            if (!result.Succeeded)
            {
                throttle.Failed(address);
                return TypedResults.Unauthorized();
            }

            return TypedResults.Ok(new MeDto(user.UserName!, user.DisplayName, [.. await users.GetRolesAsync(user)], user.AgentId?.Value,
                await I18nApi.LanguageOfAsync(user, db, ct)));
        }).AllowAnonymous();

        group.MapPost("/logout", async (SignInManager<ConsoleUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        });

        // The language is read from the database, not the cookie, so a change made with the switch shows on the next page.
        app.MapGet("/api/me", async Task<Results<Ok<MeDto>, UnauthorizedHttpResult>> (ClaimsPrincipal user, UserManager<ConsoleUser> users, CollectionsDbContext db, CancellationToken ct) =>
                await users.GetUserAsync(user) is { } stored
                    ? TypedResults.Ok(new MeDto(
                        user.Identity!.Name!,
                        user.FindFirst(DisplayNameClaim)?.Value ?? user.Identity.Name!,
                        [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)],
                        AgentIdOf(user)?.Value,
                        await I18nApi.LanguageOfAsync(stored, db, ct)))
                    : TypedResults.Unauthorized())
            .RequireAuthorization().WithTags("Auth");
        return app;
    }
}

/// <summary>Credentials posted by the sign-in page.</summary>
public sealed record LoginRequest(string? Login, string? Password);

/// <summary>Who is signed in, and the language the console speaks to them (ISO 639-1).</summary>
public sealed record MeDto(string Login, string DisplayName, IReadOnlyList<string> Roles, Guid? AgentId, string Language);

/// <summary>Adds the agent id and display name to the sign-in cookie, so hubs know the operator without a database read.
/// A user in the Creditor role also gets one claim per creditor they are bound to, which the creditor filter reads
/// (Features/Creditors/CreditorScope.cs); the binding is read at sign-in, so a change shows at the next sign-in.</summary>
internal sealed class ConsoleClaimsFactory(UserManager<ConsoleUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, CollectionsDbContext db)
    : UserClaimsPrincipalFactory<ConsoleUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ConsoleUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AuthSetup.DisplayNameClaim, user.DisplayName));
        if (await UserManager.IsInRoleAsync(user, ConsoleRoles.Creditor))
        {
            foreach (var creditor in await db.CreditorUsers.Where(c => c.UserId == user.Id).Select(c => c.CreditorId).ToListAsync())
            {
                identity.AddClaim(new Claim(Creditors.CreditorScope.CreditorClaim, creditor.Value.ToString()));
            }
        }

        if (user.AgentId is { } agent)
        {
            identity.AddClaim(new Claim(AuthSetup.AgentIdClaim, agent.Value.ToString()));
        }

        return identity;
    }
}
