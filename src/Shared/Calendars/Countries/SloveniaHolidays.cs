using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// Slovenia: holidays and work-free days of the Zakon o praznikih in dela prostih dnevih v Republiki Sloveniji
/// (ZPDPD), articles 1 and 2. 2 January was a working day from 2013 to 2016. There are no substitute days.
/// The one-off Day of Solidarity after the 2023 floods (2023-08-14) is included.
/// </summary>
internal sealed class SloveniaHolidays : IHolidayRules
{
    public string CountryCode => "SI";

    public string Scope => "ZPDPD holidays and work-free days; no substitute days exist.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        var easter = Easter.Western(year);
        yield return new PublicHoliday(new LocalDate(year, 1, 1), "New Year's Day");
        if (year is < 2013 or > 2016)
        {
            yield return new PublicHoliday(new LocalDate(year, 1, 2), "New Year's Day (second day)");
        }

        yield return new PublicHoliday(new LocalDate(year, 2, 8), "Prešeren Day");
        yield return new PublicHoliday(easter, "Easter Sunday");
        yield return new PublicHoliday(easter.PlusDays(1), "Easter Monday");
        yield return new PublicHoliday(new LocalDate(year, 4, 27), "Day of Uprising Against Occupation");
        yield return new PublicHoliday(new LocalDate(year, 5, 1), "Labour Day");
        yield return new PublicHoliday(new LocalDate(year, 5, 2), "Labour Day (second day)");
        yield return new PublicHoliday(easter.PlusDays(49), "Whit Sunday");
        yield return new PublicHoliday(new LocalDate(year, 6, 25), "Statehood Day");
        if (year == 2023)
        {
            yield return new PublicHoliday(new LocalDate(2023, 8, 14), "Day of Solidarity");
        }

        yield return new PublicHoliday(new LocalDate(year, 8, 15), "Assumption Day");
        yield return new PublicHoliday(new LocalDate(year, 10, 31), "Reformation Day");
        yield return new PublicHoliday(new LocalDate(year, 11, 1), "Remembrance Day");
        yield return new PublicHoliday(new LocalDate(year, 12, 25), "Christmas Day");
        yield return new PublicHoliday(new LocalDate(year, 12, 26), "Independence and Unity Day");
    }
}
