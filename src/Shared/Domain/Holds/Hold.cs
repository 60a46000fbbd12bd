using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>Why collection activity on an account is stopped.</summary>
public enum HoldKind { Dispute = 1, LegalHold = 2, Bankruptcy = 3, Deceased = 4, CreditorRecall = 5, Vulnerability = 6 }

/// <summary>A dispute or hold: while active, no call or message about the account may go out.</summary>
public sealed class Hold
{
    public HoldId Id { get; set; } = HoldId.New();

    public AccountId AccountId { get; set; }

    public HoldKind Kind { get; set; }

    public required string Reason { get; set; }

    public Instant From { get; set; }

    /// <summary>When the hold was lifted; null while active.</summary>
    public Instant? Until { get; set; }

    public bool IsActiveAt(Instant at) => From <= at && (Until is null || at < Until);
}
