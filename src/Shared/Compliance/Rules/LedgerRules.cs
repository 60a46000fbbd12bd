using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance.Rules;

/// <summary>Rules that count or look back over the contact ledger.</summary>
internal static class LedgerRules
{
    /// <summary>
    /// At most <see cref="RuleDefinition.Max"/> calls about one debt within <see cref="RuleDefinition.Days"/> consecutive
    /// days (12 CFR 1006.14(b)(2)(i)(A): a call placed when seven were already placed in the seven consecutive days
    /// ending today would be the eighth). Days are the debtor's local calendar days; pending rows count, since a
    /// crash must not lose an attempt; calls never connected are excluded per 1006.14(b)(3)(ii) through the pack.
    /// </summary>
    public static RuleResult CallFrequency(RuleDefinition rule, RuleInput input, Instant at)
    {
        var today = input.LocalDate(at);
        var first = today.PlusDays(-(rule.Days - 1));
        var counted = input.LedgerUntil(at)
            .Where(a => a.AccountId == input.Subject.Account.Id && rule.Channels.Contains(a.Channel) && !rule.ExcludedOutcomes.Contains(a.Outcome) && !IsInbound(a))
            .Select(a => input.LocalDate(a.StartedAt))
            .Where(d => d >= first && d <= today)
            .OrderByDescending(d => d)
            .ToList();
        var period = $"{Verdicts.Format(first)}..{Verdicts.Format(today)}";
        if (counted.Count < rule.Max)
        {
            return Verdicts.Allowed(rule, $"{counted.Count} call(s) about this debt in {period}; this would be number {counted.Count + 1} of at most {rule.Max} in {rule.Days} consecutive days");
        }

        // The period first holds fewer than Max calls on the day after the Max-th most recent call leaves it.
        var leaves = counted[rule.Max - 1].PlusDays(rule.Days);
        return Verdicts.Refused(rule, $"{counted.Count} call(s) about this debt already in {period}: another would exceed {rule.Max} in {rule.Days} consecutive days", input.StartOf(leaves));
    }

    /// <summary>
    /// No call within <see cref="RuleDefinition.Days"/> consecutive days after a telephone conversation about the debt;
    /// 12 CFR 1006.14(b)(2)(i)(B): "The date of the telephone conversation is the first day of the seven-consecutive-day period."
    /// </summary>
    public static RuleResult QuietAfterConversation(RuleDefinition rule, RuleInput input, Instant at)
    {
        var last = input.LedgerUntil(at)
            .Where(a => a.AccountId == input.Subject.Account.Id && a.Channel == ContactChannel.Call && a.RightPartyContact)
            .MaxBy(a => a.StartedAt);
        if (last is null)
        {
            return Verdicts.Allowed(rule, "no telephone conversation about this debt on record");
        }

        var day1 = input.LocalDate(last.StartedAt);
        var lastDay = day1.PlusDays(rule.Days - 1);
        var today = input.LocalDate(at);
        if (today > lastDay)
        {
            return Verdicts.Allowed(rule, $"last conversation on {Verdicts.Format(day1)}; its {rule.Days}-day period ended on {Verdicts.Format(lastDay)}");
        }

        var dayNumber = Period.Between(day1, today, PeriodUnits.Days).Days + 1;
        return Verdicts.Refused(rule, $"conversation on {Verdicts.Format(day1)} (day 1); today {Verdicts.Format(today)} is day {dayNumber} of {rule.Days}", input.StartOf(lastDay.PlusDays(1)));
    }

    /// <summary>No repeat call to a number within <see cref="RuleDefinition.Hours"/> of an abandoned call to it, unless an operator is guaranteed.</summary>
    public static RuleResult AbandonedRepeat(RuleDefinition rule, RuleInput input, Instant at) =>
        Repeat(rule, input, at, a => a.Outcome == ContactOutcome.Abandoned, "abandoned call");

    /// <summary>No repeat call to a number within <see cref="RuleDefinition.Hours"/> of an answered call the AMD flagged, unless an operator is guaranteed.</summary>
    public static RuleResult AmdRepeat(RuleDefinition rule, RuleInput input, Instant at) =>
        Repeat(rule, input, at, a => a.AmdFlagged, "call flagged by answering-machine detection");

    /// <summary>At most <see cref="RuleDefinition.Max"/> attempts to one number or address per local calendar day.</summary>
    public static RuleResult MaxPerNumberPerDay(RuleDefinition rule, RuleInput input, Instant at)
    {
        var today = input.LocalDate(at);
        var count = input.LedgerUntil(at)
            .Count(a => a.Channel == input.Target.Channel && input.SameAddress(a) && !rule.ExcludedOutcomes.Contains(a.Outcome) && !IsInbound(a)
                && input.LocalDate(a.StartedAt) == today);
        return count < rule.Max
            ? Verdicts.Allowed(rule, $"{count} attempt(s) to this {Noun(input)} on {Verdicts.Format(today)}; at most {rule.Max} a day")
            : Verdicts.Refused(rule, $"{count} attempt(s) to this {Noun(input)} already on {Verdicts.Format(today)}; at most {rule.Max} a day", input.StartOf(today.PlusDays(1)));
    }

    /// <summary>
    /// A call the debtor made to us. Not counted by the frequency and repeat rules: 12 CFR 1006.14(b)(2)(i) counts telephone calls
    /// the debt collector "places"; Ofcom's abandoned-call and AMD repeat rules (persistent-misuse statement 2016) concern calls
    /// we made. A conversation on it still counts for <see cref="QuietAfterConversation"/> (1006.14(b)(2)(i)(B): "after having
    /// had a telephone conversation", whoever called).
    /// </summary>
    private static bool IsInbound(ContactAttempt a) => a.Purpose == ContactPurpose.Inbound;

    private static string Noun(RuleInput input) => input.Target.Channel == ContactChannel.Email ? "address" : "number";

    private static RuleResult Repeat(RuleDefinition rule, RuleInput input, Instant at, Func<ContactAttempt, bool> trigger, string what)
    {
        if (rule.UnlessOperatorGuaranteed && input.Campaign.OperatorGuaranteed)
        {
            return Verdicts.Allowed(rule, $"a live operator is guaranteed, which lifts the {rule.Hours} h rule");
        }

        // The quiet period runs from the end of the triggering call (when it was abandoned or flagged), or its start if no end was recorded.
        var last = input.LedgerUntil(at)
            .Where(a => a.Channel == ContactChannel.Call && input.SameAddress(a) && trigger(a) && !IsInbound(a))
            .Select(a => a.EndedAt ?? a.StartedAt)
            .DefaultIfEmpty()
            .Max();
        if (last == default)
        {
            return Verdicts.Allowed(rule, $"no {what} to this number on record");
        }

        var until = last + Duration.FromHours(rule.Hours);
        return at >= until
            ? Verdicts.Allowed(rule, $"last {what} to this number at {Verdicts.Format(last)}, more than {rule.Hours} h ago")
            : Verdicts.Refused(rule, $"{what} to this number at {Verdicts.Format(last)}: no repeat without a guaranteed operator until {Verdicts.Format(until)}", until);
    }
}
