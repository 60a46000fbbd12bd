using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Letters;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.Messaging.Twilio;
using Collections.Dialer.Outreach;
using Collections.Dialer.Outreach.Dispatch;
using Collections.Dialer.Outreach.Letters;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.DueContacts;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Dialer.Tests.Outreach;

/// <summary>
/// The dispatcher as the main job wires it, on a fresh SQLite file and a fake clock: the Twilio client against the fake
/// Twilio server (the demo provider's simulator with faults), e-mail through the demo SMTP sink, letters into a temporary
/// print queue. One German consumer (Berlin, mobile with consent, e-mail, postal address) owes 120 EUR. <see cref="NewDispatcher"/>
/// builds the whole chain again on the same database, as a restarted process has it.
/// </summary>
internal sealed class OutreachHarness : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token-0123456789";
    public const string Mobile = "+4915112345678";

    private readonly DatabaseOptions database;

    private OutreachHarness(DatabaseOptions database, FakeTimeProvider clock, FakeTwilioServer twilio, DemoSmtpSink smtp, string folder, string templates)
    {
        this.database = database;
        Clock = clock;
        Twilio = twilio;
        Smtp = smtp;
        Folder = folder;
        TemplateDirectory = templates;
        PrintQueue = new PrintQueue(Path.Combine(folder, "print-queue"));
        TwilioOptions = new TwilioOptions
        {
            Enabled = true,
            BaseUrl = twilio.BaseUrl.AbsoluteUri,
            AccountSid = AccountSid,
            AuthToken = AuthToken,
            SmsFrom = "+4930555000",
            WhatsAppFrom = "+4930555001",
            MaxAttempts = 2,
            InitialBackoff = TimeSpan.Zero,
            RequestTimeout = TimeSpan.FromSeconds(10),
            ReconcileAfter = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>Tuesday 24 November 2026, 10:00 in Berlin (09:00 UTC): inside the German pack's hours.</summary>
    public FakeTimeProvider Clock { get; }

    public FakeTwilioServer Twilio { get; }

    public DemoSmtpSink Smtp { get; }

    public string Folder { get; }

    public string TemplateDirectory { get; }

    public PrintQueue PrintQueue { get; }

    public TwilioOptions TwilioOptions { get; }

    public OutreachOptions Options { get; } = new() { Dispatch = new DispatchOptions { BatchSize = 16, Parallelism = 4 } };

    public AccountId AccountId { get; private set; }

    public DebtorId DebtorId { get; private set; }

    public static async Task<OutreachHarness> StartAsync(string? templateDirectory = null, string language = "de")
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        var folder = Directory.CreateTempSubdirectory("collections-outreach-").FullName;
        var twilio = await FakeTwilioServer.StartAsync(AccountSid, AuthToken, clock);
        // No console here: nothing receives status callbacks, so the messages stay as Twilio first answered (queued).
        twilio.SendCallbacks = false;
        var smtp = new DemoSmtpSink(Path.Combine(folder, "mail"), NullLogger<DemoSmtpSink>.Instance);
        await smtp.StartAsync(CancellationToken.None);
        var harness = new OutreachHarness(database, clock, twilio, smtp, folder, templateDirectory ?? RepositoryRoot.Combine("config", "templates"));
        await harness.SeedAsync(language);
        return harness;
    }

    public CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(database);

    /// <summary>The dispatcher and everything it sends through, new (a restarted process), on the same database and clock.</summary>
    public MessageDispatcher NewDispatcher(TwilioOptions? twilio = null)
    {
        var twilioOptions = Microsoft.Extensions.Options.Options.Create(twilio ?? TwilioOptions);
        var ledger = new ContactLedger(ComplianceSetup.CreateEngine(new ComplianceOptions()), CreateContext, Clock, NullLogger<ContactLedger>.Instance);
        var templates = MessageTemplates.Load(TemplateDirectory);
        var messaging = new MessagingOptions();
        var sender = NewSender(twilio);
        var letters = new PrintedLetterSender(CreateContext, ledger, new LetterComposer(CreateContext, null, messaging.Agency), new LetterRenderer(), PrintQueue,
            templates, Clock, NullLogger<PrintedLetterSender>.Instance);
        return new MessageDispatcher(new DueContactQueue(CreateContext, Clock, NullLogger<DueContactQueue>.Instance), sender, letters,
            Microsoft.Extensions.Options.Options.Create(Options), twilioOptions, Clock, NullLogger<MessageDispatcher>.Instance);
    }

    /// <summary>The message sender alone, as the background reconciliation of the same process uses it.</summary>
    public OutboundMessageSender NewSender(TwilioOptions? twilio = null)
    {
        var twilioOptions = Microsoft.Extensions.Options.Options.Create(twilio ?? TwilioOptions);
        var ledger = new ContactLedger(ComplianceSetup.CreateEngine(new ComplianceOptions()), CreateContext, Clock, NullLogger<ContactLedger>.Instance);
        var smtp = new SmtpOptions();
        Smtp.Configure(smtp);
        return new OutboundMessageSender(CreateContext, ledger, MessageTemplates.Load(TemplateDirectory),
            new TwilioMessagesClient(new HttpClient(), twilioOptions, Clock, NullLogger<TwilioMessagesClient>.Instance),
            new SmtpEmailSender(Microsoft.Extensions.Options.Options.Create(smtp), NullLogger<SmtpEmailSender>.Instance),
            twilioOptions, Microsoft.Extensions.Options.Options.Create(new MessagingOptions()), Clock, NullLogger<OutboundMessageSender>.Instance);
    }

    /// <summary>Queues a contact as the workflow does (due now unless <paramref name="dueAt"/> says otherwise).</summary>
    public async Task<Guid> QueueAsync(ContactChannel channel, string template, ContactPurpose purpose = ContactPurpose.Reminder, Instant? dueAt = null, AccountId? account = null)
    {
        await using var db = CreateContext();
        var now = Instant.FromDateTimeOffset(Clock.GetUtcNow());
        var entry = new ScheduledContact
        {
            AccountId = account ?? AccountId,
            Channel = channel,
            Campaign = channel == ContactChannel.Letter ? "letters" : "reminder-messages",
            Template = template,
            DueAt = dueAt ?? now,
            NextAttemptAt = dueAt ?? now,
            Reason = $"test:{template}",
            IdempotencyKey = $"test:{Guid.NewGuid():N}",
            Status = ScheduledContactStatus.Queued,
            CreatedAt = now,
            Purpose = purpose,
        };
        db.ScheduledContacts.Add(entry);
        await db.SaveChangesAsync();
        return entry.Id;
    }

    public async Task<ScheduledContact> EntryAsync(Guid id)
    {
        await using var db = CreateContext();
        return await db.ScheduledContacts.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    /// <summary>Adds an account for another debtor of the same creditor (for batches).</summary>
    public async Task<AccountId> AddAccountAsync(string reference, string mobile)
    {
        await using var db = CreateContext();
        var template = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == AccountId);
        var debtor = NewDebtor("de", mobile, $"{reference.ToLowerInvariant()}@example.org");
        var account = NewAccount(template.CreditorId, template.PortfolioId, debtor.Id, reference);
        db.AddRange(debtor, account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    private async Task SeedAsync(string language)
    {
        await using var db = CreateContext();
        var creditor = new Creditor { Code = "TELCO-DE", Name = "Telco Deutschland GmbH", Country = "DE" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-11", CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0) };
        var debtor = NewDebtor(language, Mobile, "max@example.org");
        var account = NewAccount(creditor.Id, portfolio.Id, debtor.Id, "DE-4711");
        db.AddRange(creditor, portfolio, debtor, account);
        await db.SaveChangesAsync();
        AccountId = account.Id;
        DebtorId = debtor.Id;
    }

    private static Debtor NewDebtor(string language, string mobile, string email) => new()
    {
        Kind = DebtorKind.Consumer,
        FirstName = "Max",
        LastName = "Mustermann",
        PreferredLanguage = language,
        TimeZoneId = "Europe/Berlin",
        Email = email,
        Phones = [new PhoneNumber { E164 = mobile, Kind = PhoneKind.Mobile, Region = "DE", AutodialConsent = true, ConsentSource = "contract" }],
        Addresses = [new DebtorAddress { Street = "Musterstraße 1", PostalCode = "10115", City = "Berlin", Country = "DE", ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0) }],
    };

    private static Account NewAccount(CreditorId creditor, PortfolioId portfolio, DebtorId debtor, string reference) => new()
    {
        CreditorId = creditor,
        PortfolioId = portfolio,
        DebtorId = debtor,
        CreditorReference = reference,
        Industry = Industry.Telecom,
        Currency = "EUR",
        Principal = 120m,
        DueDate = new LocalDate(2026, 10, 15),
        CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0),
        UpdatedAt = Instant.FromUtc(2026, 11, 1, 0, 0),
    };

    public async ValueTask DisposeAsync()
    {
        await Twilio.DisposeAsync();
        await Smtp.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
