using System.Security.Claims;
using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Cases;
using Collections.AgentConsole.Features.Settlements;
using Collections.Dialer.Messaging;
using Collections.Dialer.Outreach.Reports;
using Collections.Shared.Cases;
using Collections.Shared.Contracts;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Reporting;
using Collections.Shared.Workflow;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>The creditors the caller may see, for the portal's creditor switch.</summary>
public sealed record PortalCreditorDto(string Code, string Name);

/// <summary>The portfolio figures of one creditor, per currency (docs/creditor-portal.md defines each).</summary>
public sealed record PortalFiguresDto(string Creditor, string CreditorName, DateOnly AsOf, IReadOnlyList<PortalCurrencyDto> Currencies);

/// <summary>One currency's figures; rates as fractions (0.25 = 25 %), null where nothing to divide by.</summary>
public sealed record PortalCurrencyDto(string Currency, int PlacedCount, decimal PlacedAmount, decimal Collected, decimal RecoveryRate,
    int PromisesResolved, int PromisesKept, decimal? PromiseKeptRate, int CallsMade, int RightPartyContacts, decimal? RightPartyContactRate,
    IReadOnlyList<PortalCurveDto> Curves, IReadOnlyList<PortalPhaseDto> Phases);

/// <summary>The liquidation curve of one placement month ("2026-11"): cumulative collected over placed by month since placement.</summary>
public sealed record PortalCurveDto(string PlacementMonth, IReadOnlyList<decimal> Rates);

/// <summary>How many accounts stand in a phase.</summary>
public sealed record PortalPhaseDto(string Phase, int Accounts);

/// <summary>One page of the account list.</summary>
public sealed record PortalAccountPageDto(int Total, int Page, int PageSize, IReadOnlyList<PortalAccountDto> Accounts);

/// <summary>An account line: placed amount (principal, contractual interest, fees), paid, outstanding, phase.</summary>
public sealed record PortalAccountDto(string Reference, string Creditor, string Debtor, string Currency, decimal Placed, decimal Paid, decimal Outstanding, string? Phase, DateOnly PlacedOn, bool Recalled);

/// <summary>A legal-action request (a case in legal review whose creditor asks to consent) and its answer.</summary>
public sealed record PortalLegalRequestDto(Guid CaseId, string Reference, string Creditor, string Debtor, string Currency, decimal Outstanding,
    DateTimeOffset? InReviewSince, string Status, string? DecidedBy, DateTimeOffset? DecidedAt, string? Note, string? Filing, DateTimeOffset? RequestedAt, string? RequestNote);

/// <summary>The creditor's request for legal review of an account, with an optional note to the legal team.</summary>
public sealed record PortalLegalReviewRequest(string? Note);

/// <summary>The creditor's answer to a settlement or legal-action request.</summary>
public sealed record PortalDecisionRequest(bool? Approve, string? Note);

/// <summary>
/// The creditor portal's data (pages portal.html and portal-account.html, docs/creditor-portal.md): portfolio figures, the
/// account list, an account's timeline, the settlement and legal-action requests to decide, and the report downloads. Every
/// route is in one group behind the same creditor filter as the creditor API (<see cref="CreditorScopeFilter"/>), so a
/// creditor's user reaches its own creditors' data only; recall is the creditor API's own route.
/// </summary>
public static class CreditorPortalApi
{
    public const string Prefix = "/api/creditor/portal";

