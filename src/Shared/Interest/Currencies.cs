namespace Collections.Shared.Interest;

/// <summary>ISO 4217 currencies this system handles, with their minor-unit exponent (decimal places).</summary>
public static class Currencies
{
    // ISO 4217 list one table (SIX, current as of 2025). HUF and ALL keep two decimals in ISO 4217 although
    // cash has none; amounts are still rounded to the ISO exponent so statements add up.
    private static readonly Dictionary<string, int> MinorUnits = new(StringComparer.Ordinal)
    {
        ["EUR"] = 2, ["HUF"] = 2, ["ALL"] = 2, ["GBP"] = 2, ["USD"] = 2, ["CHF"] = 2, ["CZK"] = 2, ["PLN"] = 2,
        ["RON"] = 2, ["BGN"] = 2, ["SEK"] = 2, ["DKK"] = 2, ["NOK"] = 2, ["RSD"] = 2, ["MKD"] = 2, ["BAM"] = 2,
        ["TRY"] = 2, ["UAH"] = 2, ["CAD"] = 2, ["AUD"] = 2, ["ISK"] = 0, ["JPY"] = 0,
    };

    /// <summary>True when <paramref name="code"/> is a known ISO 4217 code (upper case).</summary>
    public static bool IsKnown(string code) => MinorUnits.ContainsKey(code);

    /// <summary>Decimal places of <paramref name="code"/>; throws for an unknown code.</summary>
    public static int MinorUnit(string code) =>
        MinorUnits.TryGetValue(code, out var digits) ? digits : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// <summary>Rounds <paramref name="amount"/> to the minor unit of <paramref name="code"/>, half away from zero (commercial rounding).</summary>
    public static decimal Round(decimal amount, string code) => Math.Round(amount, MinorUnit(code), MidpointRounding.AwayFromZero);
}
