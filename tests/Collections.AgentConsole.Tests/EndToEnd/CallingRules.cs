using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Time;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>What the contact ledger must show after any kill or failover, and the clock the end-to-end jobs run on.</summary>
internal static class CallingRules
{
    /// <summary>Writes an offset file that puts the job's clock on the next weekday afternoon in Europe, so the demo debtors may
    /// be called whatever time the test runs at.</summary>
    public static void WeekdayAfternoon(string offsetFile)
    {
        var now = DateTimeOffset.UtcNow;
        var afternoon = new DateTimeOffset(now.Date, TimeSpan.Zero).AddDays(1).AddHours(13);
        while (afternoon.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            afternoon = afternoon.AddDays(1);
        }

        OffsetClock.Write(offsetFile, afternoon - now);
    }

    /// <summary>No account was called while a call to it was open (a claim of a dead job released too early would do it), and no
    /// number within 72 hours of a call lost at a kill.</summary>
    public static async Task AssertNoCallBreachesAsync(CollectionsDbContext db, string when, string log, CancellationToken ct)
    {
        var calls = await db.ContactAttempts.AsNoTracking().Where(a => a.Channel == ContactChannel.Call)
            .Select(a => new { a.Id, a.AccountId, a.Address, a.StartedAt, a.EndedAt, a.Outcome }).ToListAsync(ct);
        foreach (var account in calls.GroupBy(c => c.AccountId))
        {
            var ordered = account.OrderBy(c => c.StartedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var previous = ordered[i - 1];
                var next = ordered[i];
                Assert.True(previous.EndedAt is { } ended && ended <= next.StartedAt,
                    $"{when}: account {account.Key} called at {next.StartedAt} while call {previous.Id} (started {previous.StartedAt}) was open until {previous.EndedAt}");
                // A call lost at a kill may have been answered by a person who heard silence: no redial for 72 hours (Ofcom's
                // policy statement on persistent misuse, s.128 Communications Act 2003: an abandoned call is not repeated within
                // 72 hours without an operator guaranteed; the hopper treats a lost call the same).
                if (ordered.Take(i).FirstOrDefault(c => c.Outcome == ContactOutcome.Lost && c.Address == next.Address && next.StartedAt - c.StartedAt < Duration.FromHours(72)) is { } lostCall)
                {
                    Assert.Fail($"{when}: account {account.Key} called at {next.StartedAt}, within 72 h of call {lostCall.Id} lost at a kill ({lostCall.StartedAt}); log {log}");
                }
            }
        }
    }
}
