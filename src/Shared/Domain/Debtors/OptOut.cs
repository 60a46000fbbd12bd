using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>A debtor's request to stop contact on one channel (or all, for a cease-communication request).</summary>
public sealed class OptOut
{
    public OptOutId Id { get; set; } = OptOutId.New();

    public DebtorId DebtorId { get; set; }

    /// <summary>The channel refused; null means every channel (FDCPA 1692c(c) cease communication).</summary>
    public ContactChannel? Channel { get; set; }

    /// <summary>The number or e-mail address concerned; null means every address on the channel.</summary>
    public string? Address { get; set; }

    public Instant At { get; set; }

    /// <summary>How the request arrived: "sms:STOP", "call", "letter", ...</summary>
    public required string Source { get; set; }

    /// <summary>When the debtor revoked the opt-out (consent given again), if ever.</summary>
    public Instant? RevokedAt { get; set; }
}
