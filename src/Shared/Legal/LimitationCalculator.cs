using NodaTime;

namespace Collections.Shared.Legal;

/// <summary>An event of the record that may restart the limitation period.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="On">The day it happened, in the debtor's zone.</param>
/// <param name="Description">What it was, for the explanation ("payment 50.00 EUR").</param>
public sealed record LimitationEvent(LimitationEventKind Kind, LocalDate On, string Description);

/// <summary>How one event was treated.</summary>
/// <param name="Event">The event.</param>
/// <param name="Restarted">It restarted the period.</param>
/// <param name="Reason">Why (the rule's source) or why not.</param>
public sealed record LimitationStep(LimitationEvent Event, bool Restarted, string Reason);

/// <summary>A claim's limitation as the rule gives it.</summary>
/// <param name="ClaimDue">The day the claim fell due (the earliest invoice's due day).</param>
/// <param name="RunsFrom">The day the current period is counted from (the due day, the end of its year, or the last restart).</param>
/// <param name="LastDay">The last day on which proceedings stop the period; the claim is time-barred from the day after.</param>
/// <param name="Source">The rule's source.</param>
/// <param name="Steps">Every event looked at, oldest first, with how it was treated.</param>
public sealed record LimitationResult(LocalDate ClaimDue, LocalDate RunsFrom, LocalDate LastDay, string Source, IReadOnlyList<LimitationStep> Steps)
{
    /// <summary>The event that last restarted the period, or null.</summary>
    public LimitationEvent? RestartedBy => Steps.LastOrDefault(s => s.Restarted)?.Event;
}

/// <summary>Computes the last day of a claim's limitation period from a pack's <see cref="LimitationRule"/> (pure).</summary>
public static class LimitationCalculator
{
    /// <summary>The limitation of a claim that fell due on <paramref name="due"/>, given the events of its record.</summary>
    public static LimitationResult Compute(LimitationRule rule, LocalDate due, IEnumerable<LimitationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(events);

        // BGB § 199(1): the regular period starts at the end of the year in which the claim arose, so it ends on 31 December
        // of the year Years later. Elsewhere it runs from the due day and ends on the same calendar day Years later
        // (BGB §§ 187(1), 188(2) for the restarted period; NodaTime's PlusYears gives 28 February for 29 February, as
        // § 188(3) does).
        var runsFrom = rule.Start == LimitationStart.EndOfYear ? new LocalDate(due.Year, 12, 31) : due;
        var lastDay = runsFrom.PlusYears(rule.Years);
        var steps = new List<LimitationStep>();
        foreach (var e in events.OrderBy(e => e.On))
        {
            var restart = rule.Restarts.FirstOrDefault(r => r.Kind == e.Kind);
            string? refusal = restart switch
            {
                null => "does not restart the period under this jurisdiction's rule",
                { ClaimsArisenBefore: { } before } when due >= before => $"restarts only claims due before {before:yyyy-MM-dd} ({restart.Source})",
                _ when e.On < due => "before the claim fell due",
                // A claim once time-barred is not revived by a later acknowledgement or payment (Limitation Act 1980 s.29(7);
                // BGB § 214(2): what is performed on a time-barred claim cannot be reclaimed, but the period does not restart).
                _ when e.On > lastDay => $"after the claim was time-barred on {lastDay.PlusDays(1):yyyy-MM-dd}; a barred claim is not revived",
                _ => null,
            };
            if (refusal is not null)
            {
                steps.Add(new LimitationStep(e, false, refusal));
                continue;
            }

            // The new period runs from the event (BGB § 212(1), Ptk. 6:25(2), Limitation Act 1980 s.29(5)), not from a year end.
            // A restart protects the creditor and never shortens a period: an acknowledgement in the year the claim arose
            // leaves the § 199 year-end period in place where that ends later.
            var restarted = e.On.PlusYears(rule.Years);
            if (restarted <= lastDay)
            {
                steps.Add(new LimitationStep(e, false, $"a new period from it would end {restarted:yyyy-MM-dd}, not after the running one"));
                continue;
            }

            runsFrom = e.On;
            lastDay = restarted;
            steps.Add(new LimitationStep(e, true, restart!.Source));
        }

        return new LimitationResult(due, runsFrom, lastDay, rule.Source, steps);
    }
}
