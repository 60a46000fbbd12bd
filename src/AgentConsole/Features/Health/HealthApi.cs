using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collections.AgentConsole.Features.Health;

/// <summary><c>/health</c>: 200 when every check passes, 503 when one is Unhealthy, with each check's status as JSON. The
/// database is always checked; other features add theirs (the Redis backplane when configured, docs/scale-out.md).</summary>
public static class HealthApi
{
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            }),
        });
        return app;
    }
}

/// <summary>Reachable means a connection opens and the schema exists (the accounts table can be queried).</summary>
internal sealed class DatabaseHealthCheck(ICollectionsDbContextFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = factory.CreateDbContext();
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("database unreachable");
            }

            var pending = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, cancellationToken);
            return pending.Any()
                ? HealthCheckResult.Unhealthy($"database reachable but {pending.Count()} migrations are pending: run 'collections-dialer migrate'")
                : HealthCheckResult.Healthy($"{db.Database.ProviderName} reachable, schema current");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database unreachable: " + ex.GetType().Name, ex);
        }
    }
}
