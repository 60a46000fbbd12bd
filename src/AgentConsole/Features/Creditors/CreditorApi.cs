using System.Text.Json;
using Collections.AgentConsole.Features.Audit;
using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>What a placement did: the counts, and one result per item in the order sent.</summary>
public sealed record PlacementResponse(int Created, int Updated, int Unchanged, int Rejected, IReadOnlyList<PlacementResult> Results);

/// <summary>An account as its creditor sees it (docs/creditor-api.md).</summary>
public sealed record CreditorAccountDto(
    string Reference, string Creditor, string? Phase, bool Recalled, CreditorBalanceDto Balance, CreditorContactDto? LastContact,
    CreditorPromiseDto? OpenPromise, CreditorPlanDto? OpenPlan, IReadOnlyList<CreditorPaymentDto> Payments);

/// <summary>The balance split, in the account's currency.</summary>
public sealed record CreditorBalanceDto(decimal Principal, decimal Interest, decimal Fees, decimal Paid, decimal Outstanding, string Currency);

/// <summary>The last contact made (no agent names: the creditor sees what happened, not who).</summary>
public sealed record CreditorContactDto(DateTimeOffset At, string Channel, string Outcome, bool RightPartyContact);

/// <summary>A pending promise to pay.</summary>
public sealed record CreditorPromiseDto(decimal Amount, string Currency, DateOnly Due, DateTimeOffset MadeAt);

/// <summary>The active instalment plan and its next open instalment.</summary>
public sealed record CreditorPlanDto(decimal Total, int Instalments, int Paid, DateOnly? NextDue, decimal? NextAmount);

/// <summary>A payment received and how it was allocated.</summary>
public sealed record CreditorPaymentDto(DateOnly ReceivedOn, decimal Amount, string Currency, string Method, string? Reference, decimal ToFees, decimal ToInterest, decimal ToPrincipal);

/// <summary>A payment the creditor received directly. <c>method</c>: bank-transfer, direct-debit, card, cash, cheque, other.</summary>
public sealed record DirectPaymentRequest(decimal? Amount, string? Currency, string? ReceivedOn, string? Method, string? Reference) : ICreditorRequestBody;

/// <summary>Why the creditor takes the account back (optional).</summary>
public sealed record RecallRequest(string? Reason) : ICreditorRequestBody;

/// <summary>The recall's answer: <c>alreadyRecalled</c> when an earlier recall stands (nothing changed).</summary>
public sealed record RecallResponse(string Reference, bool Recalled, bool AlreadyRecalled);

/// <summary>
/// The creditor API (docs/creditor-api.md), versioned under <c>/api/creditor/v1</c>: placement of accounts with the CSV
/// import's validation, upsert and claim analysis; an account's state; recall; payments received directly. Every route is in
/// one group behind the creditor filter (<see cref="CreditorScopeFilter"/>), the rate limit per key and the idempotency filter.
/// </summary>
public static class CreditorApi
{
    public const string Prefix = "/api/creditor/v1";

    // Placements are written one at a time on a node: two batches with the same new reference would otherwise both insert it.
    private static readonly SemaphoreSlim PlacementGate = new(1, 1);

    public static IEndpointRouteBuilder MapCreditorApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Creditor API")
            .RequireAuthorization(CreditorApiSetup.Policy)
            .RequireRateLimiting(CreditorApiSetup.RateLimitPolicy)
            .WithMetadata(new CreditorScopedMetadata())
            .AddEndpointFilter<CreditorScopeFilter>()
            .AddEndpointFilter<CreditorIdempotencyFilter>();

