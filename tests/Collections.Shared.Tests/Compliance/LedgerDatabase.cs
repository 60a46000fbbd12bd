using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Tests.Compliance;

/// <summary>A migrated SQLite file in a temporary folder with one creditor, one New York debtor and one account.</summary>
internal sealed class LedgerDatabase : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("collections-ledger-").FullName;

    private LedgerDatabase(DatabaseOptions? options)
    {
        Options = options ?? new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "ledger.db")};Pooling=False" };
    }

    public DatabaseOptions Options { get; }

    public Account Account { get; private set; } = null!;

    public Debtor Debtor { get; private set; } = null!;

    public CollectionsDbContext CreateContext() => DatabaseSetup.CreateContext(Options);

    /// <summary>A migrated database (a SQLite file of its own, or <paramref name="options"/>' database) with one US debtor's account.</summary>
    public static async Task<LedgerDatabase> CreateAsync(bool consent = true, DatabaseOptions? options = null)
    {
        var database = new LedgerDatabase(options);
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);

        var creditor = new Creditor { Code = "ACME", Name = "Acme Telecom", Country = "US" };
        var portfolio = new Portfolio { CreditorId = creditor.Id, Name = "2026-01", CreatedAt = Instant.FromUtc(2026, 1, 1, 0, 0) };
        var debtor = ComplianceTestData.Debtor("US", ComplianceTestData.UsMobile, consent: consent, timeZoneId: "America/New_York");
        var account = ComplianceTestData.Account(debtor);
        account.CreditorId = creditor.Id;
        account.PortfolioId = portfolio.Id;
        account.CreditorReference = "ACME-1001";
        db.AddRange(creditor, portfolio, debtor, account);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        database.Account = account;
        database.Debtor = debtor;
        return database;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner is left for the OS to clean up; the test result does not depend on it.
        }

        return ValueTask.CompletedTask;
    }
}
