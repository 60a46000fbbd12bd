using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.Wallboard;

/// <summary>Campaigns as the wallboard shows them, and the supervisor's start, pause and retune, saved then handed to the dialer
/// (with several nodes, to every node's dialer: <paramref name="otherNodes"/>).</summary>
public sealed class CampaignBoard(ICollectionsDbContextFactory databases, ICampaignControl dialer, ICampaignChangeNotice? otherNodes = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<Campaign>? _campaigns;

    /// <summary>Every campaign that is not finished, with the dialer's live line counts.</summary>
    public async Task<IReadOnlyList<CampaignBoardDto>> ListAsync(CancellationToken ct)
    {
        var campaigns = _campaigns ?? await ReloadAsync(ct);
        var lines = dialer.Lines().ToDictionary(l => l.CampaignId);
        return [.. campaigns.Where(c => c.Status != CampaignStatus.Finished).Select(c => Board(c, lines.GetValueOrDefault(c.Id)))];
    }

    /// <summary>The lowest abandonment target of the running campaigns (the floor must meet the strictest), 3 % when none runs.</summary>
    public async Task<double> TargetAsync(CancellationToken ct)
    {
        var campaigns = _campaigns ?? await ReloadAsync(ct);
        return campaigns.Where(c => c.Status == CampaignStatus.Running).Select(c => c.TargetAbandonRate).DefaultIfEmpty(0.03).Min();
    }

    public async Task<(CampaignBoardDto? Board, string? Refusal)> ApplyAsync(CampaignCommandDto command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        CampaignStatus? status = null;
        if (command.Status is not null)
        {
            if (!Enum.TryParse<CampaignStatus>(command.Status, true, out var s) || s is not (CampaignStatus.Running or CampaignStatus.Paused))
            {
                return (null, "status must be Running or Paused");
            }

            status = s;
        }

        DialMode? mode = null;
        if (command.Mode is not null)
        {
            if (!Enum.TryParse<DialMode>(command.Mode, true, out var m) || !Enum.IsDefined(m) || int.TryParse(command.Mode, out _))
            {
                return (null, "mode must be Preview, Progressive or Predictive");
            }

            mode = m;
        }

        // The same limits as the Campaign entity's: lines per agent 1 to 5; abandonment target at most 5 % (Ofcom and the FTC allow 3 %).
        if (command.MaxLinesPerAgent is { } ratio && (ratio < 1.0 || ratio > 5.0 || double.IsNaN(ratio)))
        {
            return (null, "maxLinesPerAgent must be between 1 and 5");
        }

        if (command.TargetAbandonRate is { } target && (target < 0 || target > 0.05 || double.IsNaN(target)))
        {
            return (null, "targetAbandonRate must be between 0 and 0.05");
        }

        await _gate.WaitAsync(ct);
        try
        {
            await using var db = databases.CreateDbContext();
            var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == new CampaignId(command.CampaignId), ct);
            if (campaign is null)
            {
                return (null, "no such campaign");
            }

            campaign.Status = status ?? campaign.Status;
            campaign.Mode = mode ?? campaign.Mode;
            campaign.MaxLinesPerAgent = command.MaxLinesPerAgent ?? campaign.MaxLinesPerAgent;
            campaign.TargetAbandonRate = command.TargetAbandonRate ?? campaign.TargetAbandonRate;
            await db.SaveChangesAsync(ct);
            dialer.Apply(campaign);
            var reloaded = await ReloadAsync(ct);
            if (otherNodes is not null)
            {
                await otherNodes.ChangedAsync(campaign.Id, ct);
            }

            var lines = dialer.Lines().FirstOrDefault(l => l.CampaignId == campaign.Id);
            return (Board(reloaded.First(c => c.Id == campaign.Id), lines), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Another node saved a supervisor's change to campaign <paramref name="id"/>: read it again and hand it to this
    /// node's dialer, so a paused campaign stops dialing on every node, not only on the one whose wallboard paused it.</summary>
    public async Task ChangedElsewhereAsync(CampaignId id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = databases.CreateDbContext();
            var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (campaign is not null)
            {
                dialer.Apply(campaign);
            }

            await ReloadAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<Campaign>> ReloadAsync(CancellationToken ct)
    {
        await using var db = databases.CreateDbContext();
        var list = await db.Campaigns.AsNoTracking().ToListAsync(ct);
        _campaigns = [.. list.OrderBy(c => c.Name, StringComparer.Ordinal)];
        return _campaigns;
    }

    private static CampaignBoardDto Board(Campaign c, CampaignLines? lines) => new(
        c.Id.Value, c.Name, c.Status.ToString(), c.Mode.ToString(), c.MaxLinesPerAgent, c.TargetAbandonRate,
        lines?.Dialing ?? 0, lines?.Ringing ?? 0, lines?.Waiting ?? 0, lines?.PacingMode ?? c.Mode.ToString().ToLowerInvariant(), lines?.Ratio ?? 0);
}

/// <summary>Tells the other console nodes that a supervisor changed a campaign (registered only with the Redis backplane).</summary>
public interface ICampaignChangeNotice
{
    /// <summary>Announces the saved change; a failure to announce is logged, never the supervisor's error (the change is saved
    /// and applied on this node).</summary>
    Task ChangedAsync(CampaignId id, CancellationToken ct);
}
