using System.Security.Claims;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Creditors;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using NodaTime.Text;

namespace Collections.AgentConsole.Features.Analytics;

/// <summary>An arm of a running test as the analytics page shows it.</summary>
public sealed record ArmStateDto(string Arm, decimal ConfiguredShare, decimal EffectiveShare, string Status, string? ChangedAt, string? ChangedBy, string? Note);

/// <summary>One change in a test's history.</summary>
public sealed record ArmChangeDto(string Arm, string Action, string At, string? By, string? Note);

/// <summary>A strategy's champion/challenger test: its arms now and what supervisors did to them.</summary>
public sealed record ArmTestDto(string Strategy, string ArmSeed, IReadOnlyList<ArmStateDto> Arms, IReadOnlyList<ArmChangeDto> History);

/// <summary>A supervisor's stop, start or promotion, with why.</summary>
public sealed record ArmChangeRequest(string? Note);

/// <summary>
/// Supervisors start, stop and promote champion/challenger arms on the analytics page (issue 20, item 2):
/// <c>GET /api/analytics/tests</c> lists every test's arms and history, <c>POST /api/analytics/tests/{strategy}/arms/{arm}/{stop|start|promote}</c>
/// appends a change, which new cases obey at once on every node (the claim analysis reads the changes when it opens a case or
/// starts an import). Creditors read the same state, without the supervisors' logins, in the portal.
/// </summary>
public static class ArmControlApi
{
    public static IEndpointRouteBuilder MapArmControls(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics/tests").WithTags("Analytics").RequireAuthorization(AuthSetup.SupervisorPolicy);
        group.MapGet(string.Empty, (StrategyCatalog catalog, ICollectionsDbContextFactory contexts, CancellationToken ct) => TestsAsync(catalog, contexts, withLogins: true, ct))
            .WithSummary("Champion/challenger tests: each arm's configured and effective share, status and the history of changes");
        group.MapPost("/{strategy}/arms/{arm}/{action}", ChangeAsync)
            .WithSummary("Stops, starts or promotes an arm (action: stop, start, promote); new cases obey it at once");

        // Behind the creditor filter like every portal route (?creditor= names one of the caller's own), though a test's state is
        // the same for every creditor.
        app.MapGroup(CreditorPortalApi.Prefix).WithTags("Creditor portal")
            .RequireAuthorization(CreditorApiSetup.Policy)
            .RequireRateLimiting(CreditorApiSetup.RateLimitPolicy)
            .WithMetadata(new CreditorScopedMetadata())
            .AddEndpointFilter<CreditorScopeFilter>()
            .MapGet("/arm-tests", (StrategyCatalog catalog, ICollectionsDbContextFactory contexts, CancellationToken ct) => TestsAsync(catalog, contexts, withLogins: false, ct))
            .WithSummary("Which arms of each test take new cases (read-only)");
        return app;
    }

    private static async Task<Ok<List<ArmTestDto>>> TestsAsync(StrategyCatalog catalog, ICollectionsDbContextFactory contexts, bool withLogins, CancellationToken ct)
    {
        await using var db = contexts.CreateDbContext();
        var controls = await ArmControls.LoadAsync(db, ct);
        return TypedResults.Ok(catalog.Strategies.Where(s => s.Challengers.Count > 0).Select(s => Test(s, controls, withLogins)).ToList());
    }

    private static ArmTestDto Test(Strategy strategy, ArmControls controls, bool withLogins) => new(strategy.Id, strategy.ArmSeed,
        [.. controls.States(strategy).Select(a => new ArmStateDto(a.Id, a.ConfiguredShare, a.EffectiveShare, a.Status,
            a.Since is null ? null : InstantPattern.General.Format(a.Since.At), withLogins ? a.Since?.By : null, a.Since?.Note))],
        [.. controls.History(strategy).Select(c => new ArmChangeDto(c.Arm, c.Action.ToString().ToLowerInvariant(), InstantPattern.General.Format(c.At), withLogins ? c.By : null, c.Note))]);

    private static async Task<Results<Ok<ArmTestDto>, NotFound<string>, ProblemHttpResult>> ChangeAsync(
        string strategy, string arm, string action, ArmChangeRequest? request, ClaimsPrincipal user, StrategyCatalog catalog,
        ICollectionsDbContextFactory contexts, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (catalog.Strategies.FirstOrDefault(s => s.Id == strategy) is not { } chosen)
        {
            return TypedResults.NotFound($"strategy: no strategy '{strategy}' is loaded");
        }

        if (!Enum.TryParse<ArmAction>(action, ignoreCase: true, out var verb) || !Enum.IsDefined(verb) || int.TryParse(action, out _))
        {
            return TypedResults.Problem("action: stop, start or promote", statusCode: StatusCodes.Status400BadRequest);
        }

        await using var db = contexts.CreateDbContext();
        var controls = await ArmControls.LoadAsync(db, ct);
        StrategyArmChange change;
        try
        {
            change = controls.Change(chosen, arm, verb, user.Identity?.Name ?? "supervisor", request?.Note, Instant.FromDateTimeOffset(time.GetUtcNow()));
        }
        catch (ArmControlException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict);
        }

        db.StrategyArmChanges.Add(change);
        await db.SaveChangesAsync(ct);
        ArmControlLog.Changed(loggers.CreateLogger(typeof(ArmControlApi)), change.By, change.Action, change.Arm, change.StrategyId, change.Note ?? string.Empty);
        return TypedResults.Ok(Test(chosen, await ArmControls.LoadAsync(db, ct), withLogins: true));
    }
}

internal static partial class ArmControlLog
{
    [LoggerMessage(EventId = 9460, Level = LogLevel.Information, Message = "Supervisor {By}: {Action} arm {Arm} of strategy {Strategy} ({Note})")]
    public static partial void Changed(ILogger logger, string by, ArmAction action, string arm, string strategy, string note);
}
