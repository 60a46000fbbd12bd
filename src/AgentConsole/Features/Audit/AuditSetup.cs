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
        builder.Services.AddHostedService<AuditWriter>();
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
                await http.RequestServices.GetRequiredService<AuditTrail>().EnqueueAsync(
                    ActorOf(http), "read", $"{http.Request.Path}{http.Request.QueryString}", detail, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
            }

            return result;
        });

    /// <summary>The signed-in user's login, or the creditor API key's name.</summary>
    internal static string ActorOf(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous";
}

/// <summary>Writes the reads the console queued into the trail, in batches, off the request path.</summary>
internal sealed partial class AuditWriter(AuditTrail trail, ILogger<AuditWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await trail.DrainAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Stopping: what was read until now still goes into the trail.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await trail.FlushAsync(grace.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 2960, Level = LogLevel.Error, Message = "Writing the audit trail failed; the batch is tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
