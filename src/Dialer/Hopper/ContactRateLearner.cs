using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Dialer.Hopper;

/// <summary>Learns the <see cref="ContactRateModel"/> from the contact ledger and keeps it for <see cref="HopperOptions.LearningRefresh"/>.</summary>
public sealed class ContactRateLearner(Func<CollectionsDbContext> createContext, HopperOptions options)
{
    private const int Chunk = 500;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ContactRateModel? _model;
    private Instant _learnedAt;

    /// <summary>The model, learned again when older than the refresh interval at <paramref name="now"/>.</summary>
    public async Task<ContactRateModel> GetAsync(Instant now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_model is null || now - _learnedAt >= Duration.FromTimeSpan(options.LearningRefresh) || now < _learnedAt)
            {
                _model = await LearnAsync(now, cancellationToken);
                _learnedAt = now;
            }

            return _model;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads finished calls of the learning window and buckets them by the debtor-local hour of week.</summary>
    public async Task<ContactRateModel> LearnAsync(Instant now, CancellationToken cancellationToken)
    {
        var since = now - Duration.FromTimeSpan(options.LearningWindow);
        await using var db = createContext();
        // Pending rows have no outcome yet and cancelled ones never rang: neither says whether the hour is a good one.
        var calls = await db.ContactAttempts.AsNoTracking()
            .Where(c => c.Channel == ContactChannel.Call && c.StartedAt >= since && c.StartedAt <= now
                && c.Outcome != ContactOutcome.Pending && c.Outcome != ContactOutcome.Cancelled)
            .Select(c => new { c.DebtorId, c.StartedAt, c.RightPartyContact, c.Address })
            .ToListAsync(cancellationToken);

        var debtorIds = calls.Select(c => c.DebtorId).Distinct().ToList();
        var debtors = new Dictionary<DebtorId, Debtor>();
        foreach (var chunk in debtorIds.Chunk(Chunk))
        {
            var ids = chunk.ToList();
            var loaded = await db.Debtors.AsNoTracking().Include(d => d.Addresses).Include(d => d.Phones).AsSplitQuery()
                .Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
            foreach (var d in loaded)
            {
                debtors[d.Id] = d;
            }
        }

        var zones = new Dictionary<(DebtorId, string), DateTimeZone?>();
        var observations = new List<ContactObservation>(calls.Count);
        foreach (var call in calls)
        {
            if (!zones.TryGetValue((call.DebtorId, call.Address), out var zone))
            {
                zone = debtors.TryGetValue(call.DebtorId, out var debtor)
                    ? DebtorZoneResolver.Resolve(debtor, debtor.Phones.FirstOrDefault(p => p.E164 == call.Address))?.Primary
                    : null;
                zones[(call.DebtorId, call.Address)] = zone;
            }

            if (zone is not null)
            {
                observations.Add(new ContactObservation(call.DebtorId, ContactRateModel.HourOfWeek(call.StartedAt, zone), call.RightPartyContact));
            }
        }

        return ContactRateModel.Learn(observations, options.PopulationPriorStrength, options.DebtorPriorStrength);
    }
}
