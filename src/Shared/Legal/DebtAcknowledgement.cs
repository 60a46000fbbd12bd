using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Legal;

/// <summary>An acknowledgement of debt the debtor signed: evidence for a court and, where the law says so, a restart of
/// the limitation period (BGB § 212(1) Nr. 1, Ptk. 6:25(1) a), Limitation Act 1980 s.29(5)(a)).</summary>
public sealed class DebtAcknowledgement
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public AccountId AccountId { get; set; }

    /// <summary>The day the debtor signed, in the debtor's zone.</summary>
    public LocalDate SignedOn { get; set; }

    /// <summary>When it was recorded.</summary>
    public Instant RecordedAt { get; set; }

    /// <summary>How it was given: a returned letter, a field visit.</summary>
    public ContactChannel Channel { get; set; }

    /// <summary>The text the debtor acknowledged, word for word.</summary>
    public required string Text { get; set; }

    /// <summary>The amount acknowledged, in the account's currency.</summary>
    public decimal Amount { get; set; }

    /// <summary>Who signed (the debtor or their representative).</summary>
    public required string SignedBy { get; set; }

    /// <summary>The user who recorded it.</summary>
    public required string RecordedBy { get; set; }

    /// <summary>The signature as a PNG image (drawn on a touchscreen or scanned); null when the signed paper is kept elsewhere.</summary>
    public byte[]? SignaturePng { get; set; }
}
