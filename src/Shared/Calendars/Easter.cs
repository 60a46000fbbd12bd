using NodaTime;

namespace Collections.Shared.Calendars;

/// <summary>Easter Sunday for a year, Western (Gregorian) and Orthodox (Julian computus).</summary>
public static class Easter
{
    /// <summary>Western Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher), valid for every Gregorian year.</summary>
    public static LocalDate Western(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new LocalDate(year, month, day);
    }

    /// <summary>Orthodox Easter Sunday: Meeus' Julian algorithm, converted to the Gregorian calendar.</summary>
    public static LocalDate Orthodox(int year)
    {
        var a = year % 4;
        var b = year % 7;
        var c = year % 19;
        var d = ((19 * c) + 15) % 30;
        var e = ((2 * a) + (4 * b) - d + 34) % 7;
        var month = (d + e + 114) / 31;
        var day = ((d + e + 114) % 31) + 1;
        // The date above is in the Julian calendar; NodaTime converts it to the ISO (proleptic Gregorian) calendar.
        return new LocalDate(year, month, day, CalendarSystem.Julian).WithCalendar(CalendarSystem.Iso);
    }
}
