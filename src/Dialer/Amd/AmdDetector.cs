using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Amd;

/// <summary>
/// Streaming answering-machine detector: fed the decoded audio of a call from the moment of answer (any
/// chunk size; analysed in 20 ms frames at 8 kHz), it decides HUMAN, MACHINE or NOTSURE.
/// </summary>
/// <remarks>
/// The state machine is Asterisk's app_amd (main/app_amd.c, "Answering Machine Detection", Asterisk 1.4 to
/// 22): a frame is silent when its mean absolute amplitude is below the threshold; consecutive voice of at
/// least the minimum word length after between-words silence counts a word; a person says a short
/// greeting and waits, a machine keeps talking. With <see cref="AmdProfile.AsteriskDefaults"/> it decides
/// as app_amd does. The tuned profile adds a noise floor that follows the line's background, a Goertzel
/// beep detector, and a longer wait after greetings too long for a "hello".
/// Not thread-safe: one detector per call leg, fed from that leg's receive loop.
/// </remarks>
public sealed class AmdDetector : IAmdDetector
{
    /// <summary>Samples per second of the audio the detector expects (G.711 narrowband).</summary>
    public const int SampleRate = 8000;

    /// <summary>Samples in one analysis frame (20 ms, the usual RTP packetisation of G.711).</summary>
    public const int FrameSamples = 160;

    private const int FrameMs = 20;

    private readonly AmdProfile _profile;
    private readonly NoiseFloorTracker? _noiseFloor;
    private readonly ToneAnalyzer? _tone;
    private readonly short[] _pending = new short[FrameSamples];
    private readonly int _initialSilenceMs;
    private readonly int _greetingMs;
    private readonly int _afterGreetingMs;
    private readonly int _totalMs;
    private readonly int _minWordMs;
    private readonly int _betweenWordsMs;
    private readonly int _maxWordMs;
    private readonly int _beepMinMs;
    private readonly int _mediumGreetingMs;
    private readonly int _mediumExtraMs;
    private readonly int _sentenceBreakMs;
    private int _pendingCount;

    private int _elapsedMs;
    private int _silenceMs;
    private int _consecutiveVoiceMs;
    private int _voiceMs;
    private int _words;
    // app_amd starts in STATE_IN_WORD: a word counts only after between-words silence has been seen.
    private bool _inWord = true;
    private bool _inInitialSilence = true;
    private bool _inGreeting;
    private int _beepRunMs;
    private int _beepFrequency;
    private bool _sentenceBreakSeen;
    private int _lastVoiceEndMs;

    /// <summary>Creates a detector for one call with the given profile.</summary>
    public AmdDetector(AmdProfile? profile = null)
    {
        _profile = profile ?? AmdProfile.Default;
        _initialSilenceMs = Ms(_profile.InitialSilence);
        _greetingMs = Ms(_profile.Greeting);
        _afterGreetingMs = Ms(_profile.AfterGreetingSilence);
        _totalMs = Ms(_profile.TotalAnalysisTime);
        _minWordMs = Ms(_profile.MinimumWordLength);
        _betweenWordsMs = Ms(_profile.BetweenWordsSilence);
        _maxWordMs = Ms(_profile.MaximumWordLength);
        _beepMinMs = Ms(_profile.BeepMinDuration);
        _mediumGreetingMs = Ms(_profile.MediumGreeting);
        _mediumExtraMs = Ms(_profile.MediumGreetingExtraSilence);
        _sentenceBreakMs = Ms(_profile.SentenceBreak);
        if (_profile.AdaptiveNoiseFloor)
        {
            _noiseFloor = new NoiseFloorTracker(Math.Max(1, Ms(_profile.NoiseFloorWindow) / FrameMs));
        }

        if (_profile.DetectBeep)
        {
            _tone = new ToneAnalyzer(_profile.BeepMinFrequency, _profile.BeepMaxFrequency);
        }
    }

    /// <summary>The profile in use.</summary>
    public AmdProfile Profile => _profile;

