using System.Globalization;
using Collections.Scripts.Runtime;
using Collections.Scripts.Selection;
using Collections.Shared.Compliance;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Risk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using ScriptModel = Collections.Scripts.Model;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>What the operator sees about one account: the debtor, invoices, payments, promises, plans with each instalment,
/// history, the case (phase, strategy and why, next steps, warning signs with their triggers, interest, the settlement
/// allowed), why the call was made, and the script the call's stage needs.</summary>
public sealed record AccountView(DebtorDto Debtor, AccountDto Account, CaseDto Case, CallReasonDto? Reason, ScriptContextFacts Facts);

/// <summary>Reads everything the operator needs about one account and starts the script chosen for the call. The script's
/// stage is the one the queue entry the call carries out was given by the workflow (one rule: the workflow decides why a
/// call is made and with which stage); a call without an entry (manual, inbound) is a first contact.</summary>
public sealed partial class ScreenPopBuilder(
    ICollectionsDbContextFactory databases,
    ScriptCatalog scripts,
    IOptions<ConsoleOptions> options,
    IOptions<WorkflowOptions> workflow,
    TimeProvider time,
    ILogger<ScreenPopBuilder> logger)
{
    /// <summary>The account as the operator sees it, or null when it does not exist.</summary>
    /// <param name="stage">The call's own script stage when it carries out no queue entry ("inbound": the debtor called us).</param>
    public async Task<AccountView?> LoadAsync(AccountId accountId, CancellationToken ct, Guid? scheduledContactId = null, string? stage = null)
    {
        await using var db = databases.CreateDbContext();
        var account = await db.Accounts.AsNoTracking().Include(a => a.Invoices).FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return null;
        }

        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).AsSplitQuery().FirstAsync(d => d.Id == account.DebtorId, ct);
        var creditor = await db.Creditors.AsNoTracking().FirstAsync(c => c.Id == account.CreditorId, ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == accountId).ToListAsync(ct);
        var promises = await db.Promises.AsNoTracking().Where(p => p.AccountId == accountId).ToListAsync(ct);
        var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => p.AccountId == accountId).ToListAsync(ct);
        var attempts = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(ct);
        var dispositions = await db.Dispositions.AsNoTracking().Where(d => d.AccountId == accountId).ToListAsync(ct);
        var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == accountId, ct);
        var steps = @case is null ? [] : await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == @case.Id).ToListAsync(ct);
        var queued = await db.ScheduledContacts.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(ct);
        var offers = await db.SettlementOffers.AsNoTracking().Where(o => o.AccountId == accountId).OrderByDescending(o => o.CreatedAt).ToListAsync(ct);
        var entry = scheduledContactId is { } id ? queued.FirstOrDefault(c => c.Id == id) : null;

        var culture = CultureOf(debtor);
        var zone = DebtorZoneResolver.Resolve(debtor)?.Primary ?? DateTimeZone.Utc;
        var address = debtor.CurrentAddress;
        var debtorDto = new DebtorDto(
            debtor.Id.Value, debtor.DisplayName, debtor.Kind.ToString(), debtor.PreferredLanguage, zone.Id,
            address is null ? null : $"{address.Street}, {address.PostalCode} {address.City}, {address.Country}",
            [.. debtor.Phones.Where(p => p.WrongNumberAt is null).OrderBy(p => p.Priority).Select(p => p.E164)],
            debtor.Vulnerable);

        var history = attempts.Select(a => new HistoryDto(a.StartedAt.ToDateTimeOffset(), a.Channel.ToString(), a.Purpose is { } p ? $"{a.Outcome} ({p.Text()})" : a.Outcome.ToString(), a.Address))
            .Concat(dispositions.Select(d => new HistoryDto(d.At.ToDateTimeOffset(), "Disposition", d.Code.ToString(), d.Note)))
            .OrderByDescending(h => h.At)
            .Take(50)
            .ToList();
        var today = now.InZone(zone).Date;
        var reminders = queued.Where(c => c.Purpose == ContactPurpose.PreInstalment && c.Channel == ContactChannel.Call)
            .ToDictionary(c => c.IdempotencyKey, StringComparer.Ordinal);
        var accountDto = new AccountDto(
            account.Id.Value, account.CreditorReference, creditor.Name, account.Industry.ToString(), account.Origin, account.Currency,
            account.Principal, account.Interest + account.StatutoryInterest, account.Fees, account.Paid, account.Balance.Amount, account.Balance.Format(culture),
            account.DueDate.ToDateOnly(), @case?.Phase.ToString(),
            [.. account.Invoices.OrderBy(i => i.IssuedOn).Select(i => new InvoiceDto(i.Number, i.IssuedOn.ToDateOnly(), i.DueOn.ToDateOnly(), i.Amount))],
            [.. payments.OrderByDescending(p => p.ReceivedOn).Select(p => new PaymentDto(p.ReceivedOn.ToDateOnly(), p.Amount, p.Method.ToString(), p.Reference))],
            [.. promises.OrderByDescending(p => p.DueDate).Select(p => new PromiseDto(p.DueDate.ToDateOnly(), p.Amount, p.Status.ToString(), p.AmountReceived))],
            [.. plans.OrderByDescending(p => p.CreatedAt).Select(p =>
            {
                var next = p.Instalments.Where(i => i.Status is InstalmentStatus.Due or InstalmentStatus.PartlyPaid).MinBy(i => i.DueDate);
                var schedule = p.Instalments.OrderBy(i => i.Number).Select(i =>
                {
                    var reminder = reminders.GetValueOrDefault($"instalment-reminder:{i.Id}:call");
                    var remindAt = reminder?.DueAt ?? (i.Status is InstalmentStatus.Due ? InstalmentWorkflow.ReminderTime(i.DueDate, workflow.Value, zone) : (Instant?)null);
                    return new InstalmentDto(i.Number, i.DueDate.ToDateOnly(), i.Amount, i.PaidAmount, i.Status.ToString(), remindAt?.ToDateTimeOffset(),
                        reminder is null ? null : reminder.Outcome ?? reminder.Status.ToString().ToLowerInvariant());
                }).ToList();
                return new PlanDto(p.Total, p.Instalments.Count, p.Frequency.ToString(), p.Status.ToString(), next?.DueDate.ToDateOnly(), next?.Amount, schedule);
            })],
            history);

        var caseDto = CaseOf(@case, steps, account, creditor, debtor, payments, offers, culture, now);
        var reason = entry is not null ? await ReasonAsync(db, entry, promises, plans, ct)
            : stage == InboundStage ? new CallReasonDto(ContactPurpose.Inbound.Text(), "The debtor called us: verify who is speaking before the account is discussed.", InboundStage)
            : null;
        var lastPromise = promises.MaxBy(p => p.DueDate);
        var nextInstalment = plans.Where(p => p.Status == InstalmentPlanStatus.Active)
            .SelectMany(p => p.Instalments).Where(i => i.Status == InstalmentStatus.Due && i.DueDate >= today).MinBy(i => i.DueDate);
        var facts = new ScriptContextFacts(
            new ScriptRequest(ScriptIndustry(account.Industry), debtor.Kind == DebtorKind.Business ? ScriptModel.DebtorType.Business : ScriptModel.DebtorType.Consumer, StageOf(entry?.ScriptStage ?? stage), debtor.PreferredLanguage),
            new ScriptContext
            {
                AgentName = "",
                AgencyName = options.Value.AgencyName,
                AgencyPhone = options.Value.AgencyPhone,
                DebtorFirstName = debtor.FirstName ?? debtor.CompanyName ?? "",
                DebtorLastName = debtor.LastName ?? "",
                DebtorCompanyName = debtor.CompanyName,
                CreditorName = creditor.Name,
                AccountReference = account.CreditorReference,
                Balance = new ScriptMoney(account.Balance.Amount, account.Currency),
                DueDate = account.DueDate,
                NextInstalmentAmount = nextInstalment is null ? null : new ScriptMoney(nextInstalment.Amount, account.Currency),
                NextInstalmentDueDate = nextInstalment?.DueDate,
                LastPromiseAmount = lastPromise is null ? null : new ScriptMoney(lastPromise.Amount, lastPromise.Currency),
                LastPromiseDate = lastPromise?.DueDate,
                Culture = culture,
                TimeZone = zone,
                InstalmentPolicy = creditor.Policy.MaxInstalments >= 2
                    ? new InstalmentPolicy(creditor.Policy.MaxInstalments, creditor.Policy.MinInstalment, options.Value.MaxDaysToFirstInstalment)
                    : null,
                SettlementConsent = creditor.Policy.MaxSettlementDiscountPercent > 0
                    ? new SettlementConsent(100m - creditor.Policy.MaxSettlementDiscountPercent, null)
                    : null,
                MaxDaysToPromise = options.Value.MaxDaysToPromise,
            },
            zone,
            entry?.ScriptStage ?? stage ?? FirstContact);
        return new AccountView(debtorDto, accountDto, caseDto, reason, facts);
    }

    /// <summary>Starts the script for the call, or null when no script serves the stage in any language.</summary>
    public ScriptRun? StartScript(ScriptContextFacts facts, string agentName)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var pick = scripts.Select(facts.Request);
        return pick is null ? null : ScriptRun.Start(pick.Script, pick.Language, facts.Context with { AgentName = agentName }, time);
    }

    private const string FirstContact = "first-contact";

    /// <summary>The script stage of a call the debtor made to us.</summary>
    private const string InboundStage = "inbound";

    private ScriptModel.ScriptStage StageOf(string? wanted)
    {
        var stage = wanted ?? FirstContact;
        if (ScriptModel.ScriptVocabulary.TryParseStage(stage, out var parsed))
        {
            return parsed;
        }

        // A stage the script vocabulary does not know yet: the call still gets the first-contact script, and the log says so.
        LogUnknownStage(logger, stage);
        return ScriptModel.ScriptStage.FirstContact;
    }

    private CaseDto CaseOf(Case? @case, List<CaseStep> steps, Account account, Creditor creditor, Debtor debtor, List<Payment> payments, List<SettlementOffer> offers, CultureInfo culture, Instant now)
    {
        var flags = RiskSignals.Explain(payments, debtor.Addresses, now, workflow.Value.AddressChangeThreshold, workflow.Value.AddressChangeWindowDays)
            .Select(f => new RiskFlagDto(f.Flag, f.Trigger)).ToList();
        // Flags the claim analysis raised earlier stay on the case even when the history that raised them is no longer in view.
        foreach (var stored in RiskSignals.Parse(@case?.RiskFlags).Where(f => flags.All(x => x.Flag != f)))
        {
            flags.Add(new RiskFlagDto(stored, "raised by the claim analysis when the case was opened"));
        }

        var next = steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).Take(3)
            .Select(s => new CaseStepDto(s.StepKey, s.Phase.ToString(), s.Channel?.ToString(), s.DueAt.ToDateTimeOffset(), s.Status.ToString(), s.Note))
            .ToList();
        var interestNote = creditor.Policy.WaivesStatutoryInterest ? "the creditor does not claim statutory interest"
            : account.InterestAccruedUntil is null ? "not accrued yet" : null;
        var interest = new InterestDto(account.StatutoryInterest, account.InterestAccruedUntil?.ToDateOnly(), account.Balance.Amount, account.Balance.Format(culture), interestNote);
        SettlementAllowanceDto? settlement = null;
        if (creditor.Policy.MaxSettlementDiscountPercent > 0 || offers.Count > 0)
        {
            var balance = account.Balance.Amount;
            var minor = Currencies.MinorUnits(account.Currency);
            // The smallest amount within the consent, rounded up to the currency's minor unit so it never exceeds the discount.
            var factor = (decimal)Math.Pow(10, minor);
            var minimum = Math.Ceiling(balance * (100m - creditor.Policy.MaxSettlementDiscountPercent) / 100m * factor) / factor;
            settlement = new SettlementAllowanceDto(creditor.Policy.MaxSettlementDiscountPercent, minimum, new Money(minimum, account.Currency).Format(culture),
                [.. offers.Select(o => Settlements.SettlementRequests.Dto(o, account, debtor, creditor, null))]);
        }

        return new CaseDto(@case?.Phase.ToString(), @case?.StrategyId, @case?.StrategyReason, next, flags, interest, settlement);
    }

    /// <summary>Why the queued call was made, in a sentence, from the queue entry and what it refers to.</summary>
    private async Task<CallReasonDto> ReasonAsync(CollectionsDbContext db, ScheduledContact entry, List<PromiseToPay> promises, List<InstalmentPlan> plans, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        var key = entry.IdempotencyKey;
        var text = entry.Purpose switch
        {
            ContactPurpose.PreInstalment when plans.SelectMany(p => p.Instalments.Select(i => (p, i))).FirstOrDefault(x => key.Contains(x.i.Id.ToString(), StringComparison.Ordinal)) is { p: { } plan, i: { } inst } =>
                string.Create(c, $"Reminder before instalment {inst.Number} of {plan.Instalments.Count}: {inst.Amount:0.00} {plan.Currency} due {inst.DueDate:uuuu-MM-dd}."),
            ContactPurpose.PromiseFollowUp when promises.FirstOrDefault(p => key.Contains(p.Id.ToString(), StringComparison.Ordinal)) is { } promise =>
                string.Create(c, $"Promise of {promise.Amount:0.00} {promise.Currency} due {promise.DueDate:uuuu-MM-dd} was {promise.Status.ToString().ToLowerInvariant()}: {promise.AmountReceived:0.00} received."),
            ContactPurpose.InstalmentFollowUp when plans.SelectMany(p => p.Instalments).FirstOrDefault(i => key.Contains(i.Id.ToString(), StringComparison.Ordinal)) is { } missed =>
                string.Create(c, $"Instalment {missed.Number} of {missed.Amount:0.00} due {missed.DueDate:uuuu-MM-dd} was missed ({missed.PaidAmount:0.00} paid)."),
            ContactPurpose.Callback => await CallbackTextAsync(db, entry, ct),
            ContactPurpose.FirstContact => "First call of the strategy about this debt.",
            _ => $"Strategy step: {entry.Reason}.",
        };
        return new CallReasonDto(entry.Purpose.Text(), text, entry.ScriptStage);
    }

    private static async Task<string> CallbackTextAsync(CollectionsDbContext db, ScheduledContact entry, CancellationToken ct)
    {
        var agent = entry.AgentId is { } id ? await db.Agents.AsNoTracking().Where(a => a.Id == id).Select(a => a.DisplayName).FirstOrDefaultAsync(ct) : null;
        return $"Call back agreed{(agent is null ? string.Empty : $" by {agent}")} for {entry.DueAt.ToDateTimeOffset():yyyy-MM-dd HH:mm} UTC.";
    }

    private static ScriptModel.Industry ScriptIndustry(Industry industry) => industry switch
    {
        Industry.Telecom => ScriptModel.Industry.Telecom,
        Industry.Utilities => ScriptModel.Industry.Utilities,
        Industry.ConsumerCredit => ScriptModel.Industry.ConsumerCredit,
        Industry.B2BTradeCredit => ScriptModel.Industry.B2BTradeCredit,
        Industry.Healthcare => ScriptModel.Industry.Healthcare,
        Industry.Retail => ScriptModel.Industry.Retail,
        Industry.Rental => ScriptModel.Industry.Rental,
        _ => ScriptModel.Industry.Generic,
    };

    // Money and dates in the debtor's own format: language plus the country they live in (de-DE, hu-HU, en-GB).
    private static CultureInfo CultureOf(Debtor debtor)
    {
        var country = debtor.CurrentAddress?.Country;
        foreach (var name in new[] { country is null ? null : $"{debtor.PreferredLanguage}-{country}", debtor.PreferredLanguage })
        {
            if (name is null)
            {
                continue;
            }

            try
            {
                return CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            }
            catch (CultureNotFoundException)
            {
                // try the next candidate
            }
        }

        return CultureInfo.InvariantCulture;
    }

    [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "Script stage '{Stage}' is not known to the scripts; the call gets the first-contact script")]
    private static partial void LogUnknownStage(ILogger logger, string stage);
}

/// <summary>What the script selection and run need about a call's account.</summary>
/// <param name="Stage">The stage the call was made for, as the workflow named it.</param>
public sealed record ScriptContextFacts(ScriptRequest Request, ScriptContext Context, DateTimeZone Zone, string Stage);
