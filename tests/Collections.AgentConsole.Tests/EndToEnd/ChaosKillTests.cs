using System.Globalization;
using System.Text.Json;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Time;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.AgentConsole.Tests.EndToEnd;

/// <summary>
/// Issue 19, item 1: the main job runs the demo (campaigns dialing the demo carrier with simulated operators, the workflow's
/// sweep, the message dispatcher sending SMS through the demo provider, letters to the print queue) and is killed with
/// SIGKILL at random moments, <see cref="Kills"/> times, then started again each time. After every restart, and at the end:
/// everything saved before a kill is still there; every call the dead job had in flight is closed in the ledger with a cause;
/// no message went to the provider twice or without its record; no account was called while a call to it was in progress,
/// nor its number within 72 hours of a call lost at a kill (Ofcom's rule after an abandoned call, which a lost call is treated as);
/// the job is healthy again and goes on dialing. The seed is printed so a failure can be replayed
/// (<c>COLLECTIONS_CHAOS_SEED</c>, <c>COLLECTIONS_CHAOS_KILLS</c>); docs/performance.md has a run's figures.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChaosKillTests : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"collections-chaos-{Guid.NewGuid():N}");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Kills => int.TryParse(Environment.GetEnvironmentVariable("COLLECTIONS_CHAOS_KILLS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 5;

    /// <summary>What the database held just before a kill: each fact must survive it.</summary>
    private sealed record Saved(HashSet<PromiseId> Promises, HashSet<DispositionId> Dispositions, HashSet<InstalmentPlanId> Plans, HashSet<PaymentId> Payments,
        HashSet<OutboundMessageId> Messages, Dictionary<ContactAttemptId, ContactOutcome> ClosedCalls);

    [Fact]
    public async Task Killed_at_random_moments_the_main_job_loses_nothing_doubles_nothing_and_breaks_no_calling_rule()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COLLECTIONS_CHAOS_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        TestContext.Current.TestOutputHelper?.WriteLine($"chaos seed {seed}, {Kills} kills");
        Directory.CreateDirectory(_root);
        var database = new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_root, "c.db")}" };
        var environment = Settings(random);
        var log = Path.Combine(_root, "console.log");
        var address = new Uri($"http://127.0.0.1:{FreePorts.UdpAndTcp()}/");
        var healthy = new List<TimeSpan>();
        var saved = new List<Saved>();
        var deadNodes = new HashSet<string>(StringComparer.Ordinal);
        for (var kill = 1; kill <= Kills; kill++)
        {
            var host = await StartAsync(address, environment, log, healthy);
            try
            {
                // A random moment of a running demo: a call ringing or in conversation, a message on its way, a sweep writing.
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(2_000, 12_000)), Ct);
                saved.Add(await SnapshotAsync(database));
                await host.KillAsync();
            }
            finally
            {
                await host.DisposeAsync();
            }

            await using var db = DatabaseSetup.CreateContext(database);
            deadNodes.UnionWith(await db.LedgerNodes.AsNoTracking().Select(n => n.Id).ToListAsync(Ct));
            deadNodes.UnionWith(await db.ContactAttempts.AsNoTracking().Where(a => a.Node != null).Select(a => a.Node!).Distinct().ToListAsync(Ct));
            await CheckAsync(database, saved, $"after kill {kill} (seed {seed})", log);
        }

        await QueueFreshCallsAsync(database);
        var survivor = await StartAsync(address, environment, log, healthy);
        await using (survivor)
        {
            // Calls only: a message a kill caught while sending is in doubt, and its entry waits out its lease (5 minutes) so the
            // provider's records can settle it with the same idempotency key instead of a second send (MessageDispatcher).
            await survivor.WaitUntilAsync(database, "every call of the killed jobs closed", async db =>
                !await db.ContactAttempts.AnyAsync(a => a.Channel == ContactChannel.Call && a.EndedAt == null && a.Node != null && deadNodes.Contains(a.Node), Ct), ExplainAsync);
            await survivor.WaitUntilAsync(database, "the restarted job dialing again", async db =>
                await db.ContactAttempts.AnyAsync(a => a.Channel == ContactChannel.Call && a.Node != null && !deadNodes.Contains(a.Node), Ct), ExplainAsync);
            await CheckAsync(database, saved, $"at the end (seed {seed})", log);
            await CheckJournalAsync(database, survivor);

            await using var db = DatabaseSetup.CreateContext(database);
            var calls = await db.ContactAttempts.AsNoTracking().Where(a => a.Channel == ContactChannel.Call).ToListAsync(Ct);
            var messages = await db.OutboundMessages.CountAsync(m => m.ProviderId != null, Ct);
            var lost = calls.Count(c => c.Outcome == ContactOutcome.Lost);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"chaos seed {seed}: {Kills} kills, {calls.Count} calls ({lost} lost at a kill), {messages} messages accepted by the provider, healthy after {string.Join(", ", healthy.Select(h => $"{h.TotalSeconds:0.0} s"))}");
            TestContext.Current.TestOutputHelper?.WriteLine(summary);
            // Kept beside the screenshots for docs/performance.md (a passing test's output is not shown).
            Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
            File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "artifacts", "chaos.txt"), $"{DateTimeOffset.UtcNow:O} {summary}\n");
            Assert.True(calls.Count > Kills, $"too little happened to test anything: {summary}");
        }
    }

    /// <summary>
    /// Work the survivor can do whatever the killed jobs did. Each call holds its account back for the retry table's delay, and
    /// the demo queues few calls at a time, so after five kills the queue may hold nothing callable in the simulated operators'
    /// languages: the survivor would then rightly dial nothing, and "dialing again" would fail for want of work, not of health. So a few accounts in the operators' languages that nobody called in the last week get a fresh
    /// phone entry, as the workflow queues them.
    /// </summary>
    private static async Task QueueFreshCallsAsync(DatabaseOptions database)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        // The simulated operators, as DemoOperators chooses them with the default count.
        var active = await db.Agents.AsNoTracking().Where(a => a.Active).ToListAsync(Ct);
        var languages = await db.Debtors.AsNoTracking().Where(d => d.ErasedAt == null).Select(d => d.PreferredLanguage).ToListAsync(Ct);
        var spoken = Collections.AgentConsole.Features.Demo.DemoOperatorChoice.Pick(active, languages, new Collections.AgentConsole.Features.Demo.DemoCallOptions().SimulatedOperators)
            .SelectMany(a => a.LanguageList).ToList();
        var latest = await db.ContactAttempts.MaxAsync(a => a.StartedAt, Ct);
        var weekBefore = latest - Duration.FromDays(8);
        var called = (await db.ContactAttempts.AsNoTracking().Where(a => a.Channel == ContactChannel.Call && a.StartedAt > weekBefore)
            .Select(a => a.AccountId).Distinct().ToListAsync(Ct)).ToHashSet();
        var candidates = await db.Cases.AsNoTracking()
            .Join(db.Accounts, c => c.AccountId, a => a.Id, (c, a) => new { Case = c.Id, Account = a.Id, a.DebtorId })
            .Join(db.Debtors, x => x.DebtorId, d => d.Id, (x, d) => new { x.Case, x.Account, d.PreferredLanguage, Phones = d.Phones.Count })
            .ToListAsync(Ct);
        var fresh = candidates
            .Where(c => c.Phones > 0 && !called.Contains(c.Account) && Collections.Shared.Domain.LanguageMatch.AnyServes(spoken, c.PreferredLanguage))
            .GroupBy(c => c.PreferredLanguage, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        Assert.NotEmpty(fresh);
        foreach (var c in fresh)
        {
            db.ScheduledContacts.Add(new Collections.Shared.Workflow.ScheduledContact
            {
                AccountId = c.Account, CaseId = c.Case, Channel = ContactChannel.Call, Campaign = "collections-phone", ScriptStage = "first-contact",
                Purpose = ContactPurpose.FirstContact, Reason = "strategy:call", IdempotencyKey = $"chaos-test:{c.Account.Value}",
                Status = Collections.Shared.Workflow.ScheduledContactStatus.Queued, DueAt = latest, NextAttemptAt = latest, CreatedAt = latest,
            });
        }

        await db.SaveChangesAsync(Ct);
    }

    /// <summary>For a failed wait: the nodes, the calls still open, and who holds the callable accounts and queued calls.</summary>
    private static async Task<string> ExplainAsync(CollectionsDbContext db)
    {
        var text = new System.Text.StringBuilder();
        foreach (var node in await db.LedgerNodes.AsNoTracking().ToListAsync(Ct))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"ledger node {node.Id} started {node.StartedAt} seen {node.SeenAt}");
        }

        foreach (var call in await db.ContactAttempts.AsNoTracking().Where(a => a.EndedAt == null).ToListAsync(Ct))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"open {call.Channel} {call.Id} node {call.Node} {call.Outcome} started {call.StartedAt} account {call.AccountId}");
        }

        var entries = await db.ScheduledContacts.AsNoTracking()
            .Where(c => c.Channel == ContactChannel.Call && (c.Status == Collections.Shared.Workflow.ScheduledContactStatus.Queued || c.Status == Collections.Shared.Workflow.ScheduledContactStatus.Taken))
            .Join(db.Accounts, c => c.AccountId, a => a.Id, (c, a) => new { c.Campaign, c.Status, c.ClaimedBy, c.ClaimedUntil, c.NextAttemptAt, c.Outcome, a.DebtorId })
            .Join(db.Debtors, x => x.DebtorId, d => d.Id, (x, d) => new { x.Campaign, x.Status, x.ClaimedBy, x.ClaimedUntil, x.NextAttemptAt, x.Outcome, d.PreferredLanguage })
            .ToListAsync(Ct);
        foreach (var e in entries.OrderBy(e => e.Campaign, StringComparer.Ordinal).ThenBy(e => e.NextAttemptAt))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"queued call {e.Campaign} [{e.PreferredLanguage}] {e.Status} next {e.NextAttemptAt} by {e.ClaimedBy} until {e.ClaimedUntil}: {e.Outcome}");
        }

        foreach (var claim in await db.HopperClaims.AsNoTracking().Where(c => c.ClaimedBy != null).ToListAsync(Ct))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"claim {claim.AccountId} by {claim.ClaimedBy} until {claim.ClaimedUntil}");
        }

        return text.ToString();
    }

    private Dictionary<string, string> Settings(Random random)
    {
        var offsetFile = Path.Combine(_root, "clock-offset");
        CallingRules.WeekdayAfternoon(offsetFile);
        return new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Collections__Database__ConnectionString"] = $"Data Source={Path.Combine(_root, "c.db")}",
            ["Collections__Clock__OffsetFile"] = offsetFile,
            ["Collections__Outreach__PrintQueueDirectory"] = Path.Combine(_root, "print-queue"),
            ["Collections__Outreach__DemoMessaging__Directory"] = Path.Combine(_root, "demo-messaging"),
            ["Collections__Outreach__DemoMessaging__StatusInterval"] = "00:00:00.200",
            ["Collections__Outreach__DemoMessaging__Seed"] = random.Next().ToString(CultureInfo.InvariantCulture),
            ["Collections__Ledger__Heartbeat"] = "00:00:01",
            ["Collections__Ledger__Lease"] = "00:00:05",
            ["Dialer__DemoCarrier__Seed"] = random.Next().ToString(CultureInfo.InvariantCulture),
        };
    }

    private static async Task<ConsoleProcess> StartAsync(Uri address, Dictionary<string, string> environment, string log, List<TimeSpan> healthy)
    {
        environment["Dialer__Sip__Port"] = FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var host = await ConsoleProcess.StartAsync(address, environment, log, Ct);
        healthy.Add(started.Elapsed);
        return host;
    }

    private static async Task<Saved> SnapshotAsync(DatabaseOptions database)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        return new Saved(
            [.. await db.Promises.AsNoTracking().Select(p => p.Id).ToListAsync(Ct)],
            [.. await db.Dispositions.AsNoTracking().Select(d => d.Id).ToListAsync(Ct)],
            [.. await db.InstalmentPlans.AsNoTracking().Select(p => p.Id).ToListAsync(Ct)],
            [.. await db.Payments.AsNoTracking().Select(p => p.Id).ToListAsync(Ct)],
            [.. await db.OutboundMessages.AsNoTracking().Select(m => m.Id).ToListAsync(Ct)],
            await db.ContactAttempts.AsNoTracking().Where(a => a.EndedAt != null).ToDictionaryAsync(a => a.Id, a => a.Outcome, Ct));
    }

    /// <summary>The invariants that hold at any moment the job is down or running.</summary>
    private static async Task CheckAsync(DatabaseOptions database, List<Saved> saved, string when, string log)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        var now = await SnapshotAsync(database);
        foreach (var before in saved)
        {
            // Everything saved before a kill is still there, and a closed call keeps the outcome it was closed with.
            Assert.True(before.Promises.IsSubsetOf(now.Promises), $"{when}: a promise to pay was lost");
            Assert.True(before.Dispositions.IsSubsetOf(now.Dispositions), $"{when}: a disposition was lost");
            Assert.True(before.Plans.IsSubsetOf(now.Plans), $"{when}: an instalment plan was lost");
            Assert.True(before.Payments.IsSubsetOf(now.Payments), $"{when}: a payment was lost");
            Assert.True(before.Messages.IsSubsetOf(now.Messages), $"{when}: an outbound message was lost");
            foreach (var (id, outcome) in before.ClosedCalls)
            {
                Assert.True(now.ClosedCalls.TryGetValue(id, out var after) && after == outcome, $"{when}: call {id} closed as {outcome} is now {after}");
            }
        }

        await CallingRules.AssertNoCallBreachesAsync(db, when, log, Ct);

        // One message per queue entry.
        var perEntry = await db.OutboundMessages.AsNoTracking().Where(m => m.ScheduledContactId != null).GroupBy(m => m.ScheduledContactId)
            .Select(g => new { g.Key, Count = g.Count() }).Where(g => g.Count > 1).ToListAsync(Ct);
        Assert.True(perEntry.Count == 0, $"{when}: queue entries sent as more than one message: {string.Join(", ", perEntry.Select(e => e.Key))}");
    }

    /// <summary>Each message the provider accepted is one message of ours, accepted once.</summary>
    private async Task CheckJournalAsync(DatabaseOptions database, ConsoleProcess host)
    {
        var journal = Path.Combine(_root, "demo-messaging", "twilio.jsonl");
        var accepted = File.Exists(journal)
            ? File.ReadAllLines(journal).Select(l => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(l)!)
                .Where(l => l.TryGetValue("status", out var st) && st.GetString() == "queued" && l.ContainsKey("to")).Select(l => l["sid"].GetString()!).ToList()
            : [];
        Assert.Equal(accepted.Count, accepted.Distinct(StringComparer.Ordinal).Count());
        await host.WaitUntilAsync(database, "every message the provider accepted recorded with its provider id", async db =>
        {
            var recorded = (await db.OutboundMessages.AsNoTracking().Where(m => m.ProviderId != null).Select(m => m.ProviderId!).ToListAsync(Ct)).ToHashSet(StringComparer.Ordinal);
            return accepted.All(recorded.Contains);
        });
        await using var check = DatabaseSetup.CreateContext(database);
        var ids = await check.OutboundMessages.AsNoTracking().Where(m => m.ProviderId != null).Select(m => m.ProviderId!).ToListAsync(Ct);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    public ValueTask DisposeAsync() => ConsoleProcess.DeleteFolderAsync(_root);
}
