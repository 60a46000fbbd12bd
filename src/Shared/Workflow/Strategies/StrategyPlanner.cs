using Collections.Shared.Calendars;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Workflow.Strategies;

/// <summary>One step of a case's plan with the moment it is due.</summary>
/// <param name="Step">The strategy step.</param>
/// <param name="Sequence">1-based position.</param>
/// <param name="DueAt">When it is due.</param>
/// <param name="SkipReason">Set when the step is already moot when the plan is made (a pre-due reminder for an overdue claim).</param>
public sealed record PlannedStep(StrategyStep Step, int Sequence, Instant DueAt, string? SkipReason);

/// <summary>Turns a strategy into dated steps in the debtor's zone and country calendar.</summary>
public static class StrategyPlanner
{
    /// <summary>
    /// Plans <paramref name="strategy"/> for a claim due on <paramref name="dueDate"/>. A step that would fall before
    /// <paramref name="now"/> is moved to now (a claim handed over late still gets its written reminder first), except
    /// steps before the due date, which are moot once it has passed and are marked skipped.
    /// </summary>
    public static IReadOnlyList<PlannedStep> Plan(Strategy strategy, LocalDate dueDate, DateTimeZone zone, WorkingDayCalendar? calendar, Instant now) =>
        Plan((strategy ?? throw new ArgumentNullException(nameof(strategy))).Steps, dueDate, zone, calendar, now);

    /// <summary>Plans <paramref name="steps"/> (one arm of a strategy) like <see cref="Plan(Strategy, LocalDate, DateTimeZone, WorkingDayCalendar?, Instant)"/>.</summary>
    public static IReadOnlyList<PlannedStep> Plan(IReadOnlyList<StrategyStep> steps, LocalDate dueDate, DateTimeZone zone, WorkingDayCalendar? calendar, Instant now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var today = now.InZone(zone).Date;
        var result = new List<PlannedStep>();
        var previous = dueDate;
        var sequence = 0;
        foreach (var step in steps)
        {
            sequence++;
            var date = DateOf(step, step.Anchor == StepAnchor.DueDate ? dueDate : previous, calendar);
            if (date < dueDate && date < today)
            {
                result.Add(new PlannedStep(step, sequence, At(date, step.Time, zone), "before the due date, which had passed when the case was opened"));
                continue;
            }

            var due = At(date, step.Time, zone);
            if (due < now)
            {
                date = today;
                due = now;
            }

            result.Add(new PlannedStep(step, sequence, due, null));
            previous = date;
        }

        return result;
    }

    /// <summary>The date of <paramref name="step"/> counted from <paramref name="anchor"/>.</summary>
    public static LocalDate DateOf(StrategyStep step, LocalDate anchor, WorkingDayCalendar? calendar)
    {
        LocalDate date;
        if (step.WorkingDays is { } working)
        {
            // Seed 001: "the first reminder the next working morning after the due date" -- working days of the debtor's country.
            date = calendar is null ? AddWeekdays(anchor, working) : calendar.AddWorkingDays(anchor, working);
        }
        else
        {
            date = anchor.PlusDays(step.Days);
        }

        if (step.OnWorkingDay)
        {
            date = calendar is null ? AddWeekdays(date.PlusDays(-1), 1) : calendar.WorkingDayOnOrAfter(date);
        }

        return date;
    }

    /// <summary>The instant of <paramref name="time"/> on <paramref name="date"/> in <paramref name="zone"/>; a time skipped by a
    /// daylight-saving change is moved forward, an ambiguous one takes the earlier instant.</summary>
    public static Instant At(LocalDate date, LocalTime time, DateTimeZone zone) => (date + time).InZoneLeniently(zone).ToInstant();

    private static LocalDate AddWeekdays(LocalDate date, int days)
    {
        var step = Math.Sign(days);
        for (var left = Math.Abs(days); left > 0;)
        {
            date = date.PlusDays(step);
            if (date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday))
            {
                left--;
            }
        }

        return date;
    }
}

/// <summary>Chooses the strategy for a claim: the first, by priority, whose rule matches.</summary>
public sealed class StrategyCatalog(IReadOnlyList<Strategy> strategies)
{
    /// <summary>All strategies, by priority.</summary>
    public IReadOnlyList<Strategy> Strategies { get; } = strategies;

    /// <summary>The strategy with <paramref name="id"/>.</summary>
    public Strategy Get(string id) => Strategies.FirstOrDefault(s => s.Id == id)
        ?? throw new StrategyException($"No strategy '{id}'; known: {string.Join(", ", Strategies.Select(s => s.Id))}.");

    /// <summary>The claim analysis: the first strategy by priority whose rule matches <paramref name="claim"/>, or null.</summary>
    public Strategy? Choose(ClaimFacts claim) => Strategies.FirstOrDefault(s => s.When.Matches(claim));
}
