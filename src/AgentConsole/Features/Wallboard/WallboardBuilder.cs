using Collections.AgentConsole.Features.Floor;
using Collections.Shared.Abandonment;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>Builds the wallboard: operators from the floor, campaigns from the dialer, abandonment from the contact ledger.
/// With several nodes (<paramref name="share"/>, the Redis backplane) operators, lines and talk time are the whole floor's,
/// merged from every live node's report; abandonment comes from the shared ledger either way;
/// the inbound queue is this node's.</summary>
public sealed class WallboardBuilder(
    AgentFloor floor,
    CampaignBoard campaigns,
    ICollectionsDbContextFactory databases,
    TimeProvider time,
    IOptions<AbandonmentOptions> abandonment,
    AmdMarks amdMarks,
    IWallboardFloorShare? share = null,
    Collections.Dialer.Inbound.InboundDesk? inbound = null,
    IOptions<Collections.Dialer.Inbound.InboundOptions>? inboundOptions = null)
{
    private IReadOnlyList<(AgentId Id, string Name)>? _roster;
    private MarkCounts? _marks;

    /// <summary>How long the campaigns' mark counts are reused: they read every marked call of the campaigns (no time bound: the
    /// estimate is the campaign's), too much for a board built every second; a mark shows within this.</summary>
    public static readonly Duration MarksLifetime = Duration.FromSeconds(30);

    public async Task<WallboardDto> BuildAsync(CancellationToken ct)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var target = await campaigns.TargetAsync(ct);
        var midnight = now.InUtc().Date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var dayAgo = now - Duration.FromHours(24);
        var since = Instant.Min(midnight, dayAgo);
        await using var db = databases.CreateDbContext();
        _roster ??= [.. (await db.Agents.AsNoTracking().Where(a => a.Active).Select(a => new { a.Id, a.DisplayName }).ToListAsync(ct)).Select(a => (a.Id, a.DisplayName))];
        // Abandonment as Ofcom and the FTC count it: abandoned calls over calls answered by a person (machines excluded), with
        // Ofcom's reasoned estimate of the people AMD hung up on as machines added (AbandonmentOptions).
        var calls = await db.ContactAttempts.AsNoTracking()
            // Calls debtors made to us are not the dialer's: Ofcom's and the FTC's rates count calls we placed.
            .Where(c => c.Channel == ContactChannel.Call && c.StartedAt >= since && c.Purpose != ContactPurpose.Inbound
                && (c.Outcome == ContactOutcome.Answered || c.Outcome == ContactOutcome.Abandoned || (c.Outcome == ContactOutcome.Machine && c.AmdFlagged)))
            .Select(c => new Counted(c.CampaignId, c.StartedAt, c.Outcome, c.OperatorMark))
            .ToListAsync(ct);

        // The one false-positive estimate per campaign (configured share updated by operators' marks), as pacing and the
        // statistics use it (AbandonmentStats).
        var marks = await MarksAsync(calls.Where(c => c.Campaign is not null).Select(c => c.Campaign!.Value).Distinct().ToList(), now, ct);
        var agents = floor.Snapshot(_roster);
        var lines = await campaigns.ListAsync(ct);
        var talkPerHour = floor.TalkMinutesPerAgentHour();
        IReadOnlyList<FloorNodeDto>? nodes = null;
        if (share is not null)
        {
            var (talk, loggedIn) = floor.Totals();
            var own = new NodeFloorReport(share.Node, share.Instance, time.GetUtcNow(), floor.Known(), lines, talk.TotalMinutes, loggedIn.TotalHours);
            var merged = await share.ShareAsync(own, agents, ct);
            (agents, lines, talkPerHour, nodes) = (merged.Agents, merged.Campaigns, merged.TalkMinutesPerAgentHour, merged.Nodes);
        }

        // Stamped when the board is complete: clients measure the delay of delivering it, the data is as of this instant.
        return new WallboardDto(
            time.GetUtcNow(),
            agents,
            lines,
            Math.Round(talkPerHour, 1),
            Rate(calls.Where(c => c.StartedAt >= midnight), marks, target),
            Rate(calls.Where(c => c.StartedAt >= dayAgo), marks, target),
            inbound is null ? null : await InboundAsync(db, inbound, midnight, ct),
            nodes);
    }

    /// <summary>The inbound queue now (this node's dialer) and since midnight UTC: answered, within the target, abandoned while
    /// waiting, the service level (<see cref="Collections.Shared.Queues.ServiceLevel"/>), messages left.</summary>
    private async Task<InboundQueueDto> InboundAsync(CollectionsDbContext db, Collections.Dialer.Inbound.InboundDesk desk, Instant midnight, CancellationToken ct)
    {
        var target = inboundOptions?.Value.ServiceLevelSeconds ?? 20;
        var today = await db.InboundCalls.AsNoTracking()
            .Where(c => c.ReceivedAt >= midnight && (c.QueuedAt != null || c.Outcome == Collections.Shared.Queues.InboundCallOutcome.Voicemail))
            .Select(c => new { c.QueuedAt, c.AnsweredAt, c.EndedAt, c.Outcome })
            .ToListAsync(ct);
        var limit = Duration.FromSeconds(target);
        var answered = today.Where(c => c.AnsweredAt is not null).ToList();
        var within = answered.Count(c => c.AnsweredAt!.Value - c.QueuedAt!.Value <= limit);
        var abandoned = today.Where(c => c.Outcome == Collections.Shared.Queues.InboundCallOutcome.AbandonedInQueue).ToList();
        var abandonedLate = abandoned.Count(c => c.EndedAt is { } end && end - c.QueuedAt!.Value > limit);
        var now = desk.Now();
        var blending = desk.Blending();
        return new InboundQueueDto(now.Waiting, Math.Round(now.LongestWait.TotalSeconds, 1), answered.Count, within, abandoned.Count,
            Collections.Shared.Queues.ServiceLevel.Of(within, answered.Count, abandonedLate), target,
            today.Count(c => c.Outcome == Collections.Shared.Queues.InboundCallOutcome.Voicemail),
            blending.Reserved, blending.Needed, Math.Round(blending.Traffic.ArrivalsPerHour, 1), inboundOptions?.Value.Blending.ServiceLevelPercent ?? 80);
    }

    private async Task<IReadOnlyDictionary<CampaignId, AmdReviewCounts>> MarksAsync(List<CampaignId> campaignIds, Instant now, CancellationToken ct)
    {
        if (campaignIds.Count == 0)
        {
            return new Dictionary<CampaignId, AmdReviewCounts>();
        }

        var cached = Volatile.Read(ref _marks);
        if (cached is null || now - cached.At >= MarksLifetime || campaignIds.Any(id => !cached.Read.Contains(id)))
        {
            cached = new MarkCounts(now, await amdMarks.CountsAsync(campaignIds, now, ct), [.. campaignIds]);
            Volatile.Write(ref _marks, cached);
        }

        return cached.Counts;
    }

    private sealed record MarkCounts(Instant At, IReadOnlyDictionary<CampaignId, AmdReviewCounts> Counts, HashSet<CampaignId> Read);

    private AbandonmentDto Rate(IEnumerable<Counted> calls, IReadOnlyDictionary<CampaignId, AmdReviewCounts> marks, double target)
    {
        var list = calls.ToList();
        var abandoned = list.Count(c => c.Outcome == ContactOutcome.Abandoned);
        var machines = list.Count(c => c.Outcome == ContactOutcome.Machine);

        // A call an operator marked "this was a machine" was no person answering.
        var answered = list.Count(c => c.Outcome == ContactOutcome.Answered && c.Mark != AnswerMark.Machine);
        var estimate = list.Where(c => c.Outcome == ContactOutcome.Machine)
            .GroupBy(c => c.Campaign)
            .Sum(g => abandonment.Value.Estimate(g.Key is { } id && marks.TryGetValue(id, out var m) ? m : AmdReviewCounts.None).PeopleAmong(g.Count()));
        return new AbandonmentDto(answered, abandoned, Math.Round(AbandonmentOptions.Rate(abandoned, answered + abandoned, estimate), 4), target, machines, Math.Round(estimate, 2));
    }

    private sealed record Counted(CampaignId? Campaign, Instant StartedAt, ContactOutcome Outcome, AnswerMark? Mark);
}

