using System.Collections.Concurrent;
using Collections.Shared.Calendars;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.TimeZones;

namespace Collections.Shared.Workflow;

/// <summary>An account with what the workflow needs around it: debtor, creditor, case, zone and working-day calendar.</summary>
internal sealed record AccountContext(Account Account, Debtor Debtor, Creditor Creditor, Case? Case, DateTimeZone Zone, WorkingDayCalendar? Calendar)
{
    private static readonly ConcurrentDictionary<string, DateTimeZone> CountryZones = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<AccountContext> LoadAsync(CollectionsDbContext db, AccountId accountId, CancellationToken ct)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct)
            ?? throw new InvalidOperationException($"Account {accountId} does not exist.");
        var debtor = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(d => d.Id == account.DebtorId, ct);
        var creditor = await db.Creditors.SingleAsync(c => c.Id == account.CreditorId, ct);
        var @case = await db.Cases.SingleOrDefaultAsync(c => c.AccountId == accountId, ct);
        return Create(account, debtor, creditor, @case);
    }

    /// <summary>The contexts of <paramref name="accountIds"/>, loaded with four queries and not tracked (read-only uses).</summary>
    public static async Task<Dictionary<AccountId, AccountContext>> LoadManyAsync(CollectionsDbContext db, IReadOnlyCollection<AccountId> accountIds, CancellationToken ct) =>
        (await AccountState.LoadContextsAsync(db, accountIds, track: false, ct)).ToDictionary(c => c.Account.Id);

    /// <summary>The context of entities already loaded (the sweep loads thousands of accounts at once).</summary>
    public static AccountContext Create(Account account, Debtor debtor, Creditor creditor, Case? @case)
    {
        var (zone, calendar) = Locate(debtor, creditor.Country);
        return new AccountContext(account, debtor, creditor, @case, zone, calendar);
    }

    /// <summary>The debtor's time zone and working-day calendar: from their address and numbers, else the creditor's country.
    /// <paramref name="debtor"/> needs its addresses and phones.</summary>
    public static (DateTimeZone Zone, WorkingDayCalendar? Calendar) Locate(Debtor debtor, string creditorCountry)
    {
        var resolved = DebtorZoneResolver.Resolve(debtor);
        var country = resolved?.Country ?? creditorCountry;
        var zone = resolved is { Zones.Count: > 0 } && resolved.Primary.Id != "Etc/Unknown" ? resolved.Primary : ZoneOfCountry(country);
        // Working days and holidays come from the debtor's country (seed 001: "the next working morning").
        WorkingDayCalendars.TryGet(country, out var calendar);
        return (zone, calendar);
    }

    /// <summary>Today in the debtor's zone.</summary>
    public LocalDate Today(Instant now) => now.InZone(Zone).Date;

    /// <summary>The jurisdiction whose law applies to the claim (payment allocation, statutory interest): the country of the
    /// debtor's current address, else the creditor's seat; upper case.</summary>
    public string Jurisdiction => (Debtor.CurrentAddress?.Country ?? Creditor.Country).ToUpperInvariant();

    private static DateTimeZone ZoneOfCountry(string country) => CountryZones.GetOrAdd(country, static c =>
    {
        var location = TzdbDateTimeZoneSource.Default.ZoneLocations?.FirstOrDefault(l => string.Equals(l.CountryCode, c, StringComparison.OrdinalIgnoreCase));
        return location is null ? DateTimeZone.Utc : DateTimeZoneProviders.Tzdb[location.ZoneId];
    });
}
