using System.Security.Claims;
using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Cases;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.AgentConsole.Features.Cases;

/// <summary>A case's life for the console's pages (js/timeline.js): what is due next and what happened, newest first, with the
/// plans' instalments and the balance. Built from <see cref="CaseTimelineQuery"/>, the read model the <c>case</c> verb prints.</summary>
public sealed record CaseTimelineDto(
    Guid AccountId,
    string AccountRef,
    string Creditor,
    string? Phase,
    string? Strategy,
    string? StrategyReason,
    IReadOnlyList<string> RiskFlags,
    TimelineBalanceDto Balance,
    IReadOnlyList<TimelineItemDto> Ahead,
    IReadOnlyList<TimelineItemDto> History,
    IReadOnlyList<TimelinePlanDto> Plans,
    TimelineLimitationDto? Limitation = null);

/// <summary>The claim's limitation: the last day to go to court under the debtor's jurisdiction's rule, what restarted it.
/// <see cref="State"/>: running, nearing (on the legal queue), time-barred, no-rule.</summary>
public sealed record TimelineLimitationDto(string Jurisdiction, string State, DateOnly? LastDay, DateOnly? WarnFrom, int? DaysLeft, string? Source, string? RestartedBy);

/// <summary>The balance split, in the account's currency.</summary>
public sealed record TimelineBalanceDto(decimal Principal, decimal Interest, decimal Fees, decimal Paid, decimal Outstanding, string Currency, DateOnly? InterestAccruedUntil, string? InterestNote);

/// <summary>One line of the timeline. <see cref="Kind"/>: step, queued, contact, promise, plan, payment; the other fields are
/// those the kind has (codes in kebab case, as the <c>case</c> and <c>activity</c> verbs print them).</summary>
public sealed record TimelineItemDto(
    DateTimeOffset At,
    string Kind,
    string? What = null,
    string? Channel = null,
    string? Purpose = null,
    string? Status = null,
    string? Outcome = null,
    string? Note = null,
    decimal? Amount = null,
    string? Currency = null,
    DateOnly? Due = null,
    int? Count = null,
    int? Attempts = null,
    string? Method = null,
    string? Agent = null);

/// <summary>A plan and its instalments.</summary>
public sealed record TimelinePlanDto(string Status, string Frequency, DateTimeOffset CreatedAt, decimal Total, IReadOnlyList<TimelineInstalmentDto> Instalments);

/// <summary>One instalment with its payment and the reminder call before it.</summary>
public sealed record TimelineInstalmentDto(int Number, DateOnly Due, decimal Amount, decimal PaidAmount, string Status, DateOnly? PaidAt, DateTimeOffset? ReminderAt, string? ReminderOutcome);

public static class CaseTimelineApi
{
    public static IEndpointRouteBuilder MapCaseTimeline(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases").WithTags("Cases").RequireAuthorization();

        // The operator reads the case on their current call; supervisors and administrators any (AccountAccess).
        group.MapGet("/{accountId:guid}/timeline", async Task<Results<Ok<CaseTimelineDto>, NotFound, ForbidHttpResult>> (
            Guid accountId, ClaimsPrincipal user, AgentFloor floor, CaseTimelineQuery timelines, ICollectionsDbContextFactory contexts, CancellationToken ct) =>
        {
            if (!AccountAccess.MayRead(user, floor, accountId))
            {
                return TypedResults.Forbid();
            }

            var timeline = await timelines.LoadAsync(new AccountId(accountId), ct);
            return timeline is null ? TypedResults.NotFound() : TypedResults.Ok(await ToDtoAsync(timeline, contexts, ct));
        }).Audited("case timeline");

        // Supervisors look a case up by the creditor's reference (or the account id).
        group.MapGet("/timeline", async Task<Results<Ok<CaseTimelineDto>, NotFound<ProblemDetails>, ForbidHttpResult, BadRequest<ProblemDetails>>> (
            string? @ref, string? creditor, ClaimsPrincipal user, CaseTimelineQuery timelines, ICollectionsDbContextFactory contexts, CancellationToken ct) =>
        {
            if (!AccountAccess.IsSupervisor(user))
            {
                return TypedResults.Forbid();
            }

            if (string.IsNullOrWhiteSpace(@ref))
            {
                return TypedResults.BadRequest(new ProblemDetails { Title = "ref: the account's reference is required" });
            }

            await using (var db = contexts.CreateDbContext())
            {
                var (account, error) = await AccountLookup.FindAsync(db, @ref.Trim(), creditor, ct);
                if (account is not { } id)
                {
                    return TypedResults.NotFound(new ProblemDetails { Title = $"ref: {error}" });
                }

                var timeline = await timelines.LoadAsync(id, ct);
                return timeline is null
                    ? TypedResults.NotFound(new ProblemDetails { Title = $"ref: unknown account '{@ref}'" })
                    : TypedResults.Ok(await ToDtoAsync(timeline, contexts, ct));
            }
        }).Audited("case timeline");
        return app;
    }

