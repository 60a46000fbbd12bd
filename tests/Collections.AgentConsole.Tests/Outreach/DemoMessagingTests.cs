using Collections.AgentConsole.Tests.Hosting;
using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Collections.AgentConsole.Tests.Outreach;

/// <summary>The main job with no Twilio account configured: the dispatcher sends through the built-in demo messaging
/// provider, whose signed status callbacks and simulated replies reach the console's webhooks; a STOP reply records an
/// opt-out that stops the next message, a "PAID" reply waits for an operator.</summary>
public sealed class DemoMessagingTests
{
    private const string Mobile = "+4915112345678";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task STOP_from_the_demo_provider_records_an_opt_out_that_stops_the_next_message()
    {
        await using var host = await StartAsync(stopPercent: 100, paidPercent: 0);
        var first = await host.QueueSmsAsync();
        await host.WaitForAsync(async db => await db.OptOuts.AnyAsync(Ct));

        var second = await host.QueueSmsAsync();
        var cancelled = await host.WaitForEntryAsync(second, ScheduledContactStatus.Cancelled);

        Assert.Contains("de.opt-out", cancelled.Outcome);
        Assert.Equal(ScheduledContactStatus.Done, (await host.EntryAsync(first)).Status);
        Assert.Single(host.Provider.Simulator.Messages);
        await using var db = host.Factory.OpenDatabase();
        var reply = await db.InboundMessages.SingleAsync(Ct);
        Assert.Equal((InboundMessageKind.OptOut, Mobile, "STOPP"), (reply.Kind, reply.From, reply.Body));
        var optOut = await db.OptOuts.SingleAsync(Ct);
        Assert.Equal(((ContactChannel?)ContactChannel.Sms, Mobile, "sms:STOPP"), (optOut.Channel, optOut.Address, optOut.Source));
        // The first message's own callbacks came through the signed webhook: the provider's "delivered" is on its ledger row.
        var row = await db.ContactAttempts.SingleAsync(Ct);
        Assert.Equal((ContactOutcome.Delivered, (Guid?)first), (row.Outcome, row.ScheduledContactId));
        Assert.All(host.Provider.Simulator.Callbacks, c => Assert.Equal(System.Net.HttpStatusCode.NoContent, c.Answer));
    }

    [Fact]
    public async Task A_PAID_reply_from_the_demo_provider_is_queued_for_an_operator_as_a_reported_payment()
    {
        await using var host = await StartAsync(stopPercent: 0, paidPercent: 100);
        await host.QueueSmsAsync();
        await host.WaitForAsync(async db => await db.InboundMessages.AnyAsync(Ct));

        var second = await host.QueueSmsAsync();
        await host.WaitForEntryAsync(second, ScheduledContactStatus.Done);

        await using var db = host.Factory.OpenDatabase();
        var reply = await db.InboundMessages.FirstAsync(Ct);
        Assert.Equal((InboundMessageKind.ReportsPayment, "BEZAHLT", (Instant?)null), (reply.Kind, reply.Body, reply.HandledAt));
        Assert.Empty(await db.OptOuts.ToListAsync(Ct));
    }

    private static async Task<Host> StartAsync(int stopPercent, int paidPercent)
    {
        var factory = new ConsoleFactory(
            ("Collections:Demo:Enabled", "false"),
            ("Collections:Dialing:InProcess", "false"),
            // TestServer is reached at http://localhost; the provider's HTTP client is pointed at it below.
            ("Collections:Outreach:DemoMessaging:WebhookBaseUrl", "http://localhost"),
            ("Collections:Outreach:DemoMessaging:StopPercent", stopPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Collections:Outreach:DemoMessaging:PaidPercent", paidPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Collections:Outreach:DemoMessaging:UndeliveredPercent", "0"),
            ("Collections:Outreach:DemoMessaging:StatusInterval", "00:00:00"),
            ("Collections:Outreach:DemoMessaging:ReplyDelay", "00:00:00"),
            ("Collections:Outreach:Dispatch:PollInterval", "00:00:00.100"));
        var configured = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new CallingHoursClock())));
        var client = configured.CreateClient();
        var provider = configured.Services.GetRequiredService<DemoMessagingProvider>();
        provider.Simulator.CallbackClient = client;
        var host = new Host(factory, configured, provider);
        await host.SeedAsync();
        return host;
    }

    private sealed class Host(ConsoleFactory factory, WebApplicationFactory<Program> configured, DemoMessagingProvider provider) : IAsyncDisposable
    {
        public ConsoleFactory Factory { get; } = factory;

        public DemoMessagingProvider Provider { get; } = provider;

        public AccountId AccountId { get; private set; }

        public async Task SeedAsync()
        {
            await using var db = Factory.OpenDatabase();
            var creditor = new Creditor { Code = "TELCO-DE", Name = "Telco Deutschland GmbH", Country = "DE" };
            var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-11", CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0) };
            var debtor = new Debtor
            {
                Kind = DebtorKind.Consumer, FirstName = "Max", LastName = "Mustermann", PreferredLanguage = "de", TimeZoneId = "Europe/Berlin",
                Phones = [new PhoneNumber { E164 = Mobile, Kind = PhoneKind.Mobile, Region = "DE", AutodialConsent = true, ConsentSource = "contract" }],
            };
            var account = new Account
            {
                CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = "DE-4711", Industry = Industry.Telecom,
                Currency = "EUR", Principal = 120m, DueDate = new LocalDate(2026, 10, 15), CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0), UpdatedAt = Instant.FromUtc(2026, 11, 1, 0, 0),
            };
            db.AddRange(creditor, portfolio, debtor, account);
            await db.SaveChangesAsync(Ct);
            AccountId = account.Id;
        }

        public async Task<Guid> QueueSmsAsync()
        {
            await using var db = Factory.OpenDatabase();
            var now = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(30); // due long ago: whatever the host's clock says
            var entry = new ScheduledContact
            {
                AccountId = AccountId, Channel = ContactChannel.Sms, Campaign = "reminder-messages", Template = "first-reminder", DueAt = now, NextAttemptAt = now,
                Reason = "test", IdempotencyKey = $"test:{Guid.NewGuid():N}", Status = ScheduledContactStatus.Queued, CreatedAt = now, Purpose = ContactPurpose.Reminder,
            };
            db.ScheduledContacts.Add(entry);
            await db.SaveChangesAsync(Ct);
            return entry.Id;
        }

        public async Task<ScheduledContact> EntryAsync(Guid id)
        {
            await using var db = Factory.OpenDatabase();
            return await db.ScheduledContacts.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
        }

        public async Task<ScheduledContact> WaitForEntryAsync(Guid id, ScheduledContactStatus status)
        {
            await WaitForAsync(async db => await db.ScheduledContacts.AnyAsync(c => c.Id == id && c.Status == status, Ct));
            return await EntryAsync(id);
        }

        /// <summary>Polls every 100 ms, for a minute at most; the assertions that follow say what was missing.</summary>
        public async Task WaitForAsync(Func<CollectionsDbContext, Task<bool>> condition)
        {
            for (var i = 0; i < 600; i++)
            {
                await using var db = Factory.OpenDatabase();
                if (await condition(db))
                {
                    return;
                }

                await Task.Delay(100, Ct);
            }
        }

        public WebApplicationFactory<Program> Configured { get; } = configured;

        // The factory disposes the configured copy it made.
        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}
