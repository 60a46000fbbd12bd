using System.Globalization;
using Collections.Scripts.Runtime;
using Collections.Scripts.Selection;
using Collections.Shared.Compliance;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using ScriptModel = Collections.Scripts.Model;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>Reads everything the operator needs about one account (debtor, invoices, payments, promises, plans, history)
/// and starts the script chosen for the call.</summary>
public sealed class ScreenPopBuilder(ICollectionsDbContextFactory databases, ScriptCatalog scripts, IOptions<ConsoleOptions> options, TimeProvider time)
{
    /// <summary>The account as the operator sees it, or null when it does not exist.</summary>
    public async Task<(DebtorDto Debtor, AccountDto Account, ScriptContextFacts Facts)?> LoadAsync(AccountId accountId, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var account = await db.Accounts.AsNoTracking().Include(a => a.Invoices).FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return null;
        }

        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).AsSplitQuery().FirstAsync(d => d.Id == account.DebtorId, ct);
        var creditor = await db.Creditors.AsNoTracking().FirstAsync(c => c.Id == account.CreditorId, ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == accountId).ToListAsync(ct);
        var promises = await db.Promises.AsNoTracking().Where(p => p.AccountId == accountId).ToListAsync(ct);
        var plans = await db.InstalmentPlans.AsNoTracking().Include(p => p.Instalments).Where(p => p.AccountId == accountId).ToListAsync(ct);
        var attempts = await db.ContactAttempts.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(ct);
        var dispositions = await db.Dispositions.AsNoTracking().Where(d => d.AccountId == accountId).ToListAsync(ct);
        var phase = await db.Cases.AsNoTracking().Where(c => c.AccountId == accountId).Select(c => (CasePhase?)c.Phase).FirstOrDefaultAsync(ct);

        var culture = CultureOf(debtor);
        var zone = DebtorZoneResolver.Resolve(debtor)?.Primary ?? DateTimeZone.Utc;
        var address = debtor.CurrentAddress;
        var debtorDto = new DebtorDto(
            debtor.Id.Value, debtor.DisplayName, debtor.Kind.ToString(), debtor.PreferredLanguage, zone.Id,
            address is null ? null : $"{address.Street}, {address.PostalCode} {address.City}, {address.Country}",
            [.. debtor.Phones.OrderBy(p => p.Priority).Select(p => p.E164)],
            debtor.Vulnerable);

        var history = attempts.Select(a => new HistoryDto(a.StartedAt.ToDateTimeOffset(), a.Channel.ToString(), a.Outcome.ToString(), a.Address))
            .Concat(dispositions.Select(d => new HistoryDto(d.At.ToDateTimeOffset(), "Disposition", d.Code.ToString(), d.Note)))
            .OrderByDescending(h => h.At)
            .Take(50)
            .ToList();
        var today = Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(zone).Date;
        var accountDto = new AccountDto(
            account.Id.Value, account.CreditorReference, creditor.Name, account.Industry.ToString(), account.Origin, account.Currency,
            account.Principal, account.Interest, account.Fees, account.Paid, account.Balance.Amount, account.Balance.Format(culture),
            account.DueDate.ToDateOnly(), phase?.ToString(),
            [.. account.Invoices.OrderBy(i => i.IssuedOn).Select(i => new InvoiceDto(i.Number, i.IssuedOn.ToDateOnly(), i.DueOn.ToDateOnly(), i.Amount))],
            [.. payments.OrderByDescending(p => p.ReceivedOn).Select(p => new PaymentDto(p.ReceivedOn.ToDateOnly(), p.Amount, p.Method.ToString(), p.Reference))],
            [.. promises.OrderByDescending(p => p.DueDate).Select(p => new PromiseDto(p.DueDate.ToDateOnly(), p.Amount, p.Status.ToString(), p.AmountReceived))],
            [.. plans.OrderByDescending(p => p.CreatedAt).Select(p =>
            {
                var next = p.Instalments.Where(i => i.Status is InstalmentStatus.Due or InstalmentStatus.PartlyPaid).MinBy(i => i.DueDate);
                return new PlanDto(p.Total, p.Instalments.Count, p.Frequency.ToString(), p.Status.ToString(), next?.DueDate.ToDateOnly(), next?.Amount);
            })],
            history);

        var lastPromise = promises.MaxBy(p => p.DueDate);
        var nextInstalment = plans.Where(p => p.Status == InstalmentPlanStatus.Active)
            .SelectMany(p => p.Instalments).Where(i => i.Status == InstalmentStatus.Due && i.DueDate >= today).MinBy(i => i.DueDate);
        // The stage decides the script: a broken promise is never treated as a first contact (docs/scripts.md).
        var stage = lastPromise is { Status: PromiseStatus.Broken } ? ScriptModel.ScriptStage.BrokenPromise
            : nextInstalment is not null && nextInstalment.DueDate <= today.PlusDays(7) ? ScriptModel.ScriptStage.PreInstalmentReminder
            : ScriptModel.ScriptStage.FirstContact;
        var facts = new ScriptContextFacts(
            new ScriptRequest(ScriptIndustry(account.Industry), debtor.Kind == DebtorKind.Business ? ScriptModel.DebtorType.Business : ScriptModel.DebtorType.Consumer, stage, debtor.PreferredLanguage),
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
            zone);
        return (debtorDto, accountDto, facts);
    }

    /// <summary>Starts the script for the call, or null when no script serves the stage in any language.</summary>
    public ScriptRun? StartScript(ScriptContextFacts facts, string agentName)
    {
        var pick = scripts.Select(facts.Request);
        return pick is null ? null : ScriptRun.Start(pick.Script, pick.Language, facts.Context with { AgentName = agentName }, time);
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
}

/// <summary>What the script selection and run need about a call's account.</summary>
public sealed record ScriptContextFacts(ScriptRequest Request, ScriptContext Context, DateTimeZone Zone);
