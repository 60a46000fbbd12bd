using Collections.Shared.Domain;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Compliance;

/// <summary>Why an account may or may not be contacted at one instant, channel by channel (the <c>explain</c> verb's and API's body).</summary>
public sealed record ExplainReport(
    string Account,
    string At,
    string? Zone,
    string? ZoneBasis,
    string? Jurisdiction,
    ChannelReport Call,
    ChannelReport Sms,
    ChannelReport WhatsApp,
    ChannelReport Email)
{
    /// <summary>The creditor's mandate over the case's strategy steps: its rules, the next step's verdict and every step it
    /// held back; null for an account without a case.</summary>
    public Workflow.Mandates.MandateReport? Mandate { get; init; }

    /// <summary>Builds the report from the engine's decisions.</summary>
    public static ExplainReport From(string account, Instant at, IReadOnlyDictionary<ContactChannel, ComplianceDecision> decisions)
    {
        var any = decisions.Values.FirstOrDefault(d => d.Zone is not null);
        return new ExplainReport(
            account,
            InstantPattern.General.Format(at),
            any?.Zone?.Describe(),
            any?.Zone?.Basis,
            any?.Jurisdiction,
            ChannelReport.From(decisions[ContactChannel.Call]),
            ChannelReport.From(decisions[ContactChannel.Sms]),
            ChannelReport.From(decisions[ContactChannel.WhatsApp]),
            ChannelReport.From(decisions[ContactChannel.Email]));
    }
}

/// <summary>One channel's answer: allowed now, every rule with its verdict and source, and the next allowed instant.</summary>
public sealed record ChannelReport(bool Allowed, string? Address, IReadOnlyList<RuleReport> Rules, string? NextAllowedAt)
{
    public static ChannelReport From(ComplianceDecision decision) => new(
        decision.Allowed,
        decision.Target?.Address,
        decision.Rules.Select(r => new RuleReport(r.Rule, Verdict(r.Verdict), r.Reason, r.Source)).ToList(),
        decision.NextAllowedAt is { } next ? InstantPattern.General.Format(next) : null);

    private static string Verdict(RuleVerdict verdict) => verdict switch
    {
        RuleVerdict.Allowed => "allowed",
        RuleVerdict.Refused => "refused",
        _ => "not-applicable",
    };
}

/// <summary>One rule's verdict as shown to a person.</summary>
public sealed record RuleReport(string Rule, string Verdict, string Reason, string Source);
