using System.Globalization;
using NodaTime;

namespace Collections.Shared.Calendars.Countries;

/// <summary>
/// Albania: official holidays of Law 7651/1992 "Për festat zyrtare dhe ditët përkujtimore" as amended (Mother Teresa
/// Day on 5 September since her canonisation in 2016, 19 October before; Alphabet Day 22 November since 2024). When a
/// holiday falls on a Saturday or Sunday the first working day after it is off (two on one weekend or one date, such as
/// both Easters on one Sunday, give Monday and Tuesday).
/// The two Bajrams follow the lunar Hijri calendar and are announced each year by the Muslim Community of Albania;
/// confirmed dates are in the table below, other years are computed with .NET's Umm al-Qura calendar, which can differ
/// from the announcement by a day.
/// </summary>
internal sealed class AlbaniaHolidays : IHolidayRules
{
    // Announced dates (Eid al-Fitr, Eid al-Adha) for the years checked against published holiday lists.
    private static readonly Dictionary<int, (LocalDate Fitr, LocalDate Adha)> Bajrams = new()
    {
        [2024] = (new LocalDate(2024, 4, 10), new LocalDate(2024, 6, 16)),
        [2025] = (new LocalDate(2025, 3, 30), new LocalDate(2025, 6, 6)),
    };

    private static readonly UmAlQuraCalendar Hijri = new();

    public string CountryCode => "AL";

    public string Scope => "Official holidays with weekend substitution; Bajram dates confirmed for 2024-2025, computed (Umm al-Qura) otherwise.";

    public IEnumerable<PublicHoliday> Holidays(int year)
    {
        var (fitr, adha) = Bajrams.TryGetValue(year, out var known) ? known : (HijriDate(year, 10, 1), HijriDate(year, 12, 10));
        var list = new List<PublicHoliday>
        {
            new(new LocalDate(year, 1, 1), "New Year's Day"),
            new(new LocalDate(year, 1, 2), "New Year's Day (second day)"),
            new(new LocalDate(year, 3, 14), "Summer Day"),
            new(new LocalDate(year, 3, 22), "Nevruz Day"),
            new(Easter.Western(year), "Catholic Easter"),
            new(Easter.Orthodox(year), "Orthodox Easter"),
            new(new LocalDate(year, 5, 1), "International Workers' Day"),
            new(fitr, "Eid al-Fitr (Bajrami i Madh)"),
            new(adha, "Eid al-Adha (Kurban Bajrami)"),
            new(year >= 2016 ? new LocalDate(year, 9, 5) : new LocalDate(year, 10, 19), "Mother Teresa Day"),
            new(new LocalDate(year, 11, 28), "Independence Day"),
            new(new LocalDate(year, 11, 29), "Liberation Day"),
            new(new LocalDate(year, 12, 8), "National Youth Day"),
            new(new LocalDate(year, 12, 25), "Christmas Day"),
        };
        if (year >= 2024)
        {
            list.Add(new PublicHoliday(new LocalDate(year, 11, 22), "Alphabet Day"));
        }

        return DateRules.WithSubstitutes(list, _ => true);
    }

    // The Gregorian date of a Hijri month/day falling in the Gregorian year (the first occurrence; an Islamic year is
    // about 354 days, so a Gregorian year holds each Hijri date once, rarely twice).
    internal static LocalDate HijriDate(int gregorianYear, int hijriMonth, int hijriDay)
    {
        var start = new DateTime(gregorianYear, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var hijriYear = Hijri.GetYear(start);
        for (var y = hijriYear; y <= hijriYear + 1; y++)
        {
            var date = Hijri.ToDateTime(y, hijriMonth, hijriDay, 0, 0, 0, 0);
            if (date.Year == gregorianYear)
            {
                return new LocalDate(date.Year, date.Month, date.Day);
            }
        }

        throw new InvalidOperationException($"No Hijri {hijriMonth}/{hijriDay} in {gregorianYear}.");
    }
}