    /// <inheritdoc />
    public string Name => _profile.Name;

    /// <summary>The decision, once made; later audio does not change it.</summary>
    public AmdResult? Result { get; private set; }

    /// <summary>Audio analysed so far, from answer.</summary>
    public TimeSpan Elapsed => TimeSpan.FromMilliseconds(_elapsedMs);

    /// <summary>Words counted so far.</summary>
    public int Words => _words;

    /// <summary>Voiced time of the greeting so far.</summary>
    public TimeSpan VoicedTime => TimeSpan.FromMilliseconds(_voiceMs);

    /// <summary>The background level (mean absolute amplitude) tracked so far; 0 without an adaptive floor.</summary>
    public double NoiseFloor => _noiseFloor?.Floor ?? 0;

    /// <summary>The silence threshold in force for the last frame (fixed, or raised by the noise floor).</summary>
    public double CurrentThreshold { get; private set; }

    /// <summary>
    /// Feeds decoded 8 kHz samples (a 20 ms RTP payload is 160; any length works) and returns the decision
    /// once it is made, null while undecided.
    /// </summary>
    public AmdResult? Push(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty && Result is null)
        {
            var take = Math.Min(FrameSamples - _pendingCount, samples.Length);
            samples[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            samples = samples[take..];
            if (_pendingCount == FrameSamples)
            {
                _pendingCount = 0;
                ProcessFrame(_pending);
            }
        }

        return Result;
    }

    /// <summary>
    /// Feeds one G.711 RTP payload (RFC 3551: PCMU is payload type 0, PCMA type 8; 160 bytes per 20 ms),
    /// decoded on the stack; returns the decision once made.
    /// </summary>
    public AmdResult? PushG711(ReadOnlySpan<byte> payload, G711Law law)
    {
        Span<short> samples = stackalloc short[FrameSamples];
        while (!payload.IsEmpty && Result is null)
        {
            var count = Math.Min(payload.Length, FrameSamples);
            G711.Decode(payload[..count], samples, law);
            Push(samples[..count]);
            payload = payload[count..];
        }

        return Result;
    }

    /// <summary>Ends the audio (hang-up or end of file): an undecided call is NOTSURE with cause ENDOFAUDIO.</summary>
    public AmdResult Finish() =>
        Result ??= new AmdResult(AmdVerdict.NotSure, AmdCause.EndOfAudio, TimeSpan.FromMilliseconds(_elapsedMs), _words, TimeSpan.FromMilliseconds(_voiceMs), GreetingEnd);

    /// <summary>Classifies a whole recording from answer (for files and tests).</summary>
    public static AmdResult Classify(ReadOnlySpan<short> audio, AmdProfile? profile = null)
    {
        var detector = new AmdDetector(profile);
        return detector.Push(audio) ?? detector.Finish();
    }

    private void ProcessFrame(ReadOnlySpan<short> frame)
    {
        _elapsedMs += FrameMs;
        double sum = 0;
        foreach (var s in frame)
        {
            sum += Math.Abs((int)s);
        }

        var energy = sum / frame.Length;
        double threshold = _profile.SilenceThreshold;
        if (_noiseFloor is not null)
        {
            threshold = Math.Max(threshold, _noiseFloor.Update(energy) * _profile.NoiseFloorMargin);
        }

        CurrentThreshold = threshold;
        var voiced = energy >= threshold;

        if (_tone is not null && Beep(frame, voiced))
        {
            Decide(AmdVerdict.Machine, AmdCause.Beep);
            return;
        }

        if (!voiced)
        {
            Silence();
        }
        else
        {
            Voice();
        }

        if (Result is null && _elapsedMs >= _totalMs)
        {
            Decide(AmdVerdict.NotSure, AmdCause.TooLong);
        }
    }

