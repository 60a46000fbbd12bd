using NodaTime;

namespace Collections.Shared.Interest;

/// <summary>
/// Statutory default interest on one claim: simple interest (no compounding, BGB § 289) from the day after the due
/// date through the end date, actual days over a 365-day year, split into periods at every 1 January / 1 July and
/// every reference-rate change, with adjacent periods of equal rate merged.
/// Rounding: each period's amount is rounded once to the currency's minor unit, half away from zero (commercial
/// rounding); the total is the sum of the rounded periods, so the printed periods add up to the printed total.
/// </summary>
public sealed class StatutoryInterestCalculator(InterestRuleBook rules)
{
    /// <summary>The rules the calculator applies.</summary>
    public InterestRuleBook Rules => rules;

    // Actual/365: every year counts as 365 days, leap years too (the project's specified convention; see docs/interest.md).
    private const decimal DaysPerYear = 365m;

    /// <summary>Computes interest and flat fee; throws <see cref="InterestInputException"/> naming the input that cannot be answered.
    /// Without <paramref name="flatFee"/> the fee is left out (0), so no exchange rate is needed for it: the nightly accrual
    /// adds interest to a balance and has no business with the one-off fee.</summary>
    public InterestResult Calculate(InterestRequest request, bool flatFee = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!rules.TryGet(request.Jurisdiction, out var jurisdiction))
        {
            throw new InterestInputException(
                InterestInput.Jurisdiction,
                $"unknown jurisdiction '{request.Jurisdiction}'; known: {string.Join(", ", rules.Jurisdictions)}");
        }

        var viaDefault = !jurisdiction.Code.Equals(request.Jurisdiction, StringComparison.OrdinalIgnoreCase);
        if (!jurisdiction.Debtors.TryGetValue(request.Debtor, out var debtor))
        {
            throw new InterestInputException(
                InterestInput.Debtor,
                viaDefault
                    ? $"no rules for a {request.Debtor.ToString().ToLowerInvariant()} debtor in {request.Jurisdiction.ToUpperInvariant()}: it has no file of its own and the default, {jurisdiction.Name}, covers business debts only"
                    : $"{jurisdiction.Name} has no statutory rate for a {request.Debtor.ToString().ToLowerInvariant()} debtor");
        }

        if (request.Principal < 0)
        {
            throw new InterestInputException(InterestInput.Principal, $"principal must not be negative (got {request.Principal})");
        }

        if (!Currencies.IsKnown(request.Currency))
        {
            throw new InterestInputException(InterestInput.Currency, $"unknown ISO 4217 currency '{request.Currency}'");
        }

        if (jurisdiction.Currencies is { } allowed && !allowed.Contains(request.Currency))
        {
            throw new InterestInputException(
                InterestInput.Currency,
                $"{jurisdiction.Name} applies to claims in {string.Join(", ", allowed)} only, not {request.Currency}");
        }

        // Not yet in default: no interest and no flat fee.
        if (request.Until <= request.Due)
        {
            return new InterestResult(0m, 0m, request.Currency, [], debtor.Law);
        }

        var periods = Periods(jurisdiction, debtor, request);
        var interest = periods.Sum(p => p.Amount);
        var fee = flatFee ? FlatFee(debtor, request) : 0m;
        var law = debtor.FlatFee is { } f && flatFee ? $"{debtor.Law}; {f.Law}" : debtor.Law;
        if (viaDefault)
        {
            law += $" (default for {request.Jurisdiction.ToUpperInvariant()}: its national transposition is not modelled)";
        }

        return new InterestResult(interest, fee, request.Currency, periods, law);
    }

    private static List<InterestPeriod> Periods(JurisdictionRules jurisdiction, DebtorRule debtor, InterestRequest request)
    {
        var series = jurisdiction.ReferenceRate;
        var first = request.Due.PlusDays(1);
        var last = request.Until;
        if (debtor.FixedPercent is { } fixedRate)
        {
            // A rate the law fixes (not tied to a reference rate) runs unchanged over the whole stretch.
            var allDays = Period.DaysBetween(first, last) + 1;
            return [new InterestPeriod(first, last, allDays, 0m, fixedRate,
                Currencies.Round(request.Principal * fixedRate * allDays / (100m * DaysPerYear), request.Currency))];
        }

        // Segments of constant rate: cut at each half-year start and, for a continuous rate, at each change.
        var cuts = new SortedSet<LocalDate>();
        for (var year = first.Year; year <= last.Year; year++)
        {
            cuts.Add(new LocalDate(year, 1, 1));
            cuts.Add(new LocalDate(year, 7, 1));
        }

        if (series.Fixing == RateFixing.Continuous)
        {
            cuts.UnionWith(series.Changes.Select(c => c.From));
        }

        var segments = new List<(LocalDate From, LocalDate To, decimal Reference)>();
        var start = first;
        foreach (var cut in cuts.Where(c => c > first && c <= last).Append(last.PlusDays(1)))
        {
            var reference = ReferenceFor(series, start, jurisdiction.SourceFile);
            var end = cut.PlusDays(-1);
            if (segments.Count > 0 && segments[^1].Reference == reference)
            {
                segments[^1] = (segments[^1].From, end, reference);
            }
            else
            {
                segments.Add((start, end, reference));
            }

            start = cut;
        }

        return segments.Select(s =>
        {
            var days = Period.DaysBetween(s.From, s.To) + 1;
            // A statutory rate below zero would make the creditor pay the debtor; it is floored at zero.
            var rate = Math.Max(0m, s.Reference + debtor.MarginPoints);
            var amount = Currencies.Round(request.Principal * rate * days / (100m * DaysPerYear), request.Currency);
            return new InterestPeriod(s.From, s.To, days, s.Reference, rate, amount);
        }).ToList();
    }

    private static decimal ReferenceFor(ReferenceRateSeries series, LocalDate day, string ruleFile)
    {
        var file = series.File ?? ruleFile;
        var fixingDate = series.FixingDate(day);
        if (series.Changes.Count == 0)
        {
            throw new InterestInputException(
                InterestInput.Jurisdiction,
                $"no published {series.Name} is entered yet: config/interest/{file} lists none; add the published rates there");
        }

        if (fixingDate > series.KnownThrough)
        {
            throw new InterestInputException(
                InterestInput.Until,
                $"no published {series.Name} for {fixingDate:yyyy-MM-dd}: config/interest/{file} is known through {series.KnownThrough:yyyy-MM-dd}; add the new rate there");
        }

        return series.InForceOn(fixingDate)?.Percent
            ?? throw new InterestInputException(
                InterestInput.Due,
                $"config/interest/{file} has no {series.Name} before {series.Changes[0].From:yyyy-MM-dd}");
    }

    private static decimal FlatFee(DebtorRule debtor, InterestRequest request)
    {
        if (debtor.FlatFee is not { } fee)
        {
            return 0m;
        }

        if (fee.Currency == request.Currency)
        {
            return Currencies.Round(fee.Amount, request.Currency);
        }

        if (request.FeeExchangeRate is not { } rate || rate <= 0)
        {
            throw new InterestInputException(
                InterestInput.FeeExchangeRate,
                $"the flat fee of {fee.Amount} {fee.Currency} ({fee.Law}) must be converted to {request.Currency}: give the official {fee.Currency}/{request.Currency} rate of the day the debtor fell into default");
        }

        return Currencies.Round(fee.Amount * rate, request.Currency);
    }
}
