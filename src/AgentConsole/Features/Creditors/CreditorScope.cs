using System.Security.Claims;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>
/// What one creditor caller (an API key, or a signed-in user in the Creditor role) may reach: the creditors it is bound to,
/// and, on a route with a <c>{reference}</c>, the one account of theirs it names. Built by <see cref="CreditorScopeFilter"/>,
/// the one place that keeps creditors' data apart; handlers read it with <see cref="Of"/> and never look an account up
/// themselves.
/// </summary>
/// <param name="Caller">"key:" and the key id, or "user:" and the user's id: the partition of rate limits and idempotency keys.</param>
/// <param name="Creditors">The caller's creditors by code.</param>
/// <param name="Account">The account the route's reference names, within <paramref name="Creditors"/>; null on routes without one.</param>
public sealed record CreditorScope(string Caller, IReadOnlyDictionary<string, CreditorId> Creditors, CreditorAccountRef? Account)
{
    /// <summary>Claim carrying a creditor's id: one per creditor a user is bound to; one on a key's principal.</summary>
    public const string CreditorClaim = "collections:creditor";

    /// <summary>Claim carrying the API key's id on a key's principal.</summary>
    public const string KeyClaim = "collections:key";

    /// <summary>The route parameter that names an account of the caller's.</summary>
    public const string ReferenceParameter = "reference";

    /// <summary>The scope the filter built for this request. A creditor route outside the filter is a bug: it throws.</summary>
    public static CreditorScope Of(HttpContext context) =>
        context.Items[typeof(CreditorScope)] as CreditorScope
        ?? throw new InvalidOperationException($"{context.Request.Path} is a creditor route outside the creditor filter.");

    /// <summary>The account of this request (routes with a reference only).</summary>
    public CreditorAccountRef RequireAccount() => Account ?? throw new InvalidOperationException("This route names no account.");

    /// <summary>The creditor ids a principal carries.</summary>
    public static IReadOnlyList<CreditorId> IdsOf(ClaimsPrincipal user) =>
        [.. user.FindAll(CreditorClaim).Select(c => Guid.TryParse(c.Value, out var id) ? new CreditorId(id) : (CreditorId?)null).OfType<CreditorId>().Distinct()];

    /// <summary>The partition of a principal: its key, else its user id.</summary>
    public static string CallerOf(ClaimsPrincipal user) =>
        user.FindFirst(KeyClaim)?.Value is { } key ? $"key:{key}" : $"user:{user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name ?? "anonymous"}";
}

/// <summary>An account a creditor may reach: its id, creditor and reference.</summary>
public sealed record CreditorAccountRef(AccountId Id, CreditorId CreditorId, string Reference);

/// <summary>Marks the endpoints behind <see cref="CreditorScopeFilter"/> (the tests check every creditor route carries it).</summary>
public sealed class CreditorScopedMetadata;

/// <summary>
/// The one place where creditor callers are kept to their own data. Every endpoint of the creditor API's group runs behind
/// it, and so does every route of the creditor portal: it turns the principal's creditor claims into a <see cref="CreditorScope"/>,
/// refuses a <c>?creditor=</c> code that is not the caller's, and resolves a route's <c>{reference}</c> among the caller's
/// creditors only. An account of another creditor answers 404,
/// exactly like one that does not exist, so a caller cannot even learn that another creditor's reference exists.
/// </summary>
internal sealed class CreditorScopeFilter(ICollectionsDbContextFactory contexts) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var ids = CreditorScope.IdsOf(http.User);
        if (ids.Count == 0)
        {
            return TypedResults.Forbid();
        }

        var ct = http.RequestAborted;
        await using var db = contexts.CreateDbContext();
        var creditors = await db.Creditors.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Code, c => c.Id, StringComparer.Ordinal, ct);
        var named = http.Request.Query["creditor"].ToString();
        if (named.Length > 0 && !creditors.ContainsKey(named))
        {
            // A creditor that is not the caller's answers like one that does not exist, on every route (figures, downloads).
            return TypedResults.Problem($"creditor: no creditor '{named}'", statusCode: StatusCodes.Status404NotFound);
        }

        CreditorAccountRef? account = null;
        if (http.Request.RouteValues.TryGetValue(CreditorScope.ReferenceParameter, out var value) && value is string reference)
        {
            List<CreditorId> within = named.Length > 0 ? [creditors[named]] : [.. creditors.Values];

            var found = await db.Accounts.AsNoTracking()
                .Where(a => within.Contains(a.CreditorId) && a.CreditorReference == reference)
                .Select(a => new CreditorAccountRef(a.Id, a.CreditorId, a.CreditorReference))
                .Take(2).ToListAsync(ct);
            if (found.Count == 0)
            {
                return TypedResults.Problem($"reference: no account '{reference}'", statusCode: StatusCodes.Status404NotFound);
            }

            if (found.Count > 1)
            {
                return TypedResults.Problem($"creditor: '{reference}' is an account of several of your creditors; name one with ?creditor=", statusCode: StatusCodes.Status400BadRequest);
            }

            account = found[0];
        }

        http.Items[typeof(CreditorScope)] = new CreditorScope(CreditorScope.CallerOf(http.User), creditors, account);
        return await next(context);
    }
}
