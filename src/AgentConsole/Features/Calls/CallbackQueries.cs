using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>An operator's own callbacks: dispositions with a call-back time that they saved; nobody else's.</summary>
public sealed class CallbackQueries(ICollectionsDbContextFactory databases, TimeProvider time)
{
    public async Task<IReadOnlyList<CallbackDto>> ForAsync(AgentId agent, CancellationToken ct)
    {
        // Callbacks from the last day stay listed, so a missed one is still seen.
        var since = Instant.FromDateTimeOffset(time.GetUtcNow()) - Duration.FromDays(1);
        await using var db = databases.CreateDbContext();
        var rows = await (from d in db.Dispositions.AsNoTracking()
                          join a in db.Accounts.AsNoTracking() on d.AccountId equals a.Id
                          join debtor in db.Debtors.AsNoTracking() on a.DebtorId equals debtor.Id
                          where d.AgentId == agent && d.Code == DispositionCode.Callback && d.CallbackAt != null && d.CallbackAt >= since
                          select new { d.AccountId, a.CreditorReference, debtor, d.CallbackAt, d.Note })
            .ToListAsync(ct);
        return [.. rows.OrderBy(r => r.CallbackAt).Select(r => new CallbackDto(r.AccountId.Value, r.CreditorReference, r.debtor.DisplayName, r.CallbackAt!.Value.ToDateTimeOffset(), r.Note))];
    }
}
