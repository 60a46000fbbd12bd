using Collections.Shared.Compliance.Rules;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>Decides whether a contact may go out now under the debtor's jurisdiction's pack, and when it next may.</summary>
public sealed class ComplianceEngine
{
    // The search for the next allowed instant jumps from one rule's earliest instant to the next; each jump moves forward,
    // so a handful suffice in practice. The bounds stop a pack whose windows never meet (zones with no common hour).
    private const int MaxJumps = 64;
    private static readonly Duration Horizon = Duration.FromDays(400);

    private readonly IReadOnlyDictionary<string, RulePack> _packs;
    private readonly IPublicHolidays _holidays;

    public ComplianceEngine(IReadOnlyDictionary<string, RulePack> packs, IPublicHolidays holidays)
    {
        foreach (var pack in packs.Values)
        {
            var needsCalendar = pack.Rules.Any(r => r.Kind == RuleKind.CallingHours && (r.ClosedOnPublicHolidays || r.WorkingDaysOnly));
            if (needsCalendar && !holidays.Knows(pack.HolidayCalendar))
            {
                throw new RulePackException($"{pack.File}: holidayCalendar '{pack.HolidayCalendar}' has no public-holiday calendar in this build.");
            }
        }

        _packs = packs;
        _holidays = holidays;
    }

    /// <summary>The loaded packs by jurisdiction.</summary>
    public IReadOnlyDictionary<string, RulePack> Packs => _packs;

    /// <summary>The rule pack of the debtor's jurisdiction (from their stored zone, current address or phone's region, as for
    /// contacts); null when it cannot be told or no pack covers it.</summary>
    public RulePack? PackFor(Debtor debtor, PhoneNumber? phone = null) =>
        DebtorZoneResolver.Resolve(debtor, phone) is { Country: { } country } && _packs.TryGetValue(country, out var pack) ? pack : null;

    /// <summary>Evaluates one contact to <paramref name="target"/> at <paramref name="at"/>.</summary>
    public ComplianceDecision Evaluate(ComplianceSubject subject, ContactTarget target, CampaignContext campaign, Instant at)
    {
        var phone = target.Channel is ContactChannel.Call or ContactChannel.Sms or ContactChannel.WhatsApp
            ? subject.Debtor.Phones.FirstOrDefault(p => p.E164 == target.Address)
            : null;
        var zone = DebtorZoneResolver.Resolve(subject.Debtor, phone);
        if (zone is null)
        {
            return Refuse(target, null, null, "zone", "no time zone: the debtor has no stored zone, no current address and no phone number with a region",
                "12 CFR 1006.6(b)(1)(i) and every pack's calling hours are measured in the debtor's local time");
        }

        if (zone.Country is null || !_packs.TryGetValue(zone.Country, out var pack))
        {
            return Refuse(target, zone.Country, zone, "jurisdiction", $"no rule pack for country '{zone.Country ?? "unknown"}'; contact is refused until one is configured",
                "config/compliance/*.yaml: one pack per jurisdiction");
        }

        var input = new RuleInput(subject, target, phone, campaign, zone, pack, _holidays);
        var results = EvaluateAll(pack, input, at);
        var allowed = results.All(r => r.Verdict != RuleVerdict.Refused);
        var next = allowed ? at : NextAllowed(pack, input, at, results);
        return new ComplianceDecision(allowed, target, pack.Jurisdiction, zone, results, next);
    }

    /// <summary>
    /// Evaluates a channel over every number or address the debtor has on it (numbers in priority order) and returns the
    /// first allowed one, else the one allowed soonest.
    /// </summary>
    public ComplianceDecision EvaluateChannel(ComplianceSubject subject, ContactChannel channel, CampaignContext campaign, Instant at)
    {
        var targets = Targets(subject.Debtor, channel).ToList();
        if (targets.Count == 0)
        {
            var zone = DebtorZoneResolver.Resolve(subject.Debtor);
            return Refuse(null, zone?.Country, zone, "address", $"the debtor has no {channel} number or address on file", "no contact without a destination");
        }

        var decisions = targets.Select(t => Evaluate(subject, t, campaign, at)).ToList();
        return decisions.FirstOrDefault(d => d.Allowed)
            ?? decisions.Where(d => d.NextAllowedAt is not null).MinBy(d => d.NextAllowedAt)
            ?? decisions[0];
    }

    private static IEnumerable<ContactTarget> Targets(Debtor debtor, ContactChannel channel) => channel switch
    {
        ContactChannel.Call or ContactChannel.Sms or ContactChannel.WhatsApp =>
            debtor.Phones.OrderBy(p => p.Priority).Select(p => new ContactTarget(channel, p.E164)),
        ContactChannel.Email when !string.IsNullOrWhiteSpace(debtor.Email) => [new ContactTarget(channel, debtor.Email)],
        _ => [],
    };

    private IReadOnlyList<RuleResult> EvaluateAll(RulePack pack, RuleInput input, Instant at) =>
        pack.Rules.Select(rule => rule.Channels.Contains(input.Target.Channel)
            ? Evaluate(rule, input, at)
            : Verdicts.NotApplicable(rule, $"the rule does not cover {input.Target.Channel}")).ToList();

    private static RuleResult Evaluate(RuleDefinition rule, RuleInput input, Instant at) => rule.Kind switch
    {
        RuleKind.CallingHours => CallingHoursRule.Evaluate(rule, input, at),
        RuleKind.CallFrequency => LedgerRules.CallFrequency(rule, input, at),
        RuleKind.QuietAfterConversation => LedgerRules.QuietAfterConversation(rule, input, at),
        RuleKind.AbandonedCallRepeat => LedgerRules.AbandonedRepeat(rule, input, at),
        RuleKind.AmdRepeat => LedgerRules.AmdRepeat(rule, input, at),
        RuleKind.AutodialConsent => StatusRules.AutodialConsent(rule, input, at),
        RuleKind.CeaseCommunication => StatusRules.CeaseCommunication(rule, input, at),
        RuleKind.OptOut => StatusRules.OptOut(rule, input, at),
        RuleKind.Hold => StatusRules.Hold(rule, input, at),
        RuleKind.MaxAttemptsPerNumberPerDay => LedgerRules.MaxPerNumberPerDay(rule, input, at),
        RuleKind.LawfulBasis => DataProtectionRules.LawfulBasis(rule, input, at),
        RuleKind.ThirdPartyDisclosure => DataProtectionRules.ThirdPartyDisclosure(rule, input, at),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Kind, "Unknown rule kind."),
    };

    /// <summary>Searches forward: jump to the latest of the refusing rules' own earliest instants, re-evaluate, repeat.</summary>
    private Instant? NextAllowed(RulePack pack, RuleInput input, Instant at, IReadOnlyList<RuleResult> results)
    {
        var t = at;
        for (var jump = 0; jump < MaxJumps; jump++)
        {
            var refused = results.Where(r => r.Verdict == RuleVerdict.Refused).ToList();
            if (refused.Count == 0)
            {
                return t;
            }

            if (refused.Any(r => r.NextAllowedAt is null))
            {
                return null;
            }

            var candidate = refused.Max(r => r.NextAllowedAt!.Value);
            if (candidate <= t || candidate - at > Horizon)
            {
                return null;
            }

            t = candidate;
            results = EvaluateAll(pack, input, t);
        }

        return null;
    }

    private static ComplianceDecision Refuse(ContactTarget? target, string? country, DebtorZone? zone, string rule, string reason, string source) =>
        new(false, target, country, zone, [new RuleResult(rule, RuleVerdict.Refused, reason, source)], null);
}
