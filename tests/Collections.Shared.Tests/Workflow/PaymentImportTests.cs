using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public sealed class PaymentImportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(DatabaseOptions Db, WorkDriver Driver)> SetUpAsync()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 1), principal: 500m, reference: "DE-100001");
        await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 1), principal: 300m, reference: "DE-100002");
        return (db, new WorkDriver(db, new FakeTimeProvider(new DateTimeOffset(2025, 3, 25, 8, 0, 0, TimeSpan.Zero))));
    }

    [Fact]
    public async Task Csv_import_reports_unmatched_and_bad_rows_by_line_and_keeps_the_good_ones()
    {
        var (db, driver) = await SetUpAsync();
        var issues = new List<PaymentImportIssue>();

        var summary = await driver.WithAsync(s => s.Payments.ImportFileAsync(RepositoryRoot.Combine("config", "samples", "payments.csv"), issues.Add));

        Assert.Equal(("csv", 6, 3, 1, 2, 0), (summary.Format, summary.Rows, summary.Matched, summary.Unmatched, summary.Rejected, summary.Duplicates));
        Assert.Equal([(4, "unmatched", "reference"), (5, "rejected", "amount"), (6, "rejected", "currency")], issues.Select(i => (i.Line, i.Kind, i.Column)));
        Assert.Equal("UNKNOWN-REF", issues[0].Reference);

        await using var context = DatabaseSetup.CreateContext(db);
        var accounts = await context.Accounts.AsNoTracking().ToDictionaryAsync(a => a.CreditorReference, Ct);
        // 120.00 by transfer and 30.00 in cash on DE-100001; 45.50 on DE-100002 found inside "Rechnung DE-100002 März".
        Assert.Equal(150.00m, accounts["DE-100001"].Paid);
        Assert.Equal(45.50m, accounts["DE-100002"].Paid);
        var unmatched = Assert.Single(await driver.WithAsync(s => s.Payments.UnmatchedAsync()));
        Assert.Equal((80.00m, "UNKNOWN-REF"), (unmatched.Amount, unmatched.Reference));
        // Principal only on these claims: BGB § 367 (1) puts everything on principal.
        Assert.All(await context.Payments.AsNoTracking().Where(p => p.AccountId != null).ToListAsync(Ct), p => Assert.Equal(p.Amount, p.AllocatedPrincipal));

        var totals = await driver.WithAsync(s => s.Payments.TotalsAsync(new LocalDate(2025, 3, 1), new LocalDate(2025, 3, 31)));
        Assert.Equal(new CreditorPaymentTotal("TELCO-DE", "EUR", 3, 195.50m, 0m, 0m, 195.50m), Assert.Single(totals));

        // The same file again: the good rows are recognised, nothing is booked twice.
        issues.Clear();
        summary = await driver.WithAsync(s => s.Payments.ImportFileAsync(RepositoryRoot.Combine("config", "samples", "payments.csv"), issues.Add));
        Assert.Equal((0, 0, 2, 4), (summary.Matched, summary.Unmatched, summary.Rejected, summary.Duplicates));
        Assert.Equal(4, await context.Payments.CountAsync(Ct));
    }

    [Fact]
    public async Task Camt053_statement_books_credits_splits_batches_and_skips_debits()
    {
        var (db, driver) = await SetUpAsync();
        var issues = new List<PaymentImportIssue>();

        var summary = await driver.WithAsync(s => s.Payments.ImportFileAsync(RepositoryRoot.Combine("config", "samples", "camt053.xml"), issues.Add));

        Assert.Equal(("camt.053", 4, 2, 1, 1), (summary.Format, summary.Rows, summary.Matched, summary.Unmatched, summary.Rejected));
        var lines = await File.ReadAllLinesAsync(RepositoryRoot.Combine("config", "samples", "camt053.xml"), Ct);
        int LineOf(string text, int after = 0) => Array.FindIndex(lines, after, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        Assert.Equal(
            [(LineOf("<TxDtls>", LineOf("CAMT-0002")) + 5, "unmatched"), (LineOf("<TxDtls>", LineOf("CAMT-0004")), "rejected")],
            issues.Select(i => (i.Line, i.Kind)));

        await using var context = DatabaseSetup.CreateContext(db);
        var accounts = await context.Accounts.AsNoTracking().ToDictionaryAsync(a => a.CreditorReference, Ct);
        Assert.Equal((120.00m, 50.00m), (accounts["DE-100001"].Paid, accounts["DE-100002"].Paid));
        var payment = await context.Payments.AsNoTracking().SingleAsync(p => p.Amount == 120.00m, Ct);
        Assert.Equal(("DE89370400440532013000", PaymentMethod.BankTransfer, new LocalDate(2025, 3, 24)), (payment.PayerAccount, payment.Method, payment.ReceivedOn));
    }

    [Fact]
    public async Task A_file_without_the_required_header_is_refused_whole()
    {
        var (_, driver) = await SetUpAsync();
        var issues = new List<PaymentImportIssue>();

        var summary = await driver.WithAsync(s => s.Payments.ImportAsync(new StringReader("date,sum\n2025-01-01,10\n"), "bad.csv", "csv", issues.Add));

        Assert.Equal((1, 0), (summary.Rejected, summary.Matched));
        Assert.Contains("received_on", Assert.Single(issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_names_a_column_twice_is_refused_by_name_not_with_an_exception()
    {
        // Found by afl-fuzz (tests/corpus/fuzz/regressions/csv): the header went into a dictionary that threw on the repeat.
        var issues = new List<PaymentImportIssue>();

        var records = PaymentFileParsers.ReadCsv(new StringReader("received_on,amount,currency,reference,Amount,notes,notes\n2025-01-01,10,EUR,x,11,,\n"), issues);

        Assert.Empty(records);
        var issue = Assert.Single(issues);
        Assert.Equal((1, "rejected", "amount"), (issue.Line, issue.Kind, issue.Column));
        Assert.Contains("twice", issue.Message, StringComparison.Ordinal);
    }
}
