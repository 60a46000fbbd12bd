using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// United States, federal holidays of 5 U.S.C. 6103(a) (Juneteenth since 2021). A holiday on a Saturday is observed
/// on the Friday before and one on a Sunday on the Monday after (5 U.S.C. 6103(b), Executive Order 11582); so New
/// Year's Day on a Saturday is observed on 31 December of the year before. State holidays, Inauguration Day (Washington
/// area only) and one-off executive-order closures are out of scope.
/// </summary>
internal sealed class UnitedStatesHolidays : IHolidayRules
{
    public string CountryCode => "US";

    public string Scope => "Federal holidays (5 U.S.C. 6103) with their observed days; state holidays are not included.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        foreach (var holiday in Actual(year))
        {
            yield return holiday;
            var observed = Observed(holiday.Date);
            if (observed != holiday.Date && observed.Year == year)
            {
                yield return new PublicHoliday(observed, holiday.Name + " (observed)", Substitute: true);
            }
        }

        // Next year's New Year's Day, when on a Saturday, is observed on 31 December of this year.
        var nextNewYear = new LocalDate(year + 1, 1, 1);
        if (nextNewYear.DayOfWeek == IsoDayOfWeek.Saturday)
        {
            yield return new PublicHoliday(nextNewYear.PlusDays(-1), "New Year's Day (observed)", Substitute: true);
        }
    }

    private static IEnumerable<PublicHoliday> Actual(int year)
    {
        yield return new PublicHoliday(new LocalDate(year, 1, 1), "New Year's Day");
        yield return new PublicHoliday(DateRules.Nth(year, 1, IsoDayOfWeek.Monday, 3), "Birthday of Martin Luther King, Jr.");
        yield return new PublicHoliday(DateRules.Nth(year, 2, IsoDayOfWeek.Monday, 3), "Washington's Birthday");
        yield return new PublicHoliday(DateRules.Last(year, 5, IsoDayOfWeek.Monday), "Memorial Day");
        if (year >= 2021)
        {
            yield return new PublicHoliday(new LocalDate(year, 6, 19), "Juneteenth National Independence Day");
        }

        yield return new PublicHoliday(new LocalDate(year, 7, 4), "Independence Day");
        yield return new PublicHoliday(DateRules.Nth(year, 9, IsoDayOfWeek.Monday, 1), "Labor Day");
        yield return new PublicHoliday(DateRules.Nth(year, 10, IsoDayOfWeek.Monday, 2), "Columbus Day");
        yield return new PublicHoliday(new LocalDate(year, 11, 11), "Veterans Day");
        yield return new PublicHoliday(DateRules.Nth(year, 11, IsoDayOfWeek.Thursday, 4), "Thanksgiving Day");
        yield return new PublicHoliday(new LocalDate(year, 12, 25), "Christmas Day");
    }

    private static LocalDate Observed(LocalDate date) => date.DayOfWeek switch
    {
        IsoDayOfWeek.Saturday => date.PlusDays(-1),
        IsoDayOfWeek.Sunday => date.PlusDays(1),
        _ => date,
    };
}
