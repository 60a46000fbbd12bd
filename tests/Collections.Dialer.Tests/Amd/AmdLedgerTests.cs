using Collections.Dialer.Amd;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.Amd;

/// <summary>
/// AMD verdicts written over the reserved ledger row on a real SQLite file, and what the UK pack (Ofcom's 24 h rule on
/// AMD-flagged calls) then says about calling the number again.
/// </summary>
public sealed class AmdLedgerTests
{
    private const string UkMobile = "+447700900123";
    private static readonly ContactTarget Mobile = new(ContactChannel.Call, UkMobile);
    private static readonly Lazy<ComplianceEngine> Engine = new(() => ComplianceSetup.CreateEngine(new ComplianceOptions()));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Tuesday 6 January 2026, inside the GB pack's 08:00-21:00 window.
    private static Instant London(int day, int hour) =>
        new LocalDateTime(2026, 1, day, hour, 0).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/London"]).ToInstant();

    [Fact]
    public async Task Machine_CompletesTheReservedRow_AndNoRepeatWithin24hWithoutAnOperator()
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await SeedUkAccountAsync(options);
        var clock = new FakeTimeProvider(London(6, 10).ToDateTimeOffset());
        var ledger = new ContactLedger(Engine.Value, () => DatabaseSetup.CreateContext(options), clock, NullLogger<ContactLedger>.Instance);
        var amdLedger = new AmdLedger(ledger, NullLogger<AmdLedger>.Instance);

        var first = await ledger.ReserveAsync(new ContactRequest(account, Mobile, CampaignContext.Predictive), Ct);
        Assert.True(first.MayProceed);
        clock.Advance(TimeSpan.FromSeconds(20));
        var written = await amdLedger.RecordAnsweredAsync(first.AttemptId!.Value,
            new AmdResult(AmdVerdict.Machine, AmdCause.LongGreeting, TimeSpan.FromMilliseconds(2400)), "call-1@dialer", Ct);

        Assert.True(written);
        await using (var db = DatabaseSetup.CreateContext(options))
        {
            var row = await db.ContactAttempts.SingleAsync(a => a.Id == first.AttemptId, Ct);
            Assert.Equal(ContactOutcome.Machine, row.Outcome);
            Assert.True(row.AmdFlagged);
            Assert.False(row.RightPartyContact);
            Assert.Equal("call-1@dialer", row.ExternalId);
            Assert.Equal(London(6, 10) + Duration.FromSeconds(20), row.EndedAt);
        }

        // Four hours later the predictive campaign may not call again; a guaranteed operator (preview dialing) may.
        clock.SetUtcNow(London(6, 14).ToDateTimeOffset());
        var again = await ledger.ReserveAsync(new ContactRequest(account, Mobile, CampaignContext.Predictive), Ct);
        Assert.False(again.MayProceed);
        Assert.Equal(RuleVerdict.Refused, again.Decision.Rules.Single(r => r.Rule == "uk.ofcom.amd-24h").Verdict);
        var withOperator = await ledger.ReserveAsync(new ContactRequest(account, Mobile, CampaignContext.Manual), Ct);
        Assert.True(withOperator.MayProceed);

        // After 24 h the flag no longer holds the number back.
        clock.SetUtcNow(London(7, 11).ToDateTimeOffset());
        var nextDay = await ledger.ReserveAsync(new ContactRequest(account, Mobile, CampaignContext.Predictive), Ct);
        Assert.True(nextDay.MayProceed);
    }

    [Theory]
    [InlineData(AmdVerdict.Human)]
    [InlineData(AmdVerdict.NotSure)]
    public async Task HumanOrNotSure_WritesNothing_TheAgentCompletesTheRow(AmdVerdict verdict)
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var account = await SeedUkAccountAsync(options);
        var clock = new FakeTimeProvider(London(6, 10).ToDateTimeOffset());
        var ledger = new ContactLedger(Engine.Value, () => DatabaseSetup.CreateContext(options), clock, NullLogger<ContactLedger>.Instance);
        var reservation = await ledger.ReserveAsync(new ContactRequest(account, Mobile, CampaignContext.Predictive), Ct);

        var written = await new AmdLedger(ledger, NullLogger<AmdLedger>.Instance).RecordAnsweredAsync(
            reservation.AttemptId!.Value, new AmdResult(verdict, AmdCause.Human, TimeSpan.FromMilliseconds(1200)), "call-2@dialer", Ct);

        Assert.False(written);
        await using var db = DatabaseSetup.CreateContext(options);
        var row = await db.ContactAttempts.SingleAsync(a => a.Id == reservation.AttemptId, Ct);
        Assert.Equal(ContactOutcome.Pending, row.Outcome);
        Assert.False(row.AmdFlagged);
    }

    private static async Task<AccountId> SeedUkAccountAsync(DatabaseOptions options)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var creditor = new Creditor { Code = "ACME", Name = "Acme Energy", Country = "GB" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-01", CreatedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };
        var debtor = new Debtor { PreferredLanguage = "en", FirstName = "Test", LastName = "Debtor", TimeZoneId = "Europe/London", Email = "debtor@example.org" };
        debtor.Addresses.Add(new DebtorAddress
        {
            DebtorId = debtor.Id, Street = "1 High Street", PostalCode = "SW1A 1AA", City = "London", Country = "GB",
            ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0),
        });
        debtor.Phones.Add(new PhoneNumber
        {
            DebtorId = debtor.Id, E164 = UkMobile, Kind = PhoneKind.Mobile, Region = "GB", Priority = 1, AutodialConsent = true,
            ConsentSource = "contract clause 12",
        });
        var account = new Account
        {
            DebtorId = debtor.Id, CreditorId = creditor.Id, PortfolioId = portfolio.Id, CreditorReference = "ACME-1001",
            Currency = "GBP", Principal = 100m, DueDate = new LocalDate(2025, 12, 1),
        };
        db.AddRange(creditor, portfolio, debtor, account);
        await db.SaveChangesAsync(Ct);
        return account.Id;
    }
}
