using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>A person or business that owes money on one or more accounts.</summary>
public sealed class Debtor
{
    public DebtorId Id { get; set; } = DebtorId.New();

    public DebtorKind Kind { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    /// <summary>Registered name, for businesses.</summary>
    public string? CompanyName { get; set; }

    /// <summary>BCP 47 language the debtor prefers (for example "de", "hu", "sq").</summary>
    public required string PreferredLanguage { get; set; }

    /// <summary>IANA time zone, when known; otherwise derived from the address country or phone region.</summary>
    public string? TimeZoneId { get; set; }

    public string? Email { get; set; }

    public LocalDate? DateOfBirth { get; set; }

    /// <summary>The debtor is flagged as vulnerable (health, bereavement, financial hardship): calls go to trained operators only.</summary>
    public bool Vulnerable { get; set; }

    /// <summary>When the debtor's personal data was erased or anonymised (GDPR Art. 17; <c>privacy erase</c>, the retention
    /// job); null while it is held. The row stays so the accounts' figures keep their debtor.</summary>
    public Instant? ErasedAt { get; set; }

    public List<DebtorAddress> Addresses { get; set; } = [];

    public List<PhoneNumber> Phones { get; set; } = [];

    /// <summary>Name to show and to say: company name for businesses; for persons "First Last", or "Last First"
    /// where the debtor's language puts the family name first (Hungarian: "Szabó Zoltán").</summary>
    public string DisplayName => Kind == DebtorKind.Business && !string.IsNullOrEmpty(CompanyName)
        ? CompanyName
        : string.Join(' ', (FamilyNameFirst(PreferredLanguage) ? new[] { LastName, FirstName } : [FirstName, LastName]).Where(p => !string.IsNullOrWhiteSpace(p)));

    private static bool FamilyNameFirst(string language) => language.StartsWith("hu", StringComparison.OrdinalIgnoreCase);

    /// <summary>The address valid now: the one with the latest start among those not ended.</summary>
    public DebtorAddress? CurrentAddress => Addresses.Where(a => a.ValidUntil is null).MaxBy(a => a.ValidFrom);
}

/// <summary>One postal address of a debtor; old ones are kept as history (frequent moves are a warning sign).</summary>
public sealed class DebtorAddress
{
    public AddressId Id { get; set; } = AddressId.New();

    public DebtorId DebtorId { get; set; }

    public required string Street { get; set; }

    public required string PostalCode { get; set; }

    public required string City { get; set; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public required string Country { get; set; }

    public Instant ValidFrom { get; set; }

    public Instant? ValidUntil { get; set; }
}
