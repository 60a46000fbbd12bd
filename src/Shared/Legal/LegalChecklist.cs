using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Risk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.Shared.Legal;

/// <summary>A checklist item's verdict.</summary>
public enum CheckVerdict
{
    Pass = 1,
    Fail = 2,
    Unknown = 3,
}

/// <summary>One item of the legal review's checklist: <see cref="Key"/> is claim-documented, address-current, not-deceased,
/// not-insolvent, acknowledgements, limitation or cost; <see cref="Why"/> says what in the record gave the verdict.</summary>
public sealed record ChecklistItem(string Key, CheckVerdict Verdict, string Why);

/// <summary>A court-fee table of one jurisdiction: a fee per band of the claim's value, or a percentage with a floor and a
/// ceiling; always with the source it was taken from.</summary>
public sealed class CourtCostTable
{
    /// <summary>ISO 4217 code of the amounts.</summary>
    public string Currency { get; set; } = string.Empty;

    /// <summary>The law or fee schedule the figures come from, and as of when.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Fee bands, ascending: the first whose <see cref="CostBand.UpTo"/> is at least the claim applies.</summary>
    public List<CostBand> Bands { get; set; } = [];

    /// <summary>Instead of bands: the fee is this share of the claim (0.03 = 3 %) ...</summary>
    public decimal? Percent { get; set; }

    /// <summary>... at least this ...</summary>
    public decimal? Min { get; set; }

    /// <summary>... and at most this.</summary>
    public decimal? Max { get; set; }

    /// <summary>The fee for a claim of <paramref name="claim"/>, or null when the table does not reach that far.</summary>
    public decimal? FeeFor(decimal claim)
    {
        if (Percent is { } share)
        {
            var fee = decimal.Round(claim * share, 2);
            fee = Min is { } floor && fee < floor ? floor : fee;
            return Max is { } ceiling && fee > ceiling ? ceiling : fee;
        }

        return Bands.FirstOrDefault(b => claim <= b.UpTo)?.Fee;
    }
}

/// <summary>A claim value band and its fee.</summary>
public sealed class CostBand
{
    public decimal UpTo { get; set; }

    public decimal Fee { get; set; }
}

/// <summary>The legal review's settings (<c>Collections:Legal</c>): court fees per jurisdiction (ISO 3166-1 alpha-2) and
/// how large a share of the claim the fees may be before the cost item fails.</summary>
public sealed class LegalReviewOptions
{
    public const string Section = "Collections:Legal";

    public Dictionary<string, CourtCostTable> CourtCosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The cost item fails when the court fee exceeds this share of the outstanding claim (0.25 = 25 %).</summary>
    public decimal MaxCostShare { get; set; } = 0.25m;

    /// <summary>Empty when valid, else what is wrong, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxCostShare is <= 0m or > 1m)
        {
            yield return $"{Section}:MaxCostShare must be above 0 and at most 1";
        }

        foreach (var (code, table) in CourtCosts)
        {
            var at = $"{Section}:CourtCosts:{code}";
            if (table.Currency.Length != 3)
            {
                yield return $"{at}:Currency must be an ISO 4217 code";
            }

            if (string.IsNullOrWhiteSpace(table.Source))
            {
                yield return $"{at}:Source must cite where the fees come from";
            }

            if (table.Percent is null && table.Bands.Count == 0)
            {
                yield return $"{at}: give Bands or Percent";
            }

            for (var i = 1; i < table.Bands.Count; i++)
            {
                if (table.Bands[i].UpTo <= table.Bands[i - 1].UpTo)
                {
                    yield return $"{at}:Bands:{i}:UpTo must be above the band before it";
                }
            }
        }
    }
}

/// <summary>Stops the host at start when <see cref="LegalReviewOptions"/> is invalid, naming each setting.</summary>
internal sealed class LegalReviewOptionsValidator : IValidateOptions<LegalReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, LegalReviewOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

/// <summary>What the checklist is computed from: the record of one case, loaded by <see cref="LegalChecklistService"/>.</summary>
public sealed record ChecklistFacts(
    string Jurisdiction,
    decimal Principal,
    decimal Outstanding,
    string Currency,
    IReadOnlyList<Invoice> Invoices,
    DebtorAddress? CurrentAddress,
    IReadOnlyList<(Instant At, OutboundMessageState State)> Letters,
    IReadOnlyList<Hold> Holds,
    IReadOnlySet<string> RiskFlags,
    IReadOnlyList<DebtAcknowledgement> Acknowledgements,
    LimitationStatus? Limitation,
    Instant Now);

