using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Creditors;
using Collections.Shared.Analytics;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Collections.AgentConsole.Features.Analytics;

/// <summary>One point of a curve as the page draws it.</summary>
public sealed record CurvePointDto(int Day, int Cases, double Value, double Low, double High);

/// <summary>The liquidation curve of one arm.</summary>
public sealed record ArmCurveDto(string Strategy, string Currency, string Arm, IReadOnlyList<CurvePointDto> Points);

/// <summary>The analytics page's data: the settings the figures rest on, one line per arm (as <c>analytics arms</c> prints
/// them) and the liquidation curves.</summary>
public sealed record ArmAnalyticsDto(string AsOf, double Alpha, int HorizonDays, double MixingEffect, IReadOnlyList<ArmLine> Arms, IReadOnlyList<ArmCurveDto> Curves)
{
    /// <summary>What followed each step, channel, template, script and discount offer (associations, not effects).</summary>
    public IReadOnlyList<TouchLine> Touches { get; init; } = [];

    /// <summary>Days after a touch over which what followed it is counted.</summary>
    public int TouchWindowDays { get; init; }
}

/// <summary>
/// Effectiveness analytics for supervisors (<c>/api/analytics</c>, page analytics.html) and for creditors in the portal
/// (<c>/api/creditor/portal/arms</c>, their own cases only): champion/challenger arms with intervals and the sequential
/// comparison, liquidation curves, and the curves as CSV (docs/analytics.md).
/// </summary>
public static class AnalyticsApi
{
    /// <summary>Binds <see cref="AnalyticsOptions"/> from <c>Collections:Analytics</c>, validated at start.</summary>
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization(AuthSetup.SupervisorPolicy);
        group.MapGet("/arms", (string? strategy, ICollectionsDbContextFactory contexts, StrategyCatalog catalog, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct) =>
            ArmsAsync(strategy, null, contexts, catalog, options.Value, time, ct)).WithSummary("Champion/challenger arms of every strategy (?strategy= for one)");
        group.MapGet("/touches.csv", (string? strategy, ICollectionsDbContextFactory contexts, StrategyCatalog catalog, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct) =>
            TouchesCsvAsync(strategy, null, contexts, catalog, options.Value, time, ct)).WithSummary("What followed each step, channel, template, script and discount offer, as CSV");
        group.MapGet("/curves.csv", (string? strategy, ICollectionsDbContextFactory contexts, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct) =>
            CsvAsync(strategy, null, contexts, null, options.Value, time, ct)).WithSummary("Liquidation curves by arm as CSV");

        var portal = app.MapGroup(CreditorPortalApi.Prefix).WithTags("Creditor portal")
            .RequireAuthorization(CreditorApiSetup.Policy)
            .RequireRateLimiting(CreditorApiSetup.RateLimitPolicy)
            .WithMetadata(new CreditorScopedMetadata())
            .AddEndpointFilter<CreditorScopeFilter>();
        portal.MapGet("/arms", (HttpContext http, string? strategy, ICollectionsDbContextFactory contexts, StrategyCatalog catalog, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct) =>
            ArmsAsync(strategy, Within(http), contexts, catalog, options.Value, time, ct)).WithSummary("Champion/challenger arms on the creditor's own cases (?creditor=)");
        portal.MapGet("/arms/touches.csv", (HttpContext http, string? strategy, ICollectionsDbContextFactory contexts, StrategyCatalog catalog, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct) =>
            TouchesCsvAsync(strategy, Within(http), contexts, catalog, options.Value, time, ct)).WithSummary("What followed each step, template, script and offer on the creditor's cases, as CSV");
        portal.MapGet("/arms/curves.csv", (HttpContext http, string? strategy, ICollectionsDbContextFactory contexts, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct) =>
            CsvAsync(strategy, Within(http), contexts, null, options.Value, time, ct)).WithSummary("The creditor's liquidation curves by arm as CSV");
        return app.MapArmControls();
    }

    // The creditor named by ?creditor= (the filter has checked it is the caller's), else every creditor of the caller.
    private static List<CreditorId> Within(HttpContext http) => CreditorPortalApi.Within(CreditorScope.Of(http), http);

    private static async Task<List<CaseOutcome>> OutcomesAsync(string? strategy, IReadOnlyList<CreditorId>? creditors, ICollectionsDbContextFactory contexts, StrategyCatalog? catalog, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        return await ArmOutcomeQuery.LoadAsync(db, string.IsNullOrWhiteSpace(strategy) ? null : strategy.Trim(), creditors, ct, catalog);
    }

    private static LocalDate Today(TimeProvider time) => Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date;

    internal static async Task<Ok<ArmAnalyticsDto>> ArmsAsync(string? strategy, IReadOnlyList<CreditorId>? creditors, ICollectionsDbContextFactory contexts, StrategyCatalog catalog, AnalyticsOptions options, TimeProvider time, CancellationToken ct)
    {
        var today = Today(time);
        var outcomes = await OutcomesAsync(strategy, creditors, contexts, catalog, ct);
        var reports = ArmAnalytics.Compute(outcomes, today, options);
        return TypedResults.Ok(new ArmAnalyticsDto(LocalDatePattern.Iso.Format(today), options.Alpha, options.HorizonDays, options.MixingEffect,
            [.. reports.Select(r => ArmExport.Line(r, options))],
            [.. reports.Select(r => new ArmCurveDto(r.Strategy, r.Currency, r.Arm, [.. r.Curve.Select(p => new CurvePointDto(p.Day, p.Cases,
                Math.Round(p.Liquidation.Value, 5), Math.Round(p.Liquidation.Low, 5), Math.Round(p.Liquidation.High, 5)))]))])
        {
            Touches = [.. TouchAnalytics.Compute(outcomes, today, options).Select(t => ArmExport.Line(t, options))],
            TouchWindowDays = options.TouchWindowDays,
        });
    }

    private static async Task<FileContentHttpResult> TouchesCsvAsync(string? strategy, IReadOnlyList<CreditorId>? creditors, ICollectionsDbContextFactory contexts, StrategyCatalog catalog, AnalyticsOptions options, TimeProvider time, CancellationToken ct)
    {
        var today = Today(time);
        var touches = TouchAnalytics.Compute(await OutcomesAsync(strategy, creditors, contexts, catalog, ct), today, options).Select(t => ArmExport.Line(t, options));
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ArmExport.TouchesCsv(touches)), "text/csv; charset=utf-8", $"touches-{LocalDatePattern.Iso.Format(today)}.csv");
    }

    private static async Task<FileContentHttpResult> CsvAsync(string? strategy, IReadOnlyList<CreditorId>? creditors, ICollectionsDbContextFactory contexts, StrategyCatalog? catalog, AnalyticsOptions options, TimeProvider time, CancellationToken ct)
    {
        var today = Today(time);
        var reports = ArmAnalytics.Compute(await OutcomesAsync(strategy, creditors, contexts, catalog, ct), today, options);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ArmExport.CurvesCsv(reports)), "text/csv; charset=utf-8", $"liquidation-curves-{LocalDatePattern.Iso.Format(today)}.csv");
    }
}
