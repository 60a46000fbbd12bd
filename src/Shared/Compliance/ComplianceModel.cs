using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>How the contact would be placed: by an automatic dialer or a person, with or without a guaranteed operator.</summary>
/// <param name="Autodialed">Placed by equipment that dials numbers automatically (predictive or progressive mode).</param>
/// <param name="OperatorGuaranteed">A live operator is guaranteed to be free when the debtor answers (preview or manual dialing).</param>
public sealed record CampaignContext(bool Autodialed, bool OperatorGuaranteed)
{
    /// <summary>A predictive or progressive campaign: autodialed, no operator guaranteed.</summary>
    public static CampaignContext Predictive { get; } = new(Autodialed: true, OperatorGuaranteed: false);

    /// <summary>An operator dialing by hand: not autodialed, operator present.</summary>
    public static CampaignContext Manual { get; } = new(Autodialed: false, OperatorGuaranteed: true);

    /// <summary>The context a campaign's dial mode implies: preview dialing guarantees an operator.</summary>
    public static CampaignContext For(Campaign campaign) => campaign.Mode == DialMode.Preview
        ? new CampaignContext(Autodialed: false, OperatorGuaranteed: true)
        : Predictive;
}

/// <summary>The channel and number or address a contact would go to.</summary>
public sealed record ContactTarget(ContactChannel Channel, string Address);

/// <summary>Everything the rules need about one account, read at one moment (from the database or built by a test).</summary>
public sealed class ComplianceSubject
{
    public required Account Account { get; init; }

    public required Debtor Debtor { get; init; }

    public IReadOnlyList<OptOut> OptOuts { get; init; } = [];

    public IReadOnlyList<Hold> Holds { get; init; } = [];

    /// <summary>Ledger rows about this account, or to any of the debtor's numbers and addresses.</summary>
    public IReadOnlyList<ContactAttempt> Ledger { get; init; } = [];

    /// <summary>Contacts with this debtor's numbers and addresses that reached someone else (wrong number, wrong party),
    /// and the later contacts that reached the debtor there; read without a look-back, since a wrong number stays wrong.</summary>
    public IReadOnlyList<PartyReport> PartyReports { get; init; } = [];
}

/// <summary>Who a contact to a number or address reached, as the operator recorded it: a wrong number, another person
/// (<see cref="DispositionCode.WrongParty"/>), or the debtor (a right-party contact).</summary>
public sealed record PartyReport(string Address, ContactChannel Channel, PartyReached Reached, Instant At);

/// <summary>Who answered at a number or address.</summary>
public enum PartyReached
{
    /// <summary>The number or address is not the debtor's at all.</summary>
    WrongNumber = 1,

    /// <summary>Someone other than the debtor answered (a relative, a colleague): the number may still be the debtor's.</summary>
    OtherPerson = 2,

    /// <summary>The debtor was reached and verified there.</summary>
    Debtor = 3,
}

/// <summary>A rule's answer: allowed, refused, or the rule does not apply to this contact.</summary>
public enum RuleVerdict { Allowed = 1, Refused = 2, NotApplicable = 3 }

/// <summary>One rule's verdict with the reason a person can read and the text the rule implements.</summary>
/// <param name="Rule">The rule id from the pack.</param>
/// <param name="NextAllowedAt">When refused: the earliest instant this rule alone would allow; null when it depends on an event (consent, lifting a hold).</param>
public sealed record RuleResult(string Rule, RuleVerdict Verdict, string Reason, string Source, Instant? NextAllowedAt = null);

/// <summary>The engine's answer for one contact at one instant.</summary>
/// <param name="Allowed">True when every rule allows the contact now.</param>
/// <param name="Rules">Every rule evaluated, in pack order.</param>
/// <param name="NextAllowedAt">The earliest instant from the asked one on at which every time-based rule allows contact; null when a rule refuses indefinitely.</param>
public sealed record ComplianceDecision(
    bool Allowed,
    ContactTarget? Target,
    string? Jurisdiction,
    DebtorZone? Zone,
    IReadOnlyList<RuleResult> Rules,
    Instant? NextAllowedAt);
