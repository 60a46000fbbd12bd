using System.Globalization;
using NodaTime;

namespace Collections.Scripts.Runtime;

/// <summary>An amount of money in one ISO 4217 currency.</summary>
/// <param name="Amount">The amount; never a binary floating-point number.</param>
/// <param name="Currency">ISO 4217 code, e.g. EUR, HUF.</param>
public readonly record struct ScriptMoney(decimal Amount, string Currency);

/// <summary>What a script run needs to know about one call: who is on it, the debt, and the creditor's limits.</summary>
public sealed record ScriptContext
{
    /// <summary>The operator's name as they introduce themselves.</summary>
    public required string AgentName { get; init; }

    /// <summary>The collection agency's trading name.</summary>
    public required string AgencyName { get; init; }

    /// <summary>The agency's call-back number, if scripts should quote it.</summary>
    public string? AgencyPhone { get; init; }

    /// <summary>The debtor's (or the business contact's) first name.</summary>
    public required string DebtorFirstName { get; init; }

    /// <summary>The debtor's (or the business contact's) last name.</summary>
    public required string DebtorLastName { get; init; }

    /// <summary>The debtor company's name, for business debtors.</summary>
    public string? DebtorCompanyName { get; init; }

    /// <summary>The creditor the debt is owed to.</summary>
    public required string CreditorName { get; init; }

    /// <summary>The creditor's account or contract reference.</summary>
    public required string AccountReference { get; init; }

    /// <summary>The outstanding balance.</summary>
    public required ScriptMoney Balance { get; init; }

    /// <summary>The date the balance fell due.</summary>
    public LocalDate? DueDate { get; init; }

    /// <summary>The next agreed instalment's amount, for pre-instalment reminders.</summary>
    public ScriptMoney? NextInstalmentAmount { get; init; }

    /// <summary>The next agreed instalment's due date.</summary>
    public LocalDate? NextInstalmentDueDate { get; init; }

    /// <summary>The amount of the last promise to pay, for broken-promise calls.</summary>
    public ScriptMoney? LastPromiseAmount { get; init; }

    /// <summary>The date the last promise to pay was due.</summary>
    public LocalDate? LastPromiseDate { get; init; }

    /// <summary>The debtor's locale: numbers, money and dates are formatted in it (e.g. de-DE, hu-HU).</summary>
    public required CultureInfo Culture { get; init; }

    /// <summary>The debtor's time zone, which decides what "today" is for promises and callbacks.</summary>
    public required DateTimeZone TimeZone { get; init; }

    /// <summary>The creditor's instalment policy; null when the creditor allows no instalment plans.</summary>
    public InstalmentPolicy? InstalmentPolicy { get; init; }

    /// <summary>The creditor's consent to settle for less; null when the creditor has not consented.</summary>
    public SettlementConsent? SettlementConsent { get; init; }

    /// <summary>The latest a promise to pay may fall, in days from today; null for no limit.</summary>
    public int? MaxDaysToPromise { get; init; }
}

/// <summary>The limits inside which the creditor lets operators agree monthly instalment plans.</summary>
/// <param name="MaxInstalments">The most instalments a plan may have.</param>
/// <param name="MinimumInstalment">The smallest instalment, in the balance's currency.</param>
/// <param name="MaxDaysToFirstInstalment">How many days from today the first instalment may fall at the latest.</param>
public sealed record InstalmentPolicy(int MaxInstalments, decimal MinimumInstalment, int MaxDaysToFirstInstalment);

/// <summary>The creditor's consent to settle the debt for less than the balance.</summary>
/// <param name="MinimumPercent">The smallest share of the balance the creditor accepts, in percent (e.g. 70).</param>
/// <param name="PayByLatest">The latest date the settlement may be paid by; null for no limit.</param>
public sealed record SettlementConsent(decimal MinimumPercent, LocalDate? PayByLatest);
