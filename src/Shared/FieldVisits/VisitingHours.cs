using Collections.Shared.Compliance;
using Collections.Shared.Compliance.Rules;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.FieldVisits;

/// <summary>Whether a visit may take place at a moment, and by which rule.</summary>
/// <param name="Allowed">The visit is inside the visiting hours.</param>
/// <param name="Jurisdiction">The pack applied, or null when none could be.</param>
/// <param name="RuleId">The rule that decided.</param>
/// <param name="Source">The rule's source text.</param>
/// <param name="SpecificRule">True when the pack has a rule for visits; false when its calling-hours rule stands in.</param>
/// <param name="Reason">Why, in words (the local time and the window).</param>
/// <param name="NextAllowedAt">The next moment a visit may take place, when refused.</param>
public sealed record VisitingDecision(bool Allowed, string? Jurisdiction, string RuleId, string Source, bool SpecificRule, string Reason, Instant? NextAllowedAt);

/// <summary>
/// Visiting hours per rule pack. A pack's <c>callingHours</c> rule whose channels include <c>visit</c> is its visiting-hour
/// rule (gb.yaml: CONC 7.9.4R, unreasonable times, with this pack's hours; us.yaml: 12 CFR 1006.6(b)(1)(i), which covers
/// every communication, in person too). Where a jurisdiction has no rule of its own for visits (DE, HU, LV, SI, AL as read
/// for these packs), the pack's calling-hours rule for calls stands in: a visit is never made at an hour a call would be
/// refused. The decision says which of the two applied (<see cref="VisitingDecision.SpecificRule"/>).
/// </summary>
public sealed class VisitingHours(ComplianceEngine compliance, IPublicHolidays holidays)
{
    /// <summary>The rule that sets <paramref name="pack"/>'s visiting hours, and whether it is a rule for visits.</summary>
    public static (RuleDefinition Rule, bool Specific)? RuleOf(RulePack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var hours = pack.Rules.Where(r => r.Kind == RuleKind.CallingHours).ToList();
        if (hours.FirstOrDefault(r => r.Channels.Contains(ContactChannel.Visit)) is { } specific)
        {
            return (specific, true);
        }

        return hours.FirstOrDefault(r => r.Channels.Contains(ContactChannel.Call)) is { } calls ? (calls, false) : null;
    }

    /// <summary>
    /// A cease-communication request of <paramref name="debtor"/> active at <paramref name="at"/> stops visits as it stops every
    /// other channel: the pack's <c>ceaseCommunication</c> rule names <c>visit</c> (DSGVO Art. 21 and BGB §§ 823, 1004 analog;
    /// FDCPA 15 U.S.C. 1692c(c), in person too; CONC 7.9). Null when none is active or the pack has no such rule.
    /// </summary>
    public VisitingDecision? Cease(Account account, Debtor debtor, IReadOnlyList<OptOut> optOuts, Instant at)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(debtor);
        ArgumentNullException.ThrowIfNull(optOuts);
        var zone = DebtorZoneResolver.Resolve(debtor);
        if (zone?.Country is null || !compliance.Packs.TryGetValue(zone.Country, out var pack)
            || pack.Rules.FirstOrDefault(r => r.Kind == RuleKind.CeaseCommunication && r.Channels.Contains(ContactChannel.Visit)) is not { } rule)
        {
            return null;
        }

        var address = debtor.CurrentAddress is { } a ? $"{a.Street}, {a.PostalCode} {a.City}" : "(no address)";
        var input = new RuleInput(new ComplianceSubject { Account = account, Debtor = debtor, OptOuts = optOuts }, new ContactTarget(ContactChannel.Visit, address), null,
            CampaignContext.Manual, zone, pack, holidays);
        var result = StatusRules.CeaseCommunication(rule, input, at);
        return result.Verdict == RuleVerdict.Refused
            ? new VisitingDecision(false, pack.Jurisdiction, rule.Id, rule.Source, true, $"{result.Reason}: no collection visit", null)
            : null;
    }

    /// <summary>Whether <paramref name="debtor"/> may be visited at <paramref name="at"/> (local time at the debtor's address).</summary>
    public VisitingDecision Evaluate(Account account, Debtor debtor, Instant at)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(debtor);
        var zone = DebtorZoneResolver.Resolve(debtor);
        if (zone?.Country is null || !compliance.Packs.TryGetValue(zone.Country, out var pack))
        {
            return new VisitingDecision(false, zone?.Country, "jurisdiction", "config/compliance/*.yaml: one pack per jurisdiction", false,
                $"no rule pack for country '{zone?.Country ?? "unknown"}'; visits are refused until one is configured", null);
        }

        if (RuleOf(pack) is not var (rule, specific))
        {
            return new VisitingDecision(false, pack.Jurisdiction, "visiting-hours", pack.File, false,
                $"{pack.File} has no calling-hours rule to take visiting hours from; visits are refused until it has one", null);
        }

        var address = debtor.CurrentAddress is { } a ? $"{a.Street}, {a.PostalCode} {a.City}" : "(no address)";
        var input = new RuleInput(new ComplianceSubject { Account = account, Debtor = debtor }, new ContactTarget(ContactChannel.Visit, address), null,
            CampaignContext.Manual, zone, pack, holidays);
        var result = CallingHoursRule.Evaluate(rule, input, at);
        var reason = result.Reason.Replace("calling window", "visiting window", StringComparison.Ordinal);
        return new VisitingDecision(result.Verdict != RuleVerdict.Refused, pack.Jurisdiction, rule.Id, rule.Source, specific,
            specific ? reason : $"{reason} (no visiting-hour rule in this jurisdiction's pack: its calling hours apply)", result.NextAllowedAt);
    }
}
