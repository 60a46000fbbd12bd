using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>The kinds of printed letter: the demands in the order a case escalates, then confirmations of what was agreed.</summary>
public enum LetterKind { Reminder = 1, SecondReminder = 2, FinalDemand = 3, SettlementConfirmation = 4, InstalmentPlanConfirmation = 5 }

/// <summary>An agreed settlement a confirmation letter states.</summary>
public sealed record LetterSettlement(decimal Amount, LocalDate PayBy);

/// <summary>One instalment a plan confirmation lists.</summary>
public sealed record LetterInstalment(int Number, LocalDate DueDate, decimal Amount);

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
    LocalDate PayBy)
{
    /// <summary>Principal plus interest plus costs less payments.</summary>
    public decimal Total => Principal + Interest + Costs - Paid;

    /// <summary>A final demand prints the boxed service-suspension warning (consumer telecom and utilities, seed 001); a
    /// business final demand does not.</summary>
    public bool SuspensionWarning { get; init; } = true;

    /// <summary>The settlement a settlement confirmation states.</summary>
    public LetterSettlement? Settlement { get; init; }

    /// <summary>The instalments a plan confirmation lists.</summary>
    public IReadOnlyList<LetterInstalment> Instalments { get; init; } = [];
}