    public static IHostApplicationBuilder AddCreditorPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PortfolioFactory>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCreditorPortal(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Creditor portal")
            .RequireAuthorization(CreditorApiSetup.Policy)
            .RequireRateLimiting(CreditorApiSetup.RateLimitPolicy)
            .WithMetadata(new CreditorScopedMetadata())
            .AddEndpointFilter<CreditorScopeFilter>();

        group.MapGet("/creditors", async (HttpContext http, ICollectionsDbContextFactory contexts, CancellationToken ct) =>
        {
            var ids = CreditorScope.Of(http).Creditors.Values.ToList();
            await using var db = contexts.CreateDbContext();
            return TypedResults.Ok(await db.Creditors.Where(c => ids.Contains(c.Id)).OrderBy(c => c.Code).Select(c => new PortalCreditorDto(c.Code, c.Name)).ToListAsync(ct));
        }).WithSummary("The creditors the signed-in user may see");
        group.MapGet("/figures", FiguresAsync).WithSummary("Portfolio figures of one creditor (?creditor=, default the first)");
        group.MapGet("/accounts", AccountsAsync).WithSummary("The accounts, searched by reference or name (?q=), a page at a time (?page=, ?size=)").Audited("portal account search");
        group.MapGet("/accounts/{reference}/timeline", TimelineAsync).WithSummary("An account's case timeline").Audited("portal case timeline");
        group.MapGet("/settlements", async (HttpContext http, SettlementDesk desk, CancellationToken ct) =>
            TypedResults.Ok(Anonymous(await desk.ListAsync(ct, Within(CreditorScope.Of(http), http)))))
            .WithSummary("Settlement requests beyond the consented discount: waiting, then the last week's decisions");
        group.MapPost("/accounts/{reference}/settlements/{offerId:guid}/decision", DecideSettlementAsync).WithSummary("Approve or refuse a settlement request")
            .AuditedChange("settlement decision by the creditor", qualifier: c => Decision(c.Argument<PortalDecisionRequest>()?.Approve));
        group.MapGet("/legal-actions", async (HttpContext http, PortfolioFactory portfolios, CancellationToken ct) =>
        {
            await using var lease = portfolios.Create();
            return TypedResults.Ok((await lease.Portfolio.LegalRequestsAsync(Within(CreditorScope.Of(http), http), null, ct)).Select(ToDto).ToList());
        }).WithSummary("Legal-action requests: cases in legal review waiting for the creditor's consent, and the answers given");
        group.MapPost("/accounts/{reference}/legal-action/decision", DecideLegalAsync).WithSummary("Consent to legal action on an account, or refuse it")
            .AuditedChange("legal action consent", qualifier: c => Decision(c.Argument<PortalDecisionRequest>()?.Approve));
        group.MapPost("/accounts/{reference}/legal-review", RequestLegalReviewAsync).WithSummary("Ask for legal review of an account: its case moves to the legal queue")
            .AuditedChange("legal review request by the creditor");
        group.MapGet("/reports/{file}", ReportAsync).WithSummary("report.pdf, accounts.csv or remittance.csv of one creditor (?creditor=) for ?from= to ?to=").Audited("portal report");
        app.MapHub<CreditorHub>(ConsoleHubs.CreditorPath);
        return app;
    }

    // The creditor named by ?creditor= (the filter has checked it is the caller's), else every creditor of the caller.
    internal static List<CreditorId> Within(CreditorScope scope, HttpContext http) =>
        http.Request.Query["creditor"].ToString() is { Length: > 0 } code ? [scope.Creditors[code]] : [.. scope.Creditors.Values];

    private static string CreditorOf(CreditorScope scope, HttpContext http) =>
        http.Request.Query["creditor"].ToString() is { Length: > 0 } code ? code : scope.Creditors.Keys.Order(StringComparer.Ordinal).First();

