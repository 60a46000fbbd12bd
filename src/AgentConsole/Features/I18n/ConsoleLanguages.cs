namespace Collections.AgentConsole.Features.I18n;

/// <summary>The languages the console's pages are translated into (one <c>wwwroot/i18n/{code}.json</c> each), and how a
/// user's language is chosen: the language saved in their profile, else the first language the operator speaks that the
/// console has, else English.</summary>
public static class ConsoleLanguages
{
    /// <summary>English: the language of the keys' reference texts and of users with no other choice.</summary>
    public const string Default = "en";

    /// <summary>The seed markets' languages (Albanian, Latvian, German, Slovenian, Hungarian) and English, ISO 639-1.</summary>
    public static readonly IReadOnlyList<string> Supported = ["sq", "lv", "de", "sl", "hu", "en"];

    /// <summary>True when the console has a translation for <paramref name="code"/> (exact, lower-case ISO 639-1).</summary>
    public static bool IsSupported(string? code) => code is not null && Supported.Contains(code, StringComparer.Ordinal);

    /// <summary>The language to show: the profile's choice, else the operator's first supported language, else English.</summary>
    public static string Resolve(string? profile, IEnumerable<string> spoken)
    {
        if (IsSupported(profile))
        {
            return profile!;
        }

        // Agent.Languages holds BCP 47 tags ("de", "de-AT"): the primary subtag decides.
        return spoken.Select(l => l.Split('-')[0].ToLowerInvariant()).FirstOrDefault(IsSupported) ?? Default;
    }
}
