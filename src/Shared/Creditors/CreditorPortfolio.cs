using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Reporting;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Creditors;

/// <summary>A creditor's portfolio to date, per currency, as the creditor portal shows it (docs/creditor-portal.md).</summary>
/// <param name="Creditor">The creditor's code.</param>
/// <param name="AsOf">The day the figures run to (UTC).</param>
public sealed record PortfolioFigures(string Creditor, string CreditorName, LocalDate AsOf, IReadOnlyList<PortfolioCurrency> Currencies);

/// <summary>The figures of one currency. Amounts and counts are those of the creditor report (docs/creditor-reports.md) for
/// the placements up to <see cref="PortfolioFigures.AsOf"/>; the two rates are defined on their properties.</summary>
/// <param name="PromisesResolved">Promises whose date has passed and were judged: kept, partly kept or broken.</param>
/// <param name="PromiseKeptRate">Kept over resolved (0.5 = 50 %); null with none resolved.</param>
/// <param name="CallsMade">Calls placed on the accounts that got an outcome (not queued, not cancelled).</param>
/// <param name="RightPartyContacts">Of those, calls where the operator spoke with the debtor (or the person entitled to act).</param>
/// <param name="RightPartyContactRate">Right-party contacts over calls made; null with no calls.</param>
public sealed record PortfolioCurrency(string Currency, int PlacedCount, decimal PlacedAmount, decimal Collected, decimal RecoveryRate,
    int PromisesResolved, int PromisesKept, decimal? PromiseKeptRate, int CallsMade, int RightPartyContacts, decimal? RightPartyContactRate,
    IReadOnlyList<LiquidationCurve> Curves, IReadOnlyList<PhaseCount> Phases);

/// <summary>One line of the portal's account list.</summary>
public sealed record PortfolioAccountRow(string Reference, string Creditor, string Debtor, string Currency, decimal Placed, decimal Paid, decimal Outstanding, string? Phase, LocalDate PlacedOn, bool Recalled);

/// <summary>One page of the account list and how many accounts match in all.</summary>
public sealed record PortfolioAccountPage(int Total, int Page, int PageSize, IReadOnlyList<PortfolioAccountRow> Rows);

/// <summary>A case in legal review whose creditor asks to consent to legal action first, and the creditor's answer.</summary>
/// <param name="Status">"awaiting", "approved" or "refused".</param>
/// <param name="Filing">What the legal team asks to file: "court-claim" or "payment-order".</param>
public sealed record LegalActionRequestView(Guid CaseId, string Reference, string Creditor, string Debtor, string Currency, decimal Outstanding,
    Instant? InReviewSince, string Status, string? DecidedBy, Instant? DecidedAt, string? Note, string? Filing = null, Instant? RequestedAt = null, string? RequestNote = null);

/// <summary>
/// What the creditor portal reads: the portfolio figures (the creditor report's own computation, plus the promise-kept and
/// right-party-contact rates), the account list with search and paging, and the legal-action requests. Every method takes
/// the creditors the caller may see; the console's creditor filter supplies them.
/// </summary>
public sealed class CreditorPortfolio(CollectionsDbContext db, TimeProvider time)
{
    /// <summary>Largest page of the account list.</summary>
    public const int MaxPageSize = 200;

    private LocalDate Today => Instant.FromDateTimeOffset(time.GetUtcNow()).InUtc().Date;

