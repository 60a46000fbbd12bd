using Collections.Shared.Calendars;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Tests.Calendars;

public sealed class WorkingDayArithmeticTests
{
    private static readonly WorkingDayCalendar Germany = WorkingDayCalendars.For("DE");

    private static LocalDate D(string iso) => LocalDatePattern.Iso.Parse(iso).Value;

    // "First reminder the next working morning after the due date": due Thursday before Easter 2025; Good Friday,
    // the weekend and Easter Monday are skipped.
    [Fact]
    public void NextWorkingDay_SkipsEasterWeekend()
    {
        Assert.Equal(D("2025-04-22"), Germany.NextWorkingDay(D("2025-04-17")));
        Assert.Equal(D("2025-04-17"), Germany.PreviousWorkingDay(D("2025-04-22")));
    }

    [Fact]
    public void NextWorkingDay_IsStrictlyAfter()
    {
        Assert.Equal(D("2025-04-16"), Germany.NextWorkingDay(D("2025-04-15")));
        Assert.Equal(D("2025-04-15"), Germany.WorkingDayOnOrAfter(D("2025-04-15")));
        Assert.Equal(D("2025-04-22"), Germany.WorkingDayOnOrAfter(D("2025-04-19")));
    }

    // 24 December is a working day in Germany; 25/26 December are holidays, 27/28 the weekend.
    [Theory]
    [InlineData("2025-12-23", 1, "2025-12-24")]
    [InlineData("2025-12-23", 2, "2025-12-29")]
    [InlineData("2025-12-23", 3, "2025-12-30")]
    [InlineData("2025-12-29", -2, "2025-12-23")]
    [InlineData("2025-12-27", 0, "2025-12-27")]
    public void AddWorkingDays_AcrossChristmas(string from, int days, string expected)
    {
        Assert.Equal(D(expected), Germany.AddWorkingDays(D(from), days));
    }

    [Fact]
    public void WorkingDaysBetween_CountsHalfOpenRange()
    {
        // April 2025 in Germany: 22 weekdays less Good Friday and Easter Monday.
        Assert.Equal(20, Germany.WorkingDaysBetween(D("2025-04-01"), D("2025-05-01")));
    }
}
