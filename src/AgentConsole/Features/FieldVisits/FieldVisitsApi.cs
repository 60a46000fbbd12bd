using Collections.AgentConsole.Features.Audit;
using System.Globalization;
using System.Security.Claims;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Scheduling;
using Collections.Shared.Domain;
using Collections.Shared.FieldVisits;
using Collections.Shared.Workflow.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Collections.AgentConsole.Features.FieldVisits;

/// <summary>The day's visits: the server's clock (the phone stamps offline outcomes with it) and the route.</summary>
public sealed record VisitDayDto(DateTimeOffset Now, IReadOnlyList<VisitGroupDto> Groups);

/// <summary>One town and postcode of the route.</summary>
public sealed record VisitGroupDto(string Country, string PostalCode, string City, IReadOnlyList<VisitDto> Visits);

/// <summary>One visit with what the agent needs at the door. <see cref="AskFor"/>: payment, plan, acknowledgement, address-check.</summary>
public sealed record VisitDto(Guid Id, Guid AccountId, string Reference, string Creditor, string Debtor, string Language, string Street, string PostalCode, string City,
    string Country, decimal Outstanding, string Currency, IReadOnlyList<string> AskFor, DateTimeOffset DueAt, VisitHoursDto Hours, DateOnly? LimitationLastDay,
    IReadOnlyList<VisitHistoryDto> History);

/// <summary>Whether the visit may be made now: the rule, its source, and whether the pack has a rule for visits or its calling hours stand in.</summary>
public sealed record VisitHoursDto(bool Allowed, string Rule, string Source, bool SpecificRule, string Reason, DateTimeOffset? NextAllowedAt);

/// <summary>One entry of the case's history.</summary>
public sealed record VisitHistoryDto(DateTimeOffset At, string Kind, string Text);

/// <summary>An outcome as the phone sends it. <see cref="Result"/>: met, not-met, moved, refused; dates ISO 8601.</summary>
public sealed record VisitOutcomeDto(string? IdempotencyKey, Guid? VisitId, Guid AccountId, string? Result, DateTimeOffset VisitedAt, string? Note,
    VisitPromiseDto? Promise, VisitPlanDto? Plan, VisitPaymentDto? Payment, VisitAddressDto? NewAddress, VisitAcknowledgementDto? Acknowledgement);

public sealed record VisitPromiseDto(decimal Amount, DateOnly DueDate);

public sealed record VisitPlanDto(int Count, decimal Amount, DateOnly FirstDueDate);

/// <summary>A payment taken at the door. <see cref="Method"/>: cash (default), card, cheque.</summary>
public sealed record VisitPaymentDto(decimal Amount, string? Method, string? Receipt);

public sealed record VisitAddressDto(string? Street, string? PostalCode, string? City, string? Country);

/// <summary>The text shown to the debtor, word for word, and the signature drawn on the screen as a PNG (base64, or a data: URL).</summary>
public sealed record VisitAcknowledgementDto(string? Text, decimal Amount, string? SignedBy, string? SignaturePng);

/// <summary>What was stored; <see cref="Duplicate"/> when this outcome had arrived before (nothing new was written).</summary>
public sealed record VisitOutcomeStoredDto(Guid OutcomeId, bool Duplicate, DateOnly? LimitationLastDay);

/// <summary>A supervisor sends a field agent to an account on a day (the debtor's date) to ask for something.</summary>
public sealed record ScheduleVisitDto(Guid AccountId, DateOnly Day, string? AskFor);

/// <summary>The field visits API under <c>/api/visits</c>: the day's route and the outcomes (role FieldAgent), and the
/// supervisors' action that sends an agent to a case.</summary>
public static partial class FieldVisitsApi
{
    public static IEndpointRouteBuilder MapFieldVisits(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/visits").WithTags("Field visits");

        group.MapGet("/today", async Task<Ok<VisitDayDto>> (FieldVisitService visits, TimeProvider time, CancellationToken ct) =>
        {
            var day = await visits.DayAsync(ct);
            return TypedResults.Ok(new VisitDayDto(time.GetUtcNow(), [.. day.Select(g => new VisitGroupDto(g.Country, g.PostalCode, g.City, [.. g.Visits.Select(ToDto)]))]));
        }).RequireAuthorization(AuthSetup.FieldAgentPolicy);

        group.MapPost("/outcomes", async Task<Results<Created<VisitOutcomeStoredDto>, Ok<VisitOutcomeStoredDto>, ProblemHttpResult>> (
            VisitOutcomeDto body, ClaimsPrincipal user, FieldVisitService visits, WorkScheduler scheduler, ILogger<FieldVisitService> logger, CancellationToken ct) =>
        {
            VisitOutcomeSaved saved;
            try
            {
                saved = await visits.RecordAsync(ToRequest(body), user.Identity!.Name!, ct);
            }
            catch (OutcomeRefusedException ex)
            {
                // 422: the request was understood and refused by a rule; the phone keeps it aside for the agent, never retries it.
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "outcome refused");
            }

            try
            {
                await scheduler.ScheduleAsync(saved.Work, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Committed: the timed work is in the database, and the scheduler's resync or the due-work sweep picks it up.
                LogScheduleFailed(logger, saved.OutcomeId, ex);
            }

            var dto = new VisitOutcomeStoredDto(saved.OutcomeId, saved.Duplicate, saved.Limitation?.LastDay?.ToDateOnly());
            return saved.Duplicate ? TypedResults.Ok(dto) : TypedResults.Created($"/api/visits/outcomes/{saved.OutcomeId}", dto);
        }).RequireAuthorization(AuthSetup.FieldAgentPolicy).DisableAntiforgery()
            .AuditedChange("field visit outcome", (c, _) => $"account:{c.Argument<VisitOutcomeDto>()?.AccountId}", c => c.Argument<VisitOutcomeDto>()?.Result);

        group.MapPost("/schedule", async Task<Results<Created<Guid>, ProblemHttpResult>> (ScheduleVisitDto body, ClaimsPrincipal user, FieldVisitService visits, CancellationToken ct) =>
        {
            try
            {
                var id = await visits.ScheduleAsync(new AccountId(body.AccountId), LocalDate.FromDateOnly(body.Day), body.AskFor ?? VisitAsks.Payment, user.Identity!.Name!, ct);
                return TypedResults.Created($"/api/visits/{id}", id);
            }
            catch (OutcomeRefusedException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "visit refused");
            }
        }).RequireAuthorization(AuthSetup.SupervisorPolicy)
            .AuditedChange("field visit scheduled", (c, _) => $"account:{c.Argument<ScheduleVisitDto>()?.AccountId}", c => c.Argument<ScheduleVisitDto>()?.Day.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return app;
    }

