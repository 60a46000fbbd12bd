using NodaTime;

namespace Collections.Shared.Calendars;

/// <summary>The holiday law of one country: which dates are off in a given year, and which weekend days are worked.</summary>
internal interface IHolidayRules
{
    /// <summary>ISO 3166-1 alpha-2 code, upper case.</summary>
    string CountryCode { get; }

    /// <summary>What the rules cover and what they leave out (regional holidays, one-off closures), for documentation and diagnostics.</summary>
    string Scope { get; }

    /// <summary>Holidays and substitute days of <paramref name="year"/>, in any order.</summary>
    IEnumerable<PublicHoliday> Holidays(int year);

    /// <summary>Saturdays or Sundays that are working days by decree in <paramref name="year"/> (bridge-day swaps).</summary>
    IEnumerable<LocalDate> WorkedWeekendDays(int year) => [];

    /// <summary>Weekdays that are rest days by decree in <paramref name="year"/> without being public holidays (the other half of a swap).</summary>
    IEnumerable<PublicHoliday> RestDays(int year) => [];
}