/// <summary>The checklist's rules: each item is computed from the record alone and says why.</summary>
public static class LegalChecklistRules
{
    /// <summary>Every item, in the order the page shows them.</summary>
    public static IReadOnlyList<ChecklistItem> Compute(ChecklistFacts facts, LegalReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        return [Claim(facts), Address(facts), Hold(facts, HoldKind.Deceased, "not-deceased", "deceased"), Hold(facts, HoldKind.Bankruptcy, "not-insolvent", "insolvent"),
            Acknowledgements(facts), Limitation(facts), Cost(facts, options)];
    }

    /// <summary>A court wants the claim proved: the invoices the claim rests on, adding up to the principal claimed.</summary>
    public static ChecklistItem Claim(ChecklistFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Invoices.Count == 0)
        {
            return new("claim-documented", CheckVerdict.Fail, "no invoice is recorded for the claim");
        }

        var total = facts.Invoices.Sum(i => i.Amount);
        var listed = $"{facts.Invoices.Count} invoice(s) totalling {Money(total, facts.Currency)}";
        return total == facts.Principal
            ? new("claim-documented", CheckVerdict.Pass, $"{listed}, equal to the principal")
            : new("claim-documented", CheckVerdict.Fail, $"{listed}, but the principal is {Money(facts.Principal, facts.Currency)}");
    }

    /// <summary>Papers must reach the debtor (service of the claim, ZPO § 166 ff.): a current address to which mail got
    /// through since it was recorded. A letter returned undelivered fails it; no letter since leaves it unknown.</summary>
    public static ChecklistItem Address(ChecklistFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.CurrentAddress is not { } address)
        {
            return new("address-current", CheckVerdict.Fail, "the debtor has no current address");
        }

        var since = address.ValidFrom;
        var where = $"{address.PostalCode} {address.City}, {address.Country}, recorded {Day(since)}";
        var letters = facts.Letters.Where(l => l.At >= since).ToList();
        if (letters.Where(l => l.State == OutboundMessageState.Undelivered).Select(l => (Instant?)l.At).Max() is { } returned)
        {
            return new("address-current", CheckVerdict.Fail, $"{where}: a letter of {Day(returned)} came back undelivered");
        }

        if (facts.RiskFlags.Contains("address-changes"))
        {
            return new("address-current", CheckVerdict.Unknown, $"{where}: the debtor moves often (warning sign address-changes)");
        }

        return letters.Where(l => l.State is OutboundMessageState.Delivered or OutboundMessageState.Sent).Select(l => (Instant?)l.At).Max() is { } sent
            ? new("address-current", CheckVerdict.Pass, $"{where}: a letter of {Day(sent)} was sent there and not returned")
            : new("address-current", CheckVerdict.Unknown, $"{where}: no letter has gone there since");
    }

    private static ChecklistItem Hold(ChecklistFacts facts, HoldKind kind, string key, string what)
    {
        var hold = facts.Holds.Where(h => h.Kind == kind).OrderByDescending(h => h.From).FirstOrDefault();
        return hold switch
        {
            null => new(key, CheckVerdict.Pass, $"no {what} hold was ever recorded"),
            { Until: null } => new(key, CheckVerdict.Fail, $"{what} since {Day(hold.From)}: {hold.Reason}"),
            _ => new(key, CheckVerdict.Pass, $"a {what} hold of {Day(hold.From)} was lifted on {Day(hold.Until!.Value)}: {hold.Reason}"),
        };
    }

    /// <summary>A signed acknowledgement of debt is the strongest evidence and restarts limitation (BGB § 212(1) Nr. 1,
    /// Ptk. 6:25); without one the claim rests on the invoices, which is not a failure.</summary>
    public static ChecklistItem Acknowledgements(ChecklistFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Acknowledgements.Count == 0)
        {
            return new("acknowledgements", CheckVerdict.Unknown, "no acknowledgement of debt is recorded; the claim rests on the invoices");
        }

        var last = facts.Acknowledgements.MaxBy(a => a.SignedOn)!;
        return new("acknowledgements", CheckVerdict.Pass,
            $"{facts.Acknowledgements.Count} signed, the last on {last.SignedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} for {Money(last.Amount, facts.Currency)}");
    }

    /// <summary>The claim must not be time-barred (BGB § 214(1); 12 CFR 1006.26(b) forbids suing on a time-barred debt).</summary>
    public static ChecklistItem Limitation(ChecklistFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.Limitation switch
        {
            null or { State: LimitationState.NoRule } => new("limitation", CheckVerdict.Unknown, $"no limitation rule for {facts.Jurisdiction}"),
            { State: LimitationState.TimeBarred, LastDay: var last } => new("limitation", CheckVerdict.Fail, $"time-barred since {Day(last)} ({facts.Jurisdiction})"),
            { LastDay: var last, DaysLeft: var left } => new("limitation", CheckVerdict.Pass, $"last day {Day(last)}, {left} days left ({facts.Jurisdiction}: {facts.Limitation.Rule?.Source})"),
        };
    }

    /// <summary>The court fee against the outstanding claim, from the jurisdiction's fee table (<see cref="LegalReviewOptions.CourtCosts"/>).
    /// Court fees only: lawyers' fees, which the loser usually bears, are not in it.</summary>
    public static ChecklistItem Cost(ChecklistFacts facts, LegalReviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.CourtCosts.TryGetValue(facts.Jurisdiction, out var table))
        {
            return new("cost", CheckVerdict.Unknown, $"no court-fee table for {facts.Jurisdiction}");
        }

        if (!string.Equals(table.Currency, facts.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new("cost", CheckVerdict.Unknown, $"the {facts.Jurisdiction} fee table is in {table.Currency}, the claim in {facts.Currency}");
        }

        if (facts.Outstanding <= 0m)
        {
            return new("cost", CheckVerdict.Fail, "nothing is outstanding");
        }

        if (table.FeeFor(facts.Outstanding) is not { } fee)
        {
            return new("cost", CheckVerdict.Unknown, $"the {facts.Jurisdiction} fee table does not reach {Money(facts.Outstanding, facts.Currency)} ({table.Source})");
        }

        var share = fee / facts.Outstanding;
        var said = $"court fee {Money(fee, facts.Currency)} = {share.ToString("P0", CultureInfo.InvariantCulture)} of {Money(facts.Outstanding, facts.Currency)} (limit {options.MaxCostShare.ToString("P0", CultureInfo.InvariantCulture)}; {table.Source})";
        return new("cost", share <= options.MaxCostShare ? CheckVerdict.Pass : CheckVerdict.Fail, said);
    }

    private static string Money(decimal amount, string currency) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";

    private static string Day(Instant at) => at.InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(LocalDate? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "?";
}

