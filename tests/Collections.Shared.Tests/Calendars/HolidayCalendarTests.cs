using Collections.Shared.Calendars;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Tests.Calendars;

public sealed class HolidayCalendarTests
{
    private static LocalDate D(string iso) => LocalDatePattern.Iso.Parse(iso).Value;

    private static IEnumerable<string> Dates(string country, int year) =>
        WorkingDayCalendars.For(country).HolidaysIn(year).Select(h => LocalDatePattern.Iso.Format(h.Date));

    [Theory]
    [InlineData(2024, "2024-03-31", "2024-05-05")]
    [InlineData(2025, "2025-04-20", "2025-04-20")]
    [InlineData(2026, "2026-04-05", "2026-04-12")]
    [InlineData(2027, "2027-03-28", "2027-05-02")]
    public void Easter_WesternAndOrthodox(int year, string western, string orthodox)
    {
        Assert.Equal(D(western), Easter.Western(year));
        Assert.Equal(D(orthodox), Easter.Orthodox(year));
    }

    [Fact]
    public void Germany2025_NationalHolidays()
    {
        Assert.Equal(
            ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-09", "2025-10-03", "2025-12-25", "2025-12-26"],
            Dates("DE", 2025));
        var de = WorkingDayCalendars.For("de");
        Assert.Equal("Easter Monday", de.HolidayOn(D("2025-04-21"))!.Name);
        Assert.Equal("Whit Monday", de.HolidayOn(D("2025-06-09"))!.Name);
        // Corpus Christi (2025-06-19) is a holiday in some states only: out of scope, so a working day here.
        Assert.True(de.IsWorkingDay(D("2025-06-19")));
    }

    // Mt. 102. § (1) and the swaps of 11/2024. (IV. 8.) NGM rendelet.
    [Fact]
    public void Hungary2025_HolidaysAndDecreedSwaps()
    {
        Assert.Equal(
            [
                "2025-01-01", "2025-03-15", "2025-04-18", "2025-04-20", "2025-04-21", "2025-05-01", "2025-05-02",
                "2025-06-08", "2025-06-09", "2025-08-20", "2025-10-23", "2025-10-24", "2025-11-01", "2025-12-24",
                "2025-12-25", "2025-12-26",
            ],
            Dates("HU", 2025));
        var hu = WorkingDayCalendars.For("HU");
        Assert.False(hu.IsWorkingDay(D("2025-05-02")));
        Assert.True(hu.IsWorkingDay(D("2025-05-17")));   // Saturday worked in exchange for 2 May
        Assert.True(hu.IsWorkingDay(D("2025-10-18")));
        Assert.True(hu.IsWorkingDay(D("2025-12-13")));
        Assert.False(hu.IsWorkingDay(D("2025-05-10")));  // an ordinary Saturday
        Assert.Equal(D("2025-05-17"), hu.NextWorkingDay(D("2025-05-16")));
    }

    [Fact]
    public void UnitedStates_FederalHolidaysWithObservedDays()
    {
        var us = WorkingDayCalendars.For("US");
        Assert.Equal("Thanksgiving Day", us.HolidayOn(D("2026-11-26"))!.Name);
        Assert.False(us.IsWorkingDay(D("2026-07-03")));   // 4 July 2026 is a Saturday: observed Friday
        Assert.False(us.IsWorkingDay(D("2021-12-31")));   // 1 January 2022 is a Saturday: observed the year before
        Assert.False(us.IsWorkingDay(D("2027-06-18")));   // Juneteenth 2027 on a Saturday
        Assert.True(us.IsWorkingDay(D("2020-06-19")));    // Juneteenth became a federal holiday in 2021
        Assert.Equal(
            ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"],
            Dates("US", 2026));
    }

    [Fact]
    public void EnglandAndWales_BankHolidaysAndSubstitutes()
    {
        Assert.Equal(
            ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-25", "2021-12-26", "2021-12-27", "2021-12-28"],
            Dates("GB", 2021));
        var gb = WorkingDayCalendars.For("GB");
        Assert.False(gb.IsWorkingDay(D("2022-12-27")));   // Christmas Day 2022 on a Sunday; Boxing Day takes the 26th
        Assert.False(gb.IsWorkingDay(D("2020-05-08")));   // VE Day: Early May moved to Friday
        Assert.True(gb.IsWorkingDay(D("2020-05-04")));
        Assert.False(gb.IsWorkingDay(D("2022-09-19")));   // state funeral
        Assert.False(gb.IsWorkingDay(D("2026-08-31")));
    }

    [Fact]
    public void Latvia_IndependenceDaysMoveOffTheWeekend()
    {
        var lv = WorkingDayCalendars.For("LV");
        Assert.False(lv.IsWorkingDay(D("2025-05-05")));   // 4 May 2025 is a Sunday
        Assert.False(lv.IsWorkingDay(D("2023-11-20")));   // 18 November 2023 is a Saturday
        Assert.False(lv.IsWorkingDay(D("2025-06-23")));
        Assert.False(lv.IsWorkingDay(D("2025-06-24")));
        Assert.False(lv.IsWorkingDay(D("2025-12-31")));
        Assert.True(lv.IsWorkingDay(D("2025-06-09")));    // Whit Monday is not a Latvian holiday
    }

    [Fact]
    public void Slovenia_HolidaysWithoutSubstitutes()
    {
        var si = WorkingDayCalendars.For("SI");
        Assert.False(si.IsWorkingDay(D("2026-01-02")));
        Assert.False(si.IsWorkingDay(D("2026-04-27")));
        Assert.False(si.IsWorkingDay(D("2026-06-25")));
        Assert.True(si.IsWorkingDay(D("2015-01-02")));    // 2 January was a working day 2013-2016
        Assert.True(si.IsWorkingDay(D("2025-02-10")));    // Prešeren Day 2025 fell on a Saturday: no substitute
    }

    [Fact]
    public void Albania_BothEastersOnOneSunday_GiveMondayAndTuesday()
    {
        var al = WorkingDayCalendars.For("AL");
        Assert.False(al.IsWorkingDay(D("2025-04-21")));
        Assert.False(al.IsWorkingDay(D("2025-04-22")));
        Assert.True(al.IsWorkingDay(D("2025-04-23")));
        Assert.False(al.IsWorkingDay(D("2025-03-31")));   // Eid al-Fitr on Sunday 30 March 2025
        Assert.False(al.IsWorkingDay(D("2025-06-06")));   // Eid al-Adha
        Assert.False(al.IsWorkingDay(D("2025-11-28")));
        Assert.False(al.IsWorkingDay(D("2025-09-05")));   // Mother Teresa Day
    }

    // The computed fallback for years without an announcement reproduces the announced Bajrams of 2024 and 2025
    // (1 Shawwal and 10 Dhu al-Hijjah in the Umm al-Qura calendar).
    [Theory]
    [InlineData(2024, "2024-04-10", "2024-06-16")]
    [InlineData(2025, "2025-03-30", "2025-06-06")]
    public void Albania_UmmAlQuraFallback_MatchesAnnouncedBajrams(int year, string fitr, string adha)
    {
        Assert.Equal(D(fitr), Collections.Shared.Calendars.Countries.AlbaniaHolidays.HijriDate(year, 10, 1));
        Assert.Equal(D(adha), Collections.Shared.Calendars.Countries.AlbaniaHolidays.HijriDate(year, 12, 10));
    }

    [Fact]
    public void UnknownCountry_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => WorkingDayCalendars.For("FR"));
        Assert.False(WorkingDayCalendars.TryGet("FR", out _));
        Assert.Equal(7, WorkingDayCalendars.SupportedCountries.Count);
    }
}
