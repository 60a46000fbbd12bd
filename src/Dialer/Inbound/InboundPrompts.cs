using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Inbound;

/// <summary>The IVR's recorded prompts, 8 kHz PCM, read once at start: a welcome with the menu, the hold message, the closed
/// message and the voicemail invitation (ending in a tone) per language, and the music on hold.</summary>
internal sealed class InboundPrompts
{
    /// <summary>The languages the shipped prompts speak (the console's languages).</summary>
    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal) { "en", "de", "hu", "lv", "sl", "sq" };

    private readonly Dictionary<string, short[]> _clips = new(StringComparer.Ordinal);

    public InboundPrompts(string? directory)
    {
        var dir = directory ?? Path.Combine(AppContext.BaseDirectory, "Inbound", "Prompts");
        foreach (var language in Languages)
        {
            foreach (var name in new[] { "welcome", "hold", "closed", "voicemail" })
            {
                _clips[$"{name}-{language}"] = Read(dir, $"{name}-{language}.wav");
            }
        }

        Music = Read(dir, "music.wav");
    }

    public short[] Music { get; }

    public short[] Welcome(string language) => _clips[$"welcome-{language}"];

    public short[] Hold(string language) => _clips[$"hold-{language}"];

    public short[] Closed(string language) => _clips[$"closed-{language}"];

    public short[] Voicemail(string language) => _clips[$"voicemail-{language}"];

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
