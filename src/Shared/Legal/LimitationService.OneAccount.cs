using Collections.Shared.Domain;
using Collections.Shared.Workflow;

namespace Collections.Shared.Legal;

public sealed partial class LimitationService
{
    /// <summary>Recomputes one account's limitation at once and stores its last day and warning day on the case, so an event
    /// that restarts it (an acknowledgement signed on a field visit, a payment taken, a plan agreed) shows on the case and the
    /// legal queue without waiting for the next <see cref="RefreshAsync"/>. Null when there is no such account.</summary>
    public async Task<LimitationStatus?> RefreshAccountAsync(AccountId accountId, CancellationToken ct = default)
    {
        await using var db = contexts.CreateDbContext();
        var ctxs = await AccountState.LoadContextsAsync(db, [accountId], track: false, ct);
        if (ctxs.Count == 0)
        {
            return null;
        }

        var status = (await ComputeAsync(db, ctxs, ct))[accountId];
        // LoadContextsAsync tracks cases (see RefreshAsync): only a changed case is written.
        if (ctxs.First().Case is { } c && (c.LimitationLastDay != status.LastDay || c.LimitationWarnFrom != status.WarnFrom))
        {
            c.LimitationLastDay = status.LastDay;
            c.LimitationWarnFrom = status.WarnFrom;
            await db.SaveChangesAsync(ct);
        }

        return status;
    }
}
