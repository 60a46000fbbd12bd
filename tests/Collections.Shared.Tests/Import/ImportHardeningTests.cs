using System.Text;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Shared.Reporting;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Shared.Tests.Import;

/// <summary>
/// Issue 19, finding 5: files that used to be stored garbled, merged or cut short without a word. Each bad row is now refused
/// by line and column, and every good row around it is kept.
/// </summary>
public sealed class ImportHardeningTests
{
    private const string Header = "creditor,account_ref,debtor_type,first_name,last_name,country,currency,principal,due_date,origin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(ImportSummary Summary, List<ImportError> Errors, DatabaseOptions Db)> ImportAsync(byte[] file, Encoding? encoding = null)
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        var errors = new List<ImportError>();
        await using var db = DatabaseSetup.CreateContext(options);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var importer = encoding is null
            ? new AccountImporter(db, clock, NullLogger<AccountImporter>.Instance)
            : new AccountImporter(db, clock, NullLogger<AccountImporter>.Instance) { FileEncoding = encoding };

        var summary = await importer.ImportAsync(new MemoryStream(file), "hardening", errors.Add, null, Ct);
        return (summary, errors, options);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<List<string>> StoredReferencesAsync(DatabaseOptions options)
    {
        await using var db = DatabaseSetup.CreateContext(options);
        return await db.Accounts.OrderBy(a => a.CreditorReference).Select(a => a.CreditorReference).ToListAsync(Ct);
    }

    [Fact]
    public async Task A_Latin1_file_is_refused_by_row_and_column_and_imports_whole_with_its_encoding()
    {
        var latin1 = Encoding.Latin1.GetBytes($"{Header}\nC1,A1,consumer,Jürgen,Weiß,DE,EUR,10.00,2026-01-31,\nC1,A2,consumer,Anna,Berg,DE,EUR,10.00,2026-01-31,\n");

        var (summary, errors, db) = await ImportAsync(latin1);
        Assert.Equal(1, summary.Rejected);
        Assert.Equal(["A2"], await StoredReferencesAsync(db));
        Assert.Equal([(2L, "first_name"), (2L, "last_name")], errors.Select(e => (e.Line, e.Column!)));
        Assert.All(errors, e => Assert.Contains("not UTF-8 text", e.Error, StringComparison.Ordinal));

        (summary, errors, db) = await ImportAsync(latin1, Encoding.Latin1);
        Assert.Empty(errors);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal("Weiß", (await context.Debtors.SingleAsync(d => d.FirstName == "Jürgen", Ct)).LastName);
    }

    [Fact]
    public async Task An_unterminated_quote_refuses_its_own_row_and_swallows_none_of_the_following()
    {
        // Line 3 opens a quote it never closes; before the fix it ran to the end of the file and took rows 4 and 5 with it.
        var (summary, errors, db) = await ImportAsync(Utf8(
            $"{Header}\nC1,A1,consumer,Anna,Berg,DE,EUR,1,2026-01-31,\nC1,A2,consumer,Hans,\"Müller,DE,EUR,2,2026-01-31,\n" +
            "C1,A3,consumer,Eva,Roth,DE,EUR,3,2026-01-31,\nC1,A4,consumer,Max,Kern,DE,EUR,4,2026-01-31,\n"));
        Assert.Equal(["A1", "A3", "A4"], await StoredReferencesAsync(db));
        Assert.Equal((4L, 1L), (summary.Rows, summary.Rejected));
        var error = Assert.Single(errors);
        Assert.Equal((3L, "last_name"), (error.Line, error.Column));
        Assert.Contains("never closed", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_that_pairs_with_one_on_a_later_line_does_not_merge_the_rows_between()
    {
        var (_, errors, db) = await ImportAsync(Utf8(
            $"{Header}\nC1,A1,consumer,Hans,\"Müller,DE,EUR,1,2026-01-31,\nC1,A2,consumer,Eva,Roth,DE,EUR,2,2026-01-31,\n" +
            "C1,A3,consumer,Max,\"Kern, Jr.\",DE,EUR,3,2026-01-31,\n"));
        Assert.Equal(["A2", "A3"], await StoredReferencesAsync(db));
        var error = Assert.Single(errors);
        Assert.Equal((2L, "last_name"), (error.Line, error.Column));
    }

    [Fact]
    public async Task A_second_row_for_the_same_claim_in_one_file_is_refused_naming_the_first()
    {
        var (summary, errors, db) = await ImportAsync(Utf8(
            $"{Header}\nC1,A1,consumer,Anna,Berg,DE,EUR,10,2026-01-31,\nC1,A2,consumer,Eva,Roth,DE,EUR,3,2026-01-31,\nC1,A1,consumer,Anna,Berg,DE,EUR,99,2026-01-31,\n"));
        Assert.Equal((1L, 2L), (summary.Rejected, summary.Inserted));
        var error = Assert.Single(errors);
        Assert.Equal((4L, "account_ref"), (error.Line, error.Column));
        Assert.Contains("already on line 2", error.Error, StringComparison.Ordinal);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.Equal(10m, (await context.Accounts.SingleAsync(a => a.CreditorReference == "A1", Ct)).Principal);
    }

    [Fact]
    public async Task Values_beyond_the_header_are_refused_rather_than_dropped_but_trailing_empty_cells_are_not()
    {
        var (_, errors, db) = await ImportAsync(Utf8(
            $"{Header}\nC1,A1,consumer,Anna,Berg,DE,EUR,10,2026-01-31,,,\nC1,A2,consumer,Eva,Roth, Jr.,DE,EUR,3,2026-01-31,web shop\n"));
        Assert.Equal(["A1"], await StoredReferencesAsync(db));
        Assert.All(errors, e => Assert.Equal(3L, e.Line));
        Assert.Contains(errors, e => e.Column == "value 11 (beyond the header)" && e.Error.Contains("11 values but the header 10 columns", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ten_megabyte_value_is_refused_and_not_echoed_whole()
    {
        var huge = new string('x', 10 * 1024 * 1024);
        var (_, errors, db) = await ImportAsync(Utf8($"{Header}\nC1,A1,consumer,Anna,Berg,DE,EUR,10,2026-01-31,{huge}\nC1,A2,consumer,Eva,Roth,DE,EUR,3,2026-01-31,web shop\n"));
        Assert.Equal(["A2"], await StoredReferencesAsync(db));
        var error = Assert.Single(errors);
        Assert.Equal((2L, "origin"), (error.Line, error.Column));
        Assert.True(error.Error.Length < 200, error.Error[..Math.Min(300, error.Error.Length)]);
    }

    [Theory]
    [InlineData('\0', "U+0000")]
    [InlineData('\a', "U+0007")]
    [InlineData('\u001B', "U+001B")]
    public async Task Control_characters_in_a_name_are_refused_naming_them(char control, string named)
    {
        var (_, errors, db) = await ImportAsync(Utf8($"{Header}\nC1,A1,consumer,An{control}na,Berg,DE,EUR,10,2026-01-31,\n"));
        Assert.Empty(await StoredReferencesAsync(db));
        var error = Assert.Single(errors);
        Assert.Equal((2L, "first_name"), (error.Line, error.Column));
        Assert.Contains(named, error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_CSV_the_product_writes_neutralises_spreadsheet_formulas_but_keeps_numbers()
    {
        Assert.Equal("\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),'+49 30 1234,-12.50,'-1+2,plain",
            Csv.Line("=HYPERLINK(\"http://x\")", "@SUM(A1)", "+49 30 1234", "-12.50", "-1+2", "plain"));
        Assert.Equal("\"'=1+1,2\"", Csv.Line("=1+1,2"));
    }
}
