using Collections.Shared.Audit;
using Collections.Shared.Persistence;

namespace Collections.AgentConsole.Features.Audit;

/// <summary>The audit trail in the console (docs/security.md): every read of a debtor's data through the API, the case pages,
/// the creditor portal and API, recordings and screen-pops is appended to the hash-chained trail with who, what, when and
/// from where.</summary>
public static class AuditSetup
{
    public static IHostApplicationBuilder AddAuditTrail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new AuditTrail(sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Records a successful call of this endpoint as a read of <paramref name="detail"/> (the subject is the request's
    /// path and query: the account, reference, search or file read). Refused and not-found answers are not reads.</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder endpoint, string detail)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (result is not IStatusCodeHttpResult { StatusCode: >= 400 })
            {
                var http = context.HttpContext;
                await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
                    ActorOf(http), "read", $"{http.Request.Path}{http.Request.QueryString}", detail, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
            }

            return result;
        });

    /// <summary>The signed-in user's login, or the creditor API key's name.</summary>
    internal static string ActorOf(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous";
}