    private static VisitDto ToDto(VisitTask v) => new(v.Id, v.AccountId.Value, v.Reference, v.Creditor, v.Debtor, v.Language, v.Stop.Street, v.Stop.PostalCode, v.Stop.City,
        v.Stop.Country, v.Outstanding, v.Currency, v.AskFor, v.DueAt.ToDateTimeOffset(),
        new VisitHoursDto(v.Hours.Allowed, v.Hours.RuleId, v.Hours.Source, v.Hours.SpecificRule, v.Hours.Reason, v.Hours.NextAllowedAt?.ToDateTimeOffset()),
        v.LimitationLastDay?.ToDateOnly(), [.. v.History.Select(h => new VisitHistoryDto(h.At.ToDateTimeOffset(), h.Kind, h.Text))]);

    /// <summary>The phone's outcome as the service takes it; a value that cannot be read is refused naming its field.</summary>
    internal static VisitOutcomeRequest ToRequest(VisitOutcomeDto b)
    {
        ArgumentNullException.ThrowIfNull(b);
        var result = b.Result switch
        {
            "met" => VisitResult.Met,
            "not-met" => VisitResult.NotMet,
            "moved" => VisitResult.Moved,
            "refused" => VisitResult.Refused,
            _ => throw new OutcomeRefusedException($"result: '{b.Result}' is not one of met, not-met, moved, refused."),
        };
        VisitPayment? payment = null;
        if (b.Payment is { } p)
        {
            var method = (p.Method ?? "cash") switch
            {
                "cash" => PaymentMethod.Cash,
                "card" => PaymentMethod.Card,
                "cheque" => PaymentMethod.Cheque,
                _ => throw new OutcomeRefusedException($"payment.method: '{p.Method}' is not one of cash, card, cheque."),
            };
            payment = new VisitPayment(p.Amount, method, p.Receipt ?? "");
        }

        VisitAcknowledgement? ack = null;
        if (b.Acknowledgement is { } a)
        {
            var data = a.SignaturePng ?? "";
            var comma = data.StartsWith("data:", StringComparison.Ordinal) ? data.IndexOf(',', StringComparison.Ordinal) : -1;
            var base64 = comma >= 0 ? data[(comma + 1)..] : data;
            var buffer = new byte[base64.Length];
            if (!Convert.TryFromBase64String(base64, buffer, out var length))
            {
                throw new OutcomeRefusedException("acknowledgement.signaturePng: not base64 (a PNG image, or a data:image/png URL).");
            }

            ack = new VisitAcknowledgement(a.Text ?? "", a.Amount, a.SignedBy ?? "", buffer[..length]);
        }

        return new VisitOutcomeRequest(b.IdempotencyKey ?? "", b.VisitId, new AccountId(b.AccountId), result, Instant.FromDateTimeOffset(b.VisitedAt), b.Note,
            b.Promise is { } pr ? new VisitPromise(pr.Amount, LocalDate.FromDateOnly(pr.DueDate)) : null,
            b.Plan is { } pl ? new VisitPlan(pl.Count, pl.Amount, LocalDate.FromDateOnly(pl.FirstDueDate)) : null,
            payment,
            b.NewAddress is { } n ? new VisitNewAddress(n.Street ?? "", n.PostalCode ?? "", n.City ?? "", n.Country ?? "") : null,
            ack);
    }

    [LoggerMessage(EventId = 2971, Level = LogLevel.Warning, Message = "Field visit outcome {OutcomeId} stored, but its timed work could not be scheduled now; the scheduler's resync will")]
    private static partial void LogScheduleFailed(ILogger logger, Guid outcomeId, Exception ex);
}
