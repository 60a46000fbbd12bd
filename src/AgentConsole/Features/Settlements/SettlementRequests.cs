using Collections.AgentConsole.Features.Audit;
using System.Security.Claims;
using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Wallboard;
using Collections.Dialer.Scheduling;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.Settlements;

/// <summary>
/// Settlements beyond the creditor's consent (seed 001: "a settlement discount with the creditor's consent"): an operator
/// on a call asks for a larger discount; the request reaches the supervisors' page live; a supervisor's decision reaches
/// the operator's page live; an approved settlement is recorded as a promise and confirmed to the debtor in writing by the
/// workflow (<see cref="SettlementService"/>).
/// </summary>
public sealed partial class SettlementDesk(
    ICollectionsDbContextFactory databases,
    WorkflowRunner workflow,
    WorkScheduler scheduler,
    IHubContext<AgentHub, IAgentClient> agents,
    IHubContext<SupervisorHub, ISupervisorClient> supervisors,
    IHubContext<Creditors.CreditorHub, ICreditorClient> creditors,
    TimeProvider time,
    ILogger<SettlementDesk> logger)
{
    /// <summary>Records the operator's request on their current call; throws <see cref="ArgumentException"/> with a reason the
    /// operator can read when it cannot be made.</summary>
    public async Task<SettlementRequestDto> RequestAsync(CallSession call, decimal amount, DateOnly? payBy, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        SettlementOffer offer;
        await using (var db = databases.CreateDbContext())
        {
            var services = workflow.For(db);
            try
            {
                offer = await services.Settlements.OfferAsync(call.AccountId, amount, ct, call.AgentId, call.CallId, payBy is { } d ? NodaTime.LocalDate.FromDateOnly(d) : null);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new ArgumentException(ex.Message.Split(" (Parameter", 2)[0], nameof(amount), ex);
            }

            if (offer.Status == SettlementStatus.Agreed)
            {
                // Within the consent nobody has to be asked: it is agreed now, watched like a promise and confirmed in writing.
                var (_, work) = await services.Promises.RecordAsync(offer.AccountId, offer.Amount, offer.PayBy, ContactChannel.Call, null, call.AgentId, ct);
                await services.Settlements.QueueConfirmationAsync(offer, ct);
                await db.SaveChangesAsync(ct);
                await scheduler.ScheduleAsync(work, ct);
            }
            else if (!string.IsNullOrWhiteSpace(note))
            {
                offer.Note = Truncate($"{offer.Note}; operator: {note.Trim()}");
                await db.SaveChangesAsync(ct);
            }
        }

        var dto = await DtoAsync(offer.Id, ct);
        LogRequested(logger, offer.Id, call.CallId, offer.Status);
        await TellAsync(dto, ct);
        return dto;
    }

    /// <summary>A decision (a supervisor's, or the creditor's own in the portal when <paramref name="byCreditor"/>; the creditor's
    /// policy says who may): recorded, the promise and confirmation written when approved, the operator told live.</summary>
    public async Task<SettlementRequestDto> DecideAsync(Guid offerId, bool approve, string decidedBy, string? note, CancellationToken ct, bool byCreditor = false)
    {
        await using (var db = databases.CreateDbContext())
        {
            var services = workflow.For(db);
            var (offer, work) = await services.Settlements.DecideAsync(offerId, approve, decidedBy, ct, byCreditor);
            if (!string.IsNullOrWhiteSpace(note))
            {
                offer.Note = Truncate($"{offer.Note}; {decidedBy}: {note.Trim()}");
                await db.SaveChangesAsync(ct);
            }

            await scheduler.ScheduleAsync(work, ct);
        }

        var dto = await DtoAsync(offerId, ct);
        LogDecided(logger, offerId, dto.Status, decidedBy);
        if (await RequestedByAsync(offerId, ct) is { } agent)
        {
            await agents.Clients.Group(ConsoleHubs.Agent(agent.Value)).SettlementDecided(dto);
        }

        await TellAsync(dto, ct);
        return dto;
    }

    /// <summary>Requests waiting for a decision, oldest first, then the last week's decisions; of <paramref name="creditorIds"/>
    /// only when given (the creditor portal), else of every creditor (the supervisors).</summary>
    public async Task<IReadOnlyList<SettlementRequestDto>> ListAsync(CancellationToken ct, IReadOnlyCollection<CreditorId>? creditorIds = null)
    {
        await using var db = databases.CreateDbContext();
        var since = NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow()) - NodaTime.Duration.FromDays(7);
        var offers = db.SettlementOffers.AsNoTracking()
            .Where(o => o.Status == SettlementStatus.AwaitingCreditorApproval || (o.ApprovalRequestedAt != null && o.DecidedAt >= since));
        if (creditorIds is not null)
        {
            var within = creditorIds.ToList();
            offers = from o in offers join a in db.Accounts on o.AccountId equals a.Id where within.Contains(a.CreditorId) select o;
        }

        var ids = await offers.OrderBy(o => o.CreatedAt).Select(o => o.Id).Take(500).ToListAsync(ct);
        var list = new List<SettlementRequestDto>(ids.Count);
        foreach (var id in ids)
        {
            list.Add(await DtoAsync(id, ct));
        }

        return list;
    }

    /// <summary>The offer's account, or null when there is no such offer.</summary>
    public async Task<AccountId?> AccountOfAsync(Guid offerId, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.SettlementOffers.AsNoTracking().Where(o => o.Id == offerId).Select(o => (AccountId?)o.AccountId).FirstOrDefaultAsync(ct);
    }

    // Supervisors see every request; the creditor's portal only its own creditor's requests for approval (its group,
    // ConsoleHubs.Creditor), without the operator's name or call (the creditor sees what was asked, not who asked).
    private async Task TellAsync(SettlementRequestDto dto, CancellationToken ct)
    {
        await supervisors.Clients.Group(ConsoleHubs.Supervisors).SettlementRequest(dto);
        if (dto.Status == nameof(SettlementStatus.Agreed))
        {
            return;
        }

        await using var db = databases.CreateDbContext();
        var creditor = await db.Accounts.AsNoTracking().Where(a => a.Id == new AccountId(dto.AccountId)).Select(a => a.CreditorId).FirstAsync(ct);
        await creditors.Clients.Group(ConsoleHubs.Creditor(creditor.Value)).SettlementRequest(dto with { RequestedBy = null, CallId = null });
    }

    private async Task<AgentId?> RequestedByAsync(Guid offerId, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        return await db.SettlementOffers.AsNoTracking().Where(o => o.Id == offerId).Select(o => o.RequestedBy).FirstOrDefaultAsync(ct);
    }

    private async Task<SettlementRequestDto> DtoAsync(Guid offerId, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var offer = await db.SettlementOffers.AsNoTracking().FirstAsync(o => o.Id == offerId, ct);
        var account = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == offer.AccountId, ct);
        var debtor = await db.Debtors.AsNoTracking().FirstAsync(d => d.Id == account.DebtorId, ct);
        var creditor = await db.Creditors.AsNoTracking().FirstAsync(c => c.Id == account.CreditorId, ct);
        var by = offer.RequestedBy is { } agent ? await db.Agents.AsNoTracking().Where(a => a.Id == agent).Select(a => a.DisplayName).FirstOrDefaultAsync(ct) : null;
        return SettlementRequests.Dto(offer, account, debtor, creditor, by);
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];

    [LoggerMessage(EventId = 2751, Level = LogLevel.Information, Message = "Settlement offer {OfferId} made on call {CallId}: {Status}")]
    private static partial void LogRequested(ILogger logger, Guid offerId, ContactAttemptId callId, SettlementStatus status);

    [LoggerMessage(EventId = 2752, Level = LogLevel.Information, Message = "Settlement offer {OfferId} decided {Status} by {DecidedBy}")]
    private static partial void LogDecided(ILogger logger, Guid offerId, string status, string decidedBy);
}

