using Collections.Shared.Audit;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.SignalR;

namespace Collections.AgentConsole.Features.Audit;

/// <summary>The audit trail in the console (docs/security.md): every read of a debtor's data through the API, the case pages,
/// the creditor portal and API, recordings and screen-pops, and every change of a debtor's data or case (outcomes, decisions,
/// visits, imports, placements), is appended to the hash-chained trail with who, what, when and from where. The trail is
/// anchored in a file outside the database (<see cref="AuditAnchor"/>).</summary>
public static class AuditSetup
{
    /// <summary>The action of an entry that read data.</summary>
    public const string Read = "read";

    /// <summary>The action of an entry that changed data.</summary>
    public const string Change = "change";

    public static IHostApplicationBuilder AddAuditTrail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new AuditTrail(
            sp.GetRequiredService<ICollectionsDbContextFactory>().CreateDbContext,
            sp.GetRequiredService<TimeProvider>(),
            AnchorOf(sp)));
        builder.Services.AddHostedService<AuditWriter>();
        return builder;
    }

    /// <summary>The anchor file of this console's database (<c>Collections:Audit:AnchorFile</c>, default beside the SQLite file).</summary>
    internal static AuditAnchor? AnchorOf(IServiceProvider sp) => AuditAnchor.For(
        sp.GetRequiredService<IConfiguration>(),
        sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value,
        sp.GetRequiredService<ILoggerFactory>().CreateLogger<AuditAnchor>());

    /// <summary>Records a successful call of this endpoint as a read of <paramref name="detail"/> (the subject is the request's
    /// path and query: the account, reference, search or file read). Refused and not-found answers are not reads.</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder endpoint, string detail)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (Succeeded(result, out _))
            {
                var http = context.HttpContext;
                await http.RequestServices.GetRequiredService<AuditTrail>().EnqueueAsync(
                    ActorOf(http), Read, $"{http.Request.Path}{http.Request.QueryString}", detail, FromOf(http), http.RequestAborted);
            }

            return result;
        });

    /// <summary>Records a successful call of this endpoint as a change of kind <paramref name="kind"/> (a promise, a legal
    /// decision, a placement ...). The subject is the request's path (it names the account, reference or offer), or what
    /// <paramref name="subject"/> makes of the request's arguments and the answer's value (an import's file and counts). Refused
    /// and failed requests changed nothing and are not recorded; nor is a creditor API request replayed from its
    /// Idempotency-Key (the group's idempotency filter answers it before this one runs). <paramref name="qualifier"/> adds what the request asked for to the kind ("legal decision: file").</summary>
    public static TBuilder AuditedChange<TBuilder>(
        this TBuilder endpoint, string kind, Func<EndpointFilterInvocationContext, object?, string?>? subject = null, Func<EndpointFilterInvocationContext, string?>? qualifier = null)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (Succeeded(result, out var value))
            {
                var http = context.HttpContext;
                await http.RequestServices.GetRequiredService<AuditTrail>().EnqueueAsync(
                    ActorOf(http), Change, subject?.Invoke(context, value) ?? $"{http.Request.Path}{http.Request.QueryString}",
                    qualifier?.Invoke(context) is { Length: > 0 } what ? $"{kind}: {what}" : kind, FromOf(http), http.RequestAborted);
            }

            return result;
        });

    /// <summary>The request's argument of type <typeparamref name="T"/> (its body), if any.</summary>
    public static T? Argument<T>(this EndpointFilterInvocationContext context)
        where T : class => context?.Arguments.OfType<T>().FirstOrDefault();

    /// <summary>Records a change of <paramref name="subject"/> made by <paramref name="who"/>.</summary>
    public static ValueTask ChangedAsync(this AuditTrail trail, AuditActor who, string subject, string kind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(who);
        return trail.EnqueueAsync(who.Name, Change, subject, kind, who.From, ct);
    }

    /// <summary>True for an answer below 400 (a <c>Results&lt;...&gt;</c> union is looked into), with its value if it has one.</summary>
    internal static bool Succeeded(object? result, out object? value)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        value = result is IValueHttpResult withValue ? withValue.Value : null;
        return result is not IStatusCodeHttpResult { StatusCode: >= 400 };
    }

    /// <summary>The signed-in user's login, or the creditor API key's name.</summary>
    internal static string ActorOf(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    /// <summary>The client's address (after the trusted proxies the forwarded-headers middleware applied).</summary>
    internal static string? FromOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}

/// <summary>Who made a change, and from which address: the signed-in user of a hub call, or a process of the console.</summary>
public sealed record AuditActor(string Name, string? From)
{
    /// <summary>The signed-in user of a hub call and the address the connection came from.</summary>
    public static AuditActor Of(HubCallerContext hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        return new(hub.User?.Identity?.Name is { Length: > 0 } name ? name : "anonymous", hub.GetHttpContext() is { } http ? AuditSetup.FromOf(http) : null);
    }
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
