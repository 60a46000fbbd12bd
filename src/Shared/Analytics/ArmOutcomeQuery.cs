using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using NodaTime;

namespace Collections.Shared.Analytics;

/// <summary>Reads the outcomes of the cases in champion/challenger tests: cases with an arm (cases opened before arms existed
/// were never drawn and are left out), their payments, contact attempts and promises, by day since the case was opened.</summary>
public static class ArmOutcomeQuery
{
    /// <summary>The outcomes of the cases of <paramref name="strategy"/> (every strategy when null), of <paramref name="creditors"/>
    /// (every creditor when null).</summary>
    /// <remarks>With <paramref name="catalog"/>, each step run also counts under its template (the strategy's step says which).</remarks>
    public static async Task<List<CaseOutcome>> LoadAsync(CollectionsDbContext db, string? strategy, IReadOnlyList<CreditorId>? creditors, CancellationToken ct, StrategyCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var only = creditors?.ToList();
        var cases = await (from c in db.Cases.AsNoTracking()
                           join a in db.Accounts on c.AccountId equals a.Id
                           where c.Arm != null && c.StrategyId != null && (strategy == null || c.StrategyId == strategy) && (only == null || EF.Parameter(only).Contains(a.CreditorId))
                           select new { CaseId = c.Id, c.AccountId, c.StrategyId, c.Arm, c.OpenedAt, a.Currency, a.Principal, a.Interest, a.Fees })
            .ToListAsync(ct);
        var ids = cases.Select(c => c.AccountId).ToList();
        var nullable = ids.Select(i => (AccountId?)i).ToList();
        var payments = (await db.Payments.AsNoTracking().Where(p => EF.Parameter(nullable).Contains(p.AccountId))
            .Select(p => new { p.AccountId, p.Amount, p.ReceivedOn }).ToListAsync(ct)).ToLookup(p => p.AccountId!.Value);
        var contacts = (await db.ContactAttempts.AsNoTracking().Where(x => EF.Parameter(ids).Contains(x.AccountId))
            .Select(x => new { x.AccountId, x.Channel, x.Outcome, x.RightPartyContact, x.StartedAt }).ToListAsync(ct)).ToLookup(x => x.AccountId);
        var promises = (await db.Promises.AsNoTracking().Where(p => EF.Parameter(ids).Contains(p.AccountId))
            .Select(p => new { p.AccountId, p.Status, p.CreatedAt }).ToListAsync(ct)).ToLookup(p => p.AccountId);
        var caseIds = cases.Select(c => c.CaseId).ToList();
        var steps = (await db.CaseSteps.AsNoTracking().Where(x => EF.Parameter(caseIds).Contains(x.CaseId) && x.Status == CaseStepStatus.Done && x.ExecutedAt != null)
            .Select(x => new { x.CaseId, x.StepKey, x.Channel, x.ScriptStage, x.ExecutedAt }).ToListAsync(ct)).ToLookup(x => x.CaseId);
        // The template each step's contact was queued with: the strategy's, or the mandate's variant of it.
        var queued = (await db.ScheduledContacts.AsNoTracking().Where(x => EF.Parameter(ids).Contains(x.AccountId) && x.Template != null && x.IdempotencyKey.StartsWith("case:"))
            .Select(x => new { x.IdempotencyKey, x.Template }).ToListAsync(ct)).GroupBy(x => x.IdempotencyKey).ToDictionary(g => g.Key, g => g.First().Template!);
        var offers = (await db.SettlementOffers.AsNoTracking().Where(o => EF.Parameter(ids).Contains(o.AccountId) && o.Status != SettlementStatus.Withdrawn)
            .Select(o => new { o.AccountId, o.DiscountPercent, o.CreatedAt }).ToListAsync(ct)).ToLookup(o => o.AccountId);
        return [.. cases.Select(c =>
        {
            var placed = c.OpenedAt.InUtc().Date;
            int Day(Instant at) => Period.DaysBetween(placed, at.InUtc().Date);
            return new CaseOutcome(c.StrategyId!, c.Arm!, c.Currency, placed, c.Principal + c.Interest + c.Fees,
                [.. payments[c.AccountId].Where(p => p.ReceivedOn >= placed).Select(p => new PaymentFact(Period.DaysBetween(placed, p.ReceivedOn), p.Amount))],
                [.. contacts[c.AccountId].Where(x => x.StartedAt >= c.OpenedAt && x.Outcome != ContactOutcome.Cancelled)
                    .Select(x => new ContactFact(Day(x.StartedAt), x.Channel, Reached(x.Channel, x.Outcome), x.RightPartyContact))],
                [.. promises[c.AccountId].Where(p => p.CreatedAt >= c.OpenedAt && p.Status != PromiseStatus.Cancelled)
                    .Select(p => new PromiseFact(Day(p.CreatedAt), p.Status is PromiseStatus.Kept or PromiseStatus.PartlyKept, p.Status != PromiseStatus.Pending))])
            {
                Touches = [.. steps[c.CaseId].Where(x => x.ExecutedAt >= c.OpenedAt).SelectMany(x => Touches(queued.GetValueOrDefault($"case:{c.CaseId}:{x.StepKey}"), catalog, c.StrategyId!, c.Arm!, x.StepKey, x.Channel, x.ScriptStage, Day(x.ExecutedAt!.Value))),
                    .. offers[c.AccountId].Where(o => o.CreatedAt >= c.OpenedAt).Select(o => new TouchFact("discount", TouchAnalytics.DiscountBand(o.DiscountPercent), Day(o.CreatedAt), null))],
            };
        })];
    }

    /// <summary>A step run, under each heading it is analysed by: its id (a repeated step's "#2" dropped), channel, template (the one
    /// its contact was <paramref name="sent"/> with, else the strategy's), script.</summary>
    private static IEnumerable<TouchFact> Touches(string? sent, StrategyCatalog? catalog, string strategy, string arm, string stepKey, ContactChannel? channel, string? script, int day)
    {
        var id = stepKey.Split('#')[0];
        yield return new TouchFact("step", id, day, channel);
        if (channel is { } used)
        {
            yield return new TouchFact("channel", used.ToString().ToLowerInvariant(), day, channel);
        }

        if ((sent ?? catalog?.Strategies.FirstOrDefault(s => s.Id == strategy)?.StepsOf(arm).FirstOrDefault(s => s.Id == id)?.Template) is { } template)
        {
            yield return new TouchFact("template", template, day, channel);
        }

        if (channel == ContactChannel.Call && script is not null)
        {
            yield return new TouchFact("script", script, day, channel);
        }
    }

    /// <summary>A call answered by a person, or a message delivered; a letter counts once sent (the post gives no receipt).</summary>
    private static bool Reached(ContactChannel channel, ContactOutcome outcome) => channel switch
    {
        ContactChannel.Call or ContactChannel.Visit => outcome == ContactOutcome.Answered,
        ContactChannel.Letter => outcome is ContactOutcome.Sent or ContactOutcome.Delivered,
        _ => outcome == ContactOutcome.Delivered,
    };
}
