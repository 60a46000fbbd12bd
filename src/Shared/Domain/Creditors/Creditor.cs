using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>A client of the agency whose claims are collected, with the policy it has agreed to.</summary>
public sealed class Creditor
{
    public CreditorId Id { get; set; } = CreditorId.New();

    /// <summary>Short unique code used in imports and reports (for example "TELCO-DE").</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>ISO 3166-1 alpha-2 country of the creditor's seat.</summary>
    public required string Country { get; set; }

    /// <summary>Who receives the scheduled report and remittance statement: one or more e-mail addresses separated by
    /// commas or semicolons (docs/creditor-reports.md).</summary>
    public string? ReportEmail { get; set; }

    public CreditorPolicy Policy { get; set; } = new();

    /// <summary>The agency's commission and the report schedule agreed with the creditor.</summary>
    public CreditorTerms Terms { get; set; } = new();
}

/// <summary>How often a creditor receives its status report and remittance statement.</summary>
public enum ReportFrequency { None = 0, Weekly = 1, Monthly = 2 }

/// <summary>The commercial terms of the mandate (seed 001: "reports and received payments passed on to the creditor").</summary>
public sealed class CreditorTerms
{
    /// <summary>The agency's commission in percent of every amount collected (principal, interest and fees alike); the rest
    /// is passed on to the creditor. One rate keeps the statement checkable by hand.</summary>
    public decimal CommissionPercent { get; set; }

    /// <summary>How often the report is sent; <see cref="ReportFrequency.None"/>: only on demand (CLI).</summary>
    public ReportFrequency ReportFrequency { get; set; }

    /// <summary>The last day of the last period a scheduled report was sent for; null when none was. The schedule sends each
    /// period once, also after the host was down over its day.</summary>
    public LocalDate? ReportedUntil { get; set; }
}

/// <summary>Who decides a settlement beyond the consented discount (seed 001: "a settlement discount with the creditor's
/// consent").</summary>
public enum SettlementApproval
{
    /// <summary>The agency's supervisors, on the creditor's behalf (the creditor delegated it).</summary>
    Supervisor = 0,

    /// <summary>The creditor itself, in the creditor portal; supervisors cannot decide.</summary>
    Creditor = 1,

    /// <summary>Whoever answers first: the creditor in the portal or a supervisor.</summary>
    CreditorOrSupervisor = 2,
}

/// <summary>What the creditor allows the agency to agree with debtors without asking again.</summary>
public sealed class CreditorPolicy
{
    /// <summary>Largest number of instalments a plan may have.</summary>
    public int MaxInstalments { get; set; } = 12;

    /// <summary>Smallest instalment amount, in the account's currency.</summary>
    public decimal MinInstalment { get; set; } = 20m;

    /// <summary>Largest settlement discount the agency may grant on its own, in percent of the balance.</summary>
    public decimal MaxSettlementDiscountPercent { get; set; }

    /// <summary>How much a payment may fall short of a promise and still count as kept, in the account's currency.</summary>
    public decimal PromiseTolerance { get; set; } = 1m;

    /// <summary>The creditor agrees to SMS reminders.</summary>
    public bool AllowsSms { get; set; } = true;

    /// <summary>The creditor agrees to WhatsApp messages.</summary>
    public bool AllowsWhatsApp { get; set; }

    /// <summary>The creditor does not claim statutory default interest (it is claimed by default where the law grants it).</summary>
    public bool WaivesStatutoryInterest { get; set; }

    /// <summary>The creditor agrees to calls placed by the predictive dialer (otherwise preview only).</summary>
    public bool AllowsAutomatedDialing { get; set; } = true;

    /// <summary>Who decides a settlement whose discount exceeds <see cref="MaxSettlementDiscountPercent"/>.</summary>
    public SettlementApproval SettlementApproval { get; set; }

    /// <summary>The channels the mandate allows strategy steps to use, comma separated ("letter,email,call"); null: every
    /// channel. SMS and WhatsApp need <see cref="AllowsSms"/> and <see cref="AllowsWhatsApp"/> as well.</summary>
    public string? MandateChannels { get; set; }

    /// <summary>The mandate's maximum frequency per channel, "letter:1/14,sms:2/7" (at most one letter in 14 days, two SMS in
    /// 7); null: no limit beyond the law's (docs/workflow.md, "Mandates").</summary>
    public string? ChannelLimits { get; set; }

    /// <summary>The mandate's content variants: the wording it wants instead of a strategy's template, "a=b,c=d" (template a is
    /// sent as b, of the same channel); null: the strategies' own (seed 004: "demand letters whose content ... fit each
    /// mandate").</summary>
    public string? TemplateVariants { get; set; }

    /// <summary>The mandate allows no SMS to the debtor before the case's first letter went out (seed 004: "demand letters whose
    /// content and frequency fit each mandate").</summary>
    public bool NoSmsBeforeFirstLetter { get; set; }

    /// <summary>Legal action needs the creditor's consent (seed 000: "legal steps assessed with the creditor"): a case that
    /// reaches legal review waits in the creditor portal for the creditor's decision.</summary>
    public bool LegalActionNeedsConsent { get; set; }
}

/// <summary>Whether <paramref name="approval"/> lets the creditor (or a supervisor) decide.</summary>
public static class SettlementApprovalRules
{
    /// <summary>True when the creditor (<paramref name="byCreditor"/>) or a supervisor (otherwise) may decide.</summary>
    public static bool Allows(this SettlementApproval approval, bool byCreditor) =>
        approval == SettlementApproval.CreditorOrSupervisor || (approval == SettlementApproval.Creditor) == byCreditor;
}
