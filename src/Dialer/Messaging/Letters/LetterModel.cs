using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>The kinds of printed letter, in the order a case escalates.</summary>
public enum LetterKind { Reminder = 1, SecondReminder = 2, FinalDemand = 3 }

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
}
