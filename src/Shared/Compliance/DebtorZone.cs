using Collections.Shared.Domain;
using NodaTime;
using NodaTime.TimeZones;
using PhoneNumberUtil = PhoneNumbers.PhoneNumberUtil;
using PhoneNumberToTimeZonesMapper = PhoneNumbers.PhoneNumberToTimeZonesMapper;
using NumberParseException = PhoneNumbers.NumberParseException;

namespace Collections.Shared.Compliance;

/// <summary>Where the debtor is taken to be: the jurisdiction whose pack applies and the time zones that may be theirs.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 country, or null when neither address nor phone tells.</param>
/// <param name="Zones">Candidate zones, most likely first; calling windows must hold in every one of them.</param>
/// <param name="Basis">How the zone was chosen, for the explanation.</param>
public sealed record DebtorZone(string? Country, IReadOnlyList<DateTimeZone> Zones, string Basis)
{
    /// <summary>The zone used for counting calendar days (the most likely one).</summary>
    public DateTimeZone Primary => Zones[0];

    /// <summary>The zone ids, joined for display.</summary>
    public string Describe() => string.Join("|", Zones.Select(z => z.Id));
}

/// <summary>Chooses the debtor's zone: the stored zone, else the current address country, else the phone number's region.</summary>
public static class DebtorZoneResolver
{
    private const string UnknownZone = "Etc/Unknown";

    /// <summary>Resolves the zone for a contact to <paramref name="phone"/> (or the debtor's first number when null).</summary>
    /// <remarks>
    /// When a country spans several zones and nothing narrows it, every zone of the country is kept and a calling window
    /// must hold in all of them. 12 CFR 1006.6(b)(1)(i) measures 8:00 and 21:00 in "local time at the consumer's
    /// location"; when that location is ambiguous, only a time inside the window everywhere the debtor may be is safe.
    /// </remarks>
    public static DebtorZone? Resolve(Debtor debtor, PhoneNumber? phone = null)
    {
        phone ??= debtor.Phones.OrderBy(p => p.Priority).FirstOrDefault();
        var addressCountry = debtor.CurrentAddress?.Country?.Trim().ToUpperInvariant();
        var phoneRegion = phone?.Region?.Trim().ToUpperInvariant();
        var country = string.IsNullOrEmpty(addressCountry) ? phoneRegion : addressCountry;

        if (!string.IsNullOrWhiteSpace(debtor.TimeZoneId) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(debtor.TimeZoneId) is { } stored)
        {
            return new DebtorZone(country, [stored], $"debtor time zone {stored.Id}");
        }

        // Parsed only when the address does not settle the zone: libphonenumber's parse is the costly part of a resolve,
        // and the sweep resolves thousands of debtors a second.
        List<DateTimeZone>? parsedZones = null;
        List<DateTimeZone> PhoneZones() => parsedZones ??= phone is null ? [] : ZonesOfNumber(phone.E164);
        if (!string.IsNullOrEmpty(addressCountry))
        {
            var countryZones = ZonesOfCountry(addressCountry);
            if (countryZones.Count == 1)
            {
                return new DebtorZone(country, countryZones, $"address country {addressCountry}");
            }

            if (countryZones.Count > 1)
            {
                var narrowed = phoneRegion == addressCountry
                    ? countryZones.Where(z => PhoneZones().Any(p => p.Id == z.Id)).ToList()
                    : [];
                return narrowed.Count > 0
                    ? new DebtorZone(country, narrowed, $"address country {addressCountry}, narrowed by the phone number's area")
                    : new DebtorZone(country, countryZones, $"address country {addressCountry} (all of its zones)");
            }
        }

        if (PhoneZones() is { Count: > 0 } phoneZones)
        {
            return new DebtorZone(country, phoneZones, $"phone number region {phoneRegion}");
        }

        if (!string.IsNullOrEmpty(phoneRegion) && ZonesOfCountry(phoneRegion) is { Count: > 0 } regionZones)
        {
            return new DebtorZone(country, regionZones, $"phone number region {phoneRegion} (all of its zones)");
        }

        return null;
    }

    // A country's zones depend on the tz database only; computing them (40 years of zone intervals per zone) is worth doing once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<DateTimeZone>> CountryZones = new(StringComparer.OrdinalIgnoreCase);

    private static IReadOnlyList<DateTimeZone> ZonesOfCountry(string country) => CountryZones.GetOrAdd(country, static c =>
        (TzdbDateTimeZoneSource.Default.ZoneLocations ?? [])
            .Where(l => string.Equals(l.CountryCode, c, StringComparison.OrdinalIgnoreCase))
            .Select(l => DateTimeZoneProviders.Tzdb.GetZoneOrNull(l.ZoneId))
            .OfType<DateTimeZone>()
            .DistinctBy(Rules)
            .ToList());

    // Zones that kept the same clock since 2000 (Europe/Busingen and Europe/Berlin) are one zone for calling hours.
    private static readonly Interval Span = new(Instant.FromUtc(2000, 1, 1, 0, 0), Instant.FromUtc(2040, 1, 1, 0, 0));

    private static string Rules(DateTimeZone zone) =>
        string.Join(";", zone.GetZoneIntervals(Span).Select(i => $"{(i.HasStart ? i.Start.ToUnixTimeSeconds() : 0)}:{i.WallOffset.Seconds}"));

    private static List<DateTimeZone> ZonesOfNumber(string e164)
    {
        try
        {
            var number = PhoneNumberUtil.GetInstance().Parse(e164, null);
            return PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(number)
                .Where(id => id != UnknownZone)
                .Select(id => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id))
                .OfType<DateTimeZone>()
                .ToList();
        }
        catch (NumberParseException)
        {
            return [];
        }
    }
}
