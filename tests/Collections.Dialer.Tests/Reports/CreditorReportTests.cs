using System.Text.Json;
using Collections.Dialer.Messaging.Email;
using Collections.Dialer.Outreach.Reports;
using Collections.Dialer.ReportCli;
using Collections.Dialer.Tests.Messaging;
using Collections.Shared.Domain;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using NodaTime;

namespace Collections.Dialer.Tests.Reports;

/// <summary>The creditor report and remittance statement (issue 15, item 4; docs/creditor-reports.md): payments imported for a
/// creditor's accounts appear in the next report, and its totals equal the sums worked out by hand here.</summary>
public sealed class CreditorReportTests
{
    private const string Accounts = """
        creditor,account_ref,debtor_type,first_name,last_name,country,currency,principal,interest,fees,due_date
        ACME,AC-1,consumer,Anna,Alpha,DE,EUR,500.00,10.00,5.00,2026-09-01
        ACME,AC-2,consumer,Bert,Beta,DE,EUR,300.00,0,20.00,2026-09-10
        ACME,AC-3,consumer,"Carl, Jr.",Gamma,DE,EUR,1000.00,0,0,2026-09-20
        OTHER,OT-1,consumer,Olga,Other,DE,EUR,999.00,0,0,2026-09-20
        """;

    [Fact]
    public async Task Imported_payments_appear_in_the_next_report_and_its_totals_equal_the_hand_computed_sums()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        await ImportAccountsAsync(database, new DateTimeOffset(2026, 10, 5, 9, 0, 0, TimeSpan.Zero));
        await SetTermsAsync(database, "ACME", 15.5m, ReportFrequency.None, null);

        // One payment before the period (to date only), three in it for ACME, one in it for another creditor.
        await ImportPaymentsAsync(database, """
            received_on,amount,currency,reference,payer_account,payer_name,method,bank_reference
            2026-10-20,50.00,EUR,AC-1,,Anna Alpha,bank-transfer,B-1
            2026-11-03,120.00,EUR,AC-1,,Anna Alpha,bank-transfer,B-2
            2026-11-10,45.55,EUR,AC-2,,Bert Beta,bank-transfer,B-3
            2026-11-24,33.33,EUR,AC-1,,Anna Alpha,cash,B-4
            2026-11-12,99.00,EUR,OT-1,,Olga Other,bank-transfer,B-5
            """);

        var folder = Directory.CreateTempSubdirectory("creditor-report-test").FullName;
        var line = await ReportAsync(database, folder, 0);

        // By hand: 120.00 + 45.55 + 33.33 = 198.88 collected; 15.5 % of each payment rounded to the cent:
        // 18.60 + 7.06 (7.06025) + 5.17 (5.16615) = 30.83 commission; 198.88 - 30.83 = 168.05 passed on.
        // Placed: 515.00 + 320.00 + 1000.00 = 1835.00; collected to date 248.88 / 1835.00 = 0.1356.
        Assert.Equal("ACME", line.GetProperty("creditor").GetString());
        Assert.Equal("2026-11-01", line.GetProperty("from").GetString());
        Assert.Equal("2026-11-30", line.GetProperty("to").GetString());
        Assert.Equal("EUR", line.GetProperty("currency").GetString());
        Assert.Equal(3, line.GetProperty("placedCount").GetInt32());
        Assert.Equal(1835.00m, line.GetProperty("placedAmount").GetDecimal());
        Assert.Equal(198.88m, line.GetProperty("collected").GetDecimal());
        Assert.Equal(30.83m, line.GetProperty("commission").GetDecimal());
        Assert.Equal(168.05m, line.GetProperty("remitted").GetDecimal());
        Assert.Equal(0.1356m, line.GetProperty("recoveryRate").GetDecimal());

