using Collections.Shared.Compliance;
using NodaTime;

namespace Collections.Testing;

/// <summary>
/// A clock that runs at real speed but starts on a working Tuesday, Wednesday or Thursday at 14:00 UTC (at or after now),
/// when the shipped rule packs' calling hours are open for the demo debtors in GB, DE, HU, LV, SI, AL and the eastern US
/// (08:00 to 21:00 local: us.yaml, 16 CFR 310.4(c) and Reg F 1006.6(b)(1)(i); gb.yaml; de.yaml; hu.yaml; 08:00 to 20:00 on
/// working days in lv.yaml, si.yaml, al.yaml). Tests that need the dialer to
/// place calls to demo debtors get the same lawful window whatever hour CI runs them; timers run on real time.
/// </summary>
public sealed class CallingHoursClock : TimeProvider
{
    private static readonly string[] Countries = ["GB", "DE", "HU", "US", "LV", "SI", "AL"];

    public CallingHoursClock()
        : this(System.GetUtcNow())
    {
    }

    public CallingHoursClock(DateTimeOffset realNow) => Offset = NextWindow(realNow) - realNow;

    /// <summary>How far ahead of the real clock this one runs (under a week and a half).</summary>
    public TimeSpan Offset { get; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>The first working Tuesday to Thursday 14:00 UTC at or after <paramref name="now"/> in every one of the countries.</summary>
    public static DateTimeOffset NextWindow(DateTimeOffset now)
    {
        var holidays = new CalendarPublicHolidays();
        var start = new DateTimeOffset(now.UtcDateTime.Date.AddHours(14), TimeSpan.Zero);
        while (start < now
            || start.DayOfWeek is not (DayOfWeek.Tuesday or DayOfWeek.Wednesday or DayOfWeek.Thursday)
            || Countries.Any(c => !holidays.IsWorkingDay(c, LocalDate.FromDateTime(start.UtcDateTime))))
        {
            start = start.AddDays(1);
        }

        return start;
    }
}