    private bool Beep(ReadOnlySpan<short> frame, bool voiced)
    {
        if (!voiced)
        {
            _beepRunMs = 0;
            return false;
        }

        var (frequency, purity) = _tone!.Analyze(frame);
        if (purity < _profile.BeepPurity)
        {
            _beepRunMs = 0;
            return false;
        }

        // A beep holds one frequency; allow one filter step either way for frames that straddle two filters.
        if (_beepRunMs == 0 || Math.Abs(frequency - _beepFrequency) > 25)
        {
            _beepFrequency = frequency;
            _beepRunMs = FrameMs;
        }
        else
        {
            _beepRunMs += FrameMs;
        }

        return _beepRunMs >= _beepMinMs;
    }

    private void Silence()
    {
        _silenceMs += FrameMs;
        if (_silenceMs >= _betweenWordsMs)
        {
            _inWord = false;
            _consecutiveVoiceMs = 0;
        }

        if (_inInitialSilence && _silenceMs >= _initialSilenceMs)
        {
            Decide(_profile.InitialSilenceVerdict, AmdCause.InitialSilence);
            return;
        }

        if (_inGreeting && _silenceMs >= _afterGreetingMs + ExtraSilence())
        {
            Decide(AmdVerdict.Human, AmdCause.Human);
        }
    }

    // A greeting longer than a "hello" but short of the machine limit may be a short voicemail greeting, whose
    // beep follows within a few hundred milliseconds, or a machine pausing between sentences: wait that long.
    private int ExtraSilence() => _mediumGreetingMs > 0 && _voiceMs > _mediumGreetingMs ? _mediumExtraMs : 0;

    private void Voice()
    {
        if (_sentenceBreakMs > 0 && _inGreeting && _silenceMs >= _sentenceBreakMs)
        {
            _sentenceBreakSeen = true;
        }

        // Asterisk's DSP restarts its silence count on any frame above the threshold.
        _silenceMs = 0;
        _lastVoiceEndMs = _elapsedMs;
        _consecutiveVoiceMs += FrameMs;
        _voiceMs += FrameMs;
        if (_consecutiveVoiceMs >= _minWordMs && !_inWord)
        {
            _words++;
            _inWord = true;
        }

        if (_consecutiveVoiceMs >= _maxWordMs)
        {
            Decide(AmdVerdict.Machine, AmdCause.MaxWordLength);
            return;
        }

        // Asterisk 13+ decides when the count exceeds the maximum (1.8-11 used >=, "MAXWORDS-2-2").
        if (_words > _profile.MaximumNumberOfWords && SentenceBreakHeardOrNotRequired())
        {
            Decide(AmdVerdict.Machine, AmdCause.MaxWords);
            return;
        }

        if (_inGreeting && _voiceMs >= _greetingMs && SentenceBreakHeardOrNotRequired())
        {
            Decide(AmdVerdict.Machine, AmdCause.LongGreeting);
            return;
        }

        if (_consecutiveVoiceMs >= _minWordMs)
        {
            _inGreeting = true;
            _inInitialSilence = false;
        }
    }

    // One long sentence without a break is what a person answering with a full introduction says; a machine's limits are
    // re-checked on every voiced frame, so the verdict follows at the first word after a break.
    private bool SentenceBreakHeardOrNotRequired() => _sentenceBreakMs == 0 || _sentenceBreakSeen;

    private void Decide(AmdVerdict verdict, AmdCause cause) =>
        Result ??= new AmdResult(verdict, cause, TimeSpan.FromMilliseconds(_elapsedMs), _words, TimeSpan.FromMilliseconds(_voiceMs), GreetingEnd);

    // The end of the last voiced frame once a greeting has begun (a word of the minimum length): where the 2 s to an operator
    // start (16 CFR 310.4(b)(1)(iv), "the completed greeting of the person answering"; Ofcom 2016). Null if nothing was said.
    private TimeSpan? GreetingEnd => _inGreeting ? TimeSpan.FromMilliseconds(_lastVoiceEndMs) : null;

    private static int Ms(TimeSpan value) => (int)Math.Round(value.TotalMilliseconds);
}