        var remittance = await File.ReadAllLinesAsync(Path.Combine(folder, "remittance.csv"), ct);
        Assert.Equal("received_on,reference,payment_reference,method,currency,amount,principal,interest,fees,commission_percent,commission,passed_on", remittance[0]);
        Assert.Equal(["2026-11-03,AC-1", "2026-11-10,AC-2", "2026-11-24,AC-1"], remittance[1..4].Select(l => string.Join(',', l.Split(',')[..2])));
        Assert.EndsWith(",15.5,7.06,38.49", remittance[2], StringComparison.Ordinal);
        Assert.Equal("total,,,,EUR,198.88,,,,15.5,30.83,168.05", remittance[4]);
        Assert.Equal(5, remittance.Length);

        var accounts = await File.ReadAllLinesAsync(Path.Combine(folder, "accounts.csv"), ct);
        Assert.Equal(4, accounts.Length);
        Assert.StartsWith("AC-1,EUR,", accounts[1], StringComparison.Ordinal);
        Assert.EndsWith(",153.33", accounts[1], StringComparison.Ordinal);   // 120.00 + 33.33 in the period
        Assert.EndsWith(",45.55", accounts[2], StringComparison.Ordinal);
        Assert.EndsWith(",0.00", accounts[3], StringComparison.Ordinal);
        Assert.DoesNotContain(accounts, a => a.StartsWith("OT-1", StringComparison.Ordinal));

