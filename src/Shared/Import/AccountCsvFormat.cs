namespace Collections.Shared.Import;

/// <summary>The columns of the account import file (docs/import.md); names are matched case-insensitively,
/// ignoring spaces, dashes and underscores, in any order.</summary>
public static class AccountCsvFormat
{
    public const string Creditor = "creditor";
    public const string AccountRef = "account_ref";
    public const string DebtorType = "debtor_type";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string CompanyName = "company_name";
    public const string DateOfBirth = "date_of_birth";
    public const string Language = "language";
    public const string TimeZone = "time_zone";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string PhoneConsent = "phone_consent";
    public const string Phone2 = "phone2";
    public const string Phone2Consent = "phone2_consent";
    public const string ConsentSource = "consent_source";
    public const string Street = "street";
    public const string PostalCode = "postal_code";
    public const string City = "city";
    public const string Country = "country";
    public const string Industry = "industry";
    public const string Origin = "origin";
    public const string Currency = "currency";
    public const string Principal = "principal";
    public const string Interest = "interest";
    public const string Fees = "fees";
    public const string DueDate = "due_date";
    public const string Invoices = "invoices";

    /// <summary>Columns a file must have; a file without one of them is refused whole.</summary>
    public static readonly IReadOnlyList<string> Required = [Creditor, AccountRef, DebtorType, Country, Currency, Principal, DueDate];

    /// <summary>Every column the importer understands.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Creditor, AccountRef, DebtorType, FirstName, LastName, CompanyName, DateOfBirth, Language, TimeZone, Email,
        Phone, PhoneConsent, Phone2, Phone2Consent, ConsentSource, Street, PostalCode, City, Country, Industry, Origin,
        Currency, Principal, Interest, Fees, DueDate, Invoices,
    ];

    /// <summary>Normalises a header cell: "Account Ref", "account-ref" and "ACCOUNT_REF" are the same column.</summary>
    public static string Normalize(string header) =>
        new(header.Trim().TrimStart('\uFEFF').Where(c => c is not (' ' or '-' or '_')).Select(char.ToLowerInvariant).ToArray());
}
