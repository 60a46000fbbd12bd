using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Amd;

/// <summary>
/// Parameters of the answering-machine detector. The first eight mirror Asterisk's app_amd (amd.conf);
/// the rest switch on what app_amd lacks: an adaptive noise floor, beep detection and a longer wait after
/// a greeting that is too long for a "hello" but too short to call a machine.
/// </summary>
public sealed record AmdProfile : IValidatableObject
{
    /// <summary>Name of the profile that reproduces Asterisk's shipped amd.conf defaults.</summary>
    public const string AsteriskDefaultsName = "asterisk-defaults";

    /// <summary>Name of the tuned profile used unless configured otherwise.</summary>
    public const string DefaultName = "default";

    /// <summary>Name of the tuned profile that needs a sentence break before calling a long greeting a machine.</summary>
    public const string CautiousName = "cautious";

    /// <summary>Profile name, for logs and the CLI.</summary>
    [Required]
    public string Name { get; init; } = DefaultName;

    /// <summary>Silence from answer after which the detector gives up waiting for a greeting (amd.conf initial_silence).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:00:30")]
    public TimeSpan InitialSilence { get; init; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>Verdict when <see cref="InitialSilence"/> passes. Asterisk says MACHINE; a silent person is also possible.</summary>
    public AmdVerdict InitialSilenceVerdict { get; init; } = AmdVerdict.Machine;

    /// <summary>Voiced time of the greeting beyond which it is a machine (amd.conf greeting).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:00:30")]
    public TimeSpan Greeting { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Silence after a greeting that ends it and means a person is waiting (amd.conf after_greeting_silence).</summary>
    [Range(typeof(TimeSpan), "00:00:00.02", "00:00:10")]
    public TimeSpan AfterGreetingSilence { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Longest analysis from answer; undecided then is NOTSURE (amd.conf total_analysis_time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:01:00")]
    public TimeSpan TotalAnalysisTime { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Voiced time needed to count a word (amd.conf min_word_length).</summary>
    [Range(typeof(TimeSpan), "00:00:00.02", "00:00:05")]
    public TimeSpan MinimumWordLength { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Silence that separates two words (amd.conf between_words_silence).</summary>
    [Range(typeof(TimeSpan), "00:00:00.02", "00:00:05")]
    public TimeSpan BetweenWordsSilence { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most words a person's greeting has; one more is a machine (amd.conf maximum_number_of_words, "if exceeded then MACHINE").</summary>
    [Range(1, 100)]
    public int MaximumNumberOfWords { get; init; } = 2;

    /// <summary>Longest single word before the greeting is a machine's (amd.conf maximum_word_length).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan MaximumWordLength { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Mean absolute 16-bit amplitude of a 20 ms frame below which it is silence (amd.conf silence_threshold).</summary>
    [Range(1, 32767)]
    public int SilenceThreshold { get; init; } = 256;

    /// <summary>Raise the silence threshold to <see cref="NoiseFloorMargin"/> times the tracked background level.</summary>
    public bool AdaptiveNoiseFloor { get; init; }

    /// <summary>Voice must exceed the noise floor by this factor (3.0 is about 9.5 dB).</summary>
    [Range(1.0, 100.0)]
    public double NoiseFloorMargin { get; init; } = 3.0;

    /// <summary>Window of the minimum-statistics noise-floor tracker.</summary>
    [Range(typeof(TimeSpan), "00:00:00.2", "00:00:10")]
    public TimeSpan NoiseFloorWindow { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Detect a voicemail beep (steady tone between <see cref="BeepMinFrequency"/> and <see cref="BeepMaxFrequency"/>).</summary>
    public bool DetectBeep { get; init; }

    /// <summary>Lowest beep frequency searched, in Hz.</summary>
    [Range(100, 3800)]
    public int BeepMinFrequency { get; init; } = 400;

    /// <summary>Highest beep frequency searched, in Hz.</summary>
    [Range(100, 3800)]
    public int BeepMaxFrequency { get; init; } = 2000;

    /// <summary>How long the tone must hold one frequency to count as a beep.</summary>
    [Range(typeof(TimeSpan), "00:00:00.04", "00:00:05")]
    public TimeSpan BeepMinDuration { get; init; } = TimeSpan.FromMilliseconds(140);

    /// <summary>Share of a frame's energy that must sit at the tone frequency (1.0 = pure sine).</summary>
    [Range(0.1, 1.0)]
    public double BeepPurity { get; init; } = 0.7;

    /// <summary>
    /// A greeting with more voiced time than this (but under <see cref="Greeting"/>) is long for a "hello":
    /// before calling it HUMAN the detector waits <see cref="MediumGreetingExtraSilence"/> more, which is when a
    /// short voicemail greeting plays its beep or a machine starts its next sentence. Zero turns the wait off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan MediumGreeting { get; init; } = TimeSpan.Zero;

    /// <summary>Extra silence required after a greeting longer than <see cref="MediumGreeting"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan MediumGreetingExtraSilence { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// A pause inside the greeting at least this long, followed by more speech, is a sentence break. When set, a greeting
    /// that passes the word or greeting limit without one is not yet called a machine: the detector keeps listening for
    /// a break (a recorded greeting reads sentences: "You have reached Peter. Please leave a message"), a beep, or the
    /// silence of a person who said one long sentence and waits; undecided at the end it is NOTSURE (an agent takes it).
    /// Zero turns this off (Asterisk's behaviour).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan SentenceBreak { get; init; } = TimeSpan.Zero;

    /// <summary>Asterisk's app_amd defaults (configs/samples/amd.conf.sample), the baseline to beat.</summary>
    public static AmdProfile AsteriskDefaults { get; } = new() { Name = AsteriskDefaultsName };

    /// <summary>
    /// The tuned profile (see docs/amd.md for how it was tuned on the corpus's tune split): a shorter
    /// after-greeting silence for a faster HUMAN, more words allowed, a longer greeting limit backed by
    /// beep detection, and an adaptive noise floor.
    /// </summary>
    public static AmdProfile Default { get; } = new()
    {
        Name = DefaultName,
        InitialSilence = TimeSpan.FromMilliseconds(2500),
        InitialSilenceVerdict = AmdVerdict.NotSure,
        Greeting = TimeSpan.FromMilliseconds(2000),
        AfterGreetingSilence = TimeSpan.FromMilliseconds(400),
        TotalAnalysisTime = TimeSpan.FromMilliseconds(5000),
        MinimumWordLength = TimeSpan.FromMilliseconds(100),
        BetweenWordsSilence = TimeSpan.FromMilliseconds(40),
        MaximumNumberOfWords = 4,
        MaximumWordLength = TimeSpan.FromMilliseconds(5000),
        SilenceThreshold = 128,
        AdaptiveNoiseFloor = true,
        NoiseFloorMargin = 3.0,
        DetectBeep = true,
        MediumGreeting = TimeSpan.FromMilliseconds(600),
        MediumGreetingExtraSilence = TimeSpan.FromMilliseconds(400),
    };

    /// <summary>
    /// The tuned profile that also waits for a sentence break (280 ms, chosen on the tune split as the smallest pause that
    /// left no human called MACHINE there) before calling a long greeting MACHINE: far fewer people taken for machines,
    /// more machines sent to agents as NOTSURE. For campaigns where an abandoned call costs most (see docs/amd.md).
    /// </summary>
    public static AmdProfile Cautious { get; } = Default with { Name = CautiousName, SentenceBreak = TimeSpan.FromMilliseconds(280) };

    /// <summary>The built-in profiles by name.</summary>
    public static IReadOnlyDictionary<string, AmdProfile> BuiltIn { get; } = new Dictionary<string, AmdProfile>(StringComparer.OrdinalIgnoreCase)
    {
        [DefaultName] = Default,
        [AsteriskDefaultsName] = AsteriskDefaults,
        [CautiousName] = Cautious,
    };

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BeepMinFrequency >= BeepMaxFrequency)
        {
            yield return new ValidationResult($"BeepMinFrequency ({BeepMinFrequency}) must be below BeepMaxFrequency ({BeepMaxFrequency}).", [nameof(BeepMinFrequency), nameof(BeepMaxFrequency)]);
        }

        if (InitialSilence > TotalAnalysisTime || Greeting > TotalAnalysisTime)
        {
            yield return new ValidationResult("InitialSilence and Greeting must not exceed TotalAnalysisTime.", [nameof(InitialSilence), nameof(Greeting), nameof(TotalAnalysisTime)]);
        }
    }
}