        var pdf = await File.ReadAllBytesAsync(Path.Combine(folder, "report.pdf"), ct);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));

        // A payment imported afterwards is in the next report and its remittance.
        await ImportPaymentsAsync(database, """
            received_on,amount,currency,reference,payer_account,payer_name,method,bank_reference
            2026-11-28,10.01,EUR,AC-3,,Carl Gamma,bank-transfer,B-6
            """);
        var next = await ReportAsync(database, folder, 0);
        Assert.Equal(208.89m, next.GetProperty("collected").GetDecimal());
        Assert.Equal(32.38m, next.GetProperty("commission").GetDecimal());   // + 1.55 (1.55155)
        Assert.Equal(176.51m, next.GetProperty("remitted").GetDecimal());
        Assert.Contains("2026-11-28,AC-3,AC-3,BankTransfer,EUR,10.01,", string.Join('\n', await File.ReadAllLinesAsync(Path.Combine(folder, "remittance.csv"), ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_creditor_or_a_bad_date_is_refused_naming_the_option()
    {
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        var folder = Directory.CreateTempSubdirectory("creditor-report-test").FullName;
        foreach (var (creditor, from, to, option) in new[] { ("NOPE", "2026-11-01", "2026-11-30", "--creditor"), ("ACME", "2026-13-01", "2026-11-30", "--from"), ("ACME", "2026-11-01", "30.11.2026", "--to"), ("ACME", "2026-11-30", "2026-11-01", "--to") })
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var code = await ReportCommand.RunAsync(database, "Agency", creditor, from, to, folder, stdout, stderr, TestContext.Current.CancellationToken);
            Assert.Equal(2, code);
            Assert.StartsWith(option + ":", stderr.ToString(), StringComparison.Ordinal);
            Assert.Equal("", stdout.ToString());
        }
    }

    [Fact]
    public void The_last_complete_period_is_the_previous_week_or_calendar_month()
    {
        var thursday = new LocalDate(2026, 12, 3);
        Assert.Equal((new LocalDate(2026, 11, 23), new LocalDate(2026, 11, 29)), CreditorReportMailer.LastPeriod(ReportFrequency.Weekly, thursday));
        Assert.Equal((new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 30)), CreditorReportMailer.LastPeriod(ReportFrequency.Monthly, thursday));
        Assert.Equal((new LocalDate(2026, 11, 23), new LocalDate(2026, 11, 29)), CreditorReportMailer.LastPeriod(ReportFrequency.Weekly, new LocalDate(2026, 11, 30)));
        Assert.Null(CreditorReportMailer.LastPeriod(ReportFrequency.None, thursday));
        Assert.Equal(["a@example.org", "b@example.org"], CreditorReportMailer.Recipients(" a@example.org; b@example.org ,"));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task The_scheduled_run_mails_the_report_and_both_CSVs_to_every_recipient_once_per_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await TestDatabases.NewSqlite().MigrateAsync();
        await ImportAccountsAsync(database, new DateTimeOffset(2026, 10, 5, 9, 0, 0, TimeSpan.Zero));
        await SetTermsAsync(database, "ACME", 20m, ReportFrequency.Monthly, "finance@acme.example; cfo@acme.example");
        await ImportPaymentsAsync(database, """
            received_on,amount,currency,reference,payer_account,payer_name,method,bank_reference
            2026-11-03,100.00,EUR,AC-1,,Anna Alpha,bank-transfer,B-1
            """);
        await using var smtp = await LocalSmtpServer.StartAsync();
        var sender = new SmtpEmailSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, Security = SecureSocketOptions.None, FromAddress = "reports@collections.example" }), NullLogger<SmtpEmailSender>.Instance);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero));
        var mailer = new CreditorReportMailer(database.Contexts().CreateDbContext, new CreditorReportRenderer(), sender, "Collections Demo Agency", clock, NullLogger<CreditorReportMailer>.Instance);

        Assert.Equal(1, await mailer.RunDueAsync(ct));
        Assert.Equal(0, await mailer.RunDueAsync(ct));   // November was sent

        var message = await MimeMessage.LoadAsync(Assert.Single(smtp.Received), ct);
        Assert.Equal(["finance@acme.example", "cfo@acme.example"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("2026-11-01 – 2026-11-30", message.Subject, StringComparison.Ordinal);
        Assert.Contains("EUR: collected 100.00, commission 20.00, passed on 80.00", message.TextBody, StringComparison.Ordinal);
        Assert.Equal(["report.pdf", "accounts.csv", "remittance.csv"], message.Attachments.OfType<MimePart>().Select(a => a.FileName));
        await using var db = database.Contexts().CreateDbContext();
        Assert.Equal(new LocalDate(2026, 11, 30), (await db.Creditors.SingleAsync(c => c.Code == "ACME", ct)).Terms.ReportedUntil);
    }

    private static async Task<JsonElement> ReportAsync(DatabaseOptions database, string folder, int index)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ReportCommand.RunAsync(database, "Collections Demo Agency", "ACME", "2026-11-01", "2026-11-30", folder, stdout, stderr, TestContext.Current.CancellationToken);
        Assert.True(code == 0, stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var json = JsonDocument.Parse(lines[index]);
        Assert.Equal(
            ["creditor", "from", "to", "placedCount", "placedAmount", "collected", "commission", "remitted", "recoveryRate", "promisesMade", "promisesKept", "currency"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        return json.RootElement.Clone();
    }

    private static async Task ImportAccountsAsync(DatabaseOptions database, DateTimeOffset at)
    {
        await using var db = database.Contexts().CreateDbContext();
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Accounts.ReplaceLineEndings("\n")));
        var errors = new List<ImportError>();
        var summary = await new AccountImporter(db, new FakeTimeProvider(at), NullLogger<AccountImporter>.Instance).ImportAsync(input, "test", errors.Add, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(errors);
        Assert.Equal(4, summary.Inserted);
    }

    private static async Task ImportPaymentsAsync(DatabaseOptions database, string csv)
    {
        await using var db = database.Contexts().CreateDbContext();
        var issues = new List<PaymentImportIssue>();
        await new PaymentImporter(db, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)))
            .ImportAsync(new StringReader(csv.ReplaceLineEndings("\n")), "payments.csv", "csv", issues.Add, TestContext.Current.CancellationToken);
        Assert.Empty(issues);
    }

    private static async Task SetTermsAsync(DatabaseOptions database, string code, decimal commission, ReportFrequency frequency, string? recipients)
    {
        await using var db = database.Contexts().CreateDbContext();
        var creditor = await db.Creditors.SingleAsync(c => c.Code == code, TestContext.Current.CancellationToken);
        creditor.Terms.CommissionPercent = commission;
        creditor.Terms.ReportFrequency = frequency;
        creditor.ReportEmail = recipients;
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }
}
