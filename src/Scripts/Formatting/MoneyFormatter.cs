using System.Collections.Concurrent;
using System.Globalization;
using Collections.Scripts.Runtime;

namespace Collections.Scripts.Formatting;

/// <summary>Formats money in a locale's number format with the currency's own symbol and minor units.</summary>
public static class MoneyFormatter
{
    // ISO 4217 minor units for currencies that do not use two decimals; every other code uses two.
    private static readonly Dictionary<string, int> MinorUnits = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    };

    private static readonly ConcurrentDictionary<(string Currency, string Language), string> Symbols = new();

    /// <summary>Formats <paramref name="money"/> as a speaker of <paramref name="culture"/> writes it, e.g. 1234.5 EUR in de-DE is "1.234,50 €".</summary>
    /// <remarks>The separators come from the culture (ICU/CLDR), so de-DE puts a no-break space (U+00A0) before the symbol.</remarks>
    public static string Format(ScriptMoney money, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var currency = money.Currency.ToUpperInvariant();
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = Symbol(currency, culture);
        format.CurrencyDecimalDigits = MinorUnits.GetValueOrDefault(currency, 2);
        return money.Amount.ToString("C", format);
    }

    /// <summary>The symbol <paramref name="culture"/> uses for <paramref name="currency"/>: its own if it is the local currency, else the symbol of a country using it, else the ISO code.</summary>
    public static string Symbol(string currency, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (!culture.IsNeutralCulture && culture.Name.Length > 0 && LocalCurrency(culture) == currency)
        {
            return culture.NumberFormat.CurrencySymbol;
        }

        return Symbols.GetOrAdd((currency, culture.TwoLetterISOLanguageName), static key =>
        {
            var users = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
                .Where(c => LocalCurrency(c) == key.Currency)
                .OrderBy(c => c.TwoLetterISOLanguageName == key.Language ? 0 : 1)
                .ThenBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
            return users.Count == 0 ? key.Currency : users[0].NumberFormat.CurrencySymbol;
        });
    }

    private static string? LocalCurrency(CultureInfo culture)
    {
        try
        {
            return new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
