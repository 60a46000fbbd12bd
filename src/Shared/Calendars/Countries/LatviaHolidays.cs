using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// Latvia: holidays of the law "Par svētku, atceres un atzīmējamām dienām" (section 1). When 4 May or 18 November
/// falls on a Saturday or Sunday, the next working day is a holiday (section 1, notes to points 6 and 11).
/// One-off holidays granted by separate laws (e.g. 2023-05-29 after the ice-hockey bronze, the closing days of the
/// Song and Dance Festival 2018-07-09 and 2023-07-10) are included; Cabinet orders that move working days are not.
/// </summary>
internal sealed class LatviaHolidays : IHolidayRules
{
    private static readonly PublicHoliday[] OneOff =
    [
        new(new LocalDate(2018, 7, 9), "Song and Dance Festival closing day"),
        new(new LocalDate(2023, 5, 29), "Ice hockey bronze medal day"),
        new(new LocalDate(2023, 7, 10), "Song and Dance Festival closing day"),
    ];

    public string CountryCode => "LV";

    public string Scope => "Statutory holidays with the 4 May / 18 November weekend transfer; Cabinet working-day transfers not included.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        var easter = Easter.Western(year);
        var list = new List<PublicHoliday>
        {
            new(new LocalDate(year, 1, 1), "New Year's Day"),
            new(easter.PlusDays(-2), "Good Friday"),
            new(easter, "Easter Sunday"),
            new(easter.PlusDays(1), "Easter Monday"),
            new(new LocalDate(year, 5, 1), "Labour Day"),
            new(new LocalDate(year, 5, 4), "Restoration of Independence Day"),
            new(easter.PlusDays(49), "Whit Sunday"),
            new(new LocalDate(year, 6, 23), "Midsummer Eve (Līgo)"),
            new(new LocalDate(year, 6, 24), "Midsummer Day (Jāņi)"),
            new(new LocalDate(year, 11, 18), "Proclamation Day"),
            new(new LocalDate(year, 12, 24), "Christmas Eve"),
            new(new LocalDate(year, 12, 25), "Christmas Day"),
            new(new LocalDate(year, 12, 26), "Second Day of Christmas"),
            new(new LocalDate(year, 12, 31), "New Year's Eve"),
        };
        list.AddRange(OneOff.Where(h => h.Date.Year == year));
        return DateRules.WithSubstitutes(list, h => h.Date is { Month: 5, Day: 4 } or { Month: 11, Day: 18 });
    }
}
