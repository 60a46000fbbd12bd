using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>A batch of claims a creditor handed over, as loaded by one or more imports.</summary>
public sealed class Portfolio
{
    public PortfolioId Id { get; set; } = PortfolioId.New();

    public CreditorId CreditorId { get; set; }

    public required string Name { get; set; }

    public Instant CreatedAt { get; set; }
}
