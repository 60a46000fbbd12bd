using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.Demo;

/// <summary>Demo calls, bound from <c>Collections:Demo:Calls</c>.</summary>
public sealed class DemoCallOptions
{
    public const string Section = "Collections:Demo:Calls";

    /// <summary>Connect demo debtors to ready operators (only while the demo itself is enabled).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long an operator waits in Ready before a demo debtor is connected.</summary>
    [Range(0, 600_000)]
    public int ConnectAfterMilliseconds { get; set; } = 3000;

    /// <summary>How often the demo dialer looks at the floor.</summary>
    [Range(20, 10_000)]
    public int TickMilliseconds { get; set; } = 250;

    /// <summary>How many demo operators are simulated to keep the wallboard busy (0 for none).</summary>
    [Range(0, 9)]
    public int SimulatedOperators { get; set; } = 3;

    /// <summary>Seed of the simulated call population (which accounts, which answered calls find no operator).</summary>
    public int Seed { get; set; } = 11;
}

/// <summary>The in-process stand-in for the dialer until the SIP stack and pacing land: it "connects" demo accounts to ready
/// operators (longest idle first, in a language they speak), writes the contact-ledger row before each call as the real
/// dialer must, simulates line counts and over-dial abandonment per running campaign, and hangs up on request. It implements
/// the same contracts (<see cref="ICallEvents"/>, <see cref="ICampaignControl"/>) the real dialer will.</summary>
public sealed partial class DemoDialer(
    IAgentAvailability agents,
    ICollectionsDbContextFactory databases,
    TimeProvider time,
    IOptions<DemoCallOptions> options,
    IOptions<DemoOptions> demo,
    ILogger<DemoDialer> logger) : BackgroundService, ICallEvents, ICampaignControl
{
    private readonly Channel<CallEvent> _events = Channel.CreateUnbounded<CallEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, LiveCall> _live = new();
    private readonly ConcurrentDictionary<CampaignId, Campaign> _campaigns = new();
    private readonly Random _random = new(options.Value.Seed);
    private IReadOnlyList<CampaignLines> _lines = [];
    private IReadOnlyList<Target> _targets = [];
    private int _next;

    public async IAsyncEnumerable<CallEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return e;
        }
    }

    public async Task HangUpAsync(string callId, CancellationToken cancellationToken)
    {
        if (!_live.TryRemove(callId, out var call))
        {
            return;
        }

        await using (var db = databases.CreateDbContext())
        {
            if (await db.ContactAttempts.FirstOrDefaultAsync(c => c.Id == call.Attempt, cancellationToken) is { } attempt)
            {
                attempt.EndedAt = Instant.FromDateTimeOffset(time.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        await _events.Writer.WriteAsync(new CallDisconnected(callId, call.Agent, ByDebtor: false, time.GetUtcNow()), cancellationToken);
    }

    public IReadOnlyList<CampaignLines> Lines() => _lines;

    public void Apply(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        _campaigns[campaign.Id] = campaign;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !demo.Value.Enabled)
        {
            return;
        }

        try
        {
            await LoadAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The health check reports an unreachable database; the demo simply places no calls.
            LogTickFailed(logger, ex);
            return;
        }

        LogStarted(logger, _targets.Count, _campaigns.Count);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.TickMilliseconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(logger, ex);
            }
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.FromMilliseconds(options.Value.ConnectAfterMilliseconds);
        var running = _campaigns.Values.Where(c => c.Status == CampaignStatus.Running).ToList();
        foreach (var ready in agents.ReadyAgents())
        {
            if (now - ready.ReadySince < wait || _targets.Count == 0)
            {
                continue;
            }

            var target = Pick(ready.Languages);
            var campaign = running.FirstOrDefault(c => c.Industry == target.Industry);
            var callId = $"demo-{Guid.CreateVersion7():N}";
            if (!agents.TryReserve(ready.AgentId, callId))
            {
                continue;
            }

            var attempt = await DialAsync(target, campaign, ready.AgentId, callId, ct);
            _live[callId] = new LiveCall(ready.AgentId, attempt);
            await _events.Writer.WriteAsync(new CallConnected(callId, ready.AgentId, target.Account, campaign?.Id, attempt, time.GetUtcNow()), ct);

            // Predictive over-dial: a second line answered by a person finds no free operator now and then (more often the
            // higher the ratio); that call is abandoned and counts against the campaign's target (Ofcom, 16 CFR 310.4(b)(4)).
            if (campaign is { Mode: DialMode.Predictive } && _random.NextDouble() < (campaign.MaxLinesPerAgent - 1.0) * 0.02)
            {
                await AbandonAsync(Pick([]), campaign, ct);
            }
        }

        var readyCount = agents.ReadyAgents().Count;
        _lines = [.. running.Select(c =>
        {
            var ratio = c.Mode switch { DialMode.Preview => 0.0, DialMode.Progressive => 1.0, _ => c.MaxLinesPerAgent };
            var lines = (int)Math.Round(readyCount * ratio / Math.Max(1, running.Count));
            var ringing = lines * 2 / 3;
            return new CampaignLines(c.Id, lines - ringing, ringing, 0, c.Mode.ToString().ToLowerInvariant(), ratio);
        })];
    }

    // The ledger row goes in before the call leaves, as the compliance engine requires; the demo "answers" at once.
    private async Task<ContactAttemptId> DialAsync(Target target, Campaign? campaign, AgentId agent, string callId, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var attempt = new ContactAttempt
        {
            AccountId = target.Account, DebtorId = target.Debtor, Channel = ContactChannel.Call, Address = target.Phone,
            CampaignId = campaign?.Id, AgentId = agent, StartedAt = Instant.FromDateTimeOffset(time.GetUtcNow()),
            Outcome = ContactOutcome.Pending, ExternalId = callId,
        };
        db.ContactAttempts.Add(attempt);
        await db.SaveChangesAsync(ct);
        attempt.Outcome = ContactOutcome.Answered;
        await db.SaveChangesAsync(ct);
        return attempt.Id;
    }

    private async Task AbandonAsync(Target target, Campaign campaign, CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        db.ContactAttempts.Add(new ContactAttempt
        {
            AccountId = target.Account, DebtorId = target.Debtor, Channel = ContactChannel.Call, Address = target.Phone,
            CampaignId = campaign.Id, StartedAt = now, EndedAt = now, Outcome = ContactOutcome.Abandoned,
        });
        await db.SaveChangesAsync(ct);
    }

    private Target Pick(IReadOnlyList<string> languages)
    {
        var speaks = _targets.Where(t => languages.Contains(t.Language, StringComparer.OrdinalIgnoreCase)).ToList();
        var pool = speaks.Count > 0 ? speaks : _targets;
        return pool[Interlocked.Increment(ref _next) % pool.Count];
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var held = await db.Holds.AsNoTracking().Where(h => h.Until == null).Select(h => h.AccountId).ToListAsync(ct);
        var rows = await (from a in db.Accounts.AsNoTracking()
                          join d in db.Debtors.AsNoTracking() on a.DebtorId equals d.Id
                          select new { a.Id, a.DebtorId, a.Industry, d.PreferredLanguage, a.CreditorReference }).ToListAsync(ct);
        var phones = await db.PhoneNumbers.AsNoTracking().ToListAsync(ct);
        var firstPhone = phones.GroupBy(p => p.DebtorId).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Priority).First().E164);
        _targets = [.. rows.Where(r => !held.Contains(r.Id) && firstPhone.ContainsKey(r.DebtorId))
            .OrderBy(r => r.CreditorReference, StringComparer.Ordinal)
            .Select(r => new Target(r.Id, r.DebtorId, r.PreferredLanguage, firstPhone[r.DebtorId], r.Industry))];
        foreach (var campaign in await db.Campaigns.AsNoTracking().ToListAsync(ct))
        {
            _campaigns.TryAdd(campaign.Id, campaign);
        }
    }

    private sealed record Target(AccountId Account, DebtorId Debtor, string Language, string Phone, Industry Industry);

    private sealed record LiveCall(AgentId Agent, ContactAttemptId Attempt);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Demo dialer connects {Accounts} demo accounts to ready operators ({Campaigns} campaigns)")]
    private static partial void LogStarted(ILogger logger, int accounts, int campaigns);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Demo dialer tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception ex);
}
