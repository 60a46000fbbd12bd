using Collections.AgentConsole.Features.Audit;
using System.Security.Claims;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.Legal;

/// <summary>One case on the legal queue. <see cref="Reason"/>: legal-review, nearing-limitation, time-barred.</summary>
public sealed record LegalQueueItemDto(Guid AccountId, string Reference, string Creditor, string Debtor, decimal Outstanding, string Currency, string Phase, string Reason, DateOnly? LimitationLastDay);

/// <summary>One checklist item: <see cref="Verdict"/> is pass, fail or unknown.</summary>
public sealed record LegalChecklistItemDto(string Key, string Verdict, string Why);

/// <summary>A case's legal review sheet. <see cref="Consent"/>: null (none asked), awaiting, approved or refused.</summary>
public sealed record LegalSheetDto(Guid AccountId, string Reference, string Creditor, string? Phase, bool ConsentRequired, IReadOnlyList<LegalChecklistItemDto> Checklist,
    string? Consent, string? Filing, string? ConsentAnsweredBy, DateTimeOffset? ConsentAnsweredAt, string? ConsentNote);

/// <summary>A legal decision: <see cref="Decision"/> file, return-to-amicable, close-uncollectable or return-to-creditor;
/// <see cref="Filing"/> court-claim or payment-order (to file).</summary>
public sealed record LegalDecisionDto(string? Decision, string? Filing, string? Note);

/// <summary>What a decision did: <see cref="Outcome"/> filed, consent-requested, returned-to-amicable, closed-uncollectable,
/// returned-to-creditor; the case's phase after it.</summary>
public sealed record LegalDecisionResultDto(string Outcome, string Phase);

/// <summary>A supervisor's request for legal review.</summary>
public sealed record LegalReviewRequestDto(string? Note);

/// <summary>The legal team's API under <c>/api/legal</c> (role Legal or Administrator); the page is legal.html.</summary>
public static class LegalApi
{
    public static IEndpointRouteBuilder MapLegal(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/legal").WithTags("Legal").RequireAuthorization(AuthSetup.LegalPolicy);
        group.MapGet("/queue", async Task<Ok<IReadOnlyList<LegalQueueItemDto>>> (LegalQueue queue, CancellationToken ct) =>
            TypedResults.Ok<IReadOnlyList<LegalQueueItemDto>>([.. (await queue.LoadAsync(ct: ct)).Select(r => new LegalQueueItemDto(
                r.AccountId.Value, r.Reference, r.Creditor, r.Debtor, r.Outstanding, r.Currency, ContactTexts.Kebab(r.Phase), ContactTexts.Kebab(r.Reason), r.LimitationLastDay?.ToDateOnly()))]));
        group.MapGet("/cases/{accountId:guid}", async Task<Results<Ok<LegalSheetDto>, NotFound>> (Guid accountId, LegalChecklistService sheets, CancellationToken ct) =>
            await sheets.LoadAsync(new AccountId(accountId), ct) is { } s
                ? TypedResults.Ok(new LegalSheetDto(s.AccountId.Value, s.Reference, s.Creditor, s.Phase is { } p ? ContactTexts.Kebab(p) : null, s.ConsentRequired,
                    [.. s.Items.Select(i => new LegalChecklistItemDto(i.Key, ContactTexts.Kebab(i.Verdict), i.Why))],
                    s.ConsentStatus, s.Filing, s.ConsentAnsweredBy, s.ConsentAnsweredAt?.ToDateTimeOffset(), s.ConsentNote))
                : TypedResults.NotFound())
            .WithSummary("A case's checklist computed from the record, and the creditor's consent to filing");
        group.MapPost("/cases/{accountId:guid}/decision", DecideAsync).WithSummary("File, return to amicable collection, close as uncollectable or return to the creditor")
            .AuditedChange("legal decision", qualifier: c => c.Argument<LegalDecisionDto>()?.Decision);
        app.MapPost("/api/legal/cases/{accountId:guid}/review", RequestReviewAsync).WithTags("Legal").RequireAuthorization(AuthSetup.SupervisorPolicy)
            .WithSummary("A supervisor puts an open case into legal review")
            .AuditedChange("legal review request");
        return app;
    }

    private static async Task<Results<Ok<LegalDecisionResultDto>, ProblemHttpResult>> DecideAsync(
        Guid accountId, LegalDecisionDto body, ClaimsPrincipal user, ICollectionsDbContextFactory databases, WorkflowRunner workflow, WorkScheduler scheduler, CancellationToken ct)
    {
        if (LegalTexts.ParseDecision(body.Decision) is not { } decision)
        {
            return TypedResults.Problem("decision: one of file, return-to-amicable, close-uncollectable, return-to-creditor", statusCode: StatusCodes.Status400BadRequest);
        }

        var filing = LegalTexts.ParseFiling(body.Filing);
        if (body.Filing is not null && filing is null)
        {
            return TypedResults.Problem("filing: court-claim or payment-order", statusCode: StatusCodes.Status400BadRequest);
        }

        await using var db = databases.CreateDbContext();
        if (!await db.Accounts.AnyAsync(a => a.Id == new AccountId(accountId), ct))
        {
            return TypedResults.Problem($"account {accountId}: not found", statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            var result = await workflow.For(db).Cases.DecideLegalAsync(new AccountId(accountId), decision, filing, $"legal:{user.Identity?.Name}", body.Note, ct);
            await scheduler.ScheduleAsync(result.Work, ct);
            return TypedResults.Ok(new LegalDecisionResultDto(result.Outcome, ContactTexts.Kebab(result.Phase)));
        }
        catch (LegalDecisionRefusedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RequestReviewAsync(
        Guid accountId, LegalReviewRequestDto? body, ClaimsPrincipal user, ICollectionsDbContextFactory databases, WorkflowRunner workflow, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        if (!await db.Accounts.AnyAsync(a => a.Id == new AccountId(accountId), ct))
        {
            return TypedResults.Problem($"account {accountId}: not found", statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            await workflow.For(db).Cases.RequestLegalReviewAsync(new AccountId(accountId), $"supervisor:{user.Identity?.Name}", body?.Note, ct);
            return TypedResults.NoContent();
        }
        catch (LegalDecisionRefusedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }
}
