using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Reporting;

/// <summary>
/// A creditor's status report and remittance statement for a period (docs/creditor-reports.md): the figures per currency,
/// the data of the charts, every account's status (accounts.csv) and every payment of the period with the agency's
/// commission and the amount passed on (remittance.csv). Seed 000: "regular status reports to the creditor"; seed 001:
/// "reports and received payments passed on to the creditor".
/// </summary>
/// <remarks>
/// A fixed number of set-based queries over the creditor's rows, each read once as a stream; no query per account. Days are
/// UTC days. Accounts are read once, in reference order, with each account's phase and last contact looked up by the database
/// in the same query (an index probe per account), so the million-row tables of cases and contacts are never carried into
/// memory; payments, promises and plans, which the figures need row by row, are read once each and kept by reference (the
/// report never needs an account's id, whose text SQLite would have to parse back into a Guid for every row).
/// </remarks>
public sealed class CreditorReportBuilder(CollectionsDbContext db)
{
    /// <summary>Builds the report of <paramref name="creditorCode"/> for the days <paramref name="from"/> to <paramref name="to"/>
    /// (both included), writing the two CSV files as it reads; null when there is no such creditor.</summary>
    public async Task<CreditorReport?> BuildAsync(string creditorCode, LocalDate from, LocalDate to, TextWriter accountsCsv, TextWriter remittanceCsv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountsCsv);
        ArgumentNullException.ThrowIfNull(remittanceCsv);
        if (to < from)
        {
            throw new ArgumentException($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}", nameof(to));
        }

