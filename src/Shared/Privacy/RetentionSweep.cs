using System.ComponentModel.DataAnnotations;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Privacy;

/// <summary>How long a debtor's data is kept after their last case closed, bound from <c>Collections:Privacy</c>.</summary>
/// <remarks>GDPR Art. 5(1)(e): personal data is kept "no longer than is necessary"; after a case is closed the data serves
/// disputes and questions about it for a while, then goes. The default, three years, is the regular limitation period of
/// claims in Germany (BGB § 195) and Hungary (Ptk. 6:22); set what your data protection officer decided.</remarks>
public sealed class PrivacyOptions
{
    public const string Section = "Collections:Privacy";

    /// <summary>The period after a debtor's last case closed after which their data is anonymised.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00", ErrorMessage = "Collections:Privacy:RetentionAfterClosed must be between 1 day and 100 years (e.g. \"1095.00:00:00\").")]
    public TimeSpan RetentionAfterClosed { get; set; } = TimeSpan.FromDays(3 * 365);

    /// <summary>Periods for the debtors of one jurisdiction (ISO 3166-1 alpha-2 of the debtor's address, else the creditor's
    /// country), where they differ from <see cref="RetentionAfterClosed"/>.</summary>
    public Dictionary<string, TimeSpan> RetentionByJurisdiction { get; set; } = [];

    /// <summary>Run the retention job in the main job.</summary>
    public bool RetentionEnabled { get; set; } = true;

    /// <summary>When the retention job runs (Quartz cron, UTC).</summary>
    public string RetentionCron { get; set; } = "0 15 3 * * ?";

    /// <summary>The period for <paramref name="jurisdiction"/>.</summary>
    public TimeSpan PeriodFor(string? jurisdiction) =>
        jurisdiction is not null && RetentionByJurisdiction.TryGetValue(jurisdiction, out var period) ? period : RetentionAfterClosed;

    /// <summary>The problems with the per-jurisdiction periods, each naming its key; empty when valid.</summary>
    public IEnumerable<string> Problems() => RetentionByJurisdiction
        .Where(p => p.Key.Length != 2 || !p.Key.All(char.IsAsciiLetterUpper) || p.Value < TimeSpan.FromDays(1))
        .Select(p => $"{Section}:{nameof(RetentionByJurisdiction)}:{p.Key} must be a two-letter upper-case country code with a period of at least 1 day (got {p.Value}).");
}

/// <summary>What a retention run found and did.</summary>
/// <param name="Closed">Debtors not yet erased whose every case is closed.</param>
/// <param name="NotDue">Of those, debtors whose retention period has not ended.</param>
/// <param name="Erased">Debtors anonymised (in a dry run: that would be).</param>
/// <param name="Held">Debtors past the period but under a legal hold, left alone; <paramref name="Holds"/> counts the holds by kind.</param>
public sealed record RetentionReport(bool DryRun, int Closed, int NotDue, int Erased, int Held, IReadOnlyDictionary<string, int> Holds);

/// <summary>
/// The retention job (GDPR Art. 5(1)(e), storage limitation): debtors whose cases all closed longer ago than their
/// jurisdiction's period (<see cref="PrivacyOptions"/>) are anonymised by <see cref="SubjectErasure"/>, the same code a
/// request takes; debtors under a legal hold are skipped and counted. Each debtor is its own transaction, so a run cut
/// short keeps what it finished and the next run does the rest.
/// </summary>
public static class RetentionSweep
{
    public const string Actor = "retention-job";

    public static async Task<RetentionReport> RunAsync(Func<CollectionsDbContext> contexts, PrivacyOptions options, Instant now, bool dryRun, ErasureFiles files, CancellationToken ct)
    {
        List<(DebtorId Debtor, Instant LastClosed, string? Jurisdiction)> candidates;
        await using (var db = contexts())
        {
            // Debtors with at least one account, every account with a closed case.
            var rows = await (from d in db.Debtors.AsNoTracking()
                              where d.ErasedAt == null
                                    && db.Accounts.Any(a => a.DebtorId == d.Id)
                                    && !db.Accounts.Any(a => a.DebtorId == d.Id && !db.Cases.Any(c => c.AccountId == a.Id && c.Phase == CasePhase.Closed && c.ClosedAt != null))
                              select new
                              {
                                  d.Id,
                                  Country = d.Addresses.OrderByDescending(x => x.ValidFrom).Select(x => x.Country).FirstOrDefault(),
                                  Creditor = db.Accounts.Where(a => a.DebtorId == d.Id).Join(db.Creditors, a => a.CreditorId, c => c.Id, (a, c) => c.Country).FirstOrDefault(),
                              }).ToListAsync(ct);
            var ids = rows.Select(r => r.Id).ToList();
            var closedAt = (await (from a in db.Accounts.AsNoTracking()
                                   join c in db.Cases.AsNoTracking() on a.Id equals c.AccountId
                                   where ids.Contains(a.DebtorId)
                                   select new { a.DebtorId, c.ClosedAt }).ToListAsync(ct))
                .GroupBy(x => x.DebtorId).ToDictionary(g => g.Key, g => g.Max(x => x.ClosedAt!.Value));
            candidates = [.. rows.Select(r => (r.Id, closedAt[r.Id], (string?)(r.Country ?? r.Creditor)?.Trim().ToUpperInvariant()))];
        }

        int notDue = 0, erased = 0, held = 0;
        var holds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (debtor, lastClosed, jurisdiction) in candidates)
        {
            if (lastClosed + Duration.FromTimeSpan(options.PeriodFor(jurisdiction)) > now)
            {
                notDue++;
                continue;
            }

            var period = options.PeriodFor(jurisdiction);
            var result = await SubjectErasure.EraseAsync(contexts, new ErasureRequest(debtor, $"retention: closed over {period.TotalDays:0} days ({jurisdiction ?? "default"})", Actor, dryRun), now, files, ct);
            if (result is null)
            {
                continue;
            }

            if (result.Held)
            {
                held++;
                foreach (var kind in result.Holds.Select(h => h.Kind).Distinct())
                {
                    holds[kind] = holds.GetValueOrDefault(kind) + 1;
                }
            }
            else
            {
                erased++;
            }
        }

        return new RetentionReport(dryRun, candidates.Count, notDue, erased, held, holds);
    }
}
