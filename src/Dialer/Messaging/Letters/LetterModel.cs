using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>The kinds of printed letter: the escalation (reminder, second reminder, final demand) and the letters that
/// confirm or prepare an agreement (pre-instalment reminder, settlement and instalment plan confirmations).</summary>
public enum LetterKind { Reminder = 1, SecondReminder = 2, FinalDemand = 3, PreInstalmentReminder = 4, SettlementConfirmation = 5, InstalmentPlanConfirmation = 6 }

/// <summary>The agreement a confirmation or pre-instalment letter states: a settlement (one amount by one date) or a plan's instalments.</summary>
/// <param name="SettlementAmount">The reduced sum that settles the account, for a settlement confirmation.</param>
/// <param name="SettlementPayBy">The day it must arrive by.</param>
/// <param name="Instalments">The plan's instalments (number, due date, amount), for a plan confirmation or a pre-instalment reminder.</param>
public sealed record LetterArrangement(decimal? SettlementAmount, LocalDate? SettlementPayBy, IReadOnlyList<LetterInstalment> Instalments);

/// <summary>One instalment of an agreed plan.</summary>
public sealed record LetterInstalment(int Number, LocalDate DueOn, decimal Amount);

/// <summary>An earlier statement or letter the new one cites.</summary>
public sealed record EarlierNotice(LocalDate Date, string Description);

/// <summary>One invoice the claim rests on.</summary>
public sealed record LetterInvoice(string Number, LocalDate IssuedOn, LocalDate DueOn, decimal Amount);

/// <summary>One period of the interest calculation.</summary>
public sealed record LetterInterestPeriod(LocalDate From, LocalDate To, int Days, decimal RatePercent, decimal Amount);

/// <summary>Everything a letter prints: parties, the claim itemised (RDG § 13a), the interest calculation, earlier notices.</summary>
public sealed record LetterModel(
    LetterKind Kind,
    string Language,
    LocalDate Date,
    AgencyDetails Agency,
    string CreditorName,
    string CreditorAddress,
    string DebtorName,
    IReadOnlyList<string> DebtorAddress,
    string Reference,
    string ClaimReason,
    LocalDate ContractDate,
    string Currency,
    IReadOnlyList<LetterInvoice> Invoices,
    decimal Principal,
    decimal Interest,
    decimal Costs,
    decimal Paid,
    IReadOnlyList<LetterInterestPeriod> InterestPeriods,
    string InterestLaw,
    IReadOnlyList<EarlierNotice> EarlierNotices,
    LocalDate PayBy,
    string DebtorCountry = "",
    LetterArrangement? Arrangement = null)
{
    /// <summary>The debtor lives in the United States: the letter carries Regulation F's validation information (12 CFR 1006.34).</summary>
    public bool NeedsValidationNotice => string.Equals(DebtorCountry, "US", StringComparison.OrdinalIgnoreCase);

    /// <summary>Principal plus interest plus costs less payments.</summary>
    public decimal Total => Principal + Interest + Costs - Paid;

    /// <summary>A final demand prints the boxed service-suspension warning (consumer telecom and utilities, seed 001); a
    /// business final demand does not.</summary>
    public bool SuspensionWarning { get; init; } = true;
}
