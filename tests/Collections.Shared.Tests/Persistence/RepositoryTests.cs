using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Tests.Persistence;

/// <summary>The same repository behaviour, run against each real provider.</summary>
public abstract class RepositoryTests
{
    // PostgreSQL keeps microseconds; test instants stay on whole milliseconds so both providers round-trip exactly.
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 29, 0, 59, 30) + Duration.FromMilliseconds(123);

    protected abstract Task<DatabaseOptions> NewDatabaseAsync();

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_leave_nothing_pending()
    {
        var options = await NewDatabaseAsync();
        await using var db = DatabaseSetup.CreateContext(options);
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_whole_claim_round_trips_with_money_dates_and_enums_intact()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var (creditor, debtor, account) = NewClaim("RT-1");
        await using (var db = DatabaseSetup.CreateContext(options))
        {
            db.Creditors.Add(creditor);
            db.Portfolios.Add(new Portfolio { Id = account.PortfolioId, CreditorId = creditor.Id, Name = "spring", CreatedAt = Now });
            db.Debtors.Add(debtor);
            db.Accounts.Add(account);
            db.Cases.Add(new Case { AccountId = account.Id, Phase = CasePhase.PhoneAndMessages, StrategyId = "telecom-consumer", NextStep = "call", NextStepDueAt = Now, OpenedAt = Now });
            db.Promises.Add(new PromiseToPay { AccountId = account.Id, Amount = 100.05m, Currency = "EUR", DueDate = new LocalDate(2026, 4, 15), Channel = ContactChannel.Call, CreatedAt = Now });
            db.InstalmentPlans.Add(new InstalmentPlan
            {
                AccountId = account.Id, Currency = "EUR", Total = 1234.56m, DownPayment = 100m, Frequency = InstalmentFrequency.Monthly, CreatedAt = Now,
                Instalments = [new() { Number = 1, DueDate = new LocalDate(2026, 5, 1), Amount = 567.28m }, new() { Number = 2, DueDate = new LocalDate(2026, 6, 1), Amount = 567.28m }],
            });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var db = DatabaseSetup.CreateContext(options))
        {
            var loaded = await db.Accounts.Include(a => a.Invoices).SingleAsync(a => a.CreditorReference == "RT-1", TestContext.Current.CancellationToken);
            Assert.Equal(account.Id, loaded.Id);
            Assert.Equal(new Money(1234.5678m + 12.34m + 5m, "EUR"), loaded.Balance);
            Assert.Equal(new LocalDate(2026, 2, 28), loaded.DueDate);
            Assert.Equal(Industry.Telecom, loaded.Industry);
            Assert.Equal(Now, loaded.CreatedAt);
            Assert.Equal(["INV-1", "INV-2"], loaded.Invoices.OrderBy(i => i.Number).Select(i => i.Number));

            var storedDebtor = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(d => d.Id == debtor.Id, TestContext.Current.CancellationToken);
            Assert.Equal("Jürgen Weiß", storedDebtor.DisplayName);
            Assert.Equal("+4915123456789", Assert.Single(storedDebtor.Phones).E164);
            Assert.Equal("Berlin", storedDebtor.CurrentAddress?.City);

            var storedCreditor = await db.Creditors.SingleAsync(c => c.Code == "TELCO", TestContext.Current.CancellationToken);
            Assert.Equal(6, storedCreditor.Policy.MaxInstalments);
            Assert.Equal(10.5m, storedCreditor.Policy.MaxSettlementDiscountPercent);

            var plan = await db.InstalmentPlans.Include(p => p.Instalments).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal([567.28m, 567.28m], plan.Instalments.OrderBy(i => i.Number).Select(i => i.Amount));
            var promise = await db.Promises.SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(new Money(100.05m, "EUR"), promise.Promised);
            Assert.Equal(PromiseStatus.Pending, promise.Status);
        }
    }

    [Fact]
    public async Task The_same_creditor_reference_cannot_be_stored_twice()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var (creditor, debtor, account) = NewClaim("DUP-1");
        await using var db = DatabaseSetup.CreateContext(options);
        db.Creditors.Add(creditor);
        db.Portfolios.Add(new Portfolio { Id = account.PortfolioId, CreditorId = creditor.Id, Name = "p", CreatedAt = Now });
        db.Debtors.Add(debtor);
        db.Accounts.Add(account);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        db.Accounts.Add(new Account { CreditorId = creditor.Id, PortfolioId = account.PortfolioId, DebtorId = debtor.Id, CreditorReference = "DUP-1", Currency = "EUR" });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_contact_ledger_answers_window_queries_per_account()
    {
        var options = await (await NewDatabaseAsync()).MigrateAsync();
        var (creditor, debtor, account) = NewClaim("LEDGER-1");
        await using var db = DatabaseSetup.CreateContext(options);
        db.Creditors.Add(creditor);
        db.Portfolios.Add(new Portfolio { Id = account.PortfolioId, CreditorId = creditor.Id, Name = "p", CreatedAt = Now });
        db.Debtors.Add(debtor);
        db.Accounts.Add(account);
        for (var day = 0; day < 10; day++)
        {
            db.ContactAttempts.Add(new ContactAttempt
            {
                AccountId = account.Id, DebtorId = debtor.Id, Channel = ContactChannel.Call, Address = "+4915123456789",
                StartedAt = Now - Duration.FromDays(day), Outcome = day == 3 ? ContactOutcome.Answered : ContactOutcome.NoAnswer, RightPartyContact = day == 3,
            });
        }

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        var since = Now - Duration.FromDays(7);
        var inWindow = await db.ContactAttempts.CountAsync(c => c.AccountId == account.Id && c.StartedAt > since, TestContext.Current.CancellationToken);
        var lastConversation = await db.ContactAttempts
            .Where(c => c.AccountId == account.Id && c.RightPartyContact)
            .OrderByDescending(c => c.StartedAt)
            .Select(c => (Instant?)c.StartedAt)
            .FirstOrDefaultAsync(TestContext.Current.CancellationToken);
        Assert.Equal(7, inWindow);
        Assert.Equal(Now - Duration.FromDays(3), lastConversation);
    }

    internal static (Creditor, Debtor, Account) NewClaim(string reference)
    {
        var creditor = new Creditor
        {
            Code = "TELCO", Name = "Telco Deutschland GmbH", Country = "DE",
            Policy = new CreditorPolicy { MaxInstalments = 6, MinInstalment = 25m, MaxSettlementDiscountPercent = 10.5m },
        };
        var debtor = new Debtor
        {
            Kind = DebtorKind.Consumer, FirstName = "Jürgen", LastName = "Weiß", PreferredLanguage = "de", TimeZoneId = "Europe/Berlin",
            Addresses = [new DebtorAddress { Street = "Hauptstraße 12", PostalCode = "10115", City = "Berlin", Country = "DE", ValidFrom = Now }],
            Phones = [new PhoneNumber { E164 = "+4915123456789", Kind = PhoneKind.Mobile, Region = "DE", AutodialConsent = true, ConsentSource = "contract", ConsentAt = Now }],
        };
        var account = new Account
        {
            CreditorId = creditor.Id, PortfolioId = PortfolioId.New(), DebtorId = debtor.Id, CreditorReference = reference,
            Industry = Industry.Telecom, Currency = "EUR", Principal = 1234.5678m, Interest = 12.34m, Fees = 5m,
            DueDate = new LocalDate(2026, 2, 28), CreatedAt = Now, UpdatedAt = Now,
            Invoices = [new Invoice { Number = "INV-2", IssuedOn = new LocalDate(2026, 1, 31), DueOn = new LocalDate(2026, 2, 28), Amount = 600m }, new Invoice { Number = "INV-1", IssuedOn = new LocalDate(2025, 12, 31), DueOn = new LocalDate(2026, 1, 31), Amount = 634.5678m }],
        };
        return (creditor, debtor, account);
    }
}

public sealed class SqliteRepositoryTests : RepositoryTests
{
    protected override Task<DatabaseOptions> NewDatabaseAsync() => Task.FromResult(TestDatabases.NewSqlite());
}

[Trait("Category", "Integration")]
public sealed class PostgresRepositoryTests(PostgresFixture postgres) : RepositoryTests
{
    protected override async Task<DatabaseOptions> NewDatabaseAsync() => await TestDatabases.NewPostgresAsync(await postgres.ServerAsync());
}
