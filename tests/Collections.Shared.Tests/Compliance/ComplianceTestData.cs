using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Tests.Compliance;

/// <summary>Debtors, accounts and ledger rows for the compliance tests, and the engine over the shipped packs.</summary>
internal static class ComplianceTestData
{
    public const string UsMobile = "+12125550123";
    public const string UkMobile = "+447700900123";
    public const string DeMobile = "+4915112345678";

    private static readonly Lazy<ComplianceEngine> SharedEngine = new(() => ComplianceSetup.CreateEngine(new ComplianceOptions()));

    /// <summary>The engine over <c>config/compliance</c> of this repository.</summary>
    public static ComplianceEngine Engine => SharedEngine.Value;

    public static DateTimeZone NewYork => DateTimeZoneProviders.Tzdb["America/New_York"];

    public static DateTimeZone London => DateTimeZoneProviders.Tzdb["Europe/London"];

    public static DateTimeZone Berlin => DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>The instant of a local date and time in <paramref name="zone"/> (strict: tests never name a skipped or repeated time).</summary>
    public static Instant Local(DateTimeZone zone, int year, int month, int day, int hour, int minute = 0) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(zone).ToInstant();

    public static Debtor Debtor(string country, string phone, PhoneKind kind = PhoneKind.Mobile, bool consent = true, string? timeZoneId = null)
    {
        var debtor = new Debtor { PreferredLanguage = "en", FirstName = "Test", LastName = "Debtor", TimeZoneId = timeZoneId, Email = "debtor@example.org" };
        debtor.Addresses.Add(new DebtorAddress
        {
            DebtorId = debtor.Id, Street = "1 Main Street", PostalCode = "10001", City = "City", Country = country,
            ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0),
        });
        debtor.Phones.Add(new PhoneNumber
        {
            DebtorId = debtor.Id, E164 = phone, Kind = kind, Region = country, Priority = 1, AutodialConsent = consent,
            ConsentSource = consent ? "contract clause 12" : null,
        });
        return debtor;
    }

    public static Account Account(Debtor debtor) => new()
    {
        DebtorId = debtor.Id, CreditorReference = "INV-1", Currency = "USD", Principal = 100m, DueDate = new LocalDate(2025, 12, 1),
    };

    public static ContactAttempt Call(Account account, string number, Instant at, ContactOutcome outcome = ContactOutcome.NoAnswer, bool conversation = false, bool amd = false) => new()
    {
        AccountId = account.Id, DebtorId = account.DebtorId, Channel = ContactChannel.Call, Address = number, StartedAt = at,
        EndedAt = at + Duration.FromSeconds(30), Outcome = outcome, RightPartyContact = conversation, AmdFlagged = amd,
    };

    public static ComplianceSubject Subject(Debtor debtor, Account account, IEnumerable<ContactAttempt>? ledger = null, IEnumerable<OptOut>? optOuts = null, IEnumerable<Hold>? holds = null) => new()
    {
        Account = account,
        Debtor = debtor,
        Ledger = (ledger ?? []).ToList(),
        OptOuts = (optOuts ?? []).ToList(),
        Holds = (holds ?? []).ToList(),
    };

    public static RuleResult Rule(ComplianceDecision decision, string id) => decision.Rules.Single(r => r.Rule == id);
}
