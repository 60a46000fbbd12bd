using NodaTime;

namespace Collections.Shared.Interest;

/// <summary>How a contractual penalty rate accrues.</summary>
public enum PenaltyBasis
{
    /// <summary>Percent of the principal per day of delay (e.g. 0.1 % a day).</summary>
    PerDay,

    /// <summary>Percent of the principal per year of delay, actual days over 365.</summary>
    PerYear,
}

/// <summary>An upper limit on a contractual penalty: a percentage of the principal or a fixed amount.</summary>
/// <param name="PercentOfPrincipal">Cap as percent of the principal, or null.</param>
/// <param name="Amount">Cap as an amount in the claim currency, or null.</param>
public sealed record PenaltyCap(decimal? PercentOfPrincipal, decimal? Amount)
{
    /// <summary>A cap of <paramref name="percent"/> % of the principal (e.g. 10 for at most a tenth of the debt).</summary>
    public static PenaltyCap Percent(decimal percent) => new(percent, null);

    /// <summary>A cap of a fixed <paramref name="amount"/> in the claim currency.</summary>
    public static PenaltyCap Fixed(decimal amount) => new(null, amount);

    /// <summary>The cap for <paramref name="principal"/>: the lower of the two limits when both are set.</summary>
    public decimal LimitFor(decimal principal)
    {
        var limit = decimal.MaxValue;
        if (PercentOfPrincipal is { } p)
        {
            limit = Math.Min(limit, principal * p / 100m);
        }

        if (Amount is { } a)
        {
            limit = Math.Min(limit, a);
        }

        return limit;
    }
}

/// <summary>The penalty owed under a contract clause, with whether the cap cut it.</summary>
/// <param name="Amount">Penalty owed, capped and rounded to the currency's minor unit.</param>
/// <param name="Uncapped">What the rate alone would give, rounded.</param>
/// <param name="Capped">True when the cap reduced the amount.</param>
/// <param name="Days">Days of delay counted (day after due through end date).</param>
public sealed record PenaltyResult(decimal Amount, decimal Uncapped, bool Capped, int Days);

/// <summary>
/// A contractual penalty (Vertragsstrafe, kötbér, līgumsods) agreed in the creditor's contract where the law allows it
/// in place of or beside statutory interest, with its cap. The rate and cap come from the contract and the creditor's
/// policy; consumer-protection caps of each country must be configured by the creditor, not assumed here.
/// </summary>
/// <param name="RatePercent">Penalty rate in percent of the principal per <paramref name="Basis"/>.</param>
/// <param name="Basis">Per day or per year.</param>
/// <param name="Cap">Upper limit, or null for none.</param>
public sealed record ContractualPenalty(decimal RatePercent, PenaltyBasis Basis, PenaltyCap? Cap = null)
{
    /// <summary>Penalty for <paramref name="principal"/> from the day after <paramref name="due"/> through <paramref name="until"/>, rounded once at the end (half away from zero).</summary>
    public PenaltyResult Calculate(decimal principal, string currency, LocalDate due, LocalDate until)
    {
        if (principal < 0 || RatePercent < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(principal), "Principal and penalty rate must not be negative.");
        }

        var days = until > due ? Period.DaysBetween(due, until) : 0;
        var raw = Basis == PenaltyBasis.PerDay
            ? principal * RatePercent * days / 100m
            : principal * RatePercent * days / 36500m;
        var uncapped = Currencies.Round(raw, currency);
        if (Cap is { } cap)
        {
            var limit = Currencies.Round(cap.LimitFor(principal), currency);
            if (uncapped > limit)
            {
                return new PenaltyResult(limit, uncapped, true, days);
            }
        }

        return new PenaltyResult(uncapped, uncapped, false, days);
    }
}
