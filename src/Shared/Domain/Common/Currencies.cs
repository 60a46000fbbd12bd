using System.Collections.Frozen;

namespace Collections.Shared.Domain;

/// <summary>ISO 4217 currency codes in circulation, with their minor units and display symbols.</summary>
public static class Currencies
{
    // ISO 4217 list one (active codes) as published by SIX, 2024 edition; minor units other than 2 listed explicitly.
    private static readonly FrozenSet<string> Codes = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
        CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
        GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
        LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
        NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
        STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
        XPF YER ZAR ZMW ZWL
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, int> NonDefaultMinorUnits = new Dictionary<string, int>
    {
        ["BHD"] = 3, ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["IQD"] = 3, ["ISK"] = 0, ["JOD"] = 3,
        ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["PYG"] = 0, ["RWF"] = 0,
        ["TND"] = 3, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Symbols = new Dictionary<string, string>
    {
        ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£", ["HUF"] = "Ft", ["ALL"] = "L", ["CHF"] = "CHF",
        ["PLN"] = "zł", ["CZK"] = "Kč", ["SEK"] = "kr", ["NOK"] = "kr", ["DKK"] = "kr", ["RON"] = "lei",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="code"/> is an active ISO 4217 code (exact upper case).</summary>
    public static bool IsKnown(string? code) => code is { Length: 3 } && Codes.Contains(code);

    /// <summary>Digits after the decimal separator for the currency (2 unless ISO 4217 says otherwise).</summary>
    public static int MinorUnits(string code) => NonDefaultMinorUnits.GetValueOrDefault(code, 2);

    /// <summary>The symbol shown to people, or the code itself when no common symbol exists.</summary>
    public static string Symbol(string code) => Symbols.GetValueOrDefault(code, code);
}
