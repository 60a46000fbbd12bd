using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// Hungary: the public holidays of the Labour Code (2012. évi I. törvény, Mt. 102. § (1); Good Friday since 2017),
/// plus the yearly working-day swaps the economy minister decrees under Mt. 102. § (5):
/// 2025 by 11/2024. (IV. 8.) NGM rendelet, 2026 by 10/2025. (IV. 30.) NGM rendelet. Swaps for other years are not
/// shipped; add them here when the decree is published.
/// </summary>
internal sealed class HungaryHolidays : IHolidayRules
{
    private static readonly Dictionary<int, (LocalDate Worked, LocalDate Off)[]> Swaps = new()
    {
        [2025] =
        [
            (new LocalDate(2025, 5, 17), new LocalDate(2025, 5, 2)),
            (new LocalDate(2025, 10, 18), new LocalDate(2025, 10, 24)),
            (new LocalDate(2025, 12, 13), new LocalDate(2025, 12, 24)),
        ],
        [2026] =
        [
            (new LocalDate(2026, 1, 10), new LocalDate(2026, 1, 2)),
            (new LocalDate(2026, 8, 8), new LocalDate(2026, 8, 21)),
            (new LocalDate(2026, 12, 12), new LocalDate(2026, 12, 24)),
        ],
    };

    public string CountryCode => "HU";

    public string Scope => "Mt. 102. § (1) holidays; decreed working-day swaps for 2025 and 2026 only.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        var easter = Easter.Western(year);
        yield return new PublicHoliday(new LocalDate(year, 1, 1), "New Year's Day");
        yield return new PublicHoliday(new LocalDate(year, 3, 15), "National Day (1848 Revolution)");
        if (year >= 2017)
        {
            yield return new PublicHoliday(easter.PlusDays(-2), "Good Friday");
        }

        yield return new PublicHoliday(easter, "Easter Sunday");
        yield return new PublicHoliday(easter.PlusDays(1), "Easter Monday");
        yield return new PublicHoliday(new LocalDate(year, 5, 1), "Labour Day");
        yield return new PublicHoliday(easter.PlusDays(49), "Whit Sunday");
        yield return new PublicHoliday(easter.PlusDays(50), "Whit Monday");
        yield return new PublicHoliday(new LocalDate(year, 8, 20), "State Foundation Day");
        yield return new PublicHoliday(new LocalDate(year, 10, 23), "National Day (1956 Revolution)");
        yield return new PublicHoliday(new LocalDate(year, 11, 1), "All Saints' Day");
        yield return new PublicHoliday(new LocalDate(year, 12, 25), "Christmas Day");
        yield return new PublicHoliday(new LocalDate(year, 12, 26), "Second Day of Christmas");
    }

    public IEnumerable<LocalDate> WorkedWeekendDays(int year) =>
        Swaps.TryGetValue(year, out var swaps) ? swaps.Select(s => s.Worked) : [];

    public IEnumerable<PublicHoliday> RestDays(int year) =>
        Swaps.TryGetValue(year, out var swaps)
            ? swaps.Select(s => new PublicHoliday(s.Off, "Rest day (worked on " + s.Worked.ToString("yyyy-MM-dd", null) + ")"))
            : [];
}
