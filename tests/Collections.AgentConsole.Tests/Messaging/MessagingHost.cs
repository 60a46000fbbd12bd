using Collections.AgentConsole.Tests.Hosting;
using Collections.Dialer.Messaging;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Messaging.Templates;
using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging.Twilio;
using Collections.Testing;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.AgentConsole.Tests.Messaging;

/// <summary>The real console host (webhooks) on a fresh SQLite file, a fake Twilio server posting callbacks into it, and a
/// sender wired as a dialer node would wire it; one German debtor with a mobile number and consent.</summary>
internal sealed class MessagingHost : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token-0123456789";
    public const string DebtorMobile = "+4915112345678";

    private MessagingHost(ConsoleFactory factory, FakeTwilioServer twilio, FakeTimeProvider clock, TwilioOptions options, HttpClient client)
    {
        Factory = factory;
        Twilio = twilio;
        Clock = clock;
        Options = options;
        Client = client;
    }

    public ConsoleFactory Factory { get; }

    public FakeTwilioServer Twilio { get; }

    /// <summary>Tuesday 24 November 2026, 10:00 in Berlin: inside the German pack's calling hours.</summary>
    public FakeTimeProvider Clock { get; }

    public TwilioOptions Options { get; }

    /// <summary>A client of the in-memory host.</summary>
    public HttpClient Client { get; }

    public AccountId AccountId { get; private set; }

    public DebtorId DebtorId { get; private set; }

    public Uri StatusUrl => new("http://localhost/webhooks/twilio/status");

    public Uri InboundUrl => new("http://localhost/webhooks/twilio/inbound");

    public static async Task<MessagingHost> StartAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var twilio = await FakeTwilioServer.StartAsync(AccountSid, AuthToken, clock);
        var options = new TwilioOptions
        {
            Enabled = true,
            BaseUrl = twilio.BaseUrl.AbsoluteUri,
            AccountSid = AccountSid,
            AuthToken = AuthToken,
            SmsFrom = "+4930555000",
            WhatsAppFrom = "+4930555001",
            WebhookBaseUrl = "http://localhost",
            MaxAttempts = 2,
            InitialBackoff = TimeSpan.Zero,
        };
        var factory = new ConsoleFactory(
            ("Collections:Demo:Enabled", "false"),
            // The SIP stack and the campaign runner would wait forever on the fake clock: this host is a console-only node.
            ("Collections:Dialing:InProcess", "false"),
            // Nor does it send: the sender below is the dialer node (the console's own dispatcher and reconciliation are off).
            ("Collections:Outreach:Dispatch:Enabled", "false"),
            ("Collections:Messaging:Twilio:Enabled", "true"),
            ("Collections:Messaging:Twilio:BaseUrl", options.BaseUrl),
            ("Collections:Messaging:Twilio:AccountSid", AccountSid),
            ("Collections:Messaging:Twilio:AuthToken", AuthToken),
            ("Collections:Messaging:Twilio:SmsFrom", options.SmsFrom),
            ("Collections:Messaging:Twilio:WhatsAppFrom", options.WhatsAppFrom),
            ("Collections:Messaging:Twilio:WebhookBaseUrl", options.WebhookBaseUrl));
        var configured = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var client = configured.CreateClient();
        twilio.CallbackClient = client;
        var host = new MessagingHost(factory, twilio, clock, options, client);
        await host.SeedAsync();
        return host;
    }

    public CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(new DatabaseOptions { ConnectionString = $"Data Source={Factory.DatabasePath};Pooling=false" });

    /// <summary>A sender as a dialer node builds it; a new one is what a restarted process has.</summary>
    public OutboundMessageSender NewSender()
    {
        var engine = ComplianceSetup.CreateEngine(new ComplianceOptions());
        var ledger = new ContactLedger(engine, CreateContext, Clock, NullLogger<ContactLedger>.Instance);
        var twilioOptions = Microsoft.Extensions.Options.Options.Create(Options);
        var client = new TwilioMessagesClient(new HttpClient(), twilioOptions, Clock, NullLogger<TwilioMessagesClient>.Instance);
        var email = new SmtpEmailSender(Microsoft.Extensions.Options.Options.Create(new SmtpOptions()), NullLogger<SmtpEmailSender>.Instance);
        return new OutboundMessageSender(CreateContext, ledger, MessageTemplates.Load("config/templates"), client, email,
            twilioOptions, Microsoft.Extensions.Options.Options.Create(new MessagingOptions()), Clock, NullLogger<OutboundMessageSender>.Instance);
    }

    private async Task SeedAsync()
    {
        await using var db = CreateContext();
        var creditor = new Creditor { Code = "TELCO-DE", Name = "Telco Deutschland GmbH", Country = "DE" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-11", CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0) };
        var debtor = new Debtor
        {
            Kind = DebtorKind.Consumer,
            FirstName = "Max",
            LastName = "Mustermann",
            PreferredLanguage = "de",
            TimeZoneId = "Europe/Berlin",
            Email = "max@example.org",
            Phones = [new PhoneNumber { E164 = DebtorMobile, Kind = PhoneKind.Mobile, Region = "DE", AutodialConsent = true, ConsentSource = "contract" }],
        };
        var account = new Account
        {
            CreditorId = creditor.Id,
            PortfolioId = portfolio.Id,
            DebtorId = debtor.Id,
            CreditorReference = "DE-4711",
            Industry = Industry.Telecom,
            Currency = "EUR",
            Principal = 120m,
            DueDate = new LocalDate(2026, 10, 15),
            CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0),
            UpdatedAt = Instant.FromUtc(2026, 11, 1, 0, 0),
        };
        db.AddRange(creditor, portfolio, debtor, account);
        await db.SaveChangesAsync();
        AccountId = account.Id;
        DebtorId = debtor.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await Twilio.DisposeAsync();
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
