using NodaTime;

namespace Collections.Shared.Interest;

/// <summary>A request for statutory default interest on one claim.</summary>
/// <param name="Jurisdiction">Code of a rule file in config/interest (DE, HU, EU).</param>
/// <param name="Debtor">Consumer or business.</param>
/// <param name="Principal">The unpaid principal, not negative.</param>
/// <param name="Currency">ISO 4217 code of the claim.</param>
/// <param name="Due">The due date; interest runs from the day after.</param>
/// <param name="Until">The last day interest runs for (inclusive), normally the day of payment.</param>
/// <param name="FeeExchangeRate">Units of the claim currency per unit of the flat fee's currency, needed only when they differ.</param>
public sealed record InterestRequest(
    string Jurisdiction,
    DebtorKind Debtor,
    decimal Principal,
    string Currency,
    LocalDate Due,
    LocalDate Until,
    decimal? FeeExchangeRate = null);

/// <summary>One stretch of days with one rate.</summary>
/// <param name="From">First day, inclusive.</param>
/// <param name="To">Last day, inclusive.</param>
/// <param name="Days">Number of days from <paramref name="From"/> to <paramref name="To"/> inclusive.</param>
/// <param name="ReferenceRatePercent">The reference (base) rate that applies.</param>
/// <param name="RatePercent">Reference rate plus the statutory margin.</param>
/// <param name="Amount">principal x rate/100 x days/365, rounded to the currency's minor unit.</param>
public sealed record InterestPeriod(LocalDate From, LocalDate To, int Days, decimal ReferenceRatePercent, decimal RatePercent, decimal Amount);

/// <summary>Statutory interest and flat fee owed on one claim, split where the rate changes.</summary>
/// <param name="Interest">Sum of the rounded period amounts.</param>
/// <param name="FlatFee">Flat compensation for recovery costs in the claim currency (0 when none applies).</param>
/// <param name="Currency">ISO 4217 code of every amount.</param>
/// <param name="Periods">The periods in date order; empty when <c>Until</c> is not after <c>Due</c>.</param>
/// <param name="Law">The provisions applied, for statements and letters.</param>
public sealed record InterestResult(decimal Interest, decimal FlatFee, string Currency, IReadOnlyList<InterestPeriod> Periods, string Law);

/// <summary>Which input an <see cref="InterestInputException"/> is about, so a caller can name its own field or option.</summary>
public enum InterestInput
{
    /// <summary>The jurisdiction code.</summary>
    Jurisdiction,

    /// <summary>The debtor kind.</summary>
    Debtor,

    /// <summary>The principal amount.</summary>
    Principal,

    /// <summary>The currency code.</summary>
    Currency,

    /// <summary>The due date.</summary>
    Due,

    /// <summary>The end date.</summary>
    Until,

    /// <summary>The exchange rate for a flat fee in another currency.</summary>
    FeeExchangeRate,
}

/// <summary>A request the rules cannot answer: unknown jurisdiction, bad amount, a date past the published rates.</summary>
public sealed class InterestInputException(InterestInput input, string message) : Exception(message)
{
    /// <summary>The input at fault.</summary>
    public InterestInput Input { get; } = input;
}
