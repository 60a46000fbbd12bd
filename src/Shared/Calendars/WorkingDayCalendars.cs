using System.Diagnostics.CodeAnalysis;
using Collections.Shared.Calendars.Countries;

namespace Collections.Shared.Calendars;

/// <summary>The working-day calendars this build knows, by ISO 3166-1 alpha-2 country code.</summary>
public static class WorkingDayCalendars
{
    private static readonly Dictionary<string, WorkingDayCalendar> ByCountry = new IHolidayRules[]
    {
        new GermanyHolidays(),
        new HungaryHolidays(),
        new LatviaHolidays(),
        new SloveniaHolidays(),
        new AlbaniaHolidays(),
        new EnglandWalesHolidays(),
        new UnitedStatesHolidays(),
    }.ToDictionary(r => r.CountryCode, r => new WorkingDayCalendar(r), StringComparer.OrdinalIgnoreCase);

    /// <summary>Country codes with a calendar: DE, HU, LV, SI, AL, GB (England and Wales), US (federal).</summary>
    public static IReadOnlyCollection<string> SupportedCountries => ByCountry.Keys;

    /// <summary>The calendar of <paramref name="countryCode"/>; throws <see cref="ArgumentException"/> for a country without one.</summary>
    public static WorkingDayCalendar For(string countryCode) =>
        TryGet(countryCode, out var calendar)
            ? calendar
            : throw new ArgumentException(
                $"No working-day calendar for country '{countryCode}'; supported: {string.Join(", ", SupportedCountries)}.",
                nameof(countryCode));

    /// <summary>Looks up the calendar of <paramref name="countryCode"/> (case-insensitive).</summary>
    public static bool TryGet(string countryCode, [NotNullWhen(true)] out WorkingDayCalendar? calendar) =>
        ByCountry.TryGetValue(countryCode, out calendar);
}