/// <summary>The settlement requests' REST side and their shape on the wire.</summary>
public static class SettlementRequests
{
    public static IHostApplicationBuilder AddSettlements(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SettlementDesk>();
        return builder;
    }

    /// <summary>Supervisors (and administrators) list requests and decide them; the page is settlements.html.</summary>
    public static IEndpointRouteBuilder MapSettlements(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/settlements").WithTags("Settlements").RequireAuthorization(AuthSetup.SupervisorPolicy);
        group.MapGet("/", async (SettlementDesk desk, CancellationToken ct) => TypedResults.Ok(await desk.ListAsync(ct)));
        group.MapPost("/{id:guid}/decision", async Task<Results<Ok<SettlementRequestDto>, NotFound, ProblemHttpResult>> (Guid id, SettlementDecisionDto decision, ClaimsPrincipal user, SettlementDesk desk, CancellationToken ct) =>
        {
            try
            {
                return TypedResults.Ok(await desk.DecideAsync(id, decision.Approve, $"supervisor:{user.Identity?.Name}", decision.Note, ct));
            }
            catch (SettlementDecisionRefusedException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("not awaiting", StringComparison.Ordinal))
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
            }
            catch (InvalidOperationException)
            {
                return TypedResults.NotFound();
            }
        }).AuditedChange("settlement decision", qualifier: c => c.Argument<SettlementDecisionDto>()?.Approve is { } approve ? (approve ? "approved" : "refused") : null);
        return app;
    }

    /// <summary>An offer as the pages show it.</summary>
    public static SettlementRequestDto Dto(SettlementOffer offer, Account account, Debtor debtor, Creditor creditor, string? requestedBy)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(debtor);
        ArgumentNullException.ThrowIfNull(creditor);
        return new SettlementRequestDto(
            offer.Id, account.Id.Value, account.CreditorReference, debtor.DisplayName, creditor.Name, offer.Currency, offer.Balance, offer.Amount,
            offer.DiscountPercent, offer.ConsentedDiscountPercent, offer.Status.ToString(), offer.PayBy.ToDateOnly(), requestedBy,
            offer.CreatedAt.ToDateTimeOffset(), offer.DecidedBy, offer.DecidedAt?.ToDateTimeOffset(), offer.Note, offer.ContactAttemptId?.Value,
            creditor.Policy.SettlementApproval.ToString());
    }
}
