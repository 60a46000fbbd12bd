using System.Globalization;

namespace Collections.Shared.FieldVisits;

/// <summary>A place to visit, as the route needs it.</summary>
/// <param name="Id">The visit task.</param>
/// <param name="Country">ISO 3166-1 alpha-2.</param>
/// <param name="PostalCode">The postcode as written on the address.</param>
/// <param name="City">The town.</param>
/// <param name="Street">Street and house number.</param>
public sealed record VisitStop(Guid Id, string Country, string PostalCode, string City, string Street);

/// <summary>The stops of one town and postcode, in the order to walk them.</summary>
public sealed record VisitGroup(string Country, string PostalCode, string City, IReadOnlyList<VisitStop> Stops);

/// <summary>
/// Orders a day's visits into a route by postcode, with no map: stops are grouped by country, postcode and town; groups follow
/// each other in postcode order (numeric where the postcode is a number, as in DE, HU, SI, AL, LV "LV-1050" and US; by
/// character otherwise, which keeps GB outward codes such as "SW1A" together); inside a group, by street name and then
/// house number. Postcodes are handed out by area in all of these countries, so neighbouring codes are mostly
/// neighbouring districts: a field agent gets a walk that does not cross town twice, which is what this is for. It is not
/// a shortest path (that would need geocoding, which this product does not do); an agent may reorder on the phone.
/// </summary>
public static class VisitRoute
{
    /// <summary>The stops grouped and ordered as described on the type.</summary>
    public static IReadOnlyList<VisitGroup> Order(IEnumerable<VisitStop> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        return [.. stops
            .GroupBy(s => (Country: s.Country.Trim().ToUpperInvariant(), Postal: Normalize(s.PostalCode), City: s.City.Trim().ToUpperInvariant()))
            .OrderBy(g => g.Key.Country, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Postal, PostcodeComparer.Instance)
            .ThenBy(g => g.Key.City, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                return new VisitGroup(g.Key.Country, first.PostalCode.Trim(), first.City.Trim(),
                    [.. g.OrderBy(s => StreetName(s.Street), StringComparer.OrdinalIgnoreCase).ThenBy(s => HouseNumber(s.Street)).ThenBy(s => s.Street, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Id)]);
            })];
    }

    private static string Normalize(string postcode) => postcode.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The street without its house number ("Fő utca 12/A" gives "Fő utca").</summary>
    internal static string StreetName(string street)
    {
        var parts = street.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = parts.Where(p => !char.IsDigit(p[0])).ToList();
        return string.Join(' ', kept.Count == 0 ? parts : kept);
    }

    /// <summary>The first number in the street line (the house number, before or after the name), else int.MaxValue.</summary>
    internal static int HouseNumber(string street)
    {
        foreach (var part in street.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var digits = new string([.. part.TakeWhile(char.IsDigit)]);
            if (digits.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return int.MaxValue;
    }

    /// <summary>Numbers by value (the digits of "LV-1050" or "1051"), others by character; numbers first.</summary>
    private sealed class PostcodeComparer : IComparer<string>
    {
        public static readonly PostcodeComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var (a, b) = (Number(x ?? ""), Number(y ?? ""));
            return (a, b) switch
            {
                ({ } m, { } n) when m != n => m.CompareTo(n),
                (not null, null) => -1,
                (null, not null) => 1,
                _ => string.CompareOrdinal(x, y),
            };
        }

        private static long? Number(string postcode)
        {
            var digits = postcode.Contains('-', StringComparison.Ordinal) ? postcode[(postcode.IndexOf('-', StringComparison.Ordinal) + 1)..] : postcode;
            return digits.Length is > 0 and <= 10 && digits.All(char.IsDigit) ? long.Parse(digits, CultureInfo.InvariantCulture) : null;
        }
    }
}