        var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == creditorCode, cancellationToken);
        if (creditor is null)
        {
            return null;
        }

        var id = creditor.Id;
        var start = from.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var end = to.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var rate = creditor.Terms.CommissionPercent;
        var accounts = db.Accounts.AsNoTracking().Where(a => a.CreditorId == id && a.CreatedAt < end);
        var figures = new Dictionary<string, Totals>(StringComparer.Ordinal);
        Totals For(string currency) => figures.TryGetValue(currency, out var t) ? t : figures[currency] = new Totals();

        // Payments up to the period's end: the period's go to the remittance; all of them make the recovery rate and the curve.
        var collectedInPeriod = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var remittance = new List<RemittanceLine>();
        var payments = from p in db.Payments.AsNoTracking()
                       join a in accounts on p.AccountId equals (AccountId?)a.Id
                       where p.ReceivedOn <= to
                       select new { a.CreditorReference, a.CreatedAt, p.ReceivedOn, p.Amount, p.Currency, p.Reference, p.Method, p.AllocatedPrincipal, p.AllocatedInterest, p.AllocatedFees };
        await foreach (var p in payments.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var totals = For(p.Currency);
            totals.CollectedToDate += p.Amount;
            var cohort = Month(p.CreatedAt);
            var months = (p.ReceivedOn.Year - cohort.Year) * 12 + p.ReceivedOn.Month - cohort.Month;
            totals.Cohort(cohort).Add(Math.Max(0, months), p.Amount);
            if (p.ReceivedOn < from)
            {
                continue;
            }

            var commission = Commission(p.Amount, rate);
            totals.Collected += p.Amount;
            totals.Commission += commission;
            var week = WeekOf(p.ReceivedOn);
            totals.ByWeek[week] = totals.ByWeek.GetValueOrDefault(week) + p.Amount;
            collectedInPeriod[p.CreditorReference] = collectedInPeriod.GetValueOrDefault(p.CreditorReference) + p.Amount;
            remittance.Add(new RemittanceLine(p.ReceivedOn, p.CreditorReference, p.Reference, p.Method, p.Currency, p.Amount,
                p.AllocatedPrincipal, p.AllocatedInterest, p.AllocatedFees, commission, p.Amount - commission));
        }

        // Promises: made in the period, falling due in it and kept, and the open one of each account.
        var openPromises = new Dictionary<string, (decimal Amount, LocalDate Due)>(StringComparer.Ordinal);
        var promises = from p in db.Promises.AsNoTracking()
                       join a in accounts on p.AccountId equals a.Id
                       select new { a.CreditorReference, p.Amount, p.Currency, p.DueDate, p.Status, p.CreatedAt };
        await foreach (var p in promises.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var totals = For(p.Currency);
            if (p.CreatedAt >= start && p.CreatedAt < end)
            {
                totals.PromisesMade++;
            }

            if (p.DueDate >= from && p.DueDate <= to && p.Status == PromiseStatus.Kept)
            {
                totals.PromisesKept++;
            }

            if (p.Status == PromiseStatus.Pending && (!openPromises.TryGetValue(p.CreditorReference, out var open) || p.DueDate < open.Due))
            {
                openPromises[p.CreditorReference] = (p.Amount, p.DueDate);
            }
        }

        var plans = new Dictionary<string, (decimal Total, InstalmentFrequency Frequency, int Count)>(StringComparer.Ordinal);
        var activePlans = from p in db.InstalmentPlans.AsNoTracking()
                          join a in accounts on p.AccountId equals a.Id
                          where p.Status == InstalmentPlanStatus.Active
                          select new { a.CreditorReference, p.Total, p.Frequency, Count = p.Instalments.Count };
        await foreach (var p in activePlans.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            plans[p.CreditorReference] = (p.Total, p.Frequency, p.Count);
        }

        // Every account, in reference order, written as it is read.
        await accountsCsv.WriteLineAsync("reference,currency,phase,principal,interest,fees,paid,balance,placed_on,last_contact,open_promise,open_plan,collected_in_period".AsMemory(), cancellationToken);
        // Each account's phase is that of its latest case; its last contact the latest call or message that left (not queued
        // or cancelled ones).
        var rows = accounts.OrderBy(a => a.CreditorReference)
            .Select(a => new
            {
                a.CreditorReference, a.Currency, a.Principal, a.Interest, a.StatutoryInterest, a.Fees, a.Paid, a.CreatedAt,
                Phase = db.Cases.Where(c => c.AccountId == a.Id).OrderByDescending(c => c.OpenedAt).Select(c => (CasePhase?)c.Phase).FirstOrDefault(),
                LastContact = db.ContactAttempts
                    .Where(c => c.AccountId == a.Id && c.Outcome != ContactOutcome.Pending && c.Outcome != ContactOutcome.Cancelled && c.StartedAt < end)
                    .Max(c => (Instant?)c.StartedAt),
            });
        await foreach (var a in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var totals = For(a.Currency);
            var placed = a.Principal + a.Interest + a.Fees;
            totals.PlacedCount++;
            totals.PlacedAmount += placed;
            totals.Cohort(Month(a.CreatedAt)).Placed += placed;
            var phase = a.Phase?.ToString() ?? "";
            totals.ByPhase[phase] = totals.ByPhase.GetValueOrDefault(phase) + 1;
            var promise = openPromises.TryGetValue(a.CreditorReference, out var open) ? $"{Amount(open.Amount)} by {open.Due:yyyy-MM-dd}" : "";
            var plan = plans.TryGetValue(a.CreditorReference, out var p) ? $"{p.Count} x {p.Frequency}, {Amount(p.Total)}" : "";
            var contact = a.LastContact is { } last ? last.ToDateTimeUtc().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";
            var interest = a.Interest + a.StatutoryInterest;
            await accountsCsv.WriteLineAsync(Csv.Line(a.CreditorReference, a.Currency, phase, Amount(a.Principal), Amount(interest), Amount(a.Fees), Amount(a.Paid),
                Amount(a.Principal + interest + a.Fees - a.Paid), a.CreatedAt.InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                contact, promise, plan, Amount(collectedInPeriod.GetValueOrDefault(a.CreditorReference))).AsMemory(), cancellationToken);
        }

        await remittanceCsv.WriteLineAsync("received_on,reference,payment_reference,method,currency,amount,principal,interest,fees,commission_percent,commission,passed_on".AsMemory(), cancellationToken);
        foreach (var line in remittance.OrderBy(l => l.ReceivedOn).ThenBy(l => l.Reference, StringComparer.Ordinal))
        {
            await remittanceCsv.WriteLineAsync(Csv.Line(line.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), line.Reference, line.PaymentReference ?? "", line.Method.ToString(),
                line.Currency, Amount(line.Amount), Amount(line.Principal), Amount(line.Interest), Amount(line.Fees), rate.ToString("0.##", CultureInfo.InvariantCulture),
                Amount(line.Commission), Amount(line.PassedOn)).AsMemory(), cancellationToken);
        }

        foreach (var (currency, totals) in figures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            await remittanceCsv.WriteLineAsync(Csv.Line("total", "", "", "", currency, Amount(totals.Collected), "", "", "", rate.ToString("0.##", CultureInfo.InvariantCulture),
                Amount(totals.Commission), Amount(totals.Collected - totals.Commission)).AsMemory(), cancellationToken);
        }

        var lastMonth = Month(end.Minus(Duration.FromTicks(1)));
        return new CreditorReport(creditor.Code, creditor.Name, from, to, rate,
            [.. figures.OrderByDescending(f => f.Value.PlacedAmount).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value.ToFigures(f.Key, from, to, lastMonth))]);
    }

    /// <summary>The agency's commission on one payment: <paramref name="percent"/> of it, rounded to the cent half away from
    /// zero; the statement's total is the sum of its lines, so it can be checked line by line.</summary>
    public static decimal Commission(decimal amount, decimal percent) => Math.Round(amount * percent / 100m, 2, MidpointRounding.AwayFromZero);

    /// <summary>The Monday starting the ISO week of <paramref name="day"/>.</summary>
    public static LocalDate WeekOf(LocalDate day) => day.PlusDays(-((int)day.DayOfWeek - 1));

    private static YearMonth Month(Instant at) => at.InUtc().Date.ToYearMonth();

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record RemittanceLine(LocalDate ReceivedOn, string Reference, string? PaymentReference, PaymentMethod Method, string Currency,
        decimal Amount, decimal Principal, decimal Interest, decimal Fees, decimal Commission, decimal PassedOn);

    private sealed class CohortTotals
    {
        public decimal Placed { get; set; }

        public SortedDictionary<int, decimal> ByMonth { get; } = [];

        public void Add(int month, decimal amount) => ByMonth[month] = ByMonth.GetValueOrDefault(month) + amount;
    }

    private sealed class Totals
    {
        public int PlacedCount { get; set; }

        public decimal PlacedAmount { get; set; }

        public decimal Collected { get; set; }

        public decimal Commission { get; set; }

        public decimal CollectedToDate { get; set; }

        public int PromisesMade { get; set; }

        public int PromisesKept { get; set; }

        public SortedDictionary<YearMonth, CohortTotals> Cohorts { get; } = [];

        public SortedDictionary<LocalDate, decimal> ByWeek { get; } = [];

        public SortedDictionary<string, int> ByPhase { get; } = new(StringComparer.Ordinal);

        public CohortTotals Cohort(YearMonth month) => Cohorts.TryGetValue(month, out var c) ? c : Cohorts[month] = new CohortTotals();

        public CurrencyFigures ToFigures(string currency, LocalDate from, LocalDate to, YearMonth lastMonth)
        {
            // The liquidation curve: for each placement month, what was collected by each month since placement (cumulative),
            // over what was placed in that month; up to the period's last month.
            var curves = new List<LiquidationCurve>();
            foreach (var (cohort, totals) in Cohorts.Where(c => c.Value.Placed > 0))
            {
                var span = (lastMonth.Year - cohort.Year) * 12 + lastMonth.Month - cohort.Month;
                var points = new List<decimal>();
                var cumulative = 0m;
                for (var m = 0; m <= span; m++)
                {
                    cumulative += totals.ByMonth.GetValueOrDefault(m);
                    points.Add(Math.Round(cumulative / totals.Placed, 4));
                }

                curves.Add(new LiquidationCurve(cohort, points));
            }

            var weeks = new List<WeekTotal>();
            for (var week = WeekOf(from); week <= to; week = week.PlusWeeks(1))
            {
                weeks.Add(new WeekTotal(week, ByWeek.GetValueOrDefault(week)));
            }

            return new CurrencyFigures(currency, PlacedCount, PlacedAmount, Collected, Commission, Collected - Commission, CollectedToDate,
                PlacedAmount == 0 ? 0 : Math.Round(CollectedToDate / PlacedAmount, 4), PromisesMade, PromisesKept,
                curves, weeks, [.. ByPhase.Select(p => new PhaseCount(p.Key.Length == 0 ? "no case" : p.Key, p.Value))]);
        }
    }
}
