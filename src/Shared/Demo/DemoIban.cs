using System.Globalization;
using System.Text;

namespace Collections.Shared.Demo;

/// <summary>Builds IBANs with correct ISO 13616 check digits for the demo's payers (new bank details are a warning sign).</summary>
internal static class DemoIban
{
    /// <summary>An IBAN for <paramref name="country"/>, or null where IBANs are not used (US).</summary>
    public static string? Create(Random rng, string country)
    {
        var bban = country switch
        {
            // Bank code (8 digits, "Bankleitzahl") and account number (10 digits).
            "DE" => Digits(rng, 18),
            // Bank, branch and account digits; the national check digits are not computed for the demo.
            "HU" => Digits(rng, 24),
            "LV" => Pick(rng, ["HABA", "UNLA", "PARX", "RIKO"]) + Digits(rng, 13),
            "SI" => SloveneBban(rng),
            "AL" => Digits(rng, 24),
            "GB" => Pick(rng, ["NWBK", "BARC", "LOYD", "HBUK"]) + Digits(rng, 14),
            _ => null,
        };
        return bban is null ? null : country + CheckDigits(country, bban) + bban;
    }

    /// <summary>True when <paramref name="iban"/> passes the ISO 13616 mod-97 check.</summary>
    public static bool IsValid(string iban) =>
        iban.Length is >= 15 and <= 34 && Mod97(iban[4..] + iban[..4]) == 1;

    private static string CheckDigits(string country, string bban) =>
        (98 - Mod97(bban + country + "00")).ToString("00", CultureInfo.InvariantCulture);

    // Slovene BBANs end in an ISO 7064 MOD 97-10 check over the first 13 digits, so every SI IBAN reads "SI56".
    private static string SloveneBban(Random rng)
    {
        var body = Digits(rng, 13);
        var check = 98 - Mod97(body + "00");
        return body + check.ToString("00", CultureInfo.InvariantCulture);
    }

    private static int Mod97(string value)
    {
        var remainder = 0;
        foreach (var c in value)
        {
            var digits = char.IsLetter(c) ? (c - 'A' + 10).ToString(CultureInfo.InvariantCulture) : c.ToString();
            foreach (var d in digits)
            {
                remainder = ((remainder * 10) + (d - '0')) % 97;
            }
        }

        return remainder;
    }

    private static string Digits(Random rng, int count)
    {
        var builder = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            builder.Append((char)('0' + rng.Next(10)));
        }

        return builder.ToString();
    }

    private static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];
}
