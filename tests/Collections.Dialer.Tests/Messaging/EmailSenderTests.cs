using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using NodaTime;

namespace Collections.Dialer.Tests.Messaging;

/// <summary>A debtor e-mail through the whole sender: template in the debtor's language, compliance, ledger, SMTP.</summary>
[Trait("Category", "Integration")]
public sealed class EmailSenderTests
{
    [Fact]
    public async Task A_demand_e_mail_is_rendered_in_German_counted_in_the_ledger_and_sent_once()
    {
        await using var smtp = await LocalSmtpServer.StartAsync();
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var accountId = await SeedAsync(options);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        CollectionsDbContext Create() => DatabaseSetup.CreateContext(options);
        var ledger = new ContactLedger(ComplianceSetup.CreateEngine(new ComplianceOptions()), Create, clock, NullLogger<ContactLedger>.Instance);
        var twilioOptions = Options.Create(new TwilioOptions());
        var sender = new OutboundMessageSender(Create, ledger, MessageTemplates.Load("config/templates"),
            new TwilioMessagesClient(new HttpClient(), twilioOptions, clock, NullLogger<TwilioMessagesClient>.Instance),
            new SmtpEmailSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = SecureSocketOptions.None, FromAddress = "mahnung@collections.example" }), NullLogger<SmtpEmailSender>.Instance),
            twilioOptions, Options.Create(new MessagingOptions()), clock, NullLogger<OutboundMessageSender>.Instance);
        var pdf = new LetterRenderer().Render(LetterSamples.Claim(LetterKind.FinalDemand, "de"));
        var request = new SendRequest("demand:STROM-77", accountId, ContactChannel.Email, "demand", [new EmailAttachment("letzte-mahnung.pdf", "application/pdf", pdf)]);

        var first = await sender.SendAsync(request, TestContext.Current.CancellationToken);
        var again = await sender.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(SendStatus.Sent, first.Status);
        Assert.Equal(SendStatus.AlreadySent, again.Status);
        var received = await MimeMessage.LoadAsync(Assert.Single(smtp.Received), TestContext.Current.CancellationToken);
        Assert.Equal("erika@example.org", received.To.Mailboxes.Single().Address);
        Assert.Equal("Letzte Mahnung: Konto STROM-77 (Stadtwerke Leipzig GmbH)", received.Subject);
        Assert.Contains("Guten Tag Erika Musterfrau,", received.TextBody);
        Assert.Contains("210,00 €", received.TextBody);
        Assert.Contains("Bitte zahlen Sie bis zum 08.12.2026.", received.TextBody);
        Assert.Contains("ABMELDEN", received.TextBody);
        Assert.Equal("letzte-mahnung.pdf", Assert.Single(received.Attachments).ContentDisposition?.FileName);
        await using var db = Create();
        var row = await db.ContactAttempts.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((ContactChannel.Email, ContactOutcome.Sent, "erika@example.org"), (row.Channel, row.Outcome, row.Address));
        Assert.Equal(received.MessageId, row.ExternalId);
    }

    private static async Task<AccountId> SeedAsync(DatabaseOptions options)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        var creditor = new Creditor { Code = "STROM", Name = "Stadtwerke Leipzig GmbH", Country = "DE" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026", CreatedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };
        var debtor = new Debtor
        {
            Kind = Collections.Shared.Domain.DebtorKind.Consumer, FirstName = "Erika", LastName = "Musterfrau", PreferredLanguage = "de", Email = "erika@example.org",
            TimeZoneId = "Europe/Berlin",
            Addresses = [new DebtorAddress { Street = "Am Markt 3", PostalCode = "04109", City = "Leipzig", Country = "DE", ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0) }],
        };
        var account = new Account
        {
            CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = "STROM-77", Currency = "EUR",
            Principal = 200m, Interest = 2.5m, Fees = 7.5m, DueDate = new LocalDate(2026, 1, 27),
        };
        db.AddRange(creditor, portfolio, debtor, account);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return account.Id;
    }
}
