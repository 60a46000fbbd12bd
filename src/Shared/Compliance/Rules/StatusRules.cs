using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance.Rules;

/// <summary>Rules that depend on the debtor's and account's standing: consent, opt-outs, holds.</summary>
internal static class StatusRules
{
    /// <summary>Autodialed calls and texts to the pack's phone kinds need prior express consent (TCPA 47 U.S.C. 227(b)(1)(A)(iii) in the US pack).</summary>
    public static RuleResult AutodialConsent(RuleDefinition rule, RuleInput input, Instant at)
    {
        if (!input.Campaign.Autodialed)
        {
            return Verdicts.Allowed(rule, "dialed manually: no autodialer consent needed");
        }

        if (input.Phone is not { } phone)
        {
            return Verdicts.Refused(rule, "the number is not one of the debtor's numbers on file, so its kind and consent are unknown", null);
        }

        if (!rule.PhoneKinds.Contains(phone.Kind))
        {
            return Verdicts.Allowed(rule, $"a {phone.Kind} number: the rule covers {string.Join(", ", rule.PhoneKinds)}");
        }

        return phone.AutodialConsent && (phone.ConsentAt is null || phone.ConsentAt <= at)
            ? Verdicts.Allowed(rule, $"prior express consent on file ({phone.ConsentSource ?? "source not recorded"})")
            : Verdicts.Refused(rule, $"autodialed contact to a {phone.Kind} number without prior express consent; dial manually or obtain consent", null);
    }

    /// <summary>A cease-communication request (an opt-out with no channel and no address) stops every channel.</summary>
    public static RuleResult CeaseCommunication(RuleDefinition rule, RuleInput input, Instant at)
    {
        var cease = Active(input, at).FirstOrDefault(o => o.Channel is null && o.Address is null);
        return cease is null
            ? Verdicts.Allowed(rule, "no cease-communication request on record")
            : Verdicts.Refused(rule, $"cease-communication request received {Verdicts.Format(cease.At)} via {cease.Source}", null);
    }

    /// <summary>An opt-out of this channel, of this number or address, or of this number on this channel.</summary>
    public static RuleResult OptOut(RuleDefinition rule, RuleInput input, Instant at)
    {
        var optOut = Active(input, at).FirstOrDefault(o =>
            (o.Channel is not null || o.Address is not null)
            && (o.Channel is null || o.Channel == input.Target.Channel)
            && (o.Address is null || string.Equals(RuleInput.Normalize(o.Address), RuleInput.Normalize(input.Target.Address), StringComparison.OrdinalIgnoreCase)));
        if (optOut is null)
        {
            return Verdicts.Allowed(rule, $"no opt-out of {input.Target.Channel} to this {(input.Target.Channel == ContactChannel.Email ? "address" : "number")}");
        }

        var scope = (optOut.Channel, optOut.Address) switch
        {
            (null, _) => "this number or address on every channel",
            (_, null) => $"every {optOut.Channel} contact",
            _ => $"{optOut.Channel} to this number or address",
        };
        return Verdicts.Refused(rule, $"opted out of {scope} on {Verdicts.Format(optOut.At)} via {optOut.Source}", null);
    }

    /// <summary>An active dispute or hold stops contact; a hold lifted at a known future instant allows contact from then.</summary>
    public static RuleResult Hold(RuleDefinition rule, RuleInput input, Instant at)
    {
        var active = input.Subject.Holds.Where(h => h.IsActiveAt(at)).ToList();
        if (active.Count == 0)
        {
            return Verdicts.Allowed(rule, "no active dispute or hold");
        }

        var hold = active[0];
        Instant? next = active.All(h => h.Until is not null) ? active.Max(h => h.Until) : null;
        return Verdicts.Refused(rule, $"{hold.Kind} since {Verdicts.Format(hold.From)}: {hold.Reason}", next);
    }

    private static IEnumerable<OptOut> Active(RuleInput input, Instant at) =>
        input.Subject.OptOuts.Where(o => o.DebtorId == input.Subject.Debtor.Id && o.At <= at && (o.RevokedAt is null || o.RevokedAt > at));
}
