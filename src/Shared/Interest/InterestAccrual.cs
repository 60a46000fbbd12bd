using NodaTime;

namespace Collections.Shared.Interest;

/// <summary>Principal paid on a day. Interest for that day still runs on the principal before the payment: the day of
/// payment is the last day of default for the amount paid (the calculator's "until" is inclusive, BGB §§ 286, 288 with § 187).</summary>
/// <param name="On">The day the payment was received.</param>
/// <param name="Amount">The part of the payment allocated to principal.</param>
public sealed record PrincipalReduction(LocalDate On, decimal Amount);

/// <summary>Statutory interest to accrue on one claim from its due date to a day, on the principal outstanding each day.</summary>
/// <param name="Jurisdiction">Code of the rules (the debtor's country).</param>
/// <param name="Debtor">Consumer or business.</param>
/// <param name="Currency">ISO 4217 code of the claim.</param>
/// <param name="Principal">The principal of the claim before any payment.</param>
/// <param name="Due">The due date; interest runs from the day after.</param>
/// <param name="Until">The last day to accrue for, inclusive.</param>
/// <param name="Reductions">Principal paid, by day.</param>
/// <param name="Pauses">Days on which the debtor is not in default (an instalment plan being kept), inclusive ranges.</param>
public sealed record AccrualRequest(
    string Jurisdiction,
    DebtorKind Debtor,
    string Currency,
    decimal Principal,
    LocalDate Due,
    LocalDate Until,
    IReadOnlyList<PrincipalReduction> Reductions,
    IReadOnlyList<DateInterval> Pauses);

/// <summary>A stretch of days with one principal outstanding and whether interest ran on it.</summary>
/// <param name="From">First day, inclusive.</param>
/// <param name="To">Last day, inclusive.</param>
/// <param name="Principal">The principal outstanding on those days.</param>
/// <param name="Paused">True when the stretch lies in a pause (no interest).</param>
/// <param name="Amount">The interest of the stretch, rounded per rate period (<see cref="StatutoryInterestCalculator"/>).</param>
public sealed record AccrualSegment(LocalDate From, LocalDate To, decimal Principal, bool Paused, decimal Amount);

/// <summary>What accrued, through which day, and why it is nothing or less than asked.</summary>
/// <param name="Interest">Sum of the segments' amounts.</param>
/// <param name="AccruedUntil">The last day counted; null when the claim is not yet in default or no rule applies.</param>
/// <param name="Segments">The stretches, in date order.</param>
/// <param name="NoRule">Why nothing accrues: no rule for the jurisdiction, the debtor kind or the currency; null when one applies.</param>
/// <param name="RatesPending">Why accrual stops before the day asked: the rate table ends; null when it covers the day.</param>
public sealed record AccrualResult(decimal Interest, LocalDate? AccruedUntil, IReadOnlyList<AccrualSegment> Segments, string? NoRule = null, string? RatesPending = null);

/// <summary>
/// Statutory default interest on a claim that is paid in parts: simple interest (no interest on interest, BGB § 289) on the
/// principal outstanding each day, stretch by stretch between principal-reducing payments, none on the days of a pause
/// (an instalment plan being kept defers the claim, so the debtor is not in default on those days: BGB § 286 (1) needs a
/// claim that is due). Each stretch is computed by <see cref="StatutoryInterestCalculator"/> (rate periods, rounding once
/// per period), so a claim without payments or pauses accrues exactly what the <c>interest</c> verb prints.
/// </summary>
public static class InterestAccrual
{
    /// <summary>Accrues <paramref name="request"/>; a jurisdiction, debtor kind or currency without rules gives nothing and a
    /// note naming why, and days after the last published rate are left out with a note.</summary>
    public static AccrualResult Accrue(StatutoryInterestCalculator calculator, AccrualRequest request)
    {
        ArgumentNullException.ThrowIfNull(calculator);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Until <= request.Due)
        {
            return new(0m, null, []);
        }

        try
        {
            // The calculator's own checks (jurisdiction, debtor kind, currency), on a claim not yet in default.
            calculator.Calculate(new InterestRequest(request.Jurisdiction, request.Debtor, 0m, request.Currency, request.Due, request.Due), flatFee: false);
        }
        catch (InterestInputException e) when (e.Input is InterestInput.Jurisdiction or InterestInput.Debtor or InterestInput.Currency)
        {
            return new(0m, null, [], NoRule: e.Message);
        }

        calculator.Rules.TryGet(request.Jurisdiction, out var rules);
        var series = rules.ReferenceRate;
        var last = request.Until;
        string? note = null;
        if (last > series.LastComputableDay)
        {
            last = series.LastComputableDay;
            note = $"accrued through {last:yyyy-MM-dd}: config/interest/{rules.SourceFile} has the {series.Name} through {series.KnownThrough:yyyy-MM-dd}; add the new rate";
            if (last <= request.Due)
            {
                return new(0m, null, [], RatesPending: note);
            }
        }

        var first = request.Due.PlusDays(1);
        var cuts = new SortedSet<LocalDate> { first, last.PlusDays(1) };
        cuts.UnionWith(request.Reductions.Select(r => r.On.PlusDays(1)));
        foreach (var pause in request.Pauses)
        {
            cuts.Add(pause.Start);
            cuts.Add(pause.End.PlusDays(1));
        }

        var bounds = cuts.Where(c => c >= first && c <= last.PlusDays(1)).ToList();
        var segments = new List<AccrualSegment>();
        try
        {
            Segments(calculator, request, bounds, segments);
        }
        catch (InterestInputException e) when (e.Input == InterestInput.Due)
        {
            // A due date before the rate table starts: the rule exists, but not its rates for those days.
            return new(0m, null, [], NoRule: e.Message);
        }

        return new(segments.Sum(s => s.Amount), last, segments, RatesPending: note);
    }

    private static void Segments(StatutoryInterestCalculator calculator, AccrualRequest request, List<LocalDate> bounds, List<AccrualSegment> segments)
    {
        for (var i = 0; i < bounds.Count - 1; i++)
        {
            var from = bounds[i];
            var to = bounds[i + 1].PlusDays(-1);
            var principal = request.Principal - request.Reductions.Where(r => r.On < from).Sum(r => r.Amount);
            var paused = request.Pauses.Any(p => p.Contains(from));
            var amount = paused || principal <= 0 ? 0m
                : calculator.Calculate(new InterestRequest(request.Jurisdiction, request.Debtor, principal, request.Currency, from.PlusDays(-1), to), flatFee: false).Interest;
            segments.Add(new AccrualSegment(from, to, Math.Max(0m, principal), paused, amount));
        }
    }
}