    private static async Task<Results<Ok<PortalFiguresDto>, NotFound>> FiguresAsync(HttpContext http, PortfolioFactory portfolios, CancellationToken ct)
    {
        var scope = CreditorScope.Of(http);
        await using var lease = portfolios.Create();
        if (await lease.Portfolio.FiguresAsync(CreditorOf(scope, http), ct) is not { } f)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new PortalFiguresDto(f.Creditor, f.CreditorName, f.AsOf.ToDateOnly(), [.. f.Currencies.Select(c => new PortalCurrencyDto(
            c.Currency, c.PlacedCount, c.PlacedAmount, c.Collected, c.RecoveryRate, c.PromisesResolved, c.PromisesKept, c.PromiseKeptRate,
            c.CallsMade, c.RightPartyContacts, c.RightPartyContactRate,
            [.. c.Curves.Select(k => new PortalCurveDto(YearMonthPattern.Iso.Format(k.PlacementMonth), k.Rates))],
            [.. c.Phases.Select(p => new PortalPhaseDto(p.Phase, p.Accounts))]))]));
    }

    private static async Task<Ok<PortalAccountPageDto>> AccountsAsync(HttpContext http, string? q, int? page, int? size, PortfolioFactory portfolios, CancellationToken ct)
    {
        await using var lease = portfolios.Create();
        var result = await lease.Portfolio.AccountsAsync(Within(CreditorScope.Of(http), http), q, page ?? 0, size ?? 50, ct);
        return TypedResults.Ok(new PortalAccountPageDto(result.Total, result.Page, result.PageSize, [.. result.Rows.Select(r =>
            new PortalAccountDto(r.Reference, r.Creditor, r.Debtor, r.Currency, r.Placed, r.Paid, r.Outstanding, r.Phase, r.PlacedOn.ToDateOnly(), r.Recalled))]));
    }

    private static async Task<Results<Ok<CaseTimelineDto>, NotFound>> TimelineAsync(string reference, HttpContext http, CaseTimelineQuery timelines, ICollectionsDbContextFactory contexts, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        var timeline = await timelines.LoadAsync(account.Id, ct);
        return timeline is null ? TypedResults.NotFound() : TypedResults.Ok(await CaseTimelineApi.ToDtoAsync(timeline, contexts, ct, agentNames: false));
    }

    private static async Task<Results<Ok<SettlementRequestDto>, NotFound<ProblemDetailsText>, ProblemHttpResult>> DecideSettlementAsync(
        string reference, Guid offerId, PortalDecisionRequest request, HttpContext http, SettlementDesk desk, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        // The offer is looked up within the account the filter resolved: another creditor's offer id is not found here.
        if (await desk.AccountOfAsync(offerId, ct) != account.Id)
        {
            return TypedResults.NotFound(new ProblemDetailsText($"offerId: no settlement request {offerId} on {reference}"));
        }

        if (request.Approve is not { } approve)
        {
            return TypedResults.Problem("approve: required, true or false", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            return TypedResults.Ok(Anonymous(await desk.DecideAsync(offerId, approve, DecidedBy(http.User), request.Note, ct, byCreditor: true)));
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static string? Decision(bool? approve) => approve is { } a ? (a ? "approved" : "refused") : null;

    // The answer goes through the workflow (one writer of cases and consents): approved files the case, refused puts it back
    // on the legal queue with the creditor's comment.
    private static async Task<Results<Ok<PortalLegalRequestDto>, ProblemHttpResult>> DecideLegalAsync(
        string reference, PortalDecisionRequest request, HttpContext http, PortfolioFactory portfolios, WorkflowRunner workflow, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        if (request.Approve is not { } approve)
        {
            return TypedResults.Problem("approve: required, true or false", statusCode: StatusCodes.Status400BadRequest);
        }

        await using var lease = portfolios.Create();
        try
        {
            await lease.Workflow(workflow).Cases.AnswerLegalConsentAsync(account.Id, approve, DecidedBy(http.User), request.Note, ct);
        }
        catch (LegalDecisionRefusedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(ToDto((await lease.Portfolio.LegalRequestsAsync([account.CreditorId], account.Id, ct)).Single()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RequestLegalReviewAsync(
        string reference, PortalLegalReviewRequest? request, HttpContext http, PortfolioFactory portfolios, WorkflowRunner workflow, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        await using var lease = portfolios.Create();
        try
        {
            await lease.Workflow(workflow).Cases.RequestLegalReviewAsync(account.Id, DecidedBy(http.User), request?.Note, ct);
            return TypedResults.NoContent();
        }
        catch (LegalDecisionRefusedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReportAsync(
        string file, string? from, string? to, HttpContext http, ICollectionsDbContextFactory contexts, CreditorReportRenderer renderer,
        IOptions<MessagingOptions> messaging, CancellationToken ct)
    {
        var scope = CreditorScope.Of(http);
        var type = file switch
        {
            CreditorReportFiles.Pdf => "application/pdf",
            CreditorReportFiles.Accounts or CreditorReportFiles.Remittance => "text/csv; charset=utf-8",
            _ => null,
        };
        if (type is null)
        {
            return TypedResults.Problem($"file: '{file}' is not {CreditorReportFiles.Pdf}, {CreditorReportFiles.Accounts} or {CreditorReportFiles.Remittance}", statusCode: StatusCodes.Status404NotFound);
        }

        if (Date(from) is not { } first)
        {
            return TypedResults.Problem($"from: required, a date yyyy-MM-dd{(from is null ? "" : $", got '{from}'")}", statusCode: StatusCodes.Status400BadRequest);
        }

        if (Date(to) is not { } last)
        {
            return TypedResults.Problem($"to: required, a date yyyy-MM-dd{(to is null ? "" : $", got '{to}'")}", statusCode: StatusCodes.Status400BadRequest);
        }

        if (last < first)
        {
            return TypedResults.Problem($"to: {to} is before from {from}", statusCode: StatusCodes.Status400BadRequest);
        }

        // The same files as `report creditor` writes, built into a folder of their own and removed once read.
        var code = CreditorOf(scope, http);
        var folder = Path.Combine(Path.GetTempPath(), $"collections-portal-report-{Guid.NewGuid():N}");
        try
        {
            await using (var db = contexts.CreateDbContext())
            {
                await CreditorReportFiles.WriteAsync(db, renderer, messaging.Value.Agency.Name, code, first, last, folder, ct);
            }

            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, file), ct);
            return TypedResults.File(bytes, type, $"{code}-{first:yyyy-MM-dd}-{last:yyyy-MM-dd}-{file}");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static LocalDate? Date(string? text) => text is not null && LocalDatePattern.Iso.Parse(text) is { Success: true } parsed ? parsed.Value : null;

    private static string DecidedBy(ClaimsPrincipal user) =>
        user.FindFirst(CreditorScope.KeyClaim)?.Value is { } key ? $"creditor key {key}" : $"creditor:{user.Identity?.Name}";

    // The creditor sees what was asked and decided, not which operator asked (as on the creditor API).
    private static SettlementRequestDto Anonymous(SettlementRequestDto dto) => dto with { RequestedBy = null, CallId = null };

    private static IReadOnlyList<SettlementRequestDto> Anonymous(IReadOnlyList<SettlementRequestDto> list) => [.. list.Select(Anonymous)];

    private static PortalLegalRequestDto ToDto(LegalActionRequestView v) => new(v.CaseId, v.Reference, v.Creditor, v.Debtor, v.Currency, v.Outstanding,
        v.InReviewSince?.ToDateTimeOffset(), v.Status, v.DecidedBy, v.DecidedAt?.ToDateTimeOffset(), v.Note, v.Filing, v.RequestedAt?.ToDateTimeOffset(), v.RequestNote);
}

/// <summary>A 404's reason.</summary>
public sealed record ProblemDetailsText(string Detail);

/// <summary>The creditor portal's hub: a connection joins the groups of the creditors its user is bound to (the same claims
/// the creditor filter reads), so it hears only of its own creditors' settlement requests.</summary>
[Authorize(Policy = CreditorApiSetup.Policy)]
public sealed class CreditorHub : Hub<ICreditorClient>
{
    public override async Task OnConnectedAsync()
    {
        foreach (var creditor in CreditorScope.IdsOf(Context.User!))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ConsoleHubs.Creditor(creditor.Value), Context.ConnectionAborted);
        }

        await base.OnConnectedAsync();
    }
}

/// <summary>Builds <see cref="CreditorPortfolio"/> over a context of its own.</summary>
internal sealed class PortfolioFactory(ICollectionsDbContextFactory contexts, TimeProvider time)
{
    public Lease Create()
    {
        var db = contexts.CreateDbContext();
        return new Lease(db, new CreditorPortfolio(db, time));
    }

    /// <summary>The service and the context it owns.</summary>
    public sealed class Lease(CollectionsDbContext db, CreditorPortfolio portfolio) : IAsyncDisposable
    {
        public CreditorPortfolio Portfolio { get; } = portfolio;

        /// <summary>The workflow over the same context.</summary>
        public WorkflowServices Workflow(WorkflowRunner runner) => runner.For(db);

        public ValueTask DisposeAsync() => db.DisposeAsync();
    }
}
