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
