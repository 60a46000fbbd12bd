using System.Collections.Concurrent;
using NodaTime;

namespace Collections.Shared.Calendars;

/// <summary>Working days and public holidays of one country: Monday to Friday, less holidays, plus decreed working Saturdays.</summary>
public sealed class WorkingDayCalendar
{
    // Bounds of the arithmetic: far beyond any due date, and a guard against a loop on a broken rule set.
    private const int MaxSearchDays = 3660;

    private readonly IHolidayRules _rules;
    private readonly ConcurrentDictionary<int, YearData> _years = new();

    internal WorkingDayCalendar(IHolidayRules rules)
    {
        _rules = rules;
    }

    /// <summary>ISO 3166-1 alpha-2 code of the country.</summary>
    public string CountryCode => _rules.CountryCode;

    /// <summary>What the calendar covers and leaves out (regional holidays, one-off closures).</summary>
    public string Scope => _rules.Scope;

    /// <summary>The holidays, substitute days and decreed rest days of <paramref name="year"/>, in date order.</summary>
    public IReadOnlyList<PublicHoliday> HolidaysIn(int year) => Year(year).Holidays;

    /// <summary>True when <paramref name="date"/> is a public holiday, a substitute day or a decreed rest day (weekends alone are not).</summary>
    public bool IsPublicHoliday(LocalDate date) => Year(date.Year).Off.ContainsKey(date);

    /// <summary>The holiday on <paramref name="date"/>, or null.</summary>
    public PublicHoliday? HolidayOn(LocalDate date) => Year(date.Year).Off.GetValueOrDefault(date);

    /// <summary>True when people work on <paramref name="date"/>: a weekday that is not off, or a Saturday decreed a working day.</summary>
    public bool IsWorkingDay(LocalDate date)
    {
        var year = Year(date.Year);
        if (year.WorkedWeekendDays.Contains(date))
        {
            return true;
        }

        return date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday) && !year.Off.ContainsKey(date);
    }

    /// <summary>The first working day strictly after <paramref name="date"/> ("the next working morning after the due date").</summary>
    public LocalDate NextWorkingDay(LocalDate date) => Step(date, +1);

    /// <summary>The last working day strictly before <paramref name="date"/>.</summary>
    public LocalDate PreviousWorkingDay(LocalDate date) => Step(date, -1);

    /// <summary><paramref name="date"/> itself when it is a working day, otherwise the next working day.</summary>
    public LocalDate WorkingDayOnOrAfter(LocalDate date) => IsWorkingDay(date) ? date : NextWorkingDay(date);

    /// <summary>
    /// Moves <paramref name="days"/> working days from <paramref name="date"/>: forward when positive, backward when
    /// negative; zero returns <paramref name="date"/> unchanged even when it is not a working day.
    /// </summary>
    public LocalDate AddWorkingDays(LocalDate date, int days)
    {
        var direction = Math.Sign(days);
        var current = date;
        for (var i = 0; i < Math.Abs(days); i++)
        {
            current = Step(current, direction);
        }

        return current;
    }

    /// <summary>The number of working days in the half-open range [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int WorkingDaysBetween(LocalDate from, LocalDate to)
    {
        var count = 0;
        for (var d = from; d < to; d = d.PlusDays(1))
        {
            if (IsWorkingDay(d))
            {
                count++;
            }
        }

        return count;
    }

    private LocalDate Step(LocalDate date, int direction)
    {
        var current = date;
        for (var i = 0; i < MaxSearchDays; i++)
        {
            current = current.PlusDays(direction);
            if (IsWorkingDay(current))
            {
                return current;
            }
        }

        throw new InvalidOperationException($"No working day within {MaxSearchDays} days of {date:yyyy-MM-dd} in {CountryCode}.");
    }

    private YearData Year(int year) => _years.GetOrAdd(year, y => new YearData(_rules, y));

    private sealed class YearData
    {
        public YearData(IHolidayRules rules, int year)
        {
            Holidays = rules.Holidays(year)
                .Concat(rules.RestDays(year))
                .Where(h => h.Date.Year == year)
                .OrderBy(h => h.Date)
                .ToList();
            Off = [];
            foreach (var holiday in Holidays)
            {
                // Two holidays on one date (both Easters in Albania) keep the first name; the date is off either way.
                Off.TryAdd(holiday.Date, holiday);
            }

            WorkedWeekendDays = [.. rules.WorkedWeekendDays(year)];
        }

        public List<PublicHoliday> Holidays { get; }

        public Dictionary<LocalDate, PublicHoliday> Off { get; }

        public HashSet<LocalDate> WorkedWeekendDays { get; }
    }
}
