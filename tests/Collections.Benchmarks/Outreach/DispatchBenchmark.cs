using System.Diagnostics;
using System.Globalization;
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
using NodaTime;

namespace Collections.Benchmarks.Outreach;

/// <summary>
/// Message dispatch throughput: N due SMS entries in a fresh SQLite file (WAL, pooled connections, as the main job runs
/// it), carried out by the real <see cref="MessageDispatcher"/> through the real sender, compliance check and ledger to
/// the demo messaging provider's Twilio API on loopback; beside it, in the same run on its own fresh file, the naive
/// baseline: one entry claimed at a time and sent before the next is claimed. Every entry must end Done with exactly one
/// message at the provider, or the run fails.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/Collections.Benchmarks -- dispatch [messages] [baselineMessages]</c>.</remarks>
public static class DispatchBenchmark
{
    public static async Task RunAsync(int messages, int baselineMessages)
    {
        var folder = Environment.GetEnvironmentVariable("COLLECTIONS_BENCH_DIR") is { Length: > 0 } root ? Directory.CreateDirectory(Path.Combine(root, $"dispatch-{Guid.NewGuid():N}")).FullName : Directory.CreateTempSubdirectory("collections-dispatch-bench").FullName;
        try
        {
            Console.WriteLine($"load average before: {LoadAverage()}");
            // The dispatcher as shipped (batches of 64, 8 requests on the wire), the same with one request at a time, and the
            // baseline; COLLECTIONS_DISPATCH_PARALLEL="1,2,4" measures other numbers of requests in flight.
            var parallels = (Environment.GetEnvironmentVariable("COLLECTIONS_DISPATCH_PARALLEL") ?? "8,1").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture));
            var configurations = parallels.Select(p => ($"dispatcher: batches of 64, {p} request{(p == 1 ? "" : "s")} on the wire", messages, 64, p))
                .Append(("baseline: claim one, send it, claim the next", baselineMessages, 1, 1))
                .ToList();
            // Warm-up, not reported: JIT and tiered compilation would otherwise be charged to whichever run comes first.
            await MeasureAsync(Path.Combine(folder, "warm-up.db"), Path.Combine(folder, "warm-up"), 200, 64, 4);
            var results = new List<(string Name, int Count, double Seconds)>();
            foreach (var ((name, count, batch, parallel), run) in configurations.Select((c, i) => (c, i)))
            {
                var seconds = await MeasureAsync(Path.Combine(folder, $"run-{run}.db"), Path.Combine(folder, $"run-{run}"), count, batch, parallel);
                results.Add((name, count, seconds));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {count} in {seconds:0.00} s"));
            }