    /// <summary>Splits the timeline into what is ahead (queued contacts, planned steps) and what happened, newest first; without
    /// the operators' names when <paramref name="agentNames"/> is false (the creditor portal: what happened, not who).</summary>
    internal static async Task<CaseTimelineDto> ToDtoAsync(CaseTimeline t, ICollectionsDbContextFactory contexts, CancellationToken ct, bool agentNames = true)
    {
        var agents = agentNames ? await AgentNamesAsync(t, contexts, ct) : [];
        static DateTimeOffset At(Instant i) => i.ToDateTimeOffset();
        var ahead = new List<TimelineItemDto>();
        ahead.AddRange(t.Queued.Select(q => new TimelineItemDto(At(q.NextAttemptAt), "queued", Channel: q.Channel, Purpose: q.Purpose, Status: q.Status, Outcome: q.Outcome, Attempts: q.Attempts, What: q.Campaign)));
        ahead.AddRange(t.Steps.Where(s => s.Status == "planned").Select(s => new TimelineItemDto(At(s.DueAt), "step", s.Kind, s.Channel, Status: s.Status, Note: s.Note)));

        var history = new List<TimelineItemDto>();
        history.AddRange(t.Steps.Where(s => s.Status != "planned").Select(s => new TimelineItemDto(At(s.DoneAt ?? s.DueAt), "step", s.Kind, s.Channel, Status: s.Status, Outcome: s.ContactOutcome, Note: s.Note)));
        history.AddRange(t.Contacts.Select(c => new TimelineItemDto(At(c.At), "contact", Channel: c.Channel, Purpose: c.Purpose, Outcome: c.Outcome,
            Agent: c.Agent is { } a ? agents.GetValueOrDefault(a) : null)));
        history.AddRange(t.Promises.Select(p => new TimelineItemDto(At(p.CreatedAt), "promise", Status: p.Status, Amount: p.Amount, Currency: p.Currency, Due: p.Due.ToDateOnly(), Channel: p.Channel)));
        history.AddRange(t.Plans.Select(p => new TimelineItemDto(At(p.CreatedAt), "plan", Status: p.Status, Amount: p.Total, Currency: t.Balance.Currency, Count: p.Instalments.Count)));
        history.AddRange(t.Payments.Select(p => new TimelineItemDto(At(p.RecordedAt), "payment", Amount: p.Amount, Currency: p.Currency, Due: p.ReceivedOn.ToDateOnly(), Method: p.Method, Note: p.Reference)));

        var b = t.Balance;
        return new CaseTimelineDto(
            t.AccountId.Value, t.AccountRef, t.Creditor, t.Phase, t.Strategy, t.StrategyReason, t.RiskFlags,
            new TimelineBalanceDto(b.Principal, b.Interest, b.Fees, b.Paid, b.Outstanding, b.Currency, b.InterestAccruedUntil?.ToDateOnly(), b.InterestNote),
            [.. ahead.OrderBy(i => i.At)],
            [.. history.OrderByDescending(i => i.At)],
            [.. t.Plans.Select(p => new TimelinePlanDto(p.Status, p.Frequency, At(p.CreatedAt), p.Total,
                [.. p.Instalments.Select(i => new TimelineInstalmentDto(i.Number, i.Due.ToDateOnly(), i.Amount, i.PaidAmount, i.Status, i.PaidAt?.ToDateOnly(),
                    i.ReminderAt is { } r ? At(r) : null, i.ReminderOutcome))]))],
            t.Limitation is not { } l ? null : new TimelineLimitationDto(l.Jurisdiction, ContactTexts.Kebab(l.State), l.LastDay?.ToDateOnly(), l.WarnFrom?.ToDateOnly(),
                l.DaysLeft, l.Rule?.Source, l.Result?.RestartedBy?.Description));
    }

    private static async Task<Dictionary<AgentId, string>> AgentNamesAsync(CaseTimeline t, ICollectionsDbContextFactory contexts, CancellationToken ct)
    {
        var ids = t.Contacts.Where(c => c.Agent is not null).Select(c => c.Agent!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        await using var db = contexts.CreateDbContext();
        return await db.Agents.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
    }
}
