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
/// frames. Only the first packet of a stream is placed by the wall clock (how late the stream started); every later
/// packet is placed by its RTP timestamp (RFC 3550 section 5.1: the sampling instant of its first octet), so a busy
/// receive loop that reads a burst of queued packets late does not insert silence into the middle of a greeting, while
/// a real gap in the stream (loss, or a far end that stops sending in silence) still counts as silence. Audio before <see cref="Answered"/> (early media: ringback, "the number you are calling...") is not the
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
    private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _answeredAt;

    // The timestamp of the verdict (0: none yet); written without the lock, since a batched detector decides on the VAD
    // batcher's thread (IAmdDetector.Decided), which must not wait for a call's lock.
    private long _decidedAt;
    private TimeSpan _gapFilled;
    private (uint Ssrc, uint Timestamp, TimeSpan At)? _anchor;

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
        _detector.Decided += _ => MarkDecided();
    }

    /// <summary>Completes when the detector has decided, whether inside a push or later (a batched detector).</summary>
    public Task Decided => _decided.Task;

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
                var decidedAt = Interlocked.Read(ref _decidedAt);
                return decidedAt == 0 ? null : _answeredAt is { } answeredAt ? _time.GetElapsedTime(answeredAt, decidedAt) : TimeSpan.Zero;
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

    /// <summary>Feeds audio placed by the wall clock alone (a source without RTP timestamps).</summary>
    public string? Push(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            if (_answeredAt is null || _detector.Result is not null)
            {
                return _detector.Result?.VerdictText;
            }

            return PushAt(samples, StartByWallClock(samples));
        }
    }

    /// <inheritdoc />
    public string? Push(ReadOnlySpan<short> samples, uint rtpTimestamp, uint ssrc)
    {
        lock (_gate)
        {
            if (_answeredAt is null || _detector.Result is not null)
            {
                return _detector.Result?.VerdictText;
            }

            TimeSpan start;
            if (_anchor is { } anchor && anchor.Ssrc == ssrc)
            {
                // Unsigned difference: timestamps wrap at 2^32 (RFC 3550 section 5.1); a packet older than the anchor is a
                // reordered straggler whose time the detector has already counted.
                var ticks = unchecked(rtpTimestamp - anchor.Timestamp);
                if (ticks > int.MaxValue)
                {
                    return null;
                }

                start = anchor.At + TimeSpan.FromSeconds((double)ticks / AmdDetector.SampleRate);
            }
            else
            {
                // A new stream (the first packet, or the far end switched source): placed by how late it arrived.
                start = StartByWallClock(samples);
                if (start < _detector.Elapsed)
                {
                    start = _detector.Elapsed;
                }

                _anchor = (ssrc, rtpTimestamp, start);
            }

            if (start + Covered(samples) <= _detector.Elapsed)
            {
                return null; // a duplicate or a packet whose time was already filled
            }

            return PushAt(samples, start);
        }
    }

    private static TimeSpan Covered(ReadOnlySpan<short> samples) => TimeSpan.FromSeconds((double)samples.Length / AmdDetector.SampleRate);

    private TimeSpan StartByWallClock(ReadOnlySpan<short> samples) => _time.GetElapsedTime(_answeredAt!.Value) - Covered(samples);

    private string? PushAt(ReadOnlySpan<short> samples, TimeSpan start)
    {
        if (start - _detector.Elapsed > JitterAllowance)
        {
            FillGap(start);
        }

        _detector.Push(samples);
        return DecidedText();
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

            DecidedText();
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

    private string? DecidedText()
    {
        if (_detector.Result is { } result)
        {
            MarkDecided();
            return result.VerdictText;
        }

        return null;
    }

    private void MarkDecided()
    {
        Interlocked.CompareExchange(ref _decidedAt, _time.GetTimestamp(), 0);
        _decided.TrySetResult();
    }
}
