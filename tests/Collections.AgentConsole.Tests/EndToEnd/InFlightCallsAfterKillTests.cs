using System.Globalization;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Time;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// Issue 19, finding 1: the main job (demo data, simulated operators talking to demo debtors) is killed with SIGKILL while
/// calls are in conversation and others are ringing. Before the fix their ledger rows stayed Pending forever: neither answered
/// nor abandoned, without the right-party flag that starts Regulation F's 7-day quiet period, and redialed after an hour. Now
/// the restarted job finds its predecessor's node silent and closes every one of them with what is known.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InFlightCallsAfterKillTests : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"collections-kill-{Guid.NewGuid():N}");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_in_flight_at_a_kill_are_closed_after_the_restart_conversations_as_conversations()
    {
        Directory.CreateDirectory(_root);
        var database = new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_root, "c.db")}" };
        var offsetFile = Path.Combine(_root, "clock-offset");
        CallingRules.WeekdayAfternoon(offsetFile);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Collections__Database__ConnectionString"] = database.ConnectionString,
            ["Collections__Clock__OffsetFile"] = offsetFile,
            ["Collections__Outreach__PrintQueueDirectory"] = Path.Combine(_root, "print-queue"),
            ["Collections__Outreach__DemoMessaging__Directory"] = Path.Combine(_root, "demo-messaging"),
            ["Collections__Ledger__Heartbeat"] = "00:00:01",
            ["Collections__Ledger__Lease"] = "00:00:05",
        };
        foreach (var (key, value) in DialerSettings.AllHumanDemoCarrier)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var log = Path.Combine(_root, "console.log");
        var address = new Uri($"http://127.0.0.1:{FreePorts.UdpAndTcp()}/");
        environment["Dialer__Sip__Port"] = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        var host = await ConsoleProcess.StartAsync(address, environment, log, Ct);
        List<ContactAttempt> open;
        try
        {
            // A simulated operator talks for 15 to 75 s: wait for a conversation in progress, then kill the job mid-call.
            await host.WaitUntilAsync(database, "a demo call in conversation with a simulated operator", async db =>
                await db.ContactAttempts.AnyAsync(a => a.Channel == ContactChannel.Call && a.Outcome == ContactOutcome.Answered && a.EndedAt == null, Ct));
            await host.KillAsync();
            await using var db = DatabaseSetup.CreateContext(database);
            open = await db.ContactAttempts.AsNoTracking().Where(a => a.Channel == ContactChannel.Call && a.EndedAt == null).ToListAsync(Ct);
        }
        finally
        {
            await host.DisposeAsync();
        }

        var conversations = open.Where(a => a.Outcome == ContactOutcome.Answered).Select(a => a.Id).ToList();
        Assert.NotEmpty(conversations);
        Assert.All(open, a => Assert.NotNull(a.Node));

        environment["Dialer__Sip__Port"] = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        host = await ConsoleProcess.StartAsync(address, environment, log, Ct);
        await using (host)
        {
            var ids = open.Select(a => a.Id).ToList();
            await host.WaitUntilAsync(database, "the killed job's calls closed", async db =>
                !await db.ContactAttempts.AnyAsync(a => ids.Contains(a.Id) && a.EndedAt == null, Ct));
            await using var db = DatabaseSetup.CreateContext(database);
            var closed = await db.ContactAttempts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(Ct);
            var disposed = await db.Dispositions.AsNoTracking().Where(d => d.ContactAttemptId != null).Select(d => d.ContactAttemptId).ToListAsync(Ct);
            foreach (var row in closed)
            {
                if (conversations.Contains(row.Id))
                {
                    // A conversation stays a conversation, with the debtor unless the operator's disposition said otherwise.
                    Assert.Equal(ContactOutcome.Answered, row.Outcome);
                    Assert.True(row.RightPartyContact || disposed.Contains(row.Id), $"conversation {row.Id} lost its right-party flag");
                }
                else
                {
                    Assert.Equal(ContactOutcome.Lost, row.Outcome);
                }

                Assert.True(row.EndedAt >= row.StartedAt);
            }

            var deadNode = open[0].Node;
            Assert.False(await db.LedgerNodes.AnyAsync(n => n.Id == deadNode, Ct));
            Assert.Contains("is gone: closed", host.Tail(400), StringComparison.Ordinal);
        }
    }

    public ValueTask DisposeAsync() => ConsoleProcess.DeleteFolderAsync(_root);
}
