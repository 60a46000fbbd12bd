using System.Globalization;
using System.Text;

namespace Collections.Dialer.Messaging.Inbound;

/// <summary>Words a debtor texts to stop messages, in every language we write in.</summary>
/// <remarks>
/// English: Twilio's default opt-out keywords for long codes (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) plus OPTOUT and
/// REVOKE, which the CTIA Messaging Principles and the FCC's 2024 revocation order (47 CFR 64.1200(a)(10)) treat as revocation.
/// Other languages: the imperative "stop" and "unsubscribe" as a native speaker would text them; STOP itself is understood
/// everywhere. Regulation F 12 CFR 1006.6(e) asks for a reasonable way to opt out: we accept the keyword alone or as the
/// first word ("Stop, please"), with or without accents (phones often drop them), in any case.
/// </remarks>
public static class OptOutKeywords
{
    /// <summary>Keywords per language, as written in the templates' opt-out notices.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ByLanguage = new Dictionary<string, IReadOnlyList<string>>
    {
        ["en"] = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"],
        // German: "Stopp" (imperative, the usual SMS keyword of German providers), "abmelden" (unsubscribe).
        ["de"] = ["STOPP", "ABMELDEN"],
        // Hungarian: "leiratkozás" (unsubscription), "leiratkozom" (I unsubscribe); STOP is the common SMS keyword.
        ["hu"] = ["LEIRATKOZÁS", "LEIRATKOZOM"],
        // Latvian: "atrakstīties" (to unsubscribe), "atteikties" (to opt out).
        ["lv"] = ["ATRAKSTĪTIES", "ATTEIKTIES"],
        // Slovenian: "odjava" (unsubscription), "odjavi" (unsubscribe).
        ["sl"] = ["ODJAVA", "ODJAVI"],
        // Albanian: "ndalo" (stop!), "çregjistrohu" (unsubscribe).
        ["sq"] = ["NDALO", "ÇREGJISTROHU"],
    };

    private static readonly HashSet<string> All = ByLanguage.Values.SelectMany(k => k).Select(Fold).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when <paramref name="body"/> is an opt-out request.</summary>
    public static bool IsOptOut(string body)
    {
        var text = body.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        var firstWord = text.Split([' ', '\t', '\n', '\r', ',', '.', '!', ';', ':'], 2, StringSplitOptions.RemoveEmptyEntries)[0];
        return All.Contains(Fold(text.TrimEnd('.', '!', ' '))) || All.Contains(Fold(firstWord));
    }

    /// <summary>Upper case without diacritics: "Leiratkozás" and "LEIRATKOZAS" compare equal.</summary>
    private static string Fold(string word)
    {
        var decomposed = word.ToUpperInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
