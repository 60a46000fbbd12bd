using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Hopper;

/// <summary>
/// The hopper's lease on one account: which dialer node holds it and until when. A node claims accounts by locking
/// their rows (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, SQL Server <c>UPDLOCK, READPAST</c>, SQLite a single-writer
/// transaction) and writing itself and a lease expiry; a node that crashes stops renewing, so its claims lapse.
/// </summary>
public sealed class HopperClaim
{
    public AccountId AccountId { get; set; }

    /// <summary>The campaign the account was claimed for; null when never claimed.</summary>
    public CampaignId? CampaignId { get; set; }

    /// <summary>Id of the dialer node holding the claim; null when free.</summary>
    public string? ClaimedBy { get; set; }

    public Instant? ClaimedAt { get; set; }

    /// <summary>The lease: after this instant another node may claim the account.</summary>
    public Instant? ClaimedUntil { get; set; }

    /// <summary>The number the claiming node was given to dial (E.164).</summary>
    public string? Phone { get; set; }

    /// <summary>How many times the account was claimed, for reports.</summary>
    public int ClaimCount { get; set; }

    /// <summary>True when a node holds an unexpired lease at <paramref name="at"/>.</summary>
    public bool IsHeldAt(Instant at) => ClaimedBy is not null && ClaimedUntil is { } until && until > at;
}
