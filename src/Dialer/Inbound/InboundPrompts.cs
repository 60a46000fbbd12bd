using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Inbound;

/// <summary>The IVR's recorded prompts, 8 kHz PCM, read once at start: a welcome with the menu, the hold message, the closed
/// message and the voicemail invitation (ending in a tone) per language, and the music on hold; the queue position, the
/// identification and balance phrases, numbers and currency names, joined into sentences as they are spoken.</summary>
internal sealed class InboundPrompts
{
    /// <summary>The currencies whose names the shipped prompts speak; a balance in another is not read out (an operator gives it).</summary>
    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>(StringComparer.Ordinal) { "EUR", "GBP", "USD", "HUF", "ALL", "CHF" };

    private static readonly string[] Phrases =
        ["welcome", "hold", "closed", "voicemail", "position", "menu-balance", "identify-dob", "identify-reference", "identify-either",
         "identify-retry", "identify-failed", "balance", "and", "thousand"];

    /// <summary>The languages the shipped prompts speak (the console's languages).</summary>
    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal) { "en", "de", "hu", "lv", "sl", "sq" };

    /// <summary>A tenth of a second of silence between joined phrases.</summary>
    private static readonly short[] Gap = new short[800];

    private readonly Dictionary<string, short[]> _clips = new(StringComparer.Ordinal);

    public InboundPrompts(string? directory)
    {
        var dir = directory ?? Path.Combine(AppContext.BaseDirectory, "Inbound", "Prompts");
        foreach (var language in Languages)
        {
            foreach (var name in Phrases)
            {
                _clips[$"{name}-{language}"] = Read(dir, $"{name}-{language}.wav");
            }

            foreach (var n in Enumerable.Range(0, 100).Concat(Enumerable.Range(1, 9).Select(h => h * 100)).Concat(Enumerable.Range(1, 9).Select(t => t * 1000)))
            {
                _clips[$"n{n}-{language}"] = Read(dir, $"n{n}-{language}.wav");
            }

            foreach (var code in Currencies)
            {
                _clips[$"currency-{code}-{language}"] = Read(dir, $"currency-{code}-{language}.wav");
                _clips[$"minor-{code}-{language}"] = Read(dir, $"minor-{code}-{language}.wav");
            }

            // The menu: the welcome ("to speak to an adviser, press 1") and the account information choice, for every caller
            // (offering it only to callers we recognise would tell whoever holds the phone that we know the number).
            _clips[$"menu-{language}"] = Join(_clips[$"welcome-{language}"], Gap, _clips[$"menu-balance-{language}"]);
        }

        Music = Read(dir, "music.wav");
    }

    public short[] Music { get; }

    public short[] Welcome(string language) => _clips[$"welcome-{language}"];

    public short[] Hold(string language) => _clips[$"hold-{language}"];

    public short[] Closed(string language) => _clips[$"closed-{language}"];

    public short[] Voicemail(string language) => _clips[$"voicemail-{language}"];

    /// <summary>The welcome with both menu choices (1: an adviser, 2: account information).</summary>
    public short[] Menu(string language) => _clips[$"menu-{language}"];

    /// <summary>"Your number in the queue is N."</summary>
    public short[] Position(string language, int position) => Join([_clips[$"position-{language}"], Gap, .. Number(language, position)]);

    /// <summary>The request for identification by the methods allowed.</summary>
    public short[] Identify(string language, bool dateOfBirth, bool reference) =>
        _clips[$"identify-{(dateOfBirth && reference ? "either" : dateOfBirth ? "dob" : "reference")}-{language}"];

    /// <summary>"That did not match. Please try again."</summary>
    public short[] IdentifyRetry(string language) => _clips[$"identify-retry-{language}"];

    /// <summary>"We could not confirm your identity. Please hold for an adviser."</summary>
    public short[] IdentifyFailed(string language) => _clips[$"identify-failed-{language}"];

    /// <summary>"The balance of your account is 1234 euros and 56 cents"; null for a currency the prompts cannot name.</summary>
    public short[]? Balance(string language, decimal amount, string currency)
    {
        if (!Currencies.Contains(currency))
        {
            return null;
        }

        // The amount in whole units and hundredths (every currency named here has two decimals in ISO 4217); a credit
        // balance is stated as zero owed.
        var rounded = Math.Max(0, Math.Round(amount, 2, MidpointRounding.AwayFromZero));
        var whole = (long)Math.Truncate(rounded);
        var cents = (int)((rounded - whole) * 100);
        var parts = new List<short[]> { _clips[$"balance-{language}"], Gap };
        parts.AddRange(Number(language, whole));
        parts.Add(_clips[$"currency-{currency}-{language}"]);
        if (cents > 0)
        {
            parts.Add(_clips[$"and-{language}"]);
            parts.AddRange(Number(language, cents));
            parts.Add(_clips[$"minor-{currency}-{language}"]);
        }

        return Join([.. parts]);
    }

    /// <summary>
    /// The clips that say <paramref name="value"/>: whole words from 0 to 99, hundreds and thousands as recorded
    /// ("1000" "200" "34"), counts of thousands above nine as a number and the word "thousand" ("12" "thousand" "345"); above
    /// 999,999 digit by digit (no balance or queue on this floor reaches it).
    /// </summary>
    public IEnumerable<short[]> Number(string language, long value)
    {
        if (value is < 0 or > 999_999)
        {
            return value.ToString(System.Globalization.CultureInfo.InvariantCulture).Where(char.IsAsciiDigit).Select(d => _clips[$"n{d - '0'}-{language}"]);
        }

        var parts = new List<short[]>();
        var thousands = value / 1000;
        var rest = value % 1000;
        if (thousands is > 0 and < 10)
        {
            parts.Add(_clips[$"n{thousands * 1000}-{language}"]);
        }
        else if (thousands >= 10)
        {
            parts.AddRange(Below1000(language, thousands));
            parts.Add(_clips[$"thousand-{language}"]);
        }

        if (rest != 0 || value == 0)
        {
            parts.AddRange(Below1000(language, rest));
        }

        return parts;
    }

    private IEnumerable<short[]> Below1000(string language, long value)
    {
        if (value >= 100)
        {
            yield return _clips[$"n{value / 100 * 100}-{language}"];
        }

        if (value % 100 != 0 || value == 0)
        {
            yield return _clips[$"n{value % 100}-{language}"];
        }
    }

    private static short[] Join(params short[][] parts)
    {
        var joined = new short[parts.Sum(p => p.Length + 80)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(joined, at);
            at += part.Length + 80;   // 10 ms between words: espeak's trimmed clips would otherwise run together
        }

        return joined;
    }

    private static short[] Read(string dir, string file)
    {
        var path = Path.Combine(dir, file);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{InboundOptions.Section}:{nameof(InboundOptions.PromptsDirectory)}: the IVR prompt {path} is missing.");
        }

        var wav = WavFile.Read(path);
        return wav.SampleRate == 8000 && wav.Channels == 1
            ? wav.Samples
            : throw new InvalidOperationException($"{InboundOptions.Section}:{nameof(InboundOptions.PromptsDirectory)}: {path} must be 8 kHz mono.");
    }
}
