using NodaTime;

namespace Collections.Shared.Reporting;

/// <summary>A creditor's report for the days <see cref="From"/> to <see cref="To"/>: the figures of each currency its
/// accounts are in, the largest portfolio first.</summary>
public sealed record CreditorReport(string Creditor, string CreditorName, LocalDate From, LocalDate To, decimal CommissionPercent, IReadOnlyList<CurrencyFigures> Currencies);

/// <summary>The figures of one currency (docs/creditor-reports.md defines each).</summary>
/// <param name="PlacedCount">Accounts placed by the period's end.</param>
/// <param name="PlacedAmount">What they were placed for: principal, contractual interest and fees at placement.</param>
/// <param name="Collected">Payments received in the period.</param>
/// <param name="Commission">The agency's commission on them per the creditor's terms.</param>
/// <param name="Remitted">Collected less commission: the amount passed on to the creditor.</param>
/// <param name="CollectedToDate">Payments received up to the period's end.</param>
/// <param name="RecoveryRate">Collected to date over placed amount (0.1234 = 12.34 %).</param>
/// <param name="PromisesMade">Promises to pay made in the period.</param>
/// <param name="PromisesKept">Promises falling due in the period that were kept.</param>
public sealed record CurrencyFigures(string Currency, int PlacedCount, decimal PlacedAmount, decimal Collected, decimal Commission, decimal Remitted,
    decimal CollectedToDate, decimal RecoveryRate, int PromisesMade, int PromisesKept,
    IReadOnlyList<LiquidationCurve> Curves, IReadOnlyList<WeekTotal> Weeks, IReadOnlyList<PhaseCount> Phases);

/// <summary>Cumulative collected over placed of the accounts placed in <see cref="PlacementMonth"/>, by month since placement
/// (index 0: the placement month itself).</summary>
public sealed record LiquidationCurve(YearMonth PlacementMonth, IReadOnlyList<decimal> Rates);

/// <summary>Payments received in the ISO week starting on <see cref="Monday"/> (within the period).</summary>
public sealed record WeekTotal(LocalDate Monday, decimal Collected);

/// <summary>How many of the creditor's accounts stand in a phase.</summary>
public sealed record PhaseCount(string Phase, int Accounts);
