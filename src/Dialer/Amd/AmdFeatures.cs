using System.Runtime.Intrinsics;

namespace Collections.Dialer.Amd;

/// <summary>
/// The streaming measurements the learned detector decides on, updated every 32 ms chunk (256 samples at 8 kHz): speech
/// and silence from Silero VAD, the pause structure, speaking rate, pitch range and final intonation, level and noise,
/// and steady tones (beeps and special information tones). <see cref="Write"/> gives the feature vector at the current
/// time; every feature is a function of the audio heard so far, so the same code serves training and live calls.
/// </summary>
/// <remarks>
/// Why these: a person answering says one turn ("Hello?", or a full introduction) and waits for the caller; a recorded
/// greeting reads on, sentence after sentence, with reading prosody (steady rate, declining pitch, short regular pauses)
/// and often ends in a beep. Energy and timing alone cannot tell a long human sentence from a greeting for the 3-4 s it
/// lasts (docs/amd.md), so the features describe the turn's shape: how long the first stretch of speech lasted, what
/// silence followed it, how many pauses and of what length, how fast and how varied the speech is.
/// </remarks>
public sealed class AmdFeatures
{
    /// <summary>Samples per chunk (32 ms), the Silero VAD frame at 8 kHz.</summary>
    public const int ChunkSamples = SileroVad.ChunkSamples;

    /// <summary>Milliseconds per chunk.</summary>
    public const int ChunkMs = 32;