        group.MapPost("/accounts", PlaceAsync)
            .WithSummary("Place accounts (upsert by creditor and reference)")
            .WithDescription("A JSON array of accounts whose fields are the account import's columns (docs/import.md); one result per item. Send an Idempotency-Key header to make a retry safe.")
            .WithMetadata(new CreditorApiExample(CreditorApiExamples.PlacementRequest, CreditorApiExamples.PlacementResponse))
            .AuditedChange("creditor placement", (c, value) => value is PlacementResponse r
                ? $"{c.HttpContext.Request.Path}: {r.Created} created, {r.Updated} updated, {r.Unchanged} unchanged, {r.Rejected} rejected"
                : null);
        group.MapGet("/accounts/{reference}", GetAsync)
            .WithSummary("An account: phase, balance, last contact, open promise or plan, payments")
            .Audited("creditor API account")
            .WithMetadata(new CreditorApiExample(null, CreditorApiExamples.Account));
        group.MapPost("/accounts/{reference}/recall", RecallAsync)
            .WithSummary("Recall an account: every contact stops, the record is kept")
            .WithMetadata(new CreditorApiExample(CreditorApiExamples.RecallRequest, CreditorApiExamples.RecallResponse))
            .AuditedChange("creditor recall");
        group.MapPost("/accounts/{reference}/payments", PaymentAsync)
            .WithSummary("Report a payment the creditor received directly")
            .WithMetadata(new CreditorApiExample(CreditorApiExamples.PaymentRequest, CreditorApiExamples.Account))
            .AuditedChange("creditor payment report");
        return app;
    }

    private static async Task<Results<Ok<PlacementResponse>, ProblemHttpResult>> PlaceAsync(
        JsonElement items, string? portfolio, HttpContext http, ICollectionsDbContextFactory contexts, TimeProvider time, ILogger<AccountImporter> logger,
        StrategyCatalog strategies, IOptions<CreditorApiOptions> options, CancellationToken ct)
    {
        var scope = CreditorScope.Of(http);
        if (items.ValueKind != JsonValueKind.Array)
        {
            return TypedResults.Problem("body: a JSON array of accounts (docs/creditor-api.md)", statusCode: StatusCodes.Status400BadRequest);
        }

        var max = options.Value.MaxAccountsPerRequest;
        if (items.GetArrayLength() > max)
        {
            return TypedResults.Problem($"body: at most {max} accounts per request, got {items.GetArrayLength()}", statusCode: StatusCodes.Status400BadRequest);
        }

        if (portfolio is { Length: > 100 })
        {
            return TypedResults.Problem("portfolio: at most 100 characters", statusCode: StatusCodes.Status400BadRequest);
        }

        await PlacementGate.WaitAsync(ct);
        try
        {
            await using var db = contexts.CreateDbContext();
            var placement = new CreditorPlacement(db, time, logger, new ClaimAnalysis(strategies));
            var results = await placement.PlaceAsync(items, new PlacementCreditors(scope.Creditors), portfolio, ct);
            int Count(string status) => results.Count(r => r.Status == status);
            return TypedResults.Ok(new PlacementResponse(Count("created"), Count("updated"), Count("unchanged"), Count("rejected"), results));
        }
        catch (DbUpdateException)
        {
            // Another node placed one of these references at the same moment (the unique index on creditor and reference).
            return TypedResults.Problem("body: another placement wrote some of these accounts at the same moment; send the batch again", statusCode: StatusCodes.Status409Conflict);
        }
        finally
        {
            PlacementGate.Release();
        }
    }

    private static async Task<Results<Ok<CreditorAccountDto>, NotFound>> GetAsync(string reference, HttpContext http, AccountsFactory accounts, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        await using var service = accounts.Create();
        return await service.Accounts.ViewAsync(account.Id, ct) is { } view ? TypedResults.Ok(ToDto(view)) : TypedResults.NotFound();
    }

    private static async Task<Ok<RecallResponse>> RecallAsync(string reference, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] RecallRequest? request,
        HttpContext http, AccountsFactory accounts, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        await using var service = accounts.Create();
        var recalled = await service.Accounts.RecallAsync(account.Id, request?.Reason, ct);
        return TypedResults.Ok(new RecallResponse(account.Reference, true, !recalled));
    }

    private static async Task<Results<Ok<CreditorAccountDto>, ValidationProblem>> PaymentAsync(string reference, DirectPaymentRequest request, HttpContext http, AccountsFactory accounts, TimeProvider time, CancellationToken ct)
    {
        var account = CreditorScope.Of(http).RequireAccount();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Amount is not { } amount || amount <= 0)
        {
            errors["amount"] = ["required, a positive amount such as 120.50"];
        }
        else if (decimal.Round(amount, 4) != amount)
        {
            errors["amount"] = ["at most 4 decimals"];
        }

        if (string.IsNullOrWhiteSpace(request.Currency))
        {
            errors["currency"] = ["required, the account's ISO 4217 currency"];
        }

        LocalDate receivedOn = default;
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date;
        if (request.ReceivedOn is null || LocalDatePattern.Iso.Parse(request.ReceivedOn) is not { Success: true } parsed)
        {
            errors["receivedOn"] = [$"required, a date yyyy-MM-dd{(request.ReceivedOn is null ? "" : $", got '{request.ReceivedOn}'")}"];
        }
        else if (parsed.Value > today.PlusDays(1))
        {
            errors["receivedOn"] = [$"{request.ReceivedOn} is in the future"];
        }
        else
        {
            receivedOn = parsed.Value;
        }

        var method = PaymentMethod.Other;
        if (request.Method is { Length: > 0 } m && !Enum.TryParse(m.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out method))
        {
            errors["method"] = [$"'{m}' is not bank-transfer, direct-debit, card, cash, cheque or other"];
        }

        if (request.Reference is { Length: > 140 })
        {
            errors["reference"] = ["at most 140 characters"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var service = accounts.Create();
        var (_, field, error) = await service.Accounts.ReportPaymentAsync(account.Id, new DirectPayment(request.Amount!.Value, request.Currency!.Trim().ToUpperInvariant(), receivedOn, method, request.Reference), ct);
        if (error is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field!] = [error] });
        }

        var view = await service.Accounts.ViewAsync(account.Id, ct);
        return TypedResults.Ok(ToDto(view!));
    }

    private static CreditorAccountDto ToDto(CreditorAccountView v)
    {
        var b = v.Balance;
        var next = v.OpenPlan?.Instalments.Where(i => i.Status is "due" or "partly-paid" or "missed").OrderBy(i => i.Due).FirstOrDefault();
        return new CreditorAccountDto(
            v.Reference, v.Creditor, v.Phase, v.Recalled,
            new CreditorBalanceDto(b.Principal, b.Interest, b.Fees, b.Paid, b.Outstanding, b.Currency),
            v.LastContact is { } c ? new CreditorContactDto(c.At.ToDateTimeOffset(), c.Channel, c.Outcome, c.RightPartyContact) : null,
            v.OpenPromise is { } p ? new CreditorPromiseDto(p.Amount, p.Currency, p.Due.ToDateOnly(), p.CreatedAt.ToDateTimeOffset()) : null,
            v.OpenPlan is { } plan ? new CreditorPlanDto(plan.Total, plan.Instalments.Count, plan.Instalments.Count(i => i.Status == "paid"), next?.Due.ToDateOnly(), next is null ? null : next.Amount - next.PaidAmount) : null,
            [.. v.Payments.Select(x => new CreditorPaymentDto(x.ReceivedOn.ToDateOnly(), x.Amount, x.Currency, x.Method, x.Reference, x.ToFees, x.ToInterest, x.ToPrincipal))]);
    }
}

/// <summary>Builds <see cref="CreditorAccounts"/> over a context of its own.</summary>
internal sealed class AccountsFactory(ICollectionsDbContextFactory contexts, Collections.Shared.Cases.CaseTimelineQuery timelines, IOptions<WorkflowOptions> options, TimeProvider time)
{
    public Lease Create()
    {
        var db = contexts.CreateDbContext();
        return new Lease(db, new CreditorAccounts(db, timelines, options.Value, time));
    }

    /// <summary>The service and the context it owns.</summary>
    public sealed class Lease(CollectionsDbContext db, CreditorAccounts accounts) : IAsyncDisposable
    {
        public CreditorAccounts Accounts { get; } = accounts;

        public ValueTask DisposeAsync() => db.DisposeAsync();
    }
}
