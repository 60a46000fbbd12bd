using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Abandonment;

/// <summary>Abandoned calls and calls answered by a person in one window, and their ratio.</summary>
/// <param name="From">Start of the window (inclusive).</param>
/// <param name="To">End of the window (exclusive): the instant asked about.</param>
/// <param name="Abandoned">Calls answered by a person and hung up with the information message because no agent was free.</param>
/// <param name="AnsweredByPerson">Calls answered by a live person: connected to an agent or abandoned. Machines are not counted.</param>
public sealed record AbandonmentWindow(Instant From, Instant To, int Abandoned, int AnsweredByPerson)
{
    /// <summary>Calls AMD called a machine and hung up on (or gave a message).</summary>
    public int AmdMachines { get; init; }

    /// <summary>The people estimated among <see cref="AmdMachines"/> (the campaign's <see cref="AmdFalsePositiveEstimate"/>).</summary>
    public double EstimatedAmdFalsePositives { get; init; }

    /// <summary>Calls that reached an operator who marked them a machine: not counted in <see cref="AnsweredByPerson"/>.</summary>
    public int MarkedMachines { get; init; }

    /// <summary>Abandoned over answered by a person, the estimated AMD false positives added to both; 0 when nobody answered yet.</summary>
    public double Rate => AbandonmentOptions.Rate(Abandoned, AnsweredByPerson, EstimatedAmdFalsePositives);
}

/// <summary>A campaign's abandonment over the windows regulators measure.</summary>
/// <param name="Last24Hours">The rolling 24 hours ending now. Ofcom measures per campaign over 24 hours (midnight to midnight
/// in the 2010 statement); a rate kept in every rolling 24 h window is kept in every calendar day too.</param>
/// <param name="Last30Days">The rolling 30 days ending now. FTC TSR 16 CFR 310.4(b)(4)(i) measures over the campaign if shorter
/// than 30 days, else over each successive 30-day period; every rolling window covers those periods too.</param>
/// <param name="Lifetime">Every call of the campaign so far.</param>
public sealed record AbandonmentReport(CampaignId CampaignId, Instant At, AbandonmentWindow Last24Hours, AbandonmentWindow Last30Days, AbandonmentWindow Lifetime);

/// <summary>
/// Counts abandoned calls against calls answered by a person, per campaign, over the rolling 24 hours, the rolling 30 days
/// and the campaign's lifetime, from the contact ledger. Pacing reads it to close its loop; the wallboard shows it.
/// </summary>
/// <remarks>
/// Ofcom, "Tackling abandoned and silent calls" (2010), kept by the 2016 persistent-misuse statement: at most 3 % of live
/// calls abandoned per campaign over 24 hours; FTC TSR 16 CFR 310.4(b)(4)(i): at most 3 % of calls answered by a person,
/// per campaign and 30-day period. A call
/// answered by a person is one whose ledger outcome is Answered or Abandoned (an abandoned call was answered by a
/// person who then heard the information message), unless the operator marked it a machine; Machine, Busy, NoAnswer, Failed
/// and Pending rows are not counted. The people among MACHINE verdicts hung up on are added with the campaign's false-positive
/// estimate (configured share updated by operators' marks, <see cref="AmdMarks"/>): the one estimate pacing and the wallboard use.
/// </remarks>
public sealed class AbandonmentStats(Func<CollectionsDbContext> createContext, TimeProvider time, AbandonmentOptions? options = null)
{
    private readonly AbandonmentOptions _options = options ?? new AbandonmentOptions { AmdFalsePositiveShare = 0 };

    private static readonly Duration Day = Duration.FromHours(24);
    private static readonly Duration Month = Duration.FromDays(30);

    /// <summary>The campaign's abandonment at <paramref name="at"/> (now when null).</summary>
    public async Task<AbandonmentReport> GetAsync(CampaignId campaignId, Instant? at, CancellationToken cancellationToken)
    {
        var reports = await GetAsync([campaignId], at, cancellationToken);
        return reports[campaignId];
    }

    /// <summary>Abandonment of each of <paramref name="campaignIds"/> at <paramref name="at"/> (now when null), in three queries.</summary>
    public async Task<IReadOnlyDictionary<CampaignId, AbandonmentReport>> GetAsync(IReadOnlyCollection<CampaignId> campaignIds, Instant? at, CancellationToken cancellationToken)
    {
        var now = at ?? Instant.FromDateTimeOffset(time.GetUtcNow());
        await using var db = createContext();
        var ids = campaignIds.Distinct().ToList();
        var day = await CountAsync(db, ids, now - Day, now, cancellationToken);
        var month = await CountAsync(db, ids, now - Month, now, cancellationToken);
        var lifetime = await CountAsync(db, ids, null, now, cancellationToken);
        var firstCall = lifetime.ToDictionary(kv => kv.Key, kv => kv.Value.First);
        var marks = await new AmdMarks(createContext, time).CountsAsync(ids, now, cancellationToken);
        return ids.ToDictionary(id => id, id =>
        {
            var estimate = _options.Estimate(marks.TryGetValue(id, out var m) ? m : AmdReviewCounts.None);
            return new AbandonmentReport(
                id,
                now,
                Window(day, id, now - Day, now, estimate),
                Window(month, id, now - Month, now, estimate),
                Window(lifetime, id, firstCall.TryGetValue(id, out var first) ? first : now, now, estimate));
        });
    }

    private static AbandonmentWindow Window(Dictionary<CampaignId, (int Abandoned, int Answered, int Machines, int MarkedMachines, Instant First)> counts, CampaignId id, Instant from, Instant to, AmdFalsePositiveEstimate estimate) =>
        counts.TryGetValue(id, out var c)
            ? new AbandonmentWindow(from, to, c.Abandoned, c.Answered) { AmdMachines = c.Machines, EstimatedAmdFalsePositives = estimate.PeopleAmong(c.Machines), MarkedMachines = c.MarkedMachines }
            : new AbandonmentWindow(from, to, 0, 0);

    private static async Task<Dictionary<CampaignId, (int Abandoned, int Answered, int Machines, int MarkedMachines, Instant First)>> CountAsync(
        CollectionsDbContext db, List<CampaignId> ids, Instant? from, Instant to, CancellationToken cancellationToken)
    {
        var nullableIds = ids.Select(i => (CampaignId?)i).ToList();
        var query = db.ContactAttempts.AsNoTracking()
            .Where(c => c.Channel == ContactChannel.Call && nullableIds.Contains(c.CampaignId) && c.StartedAt < to
                && (c.Outcome == ContactOutcome.Answered || c.Outcome == ContactOutcome.Abandoned || (c.Outcome == ContactOutcome.Machine && c.AmdFlagged)));
        if (from is { } start)
        {
            query = query.Where(c => c.StartedAt >= start);
        }

        var rows = await query
            .GroupBy(c => c.CampaignId)
            .Select(g => new
            {
                Campaign = g.Key,
                Abandoned = g.Sum(c => c.Outcome == ContactOutcome.Abandoned ? 1 : 0),
                Machines = g.Sum(c => c.Outcome == ContactOutcome.Machine ? 1 : 0),
                MarkedMachines = g.Sum(c => c.Outcome == ContactOutcome.Answered && c.OperatorMark == AnswerMark.Machine ? 1 : 0),
                Answered = g.Count(),
                First = g.Min(c => c.StartedAt),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Campaign!.Value, r => (r.Abandoned, r.Answered - r.Machines - r.MarkedMachines, r.Machines, r.MarkedMachines, r.First));
    }
}
