using Collections.Shared.Demo;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Tests.Demo;

public sealed class DemoDataSeederTests : IDisposable
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 26, 10, 30, 15);
    private readonly string folder = Directory.CreateTempSubdirectory("collections-demo-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task SeedIfEmpty_OnAnEmptyDatabase_LoadsEverything_AndASecondRunAddsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var expected = DemoDataGenerator.Generate(Now);
        await using (var db = await CreateDatabaseAsync(ct))
        {
            Assert.True(await DemoDataSeeder.SeedIfEmptyAsync(db, Now, ct: ct));
        }

        Dictionary<string, int> afterFirst;
        await using (var db = Open())
        {
            afterFirst = await CountAsync(db, ct);
            Assert.Equal(expected.Creditors.Count, afterFirst["creditors"]);
            Assert.Equal(expected.Portfolios.Count, afterFirst["portfolios"]);
            Assert.Equal(expected.Debtors.Count, afterFirst["debtors"]);
            Assert.Equal(expected.Debtors.Sum(d => d.Addresses.Count), afterFirst["addresses"]);
            Assert.Equal(expected.Debtors.Sum(d => d.Phones.Count), afterFirst["phones"]);
            Assert.Equal(expected.OptOuts.Count, afterFirst["optOuts"]);
            Assert.Equal(expected.Accounts.Count, afterFirst["accounts"]);
            Assert.Equal(expected.Accounts.Sum(a => a.Invoices.Count), afterFirst["invoices"]);
            Assert.Equal(expected.Cases.Count, afterFirst["cases"]);
            Assert.Equal(expected.Agents.Count, afterFirst["agents"]);
            Assert.Equal(expected.Campaigns.Count, afterFirst["campaigns"]);
            Assert.Equal(expected.ContactAttempts.Count, afterFirst["attempts"]);
            Assert.Equal(expected.Dispositions.Count, afterFirst["dispositions"]);
            Assert.Equal(expected.Promises.Count, afterFirst["promises"]);
            Assert.Equal(expected.InstalmentPlans.Count, afterFirst["plans"]);
            Assert.Equal(expected.InstalmentPlans.Sum(p => p.Instalments.Count), afterFirst["instalments"]);
            Assert.Equal(expected.Payments.Count, afterFirst["payments"]);
            Assert.Equal(expected.Holds.Count, afterFirst["holds"]);

            // Same ids and text as generated, diacritics intact after the round trip.
            var latvian = expected.Debtors.First(d => d.PreferredLanguage == "lv" && d.Kind == DebtorKind.Consumer);
            var stored = await db.Debtors.Include(d => d.Phones).SingleAsync(d => d.Id == latvian.Id, ct);
            Assert.Equal(latvian.LastName, stored.LastName);
            Assert.Equal(latvian.Phones.Select(p => p.E164).Order(), stored.Phones.Select(p => p.E164).Order());
            var account = expected.Accounts[0];
            var storedAccount = await db.Accounts.SingleAsync(a => a.Id == account.Id, ct);
            Assert.Equal(account.DueDate, storedAccount.DueDate);
            Assert.Equal(account.Principal, storedAccount.Principal);
        }

        await using (var db = Open())
        {
            Assert.False(await DemoDataSeeder.SeedIfEmptyAsync(db, Now, ct: ct));
            // Another seed or time would be different data; it must still not be loaded on top.
            Assert.False(await DemoDataSeeder.SeedIfEmptyAsync(db, Now + Duration.FromDays(3), seed: 99, ct: ct));
        }

        await using (var db = Open())
        {
            Assert.Equal(afterFirst, await CountAsync(db, ct));
        }
    }

    [Fact]
    public async Task SeedIfEmpty_WhenACreditorExists_LoadsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await CreateDatabaseAsync(ct);
        db.Creditors.Add(new Creditor { Id = new CreditorId(Guid.NewGuid()), Code = "REAL-1", Name = "A real client", Country = "DE" });
        await db.SaveChangesAsync(ct);

        Assert.False(await DemoDataSeeder.SeedIfEmptyAsync(db, Now, ct: ct));

        Assert.Equal(1, await db.Creditors.CountAsync(ct));
        Assert.Equal(0, await db.Debtors.CountAsync(ct));
    }

    private string ConnectionString => $"Data Source={Path.Combine(folder, "demo.db")}";

    private CollectionsDbContext Open() =>
        DatabaseSetup.CreateContext(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = ConnectionString });

    private async Task<CollectionsDbContext> CreateDatabaseAsync(CancellationToken ct)
    {
        var db = Open();
        await db.Database.MigrateAsync(ct);
        return db;
    }

    private static async Task<Dictionary<string, int>> CountAsync(CollectionsDbContext db, CancellationToken ct) => new()
    {
        ["creditors"] = await db.Creditors.CountAsync(ct),
        ["portfolios"] = await db.Portfolios.CountAsync(ct),
        ["debtors"] = await db.Debtors.CountAsync(ct),
        ["addresses"] = await db.Addresses.CountAsync(ct),
        ["phones"] = await db.PhoneNumbers.CountAsync(ct),
        ["optOuts"] = await db.OptOuts.CountAsync(ct),
        ["accounts"] = await db.Accounts.CountAsync(ct),
        ["invoices"] = await db.Invoices.CountAsync(ct),
        ["cases"] = await db.Cases.CountAsync(ct),
        ["agents"] = await db.Agents.CountAsync(ct),
        ["campaigns"] = await db.Campaigns.CountAsync(ct),
        ["attempts"] = await db.ContactAttempts.CountAsync(ct),
        ["dispositions"] = await db.Dispositions.CountAsync(ct),
        ["promises"] = await db.Promises.CountAsync(ct),
        ["plans"] = await db.InstalmentPlans.CountAsync(ct),
        ["instalments"] = await db.Instalments.CountAsync(ct),
        ["payments"] = await db.Payments.CountAsync(ct),
        ["holds"] = await db.Holds.CountAsync(ct),
    };
}