    /// <summary>The feature names, in vector order (the trained model stores them and refuses a mismatch).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "elapsed", "onset", "hasSpeech", "speech", "segments", "silenceNow", "inSpeech", "segmentNow", "longestSegment",
        "firstSegment", "gapAfterFirst", "pauses200", "pauses500", "meanPause", "speechRatio", "syllableRate", "pitchRange",
        "pitchStd", "finalSlope", "energyStd", "snr", "voicedShare", "tonalShare", "span", "vadConfidence", "lastSegment",
        "longestPause", "speechAfterFirstGap", "sinceOnset", "recentSpeech",
    ];

    /// <summary>Number of features.</summary>
    public static int Count => Names.Count;

    // Speech onset and offset thresholds on the VAD probability (hysteresis, as silero-vad's get_speech_timestamps uses).
    private const float SpeechOn = 0.5f;
    private const float SpeechOff = 0.35f;

    // A pause shorter than this is inside a word or between words of one phrase (3 chunks = 96 ms).
    private const int MinPauseChunks = 3;

    private readonly NoiseFloorTracker _floor = new(47, ChunkMs);
    private readonly ToneAnalyzer _tone = new(400, 2000);
    private readonly short[] _history = new short[ChunkSamples + 64];
    private readonly List<float> _pitch = [];
    private readonly List<float> _pitchSorted = [];
    private readonly List<(int Chunk, float Semitones)> _segmentPitch = [];
    private readonly List<int> _pauses = [];
    private readonly Queue<bool> _recent = new();
    private int _recentSpeech;
    private double _speechDbSum;
    private double _speechDbSquares;
    private double _vadSum;
    private int _speechChunks;
    private int _voicedChunks;
    private int _tonalChunks;
    private int _chunk;
    private bool _inSpeech;
    private int _onsetChunk = -1;
    private int _segmentStart;
    private int _lastOffsetChunk = -1;
    private int _silenceRun;
    private int _segments;
    private int _longestSegment;
    private int _firstSegment = -1;
    private int _gapAfterFirst = -1;
    private int _speechAfterFirstGap;
    private int _lastSegment;
    private int _syllables;
    private double _envMin = double.MaxValue;
    private double _envMax = double.MinValue;
    private bool _envRising = true;
    private double _lastSlope;

    /// <summary>Chunks analysed.</summary>
    public int Chunks => _chunk;

    /// <summary>Time analysed, from answer.</summary>
    public int ElapsedMs => _chunk * ChunkMs;

    /// <summary>Whether the last chunk was speech.</summary>
    public bool InSpeech => _inSpeech;

    /// <summary>Whether any speech has been heard.</summary>
    public bool HasSpeech => _onsetChunk >= 0;

    /// <summary>Silence since the last speech (or since answer), in ms.</summary>
    public int SilenceMs => _silenceRun * ChunkMs;

    /// <summary>The background level (mean absolute amplitude).</summary>
    public double NoiseFloor => _floor.Floor;

    /// <summary>The strongest steady tone in the last chunk (Hz) and its purity, or (0, 0) under the noise floor.</summary>
    public (int Frequency, double Purity) LastTone { get; private set; }

    /// <summary>
    /// Adds one chunk: its samples and the VAD's speech probability for it.
    /// </summary>
    public void Add(ReadOnlySpan<short> chunk, float speechProbability)
    {
        if (chunk.Length != ChunkSamples)
        {
            throw new ArgumentException($"A chunk is {ChunkSamples} samples.", nameof(chunk));
        }

        _chunk++;
        double sumAbs = 0;
        foreach (var s in chunk)
        {
            sumAbs += Math.Abs((int)s);
        }

        var level = sumAbs / ChunkSamples;
        var floor = _floor.Update(level);
        var db = Db(level);

        // Keep 64 samples of the previous chunk for the pitch window (40 ms: two periods at 50 Hz).
        Array.Copy(_history, ChunkSamples, _history, 0, 64);
        chunk.CopyTo(_history.AsSpan(64));

        LastTone = level > Math.Max(24, floor * 3) ? _tone.Analyze(chunk) : (0, 0);
        var speech = _inSpeech ? speechProbability >= SpeechOff : speechProbability >= SpeechOn;
        _recent.Enqueue(speech);
        _recentSpeech += speech ? 1 : 0;
        if (_recent.Count > 31 && _recent.Dequeue())
        {
            _recentSpeech--;
        }

        if (speech)
        {
            OnSpeech(chunk, db, floor, speechProbability);
        }
        else
        {
            OnSilence();
        }
    }

    private void OnSpeech(ReadOnlySpan<short> chunk, double db, double floor, float probability)
    {
        if (!_inSpeech)
        {
            // A new segment, unless the pause was too short to be one (then it continues the last segment).
            if (_onsetChunk < 0)
            {
                _onsetChunk = _chunk - 1;
                _segmentStart = _chunk - 1;
                _segments = 1;
                _segmentPitch.Clear();
            }
            else if (_silenceRun >= MinPauseChunks)
            {
                _pauses.Add(_silenceRun);
                if (_segments == 1 && _gapAfterFirst < 0)
                {
                    _firstSegment = _lastOffsetChunk - _segmentStart;
                    _gapAfterFirst = _silenceRun;
                }

                _segments++;
                _segmentStart = _chunk - 1;
                _segmentPitch.Clear();
            }

            _inSpeech = true;
        }

        _silenceRun = 0;
        _speechChunks++;
        _vadSum += probability;
        _speechDbSum += db - Db(Math.Max(1, floor));
        _speechDbSquares += db * db;
        if (_gapAfterFirst >= 0)
        {
            _speechAfterFirstGap++;
        }

        if (LastTone.Purity >= 0.6)
        {
            _tonalChunks++;
        }

        var length = _chunk - _segmentStart;
        _longestSegment = Math.Max(_longestSegment, length);
        _lastSegment = length;
        Syllables(chunk);
        var f0 = Pitch();
        if (f0 > 0)
        {
            _voicedChunks++;
            var semitones = (float)(12 * Math.Log2(f0 / 100.0));
            _pitch.Add(semitones);
            var at = _pitchSorted.BinarySearch(semitones);
            _pitchSorted.Insert(at < 0 ? ~at : at, semitones);
            _segmentPitch.Add((_chunk, semitones));
        }
    }

    private void OnSilence()
    {
        if (_inSpeech)
        {
            _lastOffsetChunk = _chunk - 1;
            _lastSlope = FinalSlope();
        }

        _inSpeech = false;
        _silenceRun++;
    }

    /// <summary>Writes the feature vector at the current time into <paramref name="features"/> (length <see cref="Count"/>).</summary>
    public void Write(Span<float> features)
    {
        const double s = ChunkMs / 1000.0;
        var elapsed = _chunk * s;
        var onset = _onsetChunk < 0 ? elapsed : _onsetChunk * s;
        var speech = _speechChunks * s;
        var sinceOnset = Math.Max(s, elapsed - onset);
        var firstSegment = _firstSegment >= 0 ? _firstSegment : (_onsetChunk >= 0 ? (_inSpeech ? _chunk - _segmentStart : _lastOffsetChunk - _segmentStart) : 0);
        var gapAfterFirst = _gapAfterFirst >= 0 ? _gapAfterFirst : (_onsetChunk >= 0 && !_inSpeech && _segments == 1 ? _silenceRun : 0);
        var meanDb = _speechChunks == 0 ? 0 : _speechDbSum / _speechChunks;
        var energyVar = _speechChunks < 2 ? 0 : Math.Max(0, (_speechDbSquares / _speechChunks) - Math.Pow(_speechDbSum / _speechChunks, 2));
        var span = _onsetChunk < 0 ? 0 : ((_inSpeech ? _chunk : _lastOffsetChunk) - _onsetChunk) * s;
        var (range, std) = PitchSpread();
        var i = 0;
        features[i++] = (float)elapsed;
        features[i++] = (float)onset;
        features[i++] = _onsetChunk >= 0 ? 1 : 0;
        features[i++] = (float)speech;
        features[i++] = _segments;
        features[i++] = (float)(_silenceRun * s);
        features[i++] = _inSpeech ? 1 : 0;
        features[i++] = _inSpeech ? (float)((_chunk - _segmentStart) * s) : 0;
        features[i++] = (float)(_longestSegment * s);
        features[i++] = (float)(firstSegment * s);
        features[i++] = (float)(gapAfterFirst * s);
        features[i++] = _pauses.Count(p => p * ChunkMs >= 200);
        features[i++] = _pauses.Count(p => p * ChunkMs >= 500);
        features[i++] = _pauses.Count == 0 ? 0 : (float)(_pauses.Average() * s);
        features[i++] = (float)Math.Min(1, speech / sinceOnset);
        features[i++] = speech < 0.2 ? 0 : (float)(_syllables / speech);
        features[i++] = (float)range;
        features[i++] = (float)std;
        features[i++] = (float)(_inSpeech ? FinalSlope() : _lastSlope);
        features[i++] = (float)Math.Sqrt(energyVar);
        features[i++] = (float)meanDb;
        features[i++] = _speechChunks == 0 ? 0 : (float)_voicedChunks / _speechChunks;
        features[i++] = _speechChunks == 0 ? 0 : (float)_tonalChunks / _speechChunks;
        features[i++] = (float)span;
        features[i++] = _speechChunks == 0 ? 0 : (float)(_vadSum / _speechChunks);
        features[i++] = (float)(_lastSegment * s);
        features[i++] = _pauses.Count == 0 ? 0 : (float)(_pauses.Max() * s);
        features[i++] = (float)(_speechAfterFirstGap * s);
        features[i++] = _onsetChunk < 0 ? 0 : (float)(elapsed - onset);
        features[i++] = (float)(_recentSpeech * s);
    }

    /// <summary>Counts syllable nuclei: peaks of the 8 ms energy envelope at least 4 dB above the dip before them.</summary>
    private void Syllables(ReadOnlySpan<short> chunk)
    {
        for (var sub = 0; sub < 4; sub++)
        {
            double e = 0;
            foreach (var v in chunk.Slice(sub * 64, 64))
            {
                e += Math.Abs((int)v);
            }

            var db = Db(e / 64);
            if (_envRising)
            {
                _envMin = Math.Min(_envMin, db);
                _envMax = Math.Max(_envMax, db);
                if (_envMax - db >= 4 && _envMax - _envMin >= 4)
                {
                    _syllables++;
                    _envRising = false;
                    _envMin = db;
                }
            }
            else
            {
                _envMin = Math.Min(_envMin, db);
                if (db - _envMin >= 4)
                {
                    _envRising = true;
                    _envMax = db;
                    _envMin = double.MaxValue;
                }
            }
        }
    }

    /// <summary>
    /// F0 by normalised autocorrelation on the 40 ms window decimated to 4 kHz (lags 2.5-20 ms: 50-400 Hz); 0 when the
    /// best correlation is under 0.5 (unvoiced). The smallest lag within 90 % of the best avoids octave-down errors.
    /// </summary>
    private double Pitch()
    {
        Span<float> x = stackalloc float[_history.Length / 2];
        double mean = 0;
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (_history[2 * i] + _history[(2 * i) + 1]) * 0.5f;
            mean += x[i];
        }

        mean /= x.Length;
        for (var i = 0; i < x.Length; i++)
        {
            x[i] -= (float)mean;
        }

        const int minLag = 10, maxLag = 80;
        Span<float> r = stackalloc float[maxLag + 1];
        var best = 0f;
        var lag = minLag;

        // Four lags at a time in one vector: lane j sums lag + j over n in the same order as the scalar loop (the shared
        // n first, then its own last few), each product in float and each sum in double, so r is bit-for-bit the scalar one.
        if (Vector256.IsHardwareAccelerated)
        {
            for (; lag + 3 <= maxLag; lag += 4)
            {
                Vector256<double> xy = Vector256<double>.Zero, xx = Vector256<double>.Zero, yy = Vector256<double>.Zero;
                var n = 0;
                for (; n + lag + 3 < x.Length; n++)
                {
                    var a = Vector128.Create(x[n]);
                    var b = Vector128.Create(x[n + lag], x[n + lag + 1], x[n + lag + 2], x[n + lag + 3]);
                    xy += Widen(a * b);
                    xx += Widen(a * a);
                    yy += Widen(b * b);
                }

                for (var j = 0; j < 4; j++)
                {
                    double sxy = xy[j], sxx = xx[j], syy = yy[j];
                    for (var m = n; m + lag + j < x.Length; m++)
                    {
                        sxy += x[m] * x[m + lag + j];
                        sxx += x[m] * x[m];
                        syy += x[m + lag + j] * x[m + lag + j];
                    }

                    r[lag + j] = sxx <= 0 || syy <= 0 ? 0 : (float)(sxy / Math.Sqrt(sxx * syy));
                    best = Math.Max(best, r[lag + j]);
                }
            }
        }

        for (; lag <= maxLag; lag++)
        {
            double xy = 0, xx = 0, yy = 0;
            for (var n = 0; n + lag < x.Length; n++)
            {
                xy += x[n] * x[n + lag];
                xx += x[n] * x[n];
                yy += x[n + lag] * x[n + lag];
            }

            r[lag] = xx <= 0 || yy <= 0 ? 0 : (float)(xy / Math.Sqrt(xx * yy));
            best = Math.Max(best, r[lag]);
        }

        if (best < 0.5f)
        {
            return 0;
        }

        for (lag = minLag; lag <= maxLag; lag++)
        {
            if (r[lag] >= 0.9f * best && (lag == maxLag || r[lag] >= r[lag + 1]))
            {
                return 4000.0 / lag;
            }
        }

        return 0;
    }

    private static Vector256<double> Widen(Vector128<float> v) => Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));

    private (double Range, double Std) PitchSpread()
    {
        if (_pitch.Count < 5)
        {
            return (0, 0);
        }

        // Kept sorted as it grows (Write runs every chunk): the same percentiles as sorting the list each time.
        var sorted = _pitchSorted;
        var range = sorted[(int)(0.9 * (sorted.Count - 1))] - sorted[(int)(0.1 * (sorted.Count - 1))];
        var mean = _pitch.Average();
        var std = Math.Sqrt(_pitch.Sum(p => (p - mean) * (p - mean)) / _pitch.Count);
        return (range, std);
    }

    /// <summary>Least-squares slope (semitones per second) of the pitch over the last 320 ms of the current segment.</summary>
    private double FinalSlope()
    {
        var from = _chunk - 10;
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = _segmentPitch.Count - 1; i >= 0 && _segmentPitch[i].Chunk > from; i--)
        {
            var (c, st) = _segmentPitch[i];
            var t = c * ChunkMs / 1000.0;
            n++;
            sx += t;
            sy += st;
            sxx += t * t;
            sxy += t * st;
        }

        var d = (n * sxx) - (sx * sx);
        return n < 3 || d <= 1e-9 ? 0 : Math.Clamp(((n * sxy) - (sx * sy)) / d, -100, 100);
    }

    private static double Db(double meanAbs) => 20 * Math.Log10(Math.Max(1, meanAbs));
}
