using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using NodaTime;

namespace Collections.Shared.Tests.Privacy;

/// <summary>A debtor with everything personal the platform holds, on one paid and closed claim, for the erasure tests.</summary>
internal static class PrivacyData
{
    public const string Mobile = "+4915112345678";
    public const string Landline = "+4930123456";
    public const string Email = "erika.weiss@example.org";

    public static readonly Instant Closed = Instant.FromUtc(2022, 6, 30, 12, 0);

    /// <summary>What <see cref="SeedAsync"/> made, by id.</summary>
    public sealed record Seeded(DebtorId Debtor, AccountId Account, CaseId Case, ContactAttemptId Call, string Reference);

    public static async Task<Seeded> SeedAsync(
        DatabaseOptions options, string reference = "TEL-9001", string country = "DE", decimal principal = 300m, decimal paid = 300m,
        CasePhase phase = CasePhase.Closed, Instant? closedAt = null, string? letter = null)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var creditor = db.Creditors.FirstOrDefault() ?? new Creditor { Code = "TELCO-DE", Name = "Telco Deutschland", Country = "DE" };
        if (db.Entry(creditor).State == Microsoft.EntityFrameworkCore.EntityState.Detached)
        {
            db.Creditors.Add(creditor);
        }

        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = $"p-{reference}" };
        var debtor = new Debtor
        {
            Kind = DebtorKind.Consumer, FirstName = "Erika", LastName = "Weiß", PreferredLanguage = "de", TimeZoneId = "Europe/Berlin",
            Email = Email, DateOfBirth = new LocalDate(1980, 5, 17), Vulnerable = true,
        };
        debtor.Addresses.Add(new DebtorAddress { DebtorId = debtor.Id, Street = "Hauptstr. 1", PostalCode = "10115", City = "Berlin", Country = country, ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0) });
        debtor.Phones.Add(new PhoneNumber { DebtorId = debtor.Id, E164 = Mobile, Region = "DE", Kind = PhoneKind.Mobile, AutodialConsent = true, ConsentSource = "contract" });
        debtor.Phones.Add(new PhoneNumber { DebtorId = debtor.Id, E164 = Landline, Region = "DE", Kind = PhoneKind.Landline, Priority = 2 });
        var account = new Account
        {
            CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = reference, Currency = "EUR",
            Principal = principal, Paid = paid, DueDate = new LocalDate(2022, 1, 15), Origin = "mobile contract",
        };
        account.Invoices.Add(new Invoice { AccountId = account.Id, Number = $"INV-{reference}", IssuedOn = new LocalDate(2021, 12, 15), DueOn = new LocalDate(2022, 1, 15), Amount = principal });
        var @case = new Case { AccountId = account.Id, Phase = phase, OpenedAt = Instant.FromUtc(2022, 2, 1, 0, 0), ClosedAt = phase == CasePhase.Closed ? closedAt ?? Closed : null };
        var call = new ContactAttempt
        {
            AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Call, Address = Mobile, StartedAt = Instant.FromUtc(2022, 3, 1, 9, 0),
            EndedAt = Instant.FromUtc(2022, 3, 1, 9, 5), Outcome = ContactOutcome.Answered, RightPartyContact = true, ExternalId = "call-id-1@sip",
        };
        var sms = new ContactAttempt
        {
            AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Sms, Address = Mobile, StartedAt = Instant.FromUtc(2022, 2, 20, 9, 0),
            Outcome = ContactOutcome.Delivered, ExternalId = "SM123",
        };
        db.AddRange(portfolio, debtor, account, @case, call, sms);
        db.Add(new Disposition { AccountId = account.Id, ContactAttemptId = call.Id, Code = DispositionCode.PromiseToPay, Note = "Frau Weiß says her husband lost his job", At = Instant.FromUtc(2022, 3, 1, 9, 5) });
        db.Add(new CaseStep { CaseId = @case.Id, Sequence = 1, StepKey = "first-call", Phase = CasePhase.PhoneAndMessages, Status = CaseStepStatus.Done, DueAt = Instant.FromUtc(2022, 3, 1, 9, 0), Note = "spoke to Erika" });
        db.Add(new OutboundMessage
        {
            IdempotencyKey = $"sms:{reference}", AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Sms, To = Mobile, From = "+4930999999",
            Template = "sms.first-reminder", Language = "de", Body = "Hallo Erika Weiß, bitte zahlen Sie 300 EUR", State = OutboundMessageState.Delivered,
            ContentVariables = "{\"1\":\"Erika\"}", ContactAttemptId = sms.Id, CreatedAt = Instant.FromUtc(2022, 2, 20, 9, 0),
        });
        db.Add(new OutboundMessage
        {
            IdempotencyKey = $"letter:{reference}", AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Letter, To = "Erika Weiß, Hauptstr. 1, 10115 Berlin",
            Template = "letter.first-reminder", Language = "de", Body = "Sehr geehrte Frau Weiß", State = OutboundMessageState.Sent, DocumentPath = letter,
            CreatedAt = Instant.FromUtc(2022, 2, 10, 9, 0),
        });
        db.Add(new InboundMessage { Channel = ContactChannel.Sms, From = Mobile, To = "+4930999999", Body = "STOP bitte, Erika", ProviderId = $"SMin-{reference}", DebtorId = debtor.Id, Kind = InboundMessageKind.OptOut, ReceivedAt = Instant.FromUtc(2022, 3, 2, 9, 0) });
        db.Add(new OptOut { DebtorId = debtor.Id, Channel = ContactChannel.Sms, Address = Mobile, At = Instant.FromUtc(2022, 3, 2, 9, 0), Source = "sms:STOP" });
        db.Add(new OptOut { DebtorId = debtor.Id, Channel = ContactChannel.Call, Address = null, At = Instant.FromUtc(2022, 3, 3, 9, 0), Source = "letter" });
        db.Add(new Payment
        {
            AccountId = account.Id, Amount = paid, Currency = "EUR", ReceivedOn = new LocalDate(2022, 6, 1), Reference = $"{reference} Erika Weiss",
            Method = PaymentMethod.BankTransfer, PayerAccount = "DE89370400440532013000", AllocatedPrincipal = paid, RecordedAt = Instant.FromUtc(2022, 6, 1, 10, 0),
        });
        db.Add(new Hold { AccountId = account.Id, Kind = HoldKind.Dispute, Reason = "Erika disputes the roaming charges", From = Instant.FromUtc(2022, 3, 5, 0, 0), Until = Instant.FromUtc(2022, 4, 1, 0, 0) });
        db.Add(new DebtAcknowledgement
        {
            AccountId = account.Id, SignedOn = new LocalDate(2022, 3, 10), Channel = ContactChannel.Visit, Text = "I, Erika Weiß, owe 300 EUR", Amount = 300m,
            SignedBy = "Erika Weiß", RecordedBy = "agent1", SignaturePng = [1, 2, 3],
        });
        await db.SaveChangesAsync();
        return new Seeded(debtor.Id, account.Id, @case.Id, call.Id, reference);
    }
}
