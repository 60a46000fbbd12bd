using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// United Kingdom, England and Wales: bank holidays of the Banking and Financial Dealings Act 1971, Schedule 1,
/// with the royal proclamations that add or move days (New Year's Day, Early May and Spring bank holidays are by
/// proclamation; substitute days when a holiday falls on a weekend). Scotland and Northern Ireland differ and are
/// out of scope.
/// </summary>
internal sealed class EnglandWalesHolidays : IHolidayRules
{
    // Proclaimed one-off bank holidays (gov.uk/bank-holidays).
    private static readonly PublicHoliday[] OneOff =
    [
        new(new LocalDate(2002, 6, 3), "Golden Jubilee"),
        new(new LocalDate(2011, 4, 29), "Royal Wedding"),
        new(new LocalDate(2012, 6, 5), "Diamond Jubilee"),
        new(new LocalDate(2022, 6, 3), "Platinum Jubilee"),
        new(new LocalDate(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        new(new LocalDate(2023, 5, 8), "Coronation of King Charles III"),
    ];

    public string CountryCode => "GB";

    public string Scope => "England and Wales bank holidays; Scotland and Northern Ireland are not included.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        var easter = Easter.Western(year);
        var list = new List<PublicHoliday>
        {
            new(new LocalDate(year, 1, 1), "New Year's Day"),
            new(easter.PlusDays(-2), "Good Friday"),
            new(easter.PlusDays(1), "Easter Monday"),
            new(EarlyMay(year), "Early May bank holiday"),
            new(Spring(year), "Spring bank holiday"),
            new(DateRules.Last(year, 8, IsoDayOfWeek.Monday), "Summer bank holiday"),
            new(new LocalDate(year, 12, 25), "Christmas Day"),
            new(new LocalDate(year, 12, 26), "Boxing Day"),
        };
        list.AddRange(OneOff.Where(h => h.Date.Year == year));
        return DateRules.WithSubstitutes(list, h => h.Date is { Month: 1, Day: 1 } or { Month: 12, Day: 25 } or { Month: 12, Day: 26 });
    }

    // Moved to Friday 8 May for the VE Day anniversaries of 1995 and 2020.
    private static LocalDate EarlyMay(int year) =>
        year is 1995 or 2020 ? new LocalDate(year, 5, 8) : DateRules.Nth(year, 5, IsoDayOfWeek.Monday, 1);

    // Moved for the jubilees of 2002, 2012 and 2022.
    private static LocalDate Spring(int year) => year switch
    {
        2002 => new LocalDate(2002, 6, 4),
        2012 => new LocalDate(2012, 6, 4),
        2022 => new LocalDate(2022, 6, 2),
        _ => DateRules.Last(year, 5, IsoDayOfWeek.Monday),
    };
}
