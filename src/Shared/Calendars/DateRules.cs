using NodaTime;

namespace Collections.Shared.Calendars;

/// <summary>Date arithmetic shared by the country rules.</summary>
internal static class DateRules
{
    public static bool IsWeekend(LocalDate date) => date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;

    /// <summary>The <paramref name="n"/>th <paramref name="day"/> of a month (n = 1 for the first).</summary>
    public static LocalDate Nth(int year, int month, IsoDayOfWeek day, int n)
    {
        var first = new LocalDate(year, month, 1);
        var offset = ((int)day - (int)first.DayOfWeek + 7) % 7;
        return first.PlusDays(offset + (7 * (n - 1)));
    }

    /// <summary>The last <paramref name="day"/> of a month.</summary>
    public static LocalDate Last(int year, int month, IsoDayOfWeek day)
    {
        var last = new LocalDate(year, month, 1).PlusMonths(1).PlusDays(-1);
        var offset = ((int)last.DayOfWeek - (int)day + 7) % 7;
        return last.PlusDays(-offset);
    }

    /// <summary>
    /// Adds a substitute day for each holiday that falls on a weekend: the first weekday after it that is
    /// neither a holiday nor already a substitute. Holidays are handled in date order, so two holidays on one
    /// weekend (or on one date) yield Monday and Tuesday, as UK bank-holiday and Albanian rules do.
    /// </summary>
    public static List<PublicHoliday> WithSubstitutes(IEnumerable<PublicHoliday> holidays, Func<PublicHoliday, bool> qualifies)
    {
        var list = holidays.OrderBy(h => h.Date).ToList();
        var taken = new HashSet<LocalDate>(list.Select(h => h.Date));
        var result = new List<PublicHoliday>(list);
        foreach (var holiday in list)
        {
            if (!IsWeekend(holiday.Date) || !qualifies(holiday))
            {
                continue;
            }

            var day = holiday.Date.PlusDays(1);
            while (IsWeekend(day) || taken.Contains(day))
            {
                day = day.PlusDays(1);
            }

            taken.Add(day);
            result.Add(new PublicHoliday(day, holiday.Name + " (substitute)", Substitute: true));
        }

        return result;
    }
}
