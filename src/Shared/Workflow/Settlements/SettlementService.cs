using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>Settlement offers (seed 001: a settlement discount with the creditor's consent): agreed at once within the
/// discount the creditor consented to in its policy; beyond it, a request for approval is recorded and the offer waits for
/// the decision. An agreed or approved settlement is watched like a promise (the amount by its date) and confirmed to the
/// debtor in writing.</summary>
public sealed class SettlementService(CollectionsDbContext db, CaseWorkflow cases, PromiseWorkflow promises, WorkflowOptions options, TimeProvider time, ILogger<SettlementService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<SettlementService>.Instance;

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Offers to settle the account for <paramref name="amount"/>, by <paramref name="payBy"/> (default: the configured
    /// number of days from today); throws <see cref="ArgumentOutOfRangeException"/> for an amount that is not positive or not
    /// below the balance, or a date in the past.</summary>
    public async Task<SettlementOffer> OfferAsync(AccountId accountId, decimal amount, CancellationToken ct = default, AgentId? requestedBy = null,
        ContactAttemptId? call = null, LocalDate? payBy = null)
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
            PayBy = payBy ?? ctx.Today(now).PlusDays(options.SettlementPayByDays),
            CreatedAt = now,
            RequestedBy = requestedBy,
            ContactAttemptId = call,
            ApprovalRequestedAt = within ? null : now,
            Note = within
                ? $"within the consented discount of {consented} %"
                : $"discount {discount} % exceeds the consented {consented} %: approval requested from {ctx.Creditor.Policy.SettlementApproval switch
                {
                    SettlementApproval.Creditor => $"{ctx.Creditor.Code} in the creditor portal",
                    SettlementApproval.CreditorOrSupervisor => $"{ctx.Creditor.Code} in the creditor portal or a supervisor",
                    _ => $"a supervisor on behalf of {ctx.Creditor.Code}",
                }}{(ctx.Creditor.ReportEmail is { } mail ? $" ({mail})" : string.Empty)}",
        };
        if (offer.PayBy < ctx.Today(now))
        {
            throw new ArgumentOutOfRangeException(nameof(payBy), payBy, "A settlement cannot be due in the past.");
        }

        db.SettlementOffers.Add(offer);
        await db.SaveChangesAsync(ct);
        WorkflowLog.SettlementOffered(_logger, offer.Id.ToString(), accountId.ToString(), discount, offer.Status.ToString());
        return offer;
    }

    /// <summary>Records the answer to an offer that waits for approval (the creditor's, or a supervisor's where the creditor
    /// delegates it); the pay-by date restarts from the answer. An approval records the settlement as a promise, cancels
    /// the strategy's queued contacts and queues the confirmation; returns the promise's check to schedule. Who may answer
    /// is the creditor's policy (<see cref="CreditorPolicy.SettlementApproval"/>): <paramref name="byCreditor"/> says whether
    /// the answer is the creditor's own; one the policy does not allow throws <see cref="SettlementDecisionRefusedException"/>.</summary>
    public async Task<(SettlementOffer Offer, IReadOnlyList<WorkItem> Work)> DecideAsync(Guid offerId, bool approved, string decidedBy, CancellationToken ct = default, bool byCreditor = false)
    {
        var now = Now;
        var offer = await db.SettlementOffers.SingleAsync(o => o.Id == offerId, ct);
        if (offer.Status != SettlementStatus.AwaitingCreditorApproval)
        {
            throw new InvalidOperationException($"Offer {offerId} is {offer.Status}, not awaiting the creditor's approval.");
        }

        var ctx = await AccountContext.LoadAsync(db, offer.AccountId, ct);
        if (!ctx.Creditor.Policy.SettlementApproval.Allows(byCreditor))
        {
            throw new SettlementDecisionRefusedException(ctx.Creditor.Policy.SettlementApproval == SettlementApproval.Creditor
                ? $"{ctx.Creditor.Code} decides settlements beyond its consented discount itself, in the creditor portal"
                : $"{ctx.Creditor.Code} leaves settlements beyond its consented discount to the agency's supervisors");
        }

        offer.Status = approved ? SettlementStatus.Approved : SettlementStatus.Rejected;
        offer.DecidedAt = now;
        offer.DecidedBy = decidedBy;
        IReadOnlyList<WorkItem> work = [];
        if (approved)
        {
            offer.PayBy = ctx.Today(now).PlusDays(options.SettlementPayByDays);
            await db.SaveChangesAsync(ct);
            (_, work) = await promises.RecordAsync(offer.AccountId, offer.Amount, offer.PayBy, ContactChannel.Call, null, offer.RequestedBy, ct);
            await DueContacts.DueContactQueue.CancelOpenAsync(db, offer.AccountId,
                [ContactPurpose.FirstContact, ContactPurpose.Reminder, ContactPurpose.StrategyStep, ContactPurpose.PromiseFollowUp, ContactPurpose.InstalmentFollowUp],
                "settlement approved", now, ct);
            await QueueConfirmationAsync(offer, ct);
        }

        await db.SaveChangesAsync(ct);
        WorkflowLog.SettlementDecided(_logger, offer.Id.ToString(), offer.Status.ToString(), decidedBy);
        return (offer, work);
    }

    /// <summary>Queues the written confirmation of an agreed or approved settlement to the debtor (once per offer): by SMS
    /// where the creditor allows SMS and the debtor has a mobile, else by e-mail, else by letter.</summary>
    public async Task QueueConfirmationAsync(SettlementOffer offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var now = Now;
        var ctx = await AccountContext.LoadAsync(db, offer.AccountId, ct);
        var (channel, campaign) = ctx.Creditor.Policy.AllowsSms && ctx.Debtor.Phones.Any(p => p.Kind == PhoneKind.Mobile && p.WrongNumberAt == null)
            ? (ContactChannel.Sms, options.MessageCampaign)
            : ctx.Debtor.Email is not null ? (ContactChannel.Email, options.MessageCampaign)
            : (ContactChannel.Letter, options.LetterCampaign);
        await cases.QueueContactAsync(ctx, channel, campaign, SettlementConfirmationTemplate, now, $"settlement-confirmation:{offer.Id}",
            ContactPurpose.SettlementConfirmation, SettlementConfirmationTemplate, now, ct);
        offer.ConfirmationQueuedAt ??= now;
    }

    /// <summary>The message and letter template that confirms a settlement (config/templates, letters).</summary>
    public const string SettlementConfirmationTemplate = "settlement-confirmation";
}

/// <summary>The caller may not decide this settlement: the creditor's policy gives the decision to someone else.</summary>
public sealed class SettlementDecisionRefusedException(string message) : InvalidOperationException(message);