            Console.WriteLine($"load average after: {LoadAverage()}");
            Console.WriteLine();
            Console.WriteLine("| run | messages | seconds | messages/s |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            foreach (var (name, count, seconds) in results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {seconds:0.00} | {count / seconds:N0} |"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<double> MeasureAsync(string file, string work, int count, int batch, int parallel)
    {
        var database = await new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" }.MigrateAsync();
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        // A lawful hour for German debtors whatever time the benchmark runs (the compliance check is part of what is measured).
        var clock = new CallingHoursClock();
        await SeedAsync(database, count, Instant.FromDateTimeOffset(clock.GetUtcNow()));
        var simulator = new TwilioApiSimulator("AC0123456789abcdef0123456789abcdef", "bench-token", clock) { SendCallbacks = false };
        await using var provider = new LoopbackHttpServer(simulator.HandleAsync);
        provider.Start();
        var dispatcher = Dispatcher(database, clock, provider.BaseUrl, Path.Combine(work, "print-queue"), batch, parallel);

        var watch = Stopwatch.StartNew();
        while (await dispatcher.DispatchOnceAsync(CancellationToken.None) > 0)
        {
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await using (var db = DatabaseSetup.CreateContext(database))
        {
            var done = await db.ScheduledContacts.CountAsync(c => c.Status == ScheduledContactStatus.Done);
            var sent = simulator.Messages.Count;
            var distinct = simulator.Messages.Select(m => m.To).Distinct().Count();
            if (done != count || sent != count || distinct != count)
            {
                throw new InvalidOperationException($"{count} entries: {done} done, {sent} messages at the provider to {distinct} numbers");
            }
        }

        return seconds;
    }

    private static MessageDispatcher Dispatcher(DatabaseOptions database, TimeProvider clock, Uri provider, string printQueue, int batch, int parallel)
    {
        CollectionsDbContext Create() => DatabaseSetup.CreateContext(database);
        var twilio = Options.Create(new TwilioOptions
        {
            Enabled = true, BaseUrl = provider.AbsoluteUri, AccountSid = "AC0123456789abcdef0123456789abcdef", AuthToken = "bench-token",
            SmsFrom = "+4930555000", WhatsAppFrom = "+4930555001",
        });
        var ledger = new ContactLedger(ComplianceSetup.CreateEngine(new ComplianceOptions()), Create, clock, NullLogger<ContactLedger>.Instance);
        var templates = MessageTemplates.Load("config/templates");
        var messaging = new MessagingOptions();
        var sender = new OutboundMessageSender(Create, ledger, templates,
            new TwilioMessagesClient(new HttpClient(), twilio, clock, NullLogger<TwilioMessagesClient>.Instance),
            new SmtpEmailSender(Options.Create(new SmtpOptions()), NullLogger<SmtpEmailSender>.Instance),
            twilio, Options.Create(messaging), clock, NullLogger<OutboundMessageSender>.Instance);
        var letters = new PrintedLetterSender(Create, ledger, new LetterComposer(Create, null, messaging.Agency), new LetterRenderer(), new PrintQueue(printQueue),
            templates, clock, NullLogger<PrintedLetterSender>.Instance);
        return new MessageDispatcher(new DueContactQueue(Create, clock, NullLogger<DueContactQueue>.Instance), sender, letters,
            Options.Create(new OutreachOptions { Dispatch = new DispatchOptions { BatchSize = batch, Parallelism = parallel } }), twilio, clock, NullLogger<MessageDispatcher>.Instance);
    }

    /// <summary>One German consumer per entry (Berlin, a consenting mobile), each with an SMS reminder due now.</summary>
    private static async Task SeedAsync(DatabaseOptions database, int count, Instant now)
    {
        await using var db = DatabaseSetup.CreateContext(database);
        var creditor = new Creditor { Code = "TELCO-DE", Name = "Telco Deutschland GmbH", Country = "DE" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "bench", CreatedAt = now };
        db.AddRange(creditor, portfolio);
        for (var i = 0; i < count; i++)
        {
            var debtor = new Debtor
            {
                Kind = DebtorKind.Consumer, FirstName = "Max", LastName = $"Muster{i}", PreferredLanguage = "de", TimeZoneId = "Europe/Berlin",
                Phones = [new PhoneNumber { E164 = string.Create(CultureInfo.InvariantCulture, $"+49151{i:D8}"), Kind = PhoneKind.Mobile, Region = "DE", AutodialConsent = true, ConsentSource = "contract" }],
            };
            var account = new Account
            {
                CreditorId = creditor.Id, PortfolioId = portfolio.Id, DebtorId = debtor.Id, CreditorReference = string.Create(CultureInfo.InvariantCulture, $"DE-{i:D6}"),
                Industry = Industry.Telecom, Currency = "EUR", Principal = 120m + i % 50, DueDate = new LocalDate(2026, 10, 15), CreatedAt = now, UpdatedAt = now,
            };
            db.AddRange(debtor, account);
            db.ScheduledContacts.Add(new ScheduledContact
            {
                AccountId = account.Id, Channel = ContactChannel.Sms, Campaign = "reminder-messages", Template = "first-reminder", DueAt = now, NextAttemptAt = now,
                Reason = "bench", IdempotencyKey = $"bench:{i}", Status = ScheduledContactStatus.Queued, CreatedAt = now, Purpose = ContactPurpose.Reminder,
            });
        }

        await db.SaveChangesAsync();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