/// <summary>A case's legal review: the checklist and the state of the creditor's consent.</summary>
/// <param name="ConsentStatus">null (no consent asked), "awaiting", "approved" or "refused".</param>
public sealed record LegalReviewSheet(AccountId AccountId, string Reference, string Creditor, CasePhase? Phase, bool ConsentRequired,
    IReadOnlyList<ChecklistItem> Items, string? ConsentStatus, string? Filing, string? ConsentAnsweredBy, Instant? ConsentAnsweredAt, string? ConsentNote);

/// <summary>Loads a case's record and computes its checklist (read only).</summary>
public sealed class LegalChecklistService(ICollectionsDbContextFactory contexts, LimitationService limitation, IOptions<LegalReviewOptions> options, TimeProvider time)
{
    /// <summary>The sheet of <paramref name="accountId"/>, or null when there is no such account.</summary>
    public async Task<LegalReviewSheet?> LoadAsync(AccountId accountId, CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return null;
        }

        var creditor = await db.Creditors.AsNoTracking().SingleAsync(c => c.Id == account.CreditorId, ct);
        var debtor = await db.Debtors.AsNoTracking().Include(d => d.Addresses).SingleAsync(d => d.Id == account.DebtorId, ct);
        var @case = await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.AccountId == accountId, ct);
        var letters = await db.OutboundMessages.AsNoTracking().Where(m => m.AccountId == accountId && m.Channel == ContactChannel.Letter)
            .Select(m => new { m.CreatedAt, m.State }).ToListAsync(ct);
        var status = await limitation.ForAccountAsync(accountId, ct);
        var facts = new ChecklistFacts(
            status?.Jurisdiction ?? (debtor.CurrentAddress?.Country ?? creditor.Country).ToUpperInvariant(),
            account.Principal,
            account.Principal + account.Interest + account.StatutoryInterest + account.Fees - account.Paid,
            account.Currency,
            await db.Invoices.AsNoTracking().Where(i => i.AccountId == accountId).ToListAsync(ct),
            debtor.CurrentAddress,
            [.. letters.Select(l => (l.CreatedAt, l.State))],
            await db.Holds.AsNoTracking().Where(h => h.AccountId == accountId).ToListAsync(ct),
            RiskSignals.Parse(@case?.RiskFlags),
            await db.DebtAcknowledgements.AsNoTracking().Where(a => a.AccountId == accountId).ToListAsync(ct),
            status,
            Instant.FromDateTimeOffset(time.GetUtcNow()));
        var consent = @case is null ? null : await db.LegalActionConsents.AsNoTracking().SingleOrDefaultAsync(k => k.CaseId == @case.Id, ct);
        return new LegalReviewSheet(accountId, account.CreditorReference, creditor.Code, @case?.Phase, creditor.Policy.LegalActionNeedsConsent,
            LegalChecklistRules.Compute(facts, options.Value),
            consent is null ? null : consent.Approved switch { null => "awaiting", true => "approved", false => "refused" },
            consent?.Filing, consent?.DecidedBy, consent?.DecidedAt, consent?.Note);
    }
}
