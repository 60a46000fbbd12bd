using Collections.AgentConsole.Features.Auth;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.AgentConsole.Features.Legal;

/// <summary>One case on the legal queue. <see cref="Reason"/>: legal-review, nearing-limitation, time-barred.</summary>
public sealed record LegalQueueItemDto(Guid AccountId, string Reference, string Creditor, string Debtor, decimal Outstanding, string Currency, string Phase, string Reason, DateOnly? LimitationLastDay);

/// <summary>The legal team's API under <c>/api/legal</c> (role Legal or Administrator).</summary>
public static class LegalApi
{
    public static IEndpointRouteBuilder MapLegal(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/legal").WithTags("Legal").RequireAuthorization(AuthSetup.LegalPolicy);
        group.MapGet("/queue", async Task<Ok<IReadOnlyList<LegalQueueItemDto>>> (LegalQueue queue, CancellationToken ct) =>
            TypedResults.Ok<IReadOnlyList<LegalQueueItemDto>>([.. (await queue.LoadAsync(ct: ct)).Select(r => new LegalQueueItemDto(
                r.AccountId.Value, r.Reference, r.Creditor, r.Debtor, r.Outstanding, r.Currency, ContactTexts.Kebab(r.Phase), ContactTexts.Kebab(r.Reason), r.LimitationLastDay?.ToDateOnly()))]));
        return app;
    }
}
