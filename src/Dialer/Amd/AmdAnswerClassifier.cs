using Collections.Dialer.Calls;

namespace Collections.Dialer.Amd;

/// <summary>
/// Live answering-machine detection on one answered call: the <see cref="AmdDetector"/> fed the decoded RTP of the
/// callee's first seconds, on a clock that starts at the 200 OK.
/// </summary>
/// <remarks>
/// The detector counts time in the audio it is given, but a live call's audio can start late (the far end opens its
/// stream some hundred milliseconds after answering), lose packets, or never arrive (a silent line). Each push first
/// fills with silence the part of the time since answer that no packet covered, when it exceeds <see cref="JitterAllowance"/>,
/// so the initial-silence and after-greeting timers run from answer as Asterisk's app_amd runs them on the channel's
/// frames. Audio before <see cref="Answered"/> (early media: ringback, "the number you are calling...") is not the
/// callee's greeting and is ignored. Thread-safe: packets arrive on the RTP receive loop, the answer on the SIP loop.
/// </remarks>
internal sealed class AmdAnswerClassifier : IAnswerClassifier
{
    /// <summary>Late packets within this much of the wall clock are not treated as a gap (a typical jitter-buffer depth).</summary>
    public static readonly TimeSpan JitterAllowance = TimeSpan.FromMilliseconds(60);

    private static readonly short[] SilenceFrame = new short[AmdDetector.FrameSamples];

    /// <summary>The noise floor the detector tracked (seeds the message-cue detector).</summary>
    public double NoiseFloor
    {
        get
        {
            lock (_gate)
            {
                return _detector.NoiseFloor;
            }
        }
    }

    private readonly IAmdDetector _detector;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long? _answeredAt;
    private TimeSpan? _decidedAfterAnswer;
    private TimeSpan _gapFilled;

    public AmdAnswerClassifier(AmdProfile profile, TimeProvider time)
        : this(new AmdDetector(profile), time)
    {
    }

    public AmdAnswerClassifier(IAmdDetector detector, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(time);
        _detector = detector;
        _time = time;
    }

    /// <summary>The detector's name (a profile, or learned).</summary>
    public string Detector => _detector.Name;

    /// <summary>The decision, once made: its <see cref="AmdResult.DecisionTime"/> is measured from answer.</summary>
    public AmdResult? Result
    {
        get
        {
            lock (_gate)
            {
                return _detector.Result;
            }
        }
    }

    /// <summary>Wall-clock time from answer to the moment the verdict was reached (includes the network's delivery delay).</summary>
    public TimeSpan? DecidedAfterAnswer
    {
        get
        {
            lock (_gate)
            {
                return _decidedAfterAnswer;
            }
        }
    }

    /// <summary>Silence inserted for time since answer that no packet covered (late start, loss, or a silent line).</summary>
    public TimeSpan GapFilled
    {
        get
        {
            lock (_gate)
            {
                return _gapFilled;
            }
        }
    }

    /// <inheritdoc />
    public void Answered()
    {
        lock (_gate)
        {
            _answeredAt ??= _time.GetTimestamp();
        }
    }

    /// <inheritdoc />
    public string? Push(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            if (_answeredAt is null || _detector.Result is not null)
            {
                return _detector.Result?.VerdictText;
            }

            var covered = TimeSpan.FromSeconds((double)samples.Length / AmdDetector.SampleRate);
            var startOfThisAudio = _time.GetElapsedTime(_answeredAt.Value) - covered;
            if (startOfThisAudio - _detector.Elapsed > JitterAllowance)
            {
                FillGap(startOfThisAudio);
            }
            _detector.Push(samples);
            return Decided();
        }
    }

    /// <inheritdoc />
    public string Finish()
    {
        lock (_gate)
        {
            if (_answeredAt is not null && _detector.Result is null)
            {
                // The call ended (or the caller stopped listening): everything since the last packet was silence.
                FillGap(_time.GetElapsedTime(_answeredAt.Value));
            }

            Decided();
            return _detector.Finish().VerdictText;
        }
    }

    private void FillGap(TimeSpan until)
    {
        while (_detector.Result is null && _detector.Elapsed + TimeSpan.FromMilliseconds(20) <= until)
        {
            _detector.Push(SilenceFrame);
            _gapFilled += TimeSpan.FromMilliseconds(20);
        }
    }

    private string? Decided()
    {
        if (_detector.Result is { } result)
        {
            _decidedAfterAnswer ??= _time.GetElapsedTime(_answeredAt ?? _time.GetTimestamp());
            return result.VerdictText;
        }

        return null;
    }
}
