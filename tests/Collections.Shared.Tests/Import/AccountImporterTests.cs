using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Shared.Tests.Import;

/// <summary>Import behaviour on each real provider, with the shipped sample file (config/samples/accounts.csv).</summary>
public abstract class AccountImporterTests
{
    private static readonly string Sample = RepositoryRoot.Combine("config", "samples", "accounts.csv");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    protected abstract Task<DatabaseOptions> NewDatabaseAsync();

    private async Task<(ImportSummary Summary, List<ImportError> Errors)> ImportAsync(DatabaseOptions options, Stream input, string portfolio = "sample")
    {
        var errors = new List<ImportError>();
        await using var db = DatabaseSetup.CreateContext(options);
        var importer = new AccountImporter(db, _clock, NullLogger<AccountImporter>.Instance);
        var summary = await importer.ImportAsync(input, portfolio, errors.Add, null, TestContext.Current.CancellationToken);
        return (summary, errors);
    }

    private static MemoryStream Csv(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Every_placed_account_gets_its_strategy_the_reason_and_dated_steps_in_the_same_import()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var analysis = new Collections.Shared.Workflow.Strategies.ClaimAnalysis(Collections.Testing.Workflow.ShippedStrategies.Champions());
        ImportSummary summary;
        await using (var db = DatabaseSetup.CreateContext(options))
        await using (var file = File.OpenRead(Sample))
        {
            summary = await new AccountImporter(db, _clock, NullLogger<AccountImporter>.Instance, analysis).ImportAsync(file, "sample", _ => { }, null, TestContext.Current.CancellationToken);
        }

        Assert.Equal((7L, 7L, 0L), (summary.Inserted, summary.CasesPlanned, summary.CasesUnplanned));
        await using var check = DatabaseSetup.CreateContext(options);
        var weiss = await check.Accounts.SingleAsync(a => a.CreditorReference == "DE-100001", TestContext.Current.CancellationToken);
        var weissCase = await check.Cases.SingleAsync(c => c.AccountId == weiss.Id, TestContext.Current.CancellationToken);
        var business = await check.Accounts.SingleAsync(a => a.CreditorReference == "DE-100002", TestContext.Current.CancellationToken);
        var businessCase = await check.Cases.SingleAsync(c => c.AccountId == business.Id, TestContext.Current.CancellationToken);
        Assert.Equal("consumer-standard", weissCase.StrategyId);
        Assert.Equal("business-standard", businessCase.StrategyId);
        // The reason names the facts and the higher-priority strategies passed over.
        Assert.StartsWith("consumer-standard (priority 100) for consumer, telecom, balance 259.02 EUR, 103 days past due, no warning signs", weissCase.StrategyReason);
        Assert.Contains("passed over high-risk (priority 10): none of its warning signs raised", weissCase.StrategyReason);

        // Due 15 August, imported 26 November: every step dated before today is skipped and the first one left is due now.
        var steps = await check.CaseSteps.Where(s => s.CaseId == weissCase.Id).OrderBy(s => s.Sequence).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["pre-due-reminder", "written-reminder", "phone-campaign", "sms-reminder", "whatsapp-reminder", "second-reminder", "final-demand", "legal-review"], steps.Select(s => s.StepKey));
        var next = steps.First(s => s.Status == CaseStepStatus.Planned);
        Assert.Equal((next.StepKey, next.DueAt), (weissCase.NextStep, weissCase.NextStepDueAt));
        Assert.All(steps.Where(s => s.Status == CaseStepStatus.Planned), s => Assert.True(s.DueAt >= NodaTime.Instant.FromDateTimeOffset(_clock.GetUtcNow())));
    }

    [Fact]
    public async Task An_import_draws_new_cases_into_the_arm_a_supervisor_promoted()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var strategies = Collections.Testing.Workflow.ShippedStrategies.All();
        var consumer = strategies.Single(s => s.Id == "consumer-standard");
        await using (var db = DatabaseSetup.CreateContext(options))
        {
            db.StrategyArmChanges.Add(Collections.Shared.Workflow.Strategies.ArmControls.None.Change(consumer, "early-call",
                Collections.Shared.Workflow.Strategies.ArmAction.Promote, "supervisor", "significant", NodaTime.Instant.FromDateTimeOffset(_clock.GetUtcNow())));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var db = DatabaseSetup.CreateContext(options))
        await using (var file = File.OpenRead(Sample))
        {
            var analysis = new Collections.Shared.Workflow.Strategies.ClaimAnalysis(new Collections.Shared.Workflow.Strategies.StrategyCatalog(strategies));
            await new AccountImporter(db, _clock, NullLogger<AccountImporter>.Instance, analysis).ImportAsync(file, "sample", _ => { }, null, TestContext.Current.CancellationToken);
        }

        await using var check = DatabaseSetup.CreateContext(options);
        var cases = await check.Cases.Where(c => c.StrategyId == "consumer-standard").ToListAsync(TestContext.Current.CancellationToken);
        Assert.NotEmpty(cases);
        Assert.All(cases, c => Assert.Equal("early-call", c.Arm));
        Assert.All(cases, c => Assert.Contains("arm early-call (100% of new cases)", c.StrategyReason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Good_rows_are_kept_and_every_bad_row_is_reported_by_line_and_column()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        await using var file = File.OpenRead(Sample);
        var (summary, errors) = await ImportAsync(options, file);

        Assert.Equal(12, summary.Rows);
        Assert.Equal(7, summary.Inserted);
        Assert.Equal(5, summary.Rejected);
        Assert.Equal(
            [
                (9L, "phone", "bad E.164 number '+44 7700 900': not a valid number for GB"),
                (10L, "phone", "bad E.164 number '07911 654321': not a valid number for GB"),
                (10L, "currency", "'GBQ' is not an ISO 4217 currency code"),
                (11L, "principal", "negative amount -1200"),
                (12L, "due_date", "unparseable date '31/05/2026' (expected yyyy-MM-dd or dd.MM.yyyy)"),
                (13L, "account_ref", "required value is empty"),
            ],
            errors.Select(e => (e.Line, e.Column!, e.Error)));

        await using var db = DatabaseSetup.CreateContext(options);
        Assert.Equal(7, await db.Accounts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(7, await db.Cases.CountAsync(c => c.Phase == CasePhase.New, TestContext.Current.CancellationToken));
        var weiss = await db.Accounts.Include(a => a.Invoices).SingleAsync(a => a.CreditorReference == "DE-100001", TestContext.Current.CancellationToken);
        Assert.Equal(new Money(249.90m + 4.12m + 5.00m, "EUR"), weiss.Balance);
        Assert.Equal(new NodaTime.LocalDate(2026, 8, 15), weiss.DueDate);
        Assert.Equal(Industry.Telecom, weiss.Industry);
        Assert.Equal(2, weiss.Invoices.Count);
        var debtor = await db.Debtors.Include(d => d.Phones).Include(d => d.Addresses).SingleAsync(d => d.Id == weiss.DebtorId, TestContext.Current.CancellationToken);
        Assert.Equal("Jürgen Weiß", debtor.DisplayName);
        Assert.Equal(["+4915123456789", "+493012345678"], debtor.Phones.OrderBy(p => p.Priority).Select(p => p.E164));
        Assert.Equal([PhoneKind.Mobile, PhoneKind.Landline], debtor.Phones.OrderBy(p => p.Priority).Select(p => p.Kind));
        Assert.True(debtor.Phones.Single(p => p.Priority == 1).AutodialConsent);
        Assert.Equal("Berlin", debtor.CurrentAddress!.City);
        var business = await db.Accounts.SingleAsync(a => a.CreditorReference == "DE-100002", TestContext.Current.CancellationToken);
        Assert.Equal("Bäckerei Schmidt GmbH", (await db.Debtors.SingleAsync(d => d.Id == business.DebtorId, TestContext.Current.CancellationToken)).DisplayName);
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        await using (var first = File.OpenRead(Sample))
        {
            await ImportAsync(options, first);
        }

        await using var again = File.OpenRead(Sample);
        var (summary, _) = await ImportAsync(options, again);
        Assert.Equal((0L, 0L, 7L, 5L), (summary.Inserted, summary.Updated, summary.Unchanged, summary.Rejected));
        await using var db = DatabaseSetup.CreateContext(options);
        Assert.Equal(7, await db.Accounts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(7, await db.Debtors.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(4, await db.Invoices.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_changed_row_updates_the_claim_and_keeps_the_old_address_as_history()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        const string header = "creditor,account_ref,debtor_type,last_name,street,postal_code,city,country,phone,currency,principal,due_date\n";
        await ImportAsync(options, Csv(header + "C1,A1,consumer,Nagy,Kossuth u. 3.,6720,Szeged,HU,+36 20 765 4321,HUF,1000,2026-01-31\n"));
        _clock.Advance(TimeSpan.FromDays(30));
        var (summary, errors) = await ImportAsync(options, Csv(header + "C1,A1,consumer,Nagy,Petőfi u. 9.,1052,Budapest,HU,+36 30 111 2222,HUF,1250.50,2026-01-31\n"));

        Assert.Empty(errors);
        Assert.Equal((0L, 1L, 0L), (summary.Inserted, summary.Updated, summary.Unchanged));
        await using var db = DatabaseSetup.CreateContext(options);
        var account = await db.Accounts.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1250.50m, account.Principal);
        var debtor = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, debtor.Addresses.Count);
        Assert.Equal("Budapest", debtor.CurrentAddress!.City);
        Assert.NotNull(debtor.Addresses.Single(a => a.City == "Szeged").ValidUntil);
        Assert.Equal(["+36207654321", "+36301112222"], debtor.Phones.OrderBy(p => p.Priority).Select(p => p.E164));
    }

    [Fact]
    public async Task A_file_without_a_required_column_is_refused_whole_naming_the_column()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var (summary, errors) = await ImportAsync(options, Csv("creditor,account_ref,debtor_type,last_name,country,principal,due_date\nC1,A1,consumer,X,DE,10,2026-01-01\n"));
        Assert.True(summary.FileRejected);
        var error = Assert.Single(errors);
        Assert.Equal((1L, "currency"), (error.Line, error.Column));
        Assert.Contains("missing required column 'currency'", error.Error);
        await using var db = DatabaseSetup.CreateContext(options);
        Assert.Equal(0, await db.Accounts.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_row_with_several_problems_reports_each_of_them()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var (_, errors) = await ImportAsync(options, Csv(
            "creditor;account_ref;debtor_type;company_name;country;currency;principal;fees;due_date;phone\n" +
            "C1;A1;business;;DE;EUR;12,50;-3;2026-02-30;+49 30\n"));
        Assert.Equal(["company_name", "due_date", "fees", "phone"], errors.Select(e => e.Column!).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal(2, e.Line));
    }
}

public sealed class SqliteAccountImporterTests : AccountImporterTests
{
    protected override Task<DatabaseOptions> NewDatabaseAsync() => Task.FromResult(TestDatabases.NewSqlite());
}

[Trait("Category", "Integration")]
public sealed class PostgresAccountImporterTests(PostgresFixture postgres) : AccountImporterTests
{
    protected override async Task<DatabaseOptions> NewDatabaseAsync() => await TestDatabases.NewPostgresAsync(await postgres.ServerAsync());
}
