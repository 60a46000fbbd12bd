namespace Collections.Dialer.Amd;

/// <summary>
/// The learned detector on a live call whose Silero VAD runs in the host's <see cref="SileroVadBatcher"/>: the same
/// <see cref="LearnedAmdDetector"/>, fed each chunk's probability when its batch returns. The verdict, its cause and its
/// decision time (audio time from answer) are those of the detector running its own stream on the same audio; it arrives
/// a batching interval later, through <see cref="Decided"/> (or the next <see cref="Push"/>).
/// </summary>
/// <remarks>
/// Thread-safe for one pushing thread: chunks are submitted on the push thread, the probabilities arrive on the batcher's
/// worker. A failed inference makes the verdict NOTSURE (<see cref="AmdCause.DetectorFailed"/>): an operator takes the call.
/// </remarks>
public sealed class BatchedLearnedAmdDetector : IAmdDetector
{
    /// <summary>How long <see cref="Finish"/> waits for the chunks still in the batcher before giving up on them.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    private readonly LearnedAmdDetector _inner;
    private readonly BatchedVadStream _stream;
    private readonly ChunkAssembler _chunks = new();
    private readonly Lock _lock = new();
    private int _submitted;
    private AmdResult? _result;

    /// <summary>A detector for one call whose VAD runs in <paramref name="batcher"/>.</summary>
    public BatchedLearnedAmdDetector(LearnedAmdModel model, SileroVadBatcher batcher)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batcher);
        _inner = new LearnedAmdDetector(model, vad: null);
        _stream = batcher.OpenStream(OnSpeech, OnFailed);
    }

    /// <inheritdoc />
    public event Action<AmdResult>? Decided;

    /// <inheritdoc />
    public string Name => LearnedAmdDetector.DetectorName;

    /// <inheritdoc />
    public AmdResult? Result
    {
        get
        {
            lock (_lock)
            {
                return _result;
            }
        }
    }

    /// <summary>Audio submitted so far in whole chunks, from answer (what the detector will have analysed once the batches return).</summary>
    public TimeSpan Elapsed => TimeSpan.FromMilliseconds(Volatile.Read(ref _submitted) * AmdFeatures.ChunkMs);

    /// <inheritdoc />
    public double NoiseFloor
    {
        get
        {
            lock (_lock)
            {
                return _inner.NoiseFloor;
            }
        }
    }

    /// <summary>The call's VAD stream (tests read whether it was closed).</summary>
    public BatchedVadStream Stream => _stream;

    /// <inheritdoc />
    public AmdResult? Push(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty && Result is null)
        {
            if (_chunks.Fill(ref samples))
            {
                Interlocked.Increment(ref _submitted);
                _stream.Submit(_chunks.Chunk);
            }
        }

        return Result;
    }

    /// <inheritdoc />
    public AmdResult Finish()
    {
        // The chunks still in the batcher may decide: wait for them, so the verdict is the one-stream detector's.
        if (!_stream.WaitIdle(DrainTimeout))
        {
            OnFailed(new TimeoutException($"The VAD batcher did not answer within {DrainTimeout.TotalSeconds} s."));
        }

        AmdResult result;
        bool decidedNow;
        lock (_lock)
        {
            decidedNow = _result is null;
            result = _result ??= _inner.Finish();
        }

        _stream.Close();
        if (decidedNow)
        {
            Decided?.Invoke(result);
        }

        return result;
    }

    private void OnSpeech(short[] chunk, float probability)
    {
        AmdResult? decided;
        lock (_lock)
        {
            if (_result is not null)
            {
                return;
            }

            decided = _result = _inner.Step(chunk, probability);
        }

        if (decided is { } result)
        {
            _stream.Close();
            Decided?.Invoke(result);
        }
    }

    private void OnFailed(Exception error)
    {
        AmdResult result;
        lock (_lock)
        {
            if (_result is not null)
            {
                return;
            }

            result = (_result = new AmdResult(AmdVerdict.NotSure, AmdCause.DetectorFailed, _inner.Elapsed)).Value;
        }

        _stream.Close();
        Decided?.Invoke(result);
    }
}
