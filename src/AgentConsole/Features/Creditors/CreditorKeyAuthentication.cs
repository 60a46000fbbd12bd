using System.Security.Claims;
using System.Text.Encodings.Web;
using Collections.Shared.Creditors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>Accepts <c>Authorization: Bearer &lt;creditor API key&gt;</c> (RFC 6750 section 2.1): the principal carries the key's
/// creditor in <see cref="CreditorScope.CreditorClaim"/>, as a signed-in Creditor user carries theirs, so the creditor filter
/// treats both alike.</summary>
internal sealed class CreditorKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CreditorKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CreditorKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var owner = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (owner is null)
        {
            return AuthenticateResult.Fail("unknown or revoked creditor API key");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, owner.KeyId),
            new Claim(ClaimTypes.Name, owner.KeyId),
            new Claim(CreditorScope.KeyClaim, owner.KeyId),
            new Claim(CreditorScope.CreditorClaim, owner.CreditorId.Value.ToString()),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"creditor-api\"";
        return Task.CompletedTask;
    }
}
