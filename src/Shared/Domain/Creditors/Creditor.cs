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

    public string? ReportEmail { get; set; }

    public CreditorPolicy Policy { get; set; } = new();
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
}
