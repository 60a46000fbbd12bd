using Collections.Shared.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Tests.Accounts;

/// <summary>The operator's account search over the demo book: each way a debtor identifies themselves on the phone or in a
/// letter finds their account, written the way people type it.</summary>
public sealed class AccountSearchTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 26, 10, 30, 15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finds_an_account_by_name_reference_phone_email_and_postal_code_on_sqlite() =>
        await FindsEveryWayAsync(await TestDatabases.NewSqlite().MigrateAsync());

    [Fact]
    public async Task A_query_too_short_is_refused_naming_the_query_and_a_stranger_finds_nothing()
    {
        var options = await TestDatabases.NewSqlite().MigrateAsync();
        await using var db = await SeedAsync(options);
        var (none, error) = await AccountSearch.FindAsync(db, " a ", Ct);
        Assert.Empty(none);
        Assert.StartsWith("query:", error, StringComparison.Ordinal);
        var (hits, noError) = await AccountSearch.FindAsync(db, "Zebediah Quuxworth", Ct);
        Assert.Null(noError);
        Assert.Empty(hits);
    }

    internal static async Task FindsEveryWayAsync(DatabaseOptions options)
    {
        await using var db = await SeedAsync(options);
        var debtor = await db.Debtors.Include(d => d.Phones).Include(d => d.Addresses)
            .Where(d => d.Kind == DebtorKind.Consumer && d.Email != null && d.Phones.Any(p => p.WrongNumberAt == null) && d.LastName != null)
            .OrderBy(d => d.Id).FirstAsync(Ct);
        var account = await db.Accounts.FirstAsync(a => a.DebtorId == debtor.Id, Ct);
        var phone = debtor.Phones.Where(p => p.WrongNumberAt == null).OrderBy(p => p.Priority).First().E164;

        // E.164 written with spaces, the national digits without the country code, the name in other case and order of words.
        var spaced = $"{phone[..3]} {phone[3..7]} {phone[7..]}";
        string[] queries =
        [
            $"{debtor.LastName!.ToUpperInvariant()} {debtor.FirstName}",
            account.CreditorReference.ToLowerInvariant(),
            spaced,
            phone[^8..],
            debtor.Email!.ToUpperInvariant(),
            debtor.CurrentAddress!.PostalCode.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant(),
        ];
        foreach (var query in queries)
        {
            var (hits, error) = await AccountSearch.FindAsync(db, query, Ct);
            Assert.Null(error);
            var hit = Assert.Single(hits, h => h.AccountId == account.Id);
            Assert.Equal((account.CreditorReference, debtor.DisplayName), (hit.Reference, hit.DebtorName));
            Assert.Equal(phone, hit.Phones[0]);
            Assert.True(hits.Count < 10, $"'{query}' is not selective: {hits.Count} hits");
        }

        // Reference, e-mail and a full number name this debtor alone.
        foreach (var exact in new[] { account.CreditorReference, debtor.Email!, spaced })
        {
            var (hits, _) = await AccountSearch.FindAsync(db, exact, Ct);
            Assert.All(hits, h => Assert.Equal(debtor.Id, h.DebtorId));
        }
    }

    private static async Task<CollectionsDbContext> SeedAsync(DatabaseOptions options)
    {
        await using (var seed = DatabaseSetup.CreateContext(options))
        {
            await DemoDataSeeder.SeedIfEmptyAsync(seed, Now, ct: Ct);
        }

        return DatabaseSetup.CreateContext(options);
    }
}

/// <summary>The same search on PostgreSQL, whose comparisons are case-sensitive where SQLite's are not.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresAccountSearchTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Finds_an_account_by_name_reference_phone_email_and_postal_code_on_postgres() =>
        await AccountSearchTests.FindsEveryWayAsync(await (await TestDatabases.NewPostgresAsync(await postgres.ServerAsync())).MigrateAsync());
}