/// <summary>The supervisors connected to this node: the group the 1 Hz board goes to. With the Redis backplane (several
/// nodes) every node builds the whole floor's board from the nodes' reports; sending it to <see cref="ConsoleHubs.Supervisors"/>
/// would deliver every node's board to every supervisor (N boards a second, each a little out of step), so each node serves
/// its own supervisors. State changes (<c>AgentChanged</c>) still go to all supervisors on every node.</summary>
public sealed class WallboardAudience
{
    /// <summary>Unique per host instance (two test hosts in one process are two nodes).</summary>
    public string Group { get; } = $"{ConsoleHubs.Supervisors}@{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>This node's supervisors who asked for what changed (<c>FollowChanges</c>, the pages) instead of the whole board.</summary>
    public string DeltaGroup => $"{Group}:changes";
}

/// <summary>Pushes the wallboard to this node's supervisors once a second: what changed to those who follow the changes (the
/// pages), the whole board to the others (the pre-delta protocol, kept for older clients and as the benchmark's baseline).</summary>
/// <remarks>Built once per second for every connection; a group send serialises the message once per hub protocol and writes
/// the same bytes to each connection (ASP.NET Core's <c>SerializedHubMessage</c>), so 2,000 wallboards cost one build, one or
/// two serialisations and 2,000 socket writes of a fifth to a third of the board's size (docs/performance.md).</remarks>
public sealed partial class WallboardPublisher(
    WallboardBuilder boards,
    WallboardChanges changes,
    WallboardAudience audience,
    IHubContext<SupervisorHub, ISupervisorClient> hub,
    TimeProvider time,
    ILogger<WallboardPublisher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var (board, delta) = changes.Publish(await boards.BuildAsync(stoppingToken));
                await Task.WhenAll(
                    hub.Clients.Group(audience.DeltaGroup).WallboardDelta(delta),
                    hub.Clients.Group(audience.Group).Wallboard(board));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Wallboard update failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}

/// <summary>Registration of the wallboard.</summary>
public static class WallboardSetup
{
    public static IHostApplicationBuilder AddWallboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AbandonmentOptions>().BindConfiguration(AbandonmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CampaignBoard>();
        builder.Services.AddSingleton<WallboardAudience>();
        builder.Services.AddSingleton<WallboardChanges>();
        builder.Services.AddSingleton<WallboardBuilder>();
        builder.Services.AddHostedService<WallboardPublisher>();
        builder.Services.AddSingleton<AgentChangeFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AgentChangeFeed>());
        return builder;
    }

    public static IEndpointRouteBuilder MapWallboard(this IEndpointRouteBuilder app)
    {
        app.MapHub<SupervisorHub>(ConsoleHubs.SupervisorPath);
        return app;
    }
}
