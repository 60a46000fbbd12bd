using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Import;

/// <summary>A phone number from an import row, already validated and in E.164 form.</summary>
public sealed record ImportedPhone(string E164, PhoneKind Kind, string Region, bool Consent);

/// <summary>An invoice from an import row.</summary>
public sealed record ImportedInvoice(string Number, LocalDate IssuedOn, LocalDate DueOn, decimal Amount);

/// <summary>A validated row of the account import file.</summary>
public sealed record AccountRow
{
    public required long Line { get; init; }
    public required string CreditorCode { get; init; }
    public required string AccountRef { get; init; }
    public required DebtorKind DebtorKind { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? CompanyName { get; init; }
    public LocalDate? DateOfBirth { get; init; }
    public required string Language { get; init; }
    public string? TimeZone { get; init; }
    public string? Email { get; init; }
    public required IReadOnlyList<ImportedPhone> Phones { get; init; }
    public string? ConsentSource { get; init; }
    public string? Street { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    public required string Country { get; init; }
    public Industry Industry { get; init; }
    public string? Origin { get; init; }
    public required string Currency { get; init; }
    public decimal Principal { get; init; }
    public decimal Interest { get; init; }
    public decimal Fees { get; init; }
    public LocalDate DueDate { get; init; }
    public required IReadOnlyList<ImportedInvoice> Invoices { get; init; }

    /// <summary>Content hash of the row (without its line number): equal hashes mean a re-import changes nothing.</summary>
    public required string Hash { get; init; }
}

/// <summary>Why one cell (or the whole row, when <see cref="Column"/> is null) was refused.</summary>
public sealed record ImportError(long Line, string? Column, string Error);
