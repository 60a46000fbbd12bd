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

    private static readonly ReplyKeywords Keywords = new(ByLanguage);

    /// <summary>True when <paramref name="body"/> is an opt-out request.</summary>
    public static bool IsOptOut(string body) => Keywords.Matches(body);
}

/// <summary>Replies that say the debt is paid ("PAID"), in every language we write in: an operator checks the bank statement,
/// and the case's next strategy step waits for it.</summary>
/// <remarks>Matched like the opt-out keywords (the whole reply, or its first word; case and accents ignored), so "Paid
/// yesterday" counts and "I have not paid" does not. Opt-out wins when a reply is both.</remarks>
public static class PaymentReplyKeywords
{
    /// <summary>Words and short phrases per language.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ByLanguage = new Dictionary<string, IReadOnlyList<string>>
    {
        ["en"] = ["PAID", "ALREADY PAID", "I PAID", "I HAVE PAID", "I'VE PAID"],
        // German: "bezahlt" (paid), "ich habe bezahlt", "schon bezahlt" (already paid), "überwiesen" (transferred).
        ["de"] = ["BEZAHLT", "ICH HABE BEZAHLT", "SCHON BEZAHLT", "ÜBERWIESEN"],
        // Hungarian: "fizettem" (I paid), "kifizettem" (I paid it off), "befizettem" (I paid it in), "kifizetve" (paid).
        ["hu"] = ["FIZETTEM", "KIFIZETTEM", "BEFIZETTEM", "KIFIZETVE"],
        // Latvian: "samaksāju" (I paid), "samaksāts" / "apmaksāts" (paid).
        ["lv"] = ["SAMAKSĀJU", "SAMAKSĀTS", "APMAKSĀTS"],
        // Slovenian: "plačal" / "plačala" (I paid, m./f.), "plačano" (paid).
        ["sl"] = ["PLAČAL", "PLAČALA", "PLAČANO", "SEM PLAČAL", "SEM PLAČALA"],
        // Albanian: "paguar" (paid), "pagova" (I paid), "e pagova" (I paid it).
        ["sq"] = ["PAGUAR", "PAGOVA", "E PAGOVA"],
    };

    private static readonly ReplyKeywords Keywords = new(ByLanguage);

    /// <summary>True when <paramref name="body"/> says the debt is paid.</summary>
    public static bool ReportsPayment(string body) => Keywords.Matches(body);
}

/// <summary>A set of reply keywords matched against the whole reply or its first word, case and accents ignored.</summary>
internal sealed class ReplyKeywords(IReadOnlyDictionary<string, IReadOnlyList<string>> byLanguage)
{
    private static readonly char[] Separators = [' ', '\t', '\n', '\r', ',', '.', '!', ';', ':'];
    private readonly HashSet<string> all = byLanguage.Values.SelectMany(k => k).Select(Fold).ToHashSet(StringComparer.Ordinal);

    public bool Matches(string body)
    {
        var words = body.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && (all.Contains(Fold(string.Join(' ', words))) || all.Contains(Fold(words[0])));
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
