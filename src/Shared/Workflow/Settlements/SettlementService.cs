using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Settlement offers (seed 001: a settlement discount with the creditor's consent): agreed at once within the
/// discount the creditor consented to in its policy; beyond it, a request to the creditor is recorded and the offer waits.</summary>
public sealed class SettlementService(CollectionsDbContext db, WorkflowOptions options, TimeProvider time, ILogger<SettlementService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<SettlementService>.Instance;

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Offers to settle the account for <paramref name="amount"/>; throws <see cref="ArgumentOutOfRangeException"/> for
    /// an amount that is not positive or not below the balance.</summary>
    public async Task<SettlementOffer> OfferAsync(AccountId accountId, decimal amount, CancellationToken ct = default)
    {
        var now = Now;
        var ctx = await AccountContext.LoadAsync(db, accountId, ct);
        var balance = ctx.Account.Balance.Amount;
        if (amount <= 0 || amount >= balance)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"A settlement is a positive amount below the balance of {balance} {ctx.Account.Currency}.");
        }

        var discount = Math.Round((balance - amount) / balance * 100m, 2, MidpointRounding.AwayFromZero);
        var consented = ctx.Creditor.Policy.MaxSettlementDiscountPercent;
        var within = discount <= consented;
        var offer = new SettlementOffer
        {
            AccountId = accountId,
            Currency = ctx.Account.Currency,
            Balance = balance,
            Amount = amount,
            DiscountPercent = discount,
            ConsentedDiscountPercent = consented,
            Status = within ? SettlementStatus.Agreed : SettlementStatus.AwaitingCreditorApproval,
            PayBy = ctx.Today(now).PlusDays(options.SettlementPayByDays),
            CreatedAt = now,
            ApprovalRequestedAt = within ? null : now,
            Note = within
                ? $"within the consented discount of {consented} %"
                : $"discount {discount} % exceeds the consented {consented} %: approval requested from {ctx.Creditor.Code}{(ctx.Creditor.ReportEmail is { } mail ? $" ({mail})" : string.Empty)}",
        };
        db.SettlementOffers.Add(offer);
        await db.SaveChangesAsync(ct);
        WorkflowLog.SettlementOffered(_logger, offer.Id.ToString(), accountId.ToString(), discount, offer.Status.ToString());
        return offer;
    }

    /// <summary>Records the creditor's answer to an offer that waits for approval; the pay-by date restarts from the answer.</summary>
    public async Task<SettlementOffer> DecideAsync(Guid offerId, bool approved, string decidedBy, CancellationToken ct = default)
    {
        var now = Now;
        var offer = await db.SettlementOffers.SingleAsync(o => o.Id == offerId, ct);
        if (offer.Status != SettlementStatus.AwaitingCreditorApproval)
        {
            throw new InvalidOperationException($"Offer {offerId} is {offer.Status}, not awaiting the creditor's approval.");
        }

        var ctx = await AccountContext.LoadAsync(db, offer.AccountId, ct);
        offer.Status = approved ? SettlementStatus.Approved : SettlementStatus.Rejected;
        offer.DecidedAt = now;
        offer.DecidedBy = decidedBy;
        if (approved)
        {
            offer.PayBy = ctx.Today(now).PlusDays(options.SettlementPayByDays);
        }

        await db.SaveChangesAsync(ct);
        return offer;
    }
}
