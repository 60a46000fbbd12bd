using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Abandonment;

/// <summary>An operator's (or a reviewer's) mark on one call, as the campaign running it learns it.</summary>
/// <param name="CampaignId">The call's campaign (null for calls outside campaigns).</param>
/// <param name="CallId">The call.</param>
/// <param name="At">When the mark was given.</param>
/// <param name="Mark">What the answer was.</param>
/// <param name="MachineVerdict">AMD called the call MACHINE (the mark is evidence for the false-positive share).</param>
/// <param name="ReachedOperator">The call was connected to an operator (so counted as a person when it was connected).</param>
public sealed record AmdMarked(CampaignId? CampaignId, ContactAttemptId CallId, Instant At, AnswerMark Mark, bool MachineVerdict, bool ReachedOperator);

/// <summary>What a campaign's marks say about its AMD.</summary>
/// <param name="Reviewed">MACHINE verdicts marked: passed to an operator who marked them, or hung up and marked from the recording.</param>
/// <param name="ReviewedPeople">Of those, the ones marked as a person: the false positives found.</param>
/// <param name="PassedOn">Answered calls (connected to an operator) with any AMD verdict that were marked.</param>
/// <param name="MachinesReachingOperators">Of those, the ones marked as a machine: counted as persons at connect, taken out of them.</param>
/// <param name="HumanVerdictsMarked">Calls AMD passed as HUMAN or NOTSURE that the operator marked.</param>
/// <param name="MissedMachines">Of those, the ones marked as a machine: the detector's missed-machine rate.</param>
public sealed record AmdReviewCounts(long Reviewed, long ReviewedPeople, long PassedOn, long MachinesReachingOperators, long HumanVerdictsMarked, long MissedMachines)
{
    /// <summary>No marks.</summary>
    public static readonly AmdReviewCounts None = new(0, 0, 0, 0, 0, 0);
}

/// <summary>
/// Stores operators' marks on calls ("this was a machine" / "this was a person") in the contact ledger and tells the running
/// campaign, so that the one false-positive estimate (<see cref="AmdFalsePositiveEstimate"/>) pacing, the wallboard and the
/// statistics use is measured rather than assumed.
/// </summary>
/// <remarks>
/// What the marks can measure, and what they cannot: a person AMD called MACHINE whom the dialer hung up on never reaches an
/// operator, so no operator can mark them. The false-positive share of MACHINE verdicts is measured from MACHINE verdicts
/// passed to operators anyway (the gate's review sample, and verdicts passed while AMD's budget is spent; both are chosen
/// without regard to what answered, so they are a fair sample), and from recordings of hung-up MACHINE calls reviewed
/// later (fair only when the recordings are picked at random). Marks on calls AMD passed as HUMAN or NOTSURE measure the
/// missed-machine rate instead, and take machines out of the persons counted. Ofcom asks AMD users for a reasoned estimate
/// of their false positives (persistent-misuse statement 2016, Annex 3); this is the measurement behind it.
/// </remarks>
public sealed class AmdMarks(Func<CollectionsDbContext> createContext, TimeProvider time)
{
    /// <summary>Raised after a mark is stored (in this process; a campaign running on another node learns it at its next start).</summary>
    public event Action<AmdMarked>? Marked;

    /// <summary>
    /// Marks the call <paramref name="callId"/>: an answered call (connected to an operator), or a call AMD hung up on as a machine
    /// (from its recording). A call keeps its first mark; marking it again the same way changes nothing.
    /// </summary>
    /// <param name="callId">The call.</param>
    /// <param name="mark">What answered.</param>
    /// <param name="onOperatorsCall">The operator marks the call they have in front of them (the console checked): its row may
    /// still be open, as the ledger learns the connect beside the conversation.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The mark stored, or the reason it was refused.</returns>
    public async Task<(AmdMarked? Marked, string? Refusal)> MarkAsync(ContactAttemptId callId, AnswerMark mark, CancellationToken cancellationToken, bool onOperatorsCall = false)
    {
        if (!Enum.IsDefined(mark))
        {
            return (null, $"mark: '{mark}' is neither Person nor Machine");
        }

        await using var db = createContext();
        var row = await db.ContactAttempts.FirstOrDefaultAsync(c => c.Id == callId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Channel != ContactChannel.Call)
        {
            return (null, "no such call");
        }

        var reachedOperator = row.Outcome is ContactOutcome.Answered || (row.Outcome is ContactOutcome.Pending && (onOperatorsCall || row.AgentId is not null));
        var hungUpAsMachine = row.Outcome == ContactOutcome.Machine && row.AmdFlagged;
        if (!reachedOperator && !hungUpAsMachine)
        {
            return (null, $"a call that ended '{row.Outcome}' cannot be marked: only calls an operator took, or calls hung up as machines");
        }

        if (row.OperatorMark is { } existing)
        {
            return existing == mark
                ? (null, null)
                : (null, $"the call is already marked '{existing}'");
        }

        var at = Instant.FromDateTimeOffset(time.GetUtcNow());
        row.OperatorMark = mark;
        row.MarkedAt = at;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var marked = new AmdMarked(row.CampaignId, callId, at, mark, row.AmdFlagged, reachedOperator);
        Marked?.Invoke(marked);
        return (marked, null);
    }

    /// <summary>The marks of each of <paramref name="campaignIds"/> on calls started before <paramref name="to"/>.</summary>
    public async Task<IReadOnlyDictionary<CampaignId, AmdReviewCounts>> CountsAsync(IReadOnlyCollection<CampaignId> campaignIds, Instant to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignIds);
        var ids = campaignIds.Distinct().Select(i => (CampaignId?)i).ToList();
        await using var db = createContext();
        var rows = await db.ContactAttempts.AsNoTracking()
            .Where(c => c.Channel == ContactChannel.Call && ids.Contains(c.CampaignId) && c.StartedAt < to && c.OperatorMark != null)
            .GroupBy(c => c.CampaignId)
            .Select(g => new
            {
                Campaign = g.Key,
                Reviewed = g.Sum(c => c.AmdFlagged ? 1 : 0),
                ReviewedPeople = g.Sum(c => c.AmdFlagged && c.OperatorMark == AnswerMark.Person ? 1 : 0),
                PassedOn = g.Sum(c => c.Outcome == ContactOutcome.Answered ? 1 : 0),
                MachinesReaching = g.Sum(c => c.Outcome == ContactOutcome.Answered && c.OperatorMark == AnswerMark.Machine ? 1 : 0),
                HumanVerdicts = g.Sum(c => !c.AmdFlagged && c.Outcome == ContactOutcome.Answered ? 1 : 0),
                Missed = g.Sum(c => !c.AmdFlagged && c.Outcome == ContactOutcome.Answered && c.OperatorMark == AnswerMark.Machine ? 1 : 0),
            })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return rows.ToDictionary(
            r => r.Campaign!.Value,
            r => new AmdReviewCounts(r.Reviewed, r.ReviewedPeople, r.PassedOn, r.MachinesReaching, r.HumanVerdicts, r.Missed));
    }
}
