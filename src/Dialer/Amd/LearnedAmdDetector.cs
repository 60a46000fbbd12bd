using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Amd;

/// <summary>
/// The second-generation answering-machine detector: Silero VAD for speech and silence, the turn-shape, prosody and tone
/// measurements of <see cref="AmdFeatures"/>, and a boosted-tree classifier (<see cref="LearnedAmdModel"/>) trained on
/// the corpus. Streaming: every 32 ms it re-estimates P(machine) and decides as soon as the policy allows: MACHINE only
/// when the model is very sure (or on a beep or a special information tone), HUMAN once the person has stopped talking
/// and the model says person, NOTSURE when the silence after speech reaches the policy's after-greeting bound
/// (<see cref="AmdDecisionPolicy.AfterGreetingMs"/>) or 5 s pass undecided, since a person taken for a machine is an abandoned call
/// while a machine passed to an operator costs a few seconds.
/// </summary>
/// <remarks>
/// Beeps and special information tones are rules, not learned: a steady tone in 400-2000 Hz for 160 ms after a greeting
/// is a voicemail beep; 913.8/985.2/950 Hz followed by 1370.6/1428.5/1400 Hz is the ITU-T E.180 / Telcordia GR-1162
/// special information tone that precedes a network intercept ("the number you have dialled..."), also not a person.
/// Not thread-safe: one per call leg.
/// </remarks>
public sealed class LearnedAmdDetector : IAmdDetector
{
    /// <summary>The detector's name in configuration and on the command line.</summary>
    public const string DetectorName = "learned";

    private readonly LearnedAmdModel _model;
    private readonly AmdFeatures _features = new();
    private readonly SileroVadStream? _vad;
    private readonly ChunkAssembler _chunks = new();
    private readonly float[] _vector = new float[AmdFeatures.Count];
    private readonly ToneRules _tones = new();
    private int _sureChunks;

    /// <summary>A detector that runs its own Silero VAD stream (the shared model).</summary>
    public LearnedAmdDetector(LearnedAmdModel model)
        : this(model, SileroVad.Instance.CreateStream())
    {
    }

    /// <summary>
    /// A detector fed VAD probabilities from outside (<paramref name="vad"/> null: call <see cref="Step"/> per chunk, as a
    /// batching driver does), or running its own stream.
    /// </summary>
    public LearnedAmdDetector(LearnedAmdModel model, SileroVadStream? vad)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _vad = vad;
    }

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public AmdResult? Result { get; private set; }

    /// <inheritdoc />
    public TimeSpan Elapsed => TimeSpan.FromMilliseconds(_features.ElapsedMs);

    /// <inheritdoc />
    public double NoiseFloor => _features.NoiseFloor;

    /// <summary>The model's last P(machine) (0 before speech).</summary>
    public double LastProbability { get; private set; }

    /// <inheritdoc />
    public AmdResult? Push(ReadOnlySpan<short> samples)
    {
        if (_vad is null)
        {
            throw new InvalidOperationException("This detector is fed by a batching driver: call Step with each chunk's VAD probability.");
        }

        while (!samples.IsEmpty && Result is null)
        {
            if (_chunks.Fill(ref samples))
            {
                Step(_chunks.Chunk, _vad.Process(_chunks.Chunk));
            }
        }

        return Result;
    }

    /// <summary>Feeds one G.711 payload (PCMU or PCMA), decoded on the stack.</summary>
    public AmdResult? PushG711(ReadOnlySpan<byte> payload, G711Law law)
    {
        Span<short> samples = stackalloc short[AmdFeatures.ChunkSamples];
        while (!payload.IsEmpty && Result is null)
        {
            var count = Math.Min(payload.Length, samples.Length);
            G711.Decode(payload[..count], samples, law);
            Push(samples[..count]);
            payload = payload[count..];
        }

        return Result;
    }

    /// <summary>Analyses one 32 ms chunk whose Silero speech probability is <paramref name="speechProbability"/>.</summary>
    public AmdResult? Step(ReadOnlySpan<short> chunk, float speechProbability)
    {
        if (Result is not null)
        {
            return Result;
        }

        _features.Add(chunk, speechProbability);
        var (frequency, purity) = _features.LastTone;
        if (_tones.Update(frequency, purity) is { } toneCause)
        {
            return Decide(AmdVerdict.Machine, toneCause);
        }

        if (_features.HasSpeech)
        {
            _features.Write(_vector);
            LastProbability = _model.Predict(_vector);
            _sureChunks = LastProbability >= _model.Policy.MachineAbove ? _sureChunks + 1 : 0;
        }

        return _model.Policy.Decide(_features.ElapsedMs, _features.HasSpeech, _features.InSpeech, _features.SilenceMs, LastProbability, _sureChunks, _tones.Active) is { } decision
            ? Decide(decision.Verdict, decision.Cause)
            : null;
    }

    /// <inheritdoc />
    public AmdResult Finish() =>
        Result ??= new AmdResult(AmdVerdict.NotSure, AmdCause.EndOfAudio, Elapsed, GreetingEnd: GreetingEnd(_features));

    /// <summary>Classifies a whole recording from answer (files and tests).</summary>
    public static AmdResult Classify(ReadOnlySpan<short> audio, LearnedAmdModel? model = null)
    {
        var detector = new LearnedAmdDetector(model ?? LearnedAmdModel.Shipped);
        return detector.Push(audio) ?? detector.Finish();
    }

    /// <summary>
    /// Classifies many recordings, running Silero VAD batched across them (<see cref="AmdTrajectories.SpeechProbabilities"/>)
    /// and each detector by <see cref="Step"/>: the same decisions as <see cref="Classify"/>, at a fraction of the cost.
    /// </summary>
    public static AmdResult[] ClassifyBatch(IReadOnlyList<short[]> clips, LearnedAmdModel model)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(model);
        var speech = Training.AmdTrajectories.SpeechProbabilities(SileroVad.Instance, clips, (model.Policy.TotalMs / AmdFeatures.ChunkMs) + 2);
        var results = new AmdResult[clips.Count];
        Parallel.For(0, clips.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var detector = new LearnedAmdDetector(model, vad: null);
            for (var c = 0; c < speech[i].Length && detector.Result is null; c++)
            {
                detector.Step(clips[i].AsSpan(c * AmdFeatures.ChunkSamples, AmdFeatures.ChunkSamples), speech[i][c]);
            }

            results[i] = detector.Result ?? detector.Finish();
        });
        return results;
    }

    /// <summary>
    /// The end of the last speech heard, from answer (now, while speech goes on); null before any speech. The 2 s to an operator
    /// run from here (16 CFR 310.4(b)(1)(iv): "the completed greeting of the person answering"; Ofcom 2016, A1).
    /// </summary>
    internal static TimeSpan? GreetingEnd(AmdFeatures features) =>
        features.HasSpeech ? TimeSpan.FromMilliseconds(features.ElapsedMs - features.SilenceMs) : null;

    private AmdResult Decide(AmdVerdict verdict, AmdCause cause)
    {
        Result = new AmdResult(verdict, cause, TimeSpan.FromMilliseconds(_features.ElapsedMs), GreetingEnd: GreetingEnd(_features));
        return Result.Value;
    }
}

