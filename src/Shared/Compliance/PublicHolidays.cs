using Collections.Shared.Calendars;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>Public holidays and working days per country, as the calling-hours rules need them.</summary>
public interface IPublicHolidays
{
    /// <summary>True when the country has a calendar this build knows.</summary>
    bool Knows(string countryCode);

    /// <summary>The holiday's name when <paramref name="date"/> is a public holiday in the country, else null.</summary>
    string? HolidayOn(string countryCode, LocalDate date);

    /// <summary>True when <paramref name="date"/> is a working day in the country (decreed working Saturdays included).</summary>
    bool IsWorkingDay(string countryCode, LocalDate date);
}

/// <summary>The public holidays of <see cref="WorkingDayCalendars"/> (src/Shared/Calendars).</summary>
public sealed class CalendarPublicHolidays : IPublicHolidays
{
    public bool Knows(string countryCode) => WorkingDayCalendars.TryGet(countryCode, out _);

    public string? HolidayOn(string countryCode, LocalDate date) =>
        WorkingDayCalendars.TryGet(countryCode, out var calendar) ? calendar.HolidayOn(date)?.Name : null;

    public bool IsWorkingDay(string countryCode, LocalDate date) =>
        WorkingDayCalendars.TryGet(countryCode, out var calendar)
            ? calendar.IsWorkingDay(date)
            : date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
}