    /// <summary>The figures of <paramref name="creditorCode"/> to today; null for an unknown creditor.</summary>
    public async Task<PortfolioFigures?> FiguresAsync(string creditorCode, CancellationToken ct = default)
    {
        var today = Today;
        // One computation of placed, collected, recovery, curves and phases: the report's (the portal and the PDF agree).
        var report = await new CreditorReportBuilder(db).BuildAsync(creditorCode, today, today, TextWriter.Null, TextWriter.Null, ct);
        if (report is null)
        {
            return null;
        }

        var id = await db.Creditors.Where(c => c.Code == creditorCode).Select(c => c.Id).SingleAsync(ct);
        var accounts = db.Accounts.AsNoTracking().Where(a => a.CreditorId == id);
        var promises = await (from p in db.Promises.AsNoTracking()
                              join a in accounts on p.AccountId equals a.Id
                              where p.Status == PromiseStatus.Kept || p.Status == PromiseStatus.PartlyKept || p.Status == PromiseStatus.Broken
                              group p by new { p.Currency, p.Status } into g
                              select new { g.Key.Currency, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var calls = await (from c in db.ContactAttempts.AsNoTracking()
                           join a in accounts on c.AccountId equals a.Id
                           where c.Channel == ContactChannel.Call && c.Outcome != ContactOutcome.Pending && c.Outcome != ContactOutcome.Cancelled
                           group c by new { a.Currency, c.RightPartyContact } into g
                           select new { g.Key.Currency, g.Key.RightPartyContact, Count = g.Count() }).ToListAsync(ct);

        var currencies = report.Currencies.Select(f =>
        {
            var resolved = promises.Where(p => p.Currency == f.Currency).Sum(p => p.Count);
            var kept = promises.Where(p => p.Currency == f.Currency && p.Status == PromiseStatus.Kept).Sum(p => p.Count);
            var made = calls.Where(c => c.Currency == f.Currency).Sum(c => c.Count);
            var rpc = calls.Where(c => c.Currency == f.Currency && c.RightPartyContact).Sum(c => c.Count);
            return new PortfolioCurrency(f.Currency, f.PlacedCount, f.PlacedAmount, f.CollectedToDate, f.RecoveryRate,
                resolved, kept, resolved == 0 ? null : Math.Round((decimal)kept / resolved, 4),
                made, rpc, made == 0 ? null : Math.Round((decimal)rpc / made, 4), f.Curves, f.Phases);
        }).ToList();
        return new PortfolioFigures(report.Creditor, report.CreditorName, today, currencies);
    }

    /// <summary>A page (0-based) of the accounts of <paramref name="creditors"/> in reference order; <paramref name="search"/>
    /// matches the start of the reference, or of the debtor's last, first or company name, ignoring case.</summary>
    public async Task<PortfolioAccountPage> AccountsAsync(IReadOnlyCollection<CreditorId> creditors, string? search, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(creditors);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(0, page);
        var ids = creditors.ToList();
        var accounts = db.Accounts.AsNoTracking().Where(a => ids.Contains(a.CreditorId));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var q = search.Trim();
            var lower = q.ToLowerInvariant();
            var byReference = db.Database.IsSqlite()
                // SQLite compares text bytewise (BINARY), so a prefix is a range of the (creditor, reference) index; its LIKE
                // ignores case and reads every row.
                ? accounts.Where(a => string.Compare(a.CreditorReference, q) >= 0 && string.Compare(a.CreditorReference, q + "\uffff") < 0)
                : accounts.Where(a => a.CreditorReference.StartsWith(q));
            // Names are compared lower-cased, debtor by debtor (by its key): a scan of the creditors' accounts.
            var byName = accounts.Where(a => db.Debtors.Any(d => d.Id == a.DebtorId
                && ((d.LastName != null && d.LastName.ToLower().StartsWith(lower))
                    || (d.FirstName != null && d.FirstName.ToLower().StartsWith(lower))
                    || (d.CompanyName != null && d.CompanyName.ToLower().StartsWith(lower)))));
            accounts = byReference.Union(byName);
        }

        var total = await accounts.CountAsync(ct);
        // The page is cut from the accounts alone (in index order), then its few rows are joined to debtor, creditor and case.
        var slice = accounts.OrderBy(a => a.CreditorReference).ThenBy(a => a.CreditorId).Skip(page * pageSize).Take(pageSize);
        var rows = await (from a in slice
                          join d in db.Debtors.AsNoTracking() on a.DebtorId equals d.Id
                          join cr in db.Creditors.AsNoTracking() on a.CreditorId equals cr.Id
                          join c in db.Cases.AsNoTracking() on a.Id equals c.AccountId into cases
                          from c in cases.DefaultIfEmpty()
                          orderby a.CreditorReference, cr.Code
                          select new
                          {
                              a.CreditorReference, cr.Code, d.Kind, d.FirstName, d.LastName, d.CompanyName,
                              a.Currency, a.Principal, a.Interest, a.StatutoryInterest, a.Fees, a.Paid,
                              a.CreatedAt, Phase = c == null ? (CasePhase?)null : c.Phase,
                              Recalled = db.Holds.Any(h => h.AccountId == a.Id && h.Kind == HoldKind.CreditorRecall && h.Until == null),
                          }).ToListAsync(ct);
        return new PortfolioAccountPage(total, page, pageSize, [.. rows.Select(r => new PortfolioAccountRow(
            r.CreditorReference, r.Code, new Debtor { Kind = r.Kind, FirstName = r.FirstName, LastName = r.LastName, CompanyName = r.CompanyName, PreferredLanguage = "en" }.DisplayName,
            r.Currency, r.Principal + r.Interest + r.Fees, r.Paid, r.Principal + r.Interest + r.StatutoryInterest + r.Fees - r.Paid,
            r.Phase?.ToString(), r.CreatedAt.InUtc().Date, r.Recalled))]);
    }

    /// <summary>The legal-action requests of <paramref name="creditors"/>: the filings the legal team asked the creditor to
    /// consent to (<see cref="Workflow.CaseWorkflow.DecideLegalAsync"/>), awaiting first, then the answers given (newest first).</summary>
    public async Task<IReadOnlyList<LegalActionRequestView>> LegalRequestsAsync(IReadOnlyCollection<CreditorId> creditors, AccountId? account = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(creditors);
        var ids = creditors.ToList();
        var accounts = db.Accounts.AsNoTracking().Where(a => ids.Contains(a.CreditorId));
        if (account is { } one)
        {
            accounts = accounts.Where(a => a.Id == one);
        }

        var rows = await (from k in db.LegalActionConsents.AsNoTracking()
                          join c in db.Cases.AsNoTracking() on k.CaseId equals c.Id
                          join a in accounts on c.AccountId equals a.Id
                          join cr in db.Creditors.AsNoTracking() on a.CreditorId equals cr.Id
                          join d in db.Debtors.AsNoTracking() on a.DebtorId equals d.Id
                          select new
                          {
                              c.Id, a.CreditorReference, cr.Code, d.Kind, d.FirstName, d.LastName, d.CompanyName, a.Currency,
                              Outstanding = a.Principal + a.Interest + a.StatutoryInterest + a.Fees - a.Paid,
                              Since = db.CaseSteps.Where(s => s.CaseId == c.Id && s.Phase == CasePhase.LegalReview && s.Status == CaseStepStatus.Done).Min(s => s.ExecutedAt),
                              Consent = k,
                          }).ToListAsync(ct);
        return [.. rows
            .Select(r => new LegalActionRequestView(r.Id.Value, r.CreditorReference, r.Code,
                new Debtor { Kind = r.Kind, FirstName = r.FirstName, LastName = r.LastName, CompanyName = r.CompanyName, PreferredLanguage = "en" }.DisplayName,
                r.Currency, r.Outstanding, r.Since, r.Consent.Approved switch { null => "awaiting", true => "approved", false => "refused" },
                r.Consent.DecidedBy, r.Consent.DecidedAt, r.Consent.Note, r.Consent.Filing, r.Consent.RequestedAt, r.Consent.RequestNote))
            .OrderBy(r => r.Status == "awaiting" ? 0 : 1).ThenByDescending(r => r.DecidedAt).ThenBy(r => r.Reference, StringComparer.Ordinal)];
    }
}
