using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// Germany, nationwide holidays only. Public holidays are state law in Germany (Feiertagsgesetze der Länder);
/// the nine below are observed in every state, German Unity Day by federal law (Einigungsvertrag Art. 2(2)).
/// Regional holidays (Epiphany, Corpus Christi, Reformation Day, All Saints', Repentance Day, Assumption,
/// Women's Day, World Children's Day, Augsburg Peace Festival) are out of scope: a debtor's state is not known here.
/// Germany has no substitute days for holidays on a weekend.
/// </summary>
internal sealed class GermanyHolidays : IHolidayRules
{
    public string CountryCode => "DE";

    public string Scope => "Nationwide holidays only; regional (state) holidays are not included.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        var easter = Easter.Western(year);
        yield return new PublicHoliday(new LocalDate(year, 1, 1), "New Year's Day");
        yield return new PublicHoliday(easter.PlusDays(-2), "Good Friday");
        yield return new PublicHoliday(easter.PlusDays(1), "Easter Monday");
        yield return new PublicHoliday(new LocalDate(year, 5, 1), "Labour Day");
        yield return new PublicHoliday(easter.PlusDays(39), "Ascension Day");
        yield return new PublicHoliday(easter.PlusDays(50), "Whit Monday");
        yield return new PublicHoliday(new LocalDate(year, 10, 3), "German Unity Day");
        if (year == 2017)
        {
            // 500th anniversary of the Reformation: a one-off holiday in every state.
            yield return new PublicHoliday(new LocalDate(2017, 10, 31), "Reformation Day (500th anniversary)");
        }

        yield return new PublicHoliday(new LocalDate(year, 12, 25), "Christmas Day");
        yield return new PublicHoliday(new LocalDate(year, 12, 26), "Second Day of Christmas");
    }
}
