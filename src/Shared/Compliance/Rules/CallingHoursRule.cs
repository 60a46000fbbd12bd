using NodaTime;

namespace Collections.Shared.Compliance.Rules;

/// <summary>Contact only inside the pack's weekday windows in the debtor's local time, skipping holidays when the pack says so.</summary>
internal static class CallingHoursRule
{
    // Far enough to cross any run of closed days a pack can express (a year of holidays), bounded so a broken pack cannot loop.
    private const int SearchDays = 400;

    public static RuleResult Evaluate(RuleDefinition rule, RuleInput input, Instant at)
    {
        string? refusal = null;
        Instant? next = null;
        foreach (var zone in input.Zone.Zones)
        {
            var local = at.InZone(zone).LocalDateTime;
            var closed = ClosedReason(rule, input, local.Date);
            var windows = rule.Windows.GetValueOrDefault(local.Date.DayOfWeek) ?? [];
            if (closed is null && windows.Any(w => w.Contains(local.TimeOfDay)))
            {
                continue;
            }

            refusal ??= closed is not null
                ? $"{Verdicts.Format(local.Date)} is {closed} in {zone.Id}"
                : $"{local:uuuu-MM-dd HH:mm} {local.DayOfWeek} in {zone.Id} is outside {Describe(windows)}";
            var candidate = NextOpen(rule, input, zone, at);
            if (candidate is null)
            {
                return Verdicts.Refused(rule, refusal, null);
            }

            next = next is null || candidate > next ? candidate : next;
        }

        return refusal is null
            ? Verdicts.Allowed(rule, $"{Local(at, input)} is inside the calling window")
            : Verdicts.Refused(rule, refusal, next);
    }

    private static string Local(Instant at, RuleInput input) =>
        string.Join(", ", input.Zone.Zones.Select(z => $"{at.InZone(z).LocalDateTime:uuuu-MM-dd HH:mm} {at.InZone(z).DayOfWeek} in {z.Id}"));

    private static string Describe(IReadOnlyList<TimeWindow> windows) =>
        windows.Count == 0 ? "any window (no contact that day)" : string.Join(", ", windows);

    /// <summary>Why the whole day is closed (holiday, not a working day), or null when its windows apply.</summary>
    private static string? ClosedReason(RuleDefinition rule, RuleInput input, LocalDate date)
    {
        var country = input.Pack.HolidayCalendar;
        if (rule.ClosedOnPublicHolidays && input.Holidays.HolidayOn(country, date) is { } holiday)
        {
            return $"a public holiday in {country} ({holiday})";
        }

        if (rule.WorkingDaysOnly && !input.Holidays.IsWorkingDay(country, date))
        {
            return $"not a working day in {country}";
        }

        return null;
    }

    /// <summary>The first instant at or after <paramref name="at"/> inside a window in <paramref name="zone"/>.</summary>
    private static Instant? NextOpen(RuleDefinition rule, RuleInput input, DateTimeZone zone, Instant at)
    {
        var date = at.InZone(zone).Date;
        for (var day = 0; day < SearchDays; day++, date = date.PlusDays(1))
        {
            if (ClosedReason(rule, input, date) is not null)
            {
                continue;
            }

            foreach (var window in (rule.Windows.GetValueOrDefault(date.DayOfWeek) ?? []).OrderBy(w => w.Start))
            {
                // Lenient mapping: a window start inside a daylight-saving gap moves to the first valid instant after it.
                var start = zone.AtLeniently(date + window.Start).ToInstant();
                var end = window.EndsAtMidnight
                    ? date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant()
                    : zone.AtLeniently(date + window.End).ToInstant();
                if (at < end)
                {
                    return start > at ? start : at;
                }
            }
        }

        return null;
    }
}
