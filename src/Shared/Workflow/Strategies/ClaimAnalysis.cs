using System.Globalization;
using Collections.Shared.Calendars;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Risk;
using NodaTime;

namespace Collections.Shared.Workflow.Strategies;

/// <summary>The plan the claim analysis gives a new case: the strategy, why it was chosen, and every step with its date
/// (the per-case "matrix of steps" of seed 002); <see cref="Strategy"/> is null when no strategy matches.</summary>
/// <param name="Strategy">The chosen strategy, or null.</param>
/// <param name="Reason">Why it was chosen (or why none was): the facts and the rule that matched.</param>
/// <param name="RiskFlags">The warning signs raised (comma separated), or null.</param>
/// <param name="Steps">The case's steps, planned or skipped with the reason.</param>
public sealed record CaseOpening(Strategy? Strategy, string Reason, string? RiskFlags, IReadOnlyList<CaseStep> Steps)
{
    /// <summary>The champion/challenger arm the case was drawn into, or null without a strategy.</summary>
    public string? Arm { get; init; }

    /// <summary>The first planned step, or null.</summary>
    public CaseStep? Next => Steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).FirstOrDefault();
}

/// <summary>
/// The claim analysis that precedes every case (seed 002: "a claim analysis precedes every case and yields a plan and a
/// matrix of steps for that case"): chooses the strategy for the claim's facts, explains the choice, and dates the steps on
/// the debtor's calendar. Pure: the workflow (one case) and the importer (a batch, in its own transaction) both call it.
/// </summary>
public sealed class ClaimAnalysis(StrategyCatalog catalog, ArmControls? controls = null)
{
    /// <summary>The strategies the analysis chooses from.</summary>
    public StrategyCatalog Catalog { get; } = catalog;

    /// <summary>The supervisors' stops and promotions of champion/challenger arms the draw obeys.</summary>
    public ArmControls Controls { get; } = controls ?? ArmControls.None;

    /// <summary>This analysis with the arm controls as they are in <paramref name="db"/> now.</summary>
    public async Task<ClaimAnalysis> WithControlsAsync(CollectionsDbContext db, CancellationToken ct) => new(Catalog, await ArmControls.LoadAsync(db, ct));

    /// <summary>Opens case <paramref name="caseId"/>: strategy, reason and planned steps for <paramref name="facts"/>.</summary>
    public CaseOpening Open(CaseId caseId, ClaimFacts facts, LocalDate dueDate, DateTimeZone zone, WorkingDayCalendar? calendar, string currency, Instant now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var strategy = Catalog.Choose(facts);
        var flags = RiskSignals.Format(facts.RiskFlags);
        if (strategy is null)
        {
            return new CaseOpening(null, Truncate($"no strategy matches: {Describe(facts, currency)}"), flags, []);
        }

        var arm = ArmAssignment.Assign(strategy, caseId, Controls);
        var steps = StrategyPlanner.Plan(strategy.StepsOf(arm), dueDate, zone, calendar, now).Select(p => new CaseStep
        {
            CaseId = caseId,
            Sequence = p.Sequence,
            StepKey = p.Step.Id,
            Phase = p.Step.Phase,
            Channel = p.Step.Channel,
            Campaign = p.Step.Campaign,
            ScriptStage = p.Step.ScriptStage,
            DueAt = p.DueAt,
            Status = p.SkipReason is null ? CaseStepStatus.Planned : CaseStepStatus.Skipped,
            Note = p.SkipReason ?? p.Step.Template,
        }).ToList();
        var reason = Explain(strategy, facts, currency);
        if (strategy.Challengers.Count > 0)
        {
            reason = $"{reason}; arm {arm} ({Controls.States(strategy).First(a => a.Id == arm).EffectiveShare.ToString("0.##", CultureInfo.InvariantCulture)}% of new cases)";
        }

        return new CaseOpening(strategy, Truncate(reason), flags, steps) { Arm = arm };
    }

    /// <summary>"consumer-standard (priority 100): consumer, balance 412.50 EUR, 34 days past due, no warning signs; passed
    /// over high-risk (priority 10): none of its warning signs raised" — the facts and the rules that decided.</summary>
    public string Explain(Strategy chosen, ClaimFacts facts, string currency)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var passed = Catalog.Strategies.TakeWhile(s => s != chosen).Select(s => $"{s.Id} (priority {s.Priority}): {Unmet(s.When, facts)}").ToList();
        var text = $"{chosen.Id} (priority {chosen.Priority}) for {Describe(facts, currency)}";
        return passed.Count == 0 ? text : $"{text}; passed over {string.Join("; ", passed)}";
    }

    private static string Describe(ClaimFacts facts, string currency)
    {
        var c = CultureInfo.InvariantCulture;
        var flags = facts.RiskFlags.Count == 0 ? "no warning signs" : $"warning signs {string.Join(", ", facts.RiskFlags.Order(StringComparer.Ordinal))}";
        var broken = facts.BrokenPromises == 0 ? string.Empty : string.Create(c, $", {facts.BrokenPromises} broken promise(s)");
        return string.Create(c, $"{facts.DebtorKind.ToString().ToLowerInvariant()}, {Kebab(facts.Industry)}, balance {facts.Balance:0.00} {currency}, {facts.DaysPastDue} days past due, {flags}{broken}");
    }

    /// <summary>The first condition of <paramref name="rule"/> that <paramref name="facts"/> fail.</summary>
    private static string Unmet(StrategyRule rule, ClaimFacts facts)
    {
        var c = CultureInfo.InvariantCulture;
        return rule switch
        {
            { Industries.Count: > 0 } when !rule.Industries.Contains(facts.Industry) => $"industry not {string.Join("/", rule.Industries.Select(Kebab))}",
            { DebtorTypes.Count: > 0 } when !rule.DebtorTypes.Contains(facts.DebtorKind) => $"debtor not {string.Join("/", rule.DebtorTypes.Select(d => d.ToString().ToLowerInvariant()))}",
            { MinBalance: { } min } when facts.Balance < min => string.Create(c, $"balance below {min}"),
            { MaxBalance: { } max } when facts.Balance > max => string.Create(c, $"balance above {max}"),
            { MinDaysPastDue: { } min } when facts.DaysPastDue < min => string.Create(c, $"fewer than {min} days past due"),
            { MaxDaysPastDue: { } max } when facts.DaysPastDue > max => string.Create(c, $"more than {max} days past due"),
            { AnyRiskFlags.Count: > 0 } when !rule.AnyRiskFlags.Overlaps(facts.RiskFlags) => "none of its warning signs raised",
            _ when rule.NoRiskFlags.Overlaps(facts.RiskFlags) => $"warning sign {string.Join(", ", rule.NoRiskFlags.Intersect(facts.RiskFlags))} raised",
            { MinBrokenPromises: { } min } when facts.BrokenPromises < min => string.Create(c, $"fewer than {min} broken promises"),
            { MaxBrokenPromises: { } max } when facts.BrokenPromises > max => string.Create(c, $"more than {max} broken promises"),
            _ => "matched, but a higher-priority strategy was taken",
        };
    }

    private static string Kebab(Industry industry) => industry switch
    {
        Industry.ConsumerCredit => "consumer-credit",
        Industry.B2BTradeCredit => "b2b-trade-credit",
        _ => industry.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..497] + "...";
}