/// <summary>
/// Steady tones: a voicemail beep (one frequency in 400-2000 Hz held 160 ms), or the special information tone before a
/// network intercept (ITU-T E.180 Supplement 2; Telcordia GR-1162: a 913.8/985.2 Hz segment, then 1370.6/1428.5 Hz, then
/// 1776.7 Hz). A first tone in the SIT's first band may be either, so it waits up to 512 ms for the second segment.
/// </summary>
internal sealed class ToneRules
{
    private const int BeepChunks = 5;
    private const double Purity = 0.7;
    private const double SitPurity = 0.55;
    private const int SitWaitChunks = 16;

    private int _chunk;
    private int _run;
    private int _frequency;
    private int _sitPendingSince = -1;

    /// <summary>A tone is playing or a possible SIT is pending: no HUMAN or NOTSURE verdict now.</summary>
    public bool Active => _run > 0 || _sitPendingSince >= 0;

    /// <summary>Adds one chunk's strongest tone; returns BEEP or SIT once one is heard.</summary>
    public AmdCause? Update(int frequency, double purity)
    {
        _chunk++;

        // 913.8 Hz falls half-way between two 25 Hz filters, where a 32 ms chunk scores about 0.64: the SIT's first band
        // gets a lower bar (a tone there that is no SIT still waits for the second segment before it counts as a beep).
        var tonal = purity >= (frequency is >= 880 and <= 1010 ? SitPurity : Purity);
        if (tonal && _run > 0 && Math.Abs(frequency - _frequency) <= 40)
        {
            _run++;
        }
        else if (tonal)
        {
            _frequency = frequency;
            _run = 1;
        }
        else
        {
            _run = 0;
        }

        if (_sitPendingSince >= 0)
        {
            if (_run >= 3 && _frequency is >= 1330 and <= 1470)
            {
                return AmdCause.Sit;
            }

            // No second segment: the first tone was a beep after all.
            return _chunk - _sitPendingSince > SitWaitChunks ? AmdCause.Beep : null;
        }

        if (_run < BeepChunks)
        {
            return null;
        }

        if (_frequency is >= 890 and <= 1010)
        {
            _sitPendingSince = _chunk;
            return null;
        }

        return AmdCause.Beep;
    }
}
