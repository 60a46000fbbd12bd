using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Demo;

/// <summary>Loads the demo data into an empty database on the demo's first start; does nothing once any creditor exists.</summary>
public static class DemoDataSeeder
{
    /// <summary>Generates the demo data for <paramref name="seed"/> and loads it when the database has no creditor yet.</summary>
    /// <returns>True when the data was loaded; false when the database already held creditors.</returns>
    public static Task<bool> SeedIfEmptyAsync(CollectionsDbContext db, Instant now, int seed = DemoDataGenerator.DefaultSeed, CancellationToken ct = default) =>
        SeedIfEmptyAsync(db, () => DemoDataGenerator.Generate(now, seed), ct);

    /// <summary>Loads <paramref name="data"/> when the database has no creditor yet (for a demo of another size).</summary>
    public static Task<bool> SeedIfEmptyAsync(CollectionsDbContext db, DemoData data, CancellationToken ct = default) =>
        SeedIfEmptyAsync(db, () => data, ct);

    private static async Task<bool> SeedIfEmptyAsync(CollectionsDbContext db, Func<DemoData> generate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (await db.Creditors.AnyAsync(ct).ConfigureAwait(false))
        {
            return false;
        }

        var data = generate();
        // The execution strategy owns the transaction, so a provider configured to retry can replay it whole.
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                if (await db.Creditors.AnyAsync(ct).ConfigureAwait(false))
                {
                    return false;
                }

                db.Creditors.AddRange(data.Creditors);
                db.Portfolios.AddRange(data.Portfolios);
                db.Agents.AddRange(data.Agents);
                db.Campaigns.AddRange(data.Campaigns);
                db.Debtors.AddRange(data.Debtors);
                db.OptOuts.AddRange(data.OptOuts);
                db.Accounts.AddRange(data.Accounts);
                db.Cases.AddRange(data.Cases);
                db.ContactAttempts.AddRange(data.ContactAttempts);
                db.Dispositions.AddRange(data.Dispositions);
                db.Promises.AddRange(data.Promises);
                db.InstalmentPlans.AddRange(data.InstalmentPlans);
                db.Payments.AddRange(data.Payments);
                db.Holds.AddRange(data.Holds);
                db.ScheduledContacts.AddRange(data.ScheduledContacts);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Two nodes started on an empty shared database at once: the unique creditor code let one win.
            db.ChangeTracker.Clear();
            if (await db.Creditors.AnyAsync(ct).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }
}
