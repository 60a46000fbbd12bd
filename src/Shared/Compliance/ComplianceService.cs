using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Mandates;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>Answers compliance questions about accounts in the database: the engine behind <c>explain</c> in the CLI and the API.</summary>
public sealed class ComplianceService(ComplianceEngine engine, Func<CollectionsDbContext> createContext, TimeProvider time)
{
    private static readonly ContactChannel[] ExplainedChannels = [ContactChannel.Call, ContactChannel.Sms, ContactChannel.WhatsApp, ContactChannel.Email];

    /// <summary>The current instant from the injected clock.</summary>
    public Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>
    /// Finds an account by its id (a GUID) or by the creditor's reference, narrowed by creditor code when given.
    /// Returns the account or an error message naming what was not found or was ambiguous.
    /// </summary>
    public async Task<(AccountId? Account, string? Error)> FindAccountAsync(string reference, string? creditorCode, CancellationToken cancellationToken)
    {
        await using var db = createContext();
        return await AccountLookup.FindAsync(db, reference, creditorCode, cancellationToken);
    }

    /// <summary>Explains every channel for an account at <paramref name="at"/> (now when null); null when the account does not exist.</summary>
    public async Task<ExplainReport?> ExplainAsync(AccountId accountId, string displayReference, Instant? at, CampaignContext campaign, CancellationToken cancellationToken)
    {
        var instant = at ?? Now;
        await using var db = createContext();
        var subject = await ComplianceSnapshotLoader.LoadAsync(db, accountId, instant, cancellationToken);
        if (subject is null)
        {
            return null;
        }

        var decisions = ExplainedChannels.ToDictionary(c => c, c => engine.EvaluateChannel(subject, c, campaign, instant));
        return ExplainReport.From(displayReference, instant, decisions) with { Mandate = await MandateReport.LoadAsync(db, accountId, instant, cancellationToken) };
    }

    /// <summary>Checks one contact without writing anything (the hopper's pre-filter; the ledger re-checks before dialing).</summary>
    public async Task<ComplianceDecision?> CheckAsync(AccountId accountId, ContactTarget target, CampaignContext campaign, Instant? at, CancellationToken cancellationToken)
    {
        var instant = at ?? Now;
        await using var db = createContext();
        var subject = await ComplianceSnapshotLoader.LoadAsync(db, accountId, instant, cancellationToken);
        return subject is null ? null : engine.Evaluate(subject, target, campaign, instant);
    }
}
