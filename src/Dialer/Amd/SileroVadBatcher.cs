using System.ComponentModel.DataAnnotations;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Amd;

/// <summary>How the live calls' Silero chunks are gathered into one inference (<c>Dialer:Amd:VadBatch</c>).</summary>
public sealed class VadBatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Dialer:Amd:VadBatch";

    /// <summary>
    /// Most chunks run in one inference. Measured on this machine (docs/performance.md, "AMD cost per call"): one stream costs
    /// about 90 us per chunk, 35-45 us per stream in batches of 16-64; beyond 64 the gain is flat.
    /// </summary>
    [Range(1, 256)]
    public int MaxBatch { get; set; } = 64;

    /// <summary>
    /// Longest a chunk waits for others before its batch runs, in milliseconds. A chunk covers 32 ms of audio, so a few ms
    /// gathers most of the calls whose packets arrive in the same instant without delaying a verdict noticeably.
    /// </summary>
    [Range(0, 20)]
    public int MaxWaitMs { get; set; } = 4;
}

/// <summary>
/// One per host: runs the Silero VAD of every live call in AMD as one inference per batch. Each call's detector opens a
/// <see cref="BatchedVadStream"/> (its recurrent state and <see cref="VadGate"/>) and submits its 32 ms chunks; a worker
/// thread gathers the chunks waiting, at most <see cref="VadBatchOptions.MaxBatch"/>, until the batch is full, every open
/// stream has a chunk in it, or <see cref="VadBatchOptions.MaxWaitMs"/> passed since the first one arrived, runs them, and
/// hands each stream its probability. The probabilities are the network's on the same inputs and states, so the verdicts are
/// those of one stream per call (LearnedAmdBatchingTests); a batch costs 35-45 us per stream against 90 us alone.
/// </summary>
/// <remarks>
/// Added latency per chunk: the wait (at most <see cref="VadBatchOptions.MaxWaitMs"/>), plus the batch running when it
/// arrived and its own (about 1.5-3 ms each for 64 streams on this machine), while one core keeps up with the calls. A failed
/// inference fails the streams in that batch (their detectors say NOTSURE) and the next batch runs as usual.
/// </remarks>
public sealed partial class SileroVadBatcher : IDisposable
{
    private const int Width = SileroVad.ContextSamples + SileroVad.ChunkSamples;

    private readonly VadInference _run;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxWait;
    private readonly ConcurrentQueue<BatchedVadStream> _waiting = new();

    // Wakes the worker: a first chunk, a full batch, the end of the wait (a timer on the TimeProvider), or stopping. Not a
    // wake per chunk: waking a thread for each of thousands of chunks a second cost more than the batching saved.
    private readonly ManualResetEventSlim _signal = new(initialState: false, spinCount: 1);
    private readonly Thread _worker;
    private volatile bool _stopping;
    private int _queued;
    private readonly float[] _input;
    private readonly float[] _state;
    private readonly float[] _next;
    private readonly float[] _output;
    private int _open;
    private long _batches;
    private long _chunks;
    private long _waitTicks;
    private long _longestWaitTicks;

    /// <summary>Starts the worker thread over <paramref name="model"/>.</summary>
    public SileroVadBatcher(SileroVad model, VadBatchOptions options, TimeProvider time, ILogger<SileroVadBatcher> logger)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Run, options, time, logger)
    {
    }

    /// <summary>Over any inference with <see cref="SileroVad.Run"/>'s contract (tests make one fail).</summary>
    internal SileroVadBatcher(VadInference run, VadBatchOptions options, TimeProvider time, ILogger<SileroVadBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _run = run;
        _time = time;
        _logger = logger;
        _maxBatch = options.MaxBatch;
        _maxWait = TimeSpan.FromMilliseconds(options.MaxWaitMs);
        _input = new float[_maxBatch * Width];
        _state = new float[_maxBatch * SileroVad.StateSize];
        _next = new float[_maxBatch * SileroVad.StateSize];
        _output = new float[_maxBatch];

        // A thread of its own: it blocks between batches, and a pool thread blocked that way would starve the pool.
        _worker = new Thread(Work) { IsBackground = true, Name = "silero-vad-batcher" };
        _worker.Start();
    }

    /// <summary>Streams open now (calls in AMD whose detector has not decided or finished).</summary>
    public int OpenStreams => Volatile.Read(ref _open);

    /// <summary>Inferences run so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Chunks run through the network so far (gated chunks not counted).</summary>
    public long Chunks => Interlocked.Read(ref _chunks);

    /// <summary>Mean time from a chunk's submission to its probability (the latency batching adds, with the inference).</summary>
    public TimeSpan AverageLatency => Chunks == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)Interlocked.Read(ref _waitTicks) / _time.TimestampFrequency / Chunks);

    /// <summary>Longest time from a chunk's submission to its probability so far.</summary>
    public TimeSpan LongestLatency => TimeSpan.FromSeconds((double)Interlocked.Read(ref _longestWaitTicks) / _time.TimestampFrequency);

    /// <summary>
    /// Opens one call's stream: <paramref name="speech"/> receives each chunk with its speech probability, in order, on the
    /// submitting thread (a gated chunk) or on the worker; <paramref name="failed"/> once if an inference fails.
    /// </summary>
    public BatchedVadStream OpenStream(Action<short[], float> speech, Action<Exception> failed)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        Interlocked.Increment(ref _open);
        return new BatchedVadStream(this, speech, failed);
    }

    internal void Closed() => Interlocked.Decrement(ref _open);

    internal void TimedOut(TimeSpan waited) => LogDrainTimedOut(_logger, waited.TotalMilliseconds);

    internal void Enqueue(BatchedVadStream stream)
    {
        stream.SubmittedAt = _time.GetTimestamp();
        if (_stopping)
        {
            stream.Fail(new ObjectDisposedException(nameof(SileroVadBatcher)));
            return;
        }

        _waiting.Enqueue(stream);
        if (_stopping)
        {
            // Stopped while this chunk went in: the worker may have drained the queue already.
            while (_waiting.TryDequeue(out var left))
            {
                left.Fail(new ObjectDisposedException(nameof(SileroVadBatcher)));
            }

            return;
        }

        var queued = Interlocked.Increment(ref _queued);
        if (queued == 1 || Full(queued))
        {
            _signal.Set();
        }
    }

    private void Work()
    {
        var batch = new List<BatchedVadStream>(_maxBatch);
        while (!_stopping)
        {
            _signal.Wait();
            _signal.Reset();
            if (!_waiting.TryPeek(out var first))
            {
                continue;
            }

            // Until the batch is full, every open stream has a chunk in it, or the first chunk has waited its time.
            var wait = _maxWait - _time.GetElapsedTime(first.SubmittedAt);
            while (!_stopping && !Full(Volatile.Read(ref _queued)) && wait > TimeSpan.Zero)
            {
                using (_time.CreateTimer(_ => _signal.Set(), null, wait, Timeout.InfiniteTimeSpan))
                {
                    _signal.Wait();
                    _signal.Reset();
                }

                wait = _maxWait - _time.GetElapsedTime(first.SubmittedAt);
            }

            while (batch.Count < _maxBatch && _waiting.TryDequeue(out var stream))
            {
                Interlocked.Decrement(ref _queued);
                batch.Add(stream);
            }

            if (!_stopping)
            {
                try
                {
                    Run(batch);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A fault outside the inference (a detector's failure handler) must not end the thread every call uses.
                    LogDeliveryFailed(_logger, e);
                }
            }

            batch.Clear();
            if (!_waiting.IsEmpty)
            {
                _signal.Set(); // more than one batch was waiting, or chunks came in while this one ran
            }
        }

        // Stopping: chunks still waiting get no probability; their detectors fail to NOTSURE rather than wait for ever.
        foreach (var stream in batch)
        {
            stream.Fail(new ObjectDisposedException(nameof(SileroVadBatcher)));
        }

        while (_waiting.TryDequeue(out var stream))
        {
            stream.Fail(new ObjectDisposedException(nameof(SileroVadBatcher)));
        }
    }

    // Full, or every open stream is waiting: no other chunk can come before one of these returns.
    private bool Full(int queued) => queued >= _maxBatch || queued >= Volatile.Read(ref _open);

    private void Run(List<BatchedVadStream> batch)
    {
        var m = batch.Count;

        // The state tensor is [2, batch, 128]: layer l of row j sits at (l * m + j) * 128; a stream keeps [2, 1, 128].
        for (var j = 0; j < m; j++)
        {
            batch[j].Input.CopyTo(_input.AsSpan(j * Width, Width));
            for (var l = 0; l < 2; l++)
            {
                batch[j].State.AsSpan(l * 128, 128).CopyTo(_state.AsSpan(((l * m) + j) * 128, 128));
            }
        }

        try
        {
            _run(_input, _state, _next, _output, m);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogInferenceFailed(_logger, m, e);
            foreach (var stream in batch)
            {
                stream.Fail(e);
            }

            return;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _chunks, m);
        var now = _time.GetTimestamp();
        foreach (var stream in batch)
        {
            var waited = now - stream.SubmittedAt;
            Interlocked.Add(ref _waitTicks, waited);
            if (waited > Interlocked.Read(ref _longestWaitTicks))
            {
                Interlocked.Exchange(ref _longestWaitTicks, waited);
            }
        }

        for (var j = 0; j < m; j++)
        {
            for (var l = 0; l < 2; l++)
            {
                _next.AsSpan(((l * m) + j) * 128, 128).CopyTo(batch[j].State.AsSpan(l * 128, 128));
            }
        }

        for (var j = 0; j < m; j++)
        {
            try
            {
                batch[j].Completed(_output[j]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One call's detector failing must not cost the others in the batch their probabilities.
                LogDeliveryFailed(_logger, e);
                batch[j].Fail(e);
            }
        }
    }

    /// <summary>Stops the worker; chunks waiting fail their streams (NOTSURE), later submissions fail at once.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _signal.Set();
        if (Thread.CurrentThread != _worker && _worker.Join(TimeSpan.FromSeconds(5)))
        {
            _signal.Dispose();
        }
    }

    [LoggerMessage(EventId = 6011, Level = LogLevel.Error, Message = "Silero VAD inference for {Streams} calls failed; their AMD verdicts are NOTSURE")]
    private static partial void LogInferenceFailed(ILogger logger, int streams, Exception exception);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Error, Message = "A call's chunks were not answered by the VAD batcher within {WaitedMs} ms; its AMD verdict is NOTSURE")]
    private static partial void LogDrainTimedOut(ILogger logger, double waitedMs);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Error, Message = "An AMD detector failed on its speech probability; that call's verdict is NOTSURE")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception);
}

/// <summary>One Silero inference for <c>batch</c> rows (<see cref="SileroVad.Run"/>).</summary>
internal delegate void VadInference(float[] input, float[] state, float[] stateOut, float[] output, int batch);

/// <summary>
/// One call's Silero VAD run by the host's <see cref="SileroVadBatcher"/>: its recurrent state, its <see cref="VadGate"/> and
/// the chunks waiting. A chunk the gate skips gets probability 0 at once; the others go to the batcher one at a time, in
/// order (the gate's next decision needs the previous probability), and come back through the stream's callback.
/// </summary>
public sealed class BatchedVadStream
{
    private readonly SileroVadBatcher _owner;
    private readonly Action<short[], float> _speech;
    private readonly Action<Exception> _failed;
    private readonly VadGate _gate = new();
    private readonly Queue<short[]> _queue = new();
    private readonly Stack<short[]> _free = new();
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _idle = new(initialState: true);
    private bool _busy;
    private bool _closed;

    internal BatchedVadStream(SileroVadBatcher owner, Action<short[], float> speech, Action<Exception> failed)
    {
        _owner = owner;
        _speech = speech;
        _failed = failed;
    }

    /// <summary>The network's input row: the previous chunk's last 32 samples, then this chunk, in [-1, 1].</summary>
    internal float[] Input { get; } = new float[SileroVad.ContextSamples + SileroVad.ChunkSamples];

    /// <summary>When the chunk now in the batcher was handed to it (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    internal long SubmittedAt { get; set; }

    /// <summary>The recurrent state [2, 1, 128].</summary>
    internal float[] State { get; } = new float[SileroVad.StateSize];

    /// <summary>Chunks waiting or in the network (0 once everything submitted has been answered).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether the stream was closed (the call ended or decided, or an inference failed).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Submits one 256-sample chunk (32 ms at 8 kHz); its probability arrives through the callback.</summary>
    public void Submit(ReadOnlySpan<short> chunk)
    {
        if (chunk.Length != SileroVad.ChunkSamples)
        {
            throw new ArgumentException($"A chunk is {SileroVad.ChunkSamples} samples, not {chunk.Length}.", nameof(chunk));
        }

        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            var copy = _free.TryPop(out var reused) ? reused : new short[SileroVad.ChunkSamples];
            chunk.CopyTo(copy);
            _queue.Enqueue(copy);
            if (_busy)
            {
                return; // the chunk before it is in the network; the worker continues with this one
            }

            _busy = true;
            _idle.Reset();
        }

        Pump();
    }

    /// <summary>Waits until every submitted chunk has had its probability (or the stream closed); false on timeout.</summary>
    public bool WaitIdle(TimeSpan timeout)
    {
        if (_idle.Wait(timeout))
        {
            return true;
        }

        _owner.TimedOut(timeout);
        return false;
    }

    /// <summary>Drops the chunks waiting and frees the stream's place in the batcher; later submissions are ignored.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _queue.Clear();
            _free.Clear();
            if (!_busy)
            {
                _idle.Set();
            }
        }

        _owner.Closed();
    }

    /// <summary>The network's answer for the chunk at the head of the queue (worker thread).</summary>
    internal void Completed(float probability)
    {
        short[] chunk;
        lock (_lock)
        {
            if (_closed || !_queue.TryDequeue(out chunk!))
            {
                Idle();
                return;
            }
        }

        _gate.Heard(probability);
        Deliver(chunk, probability);
        Pump();
    }

    /// <summary>An inference failed (or the batcher stopped): the caller hears once, the stream closes.</summary>
    internal void Fail(Exception error)
    {
        bool first;
        lock (_lock)
        {
            first = !_closed;
        }

        Close();
        lock (_lock)
        {
            Idle();
        }

        if (first)
        {
            _failed(error);
        }
    }

    // Runs the gate on the chunks at the head of the queue until one needs the network (sent to the batcher) or none is left.
    // Only one thread pumps a stream at a time (_busy), so chunks are analysed in order.
    private void Pump()
    {
        while (true)
        {
            short[] chunk;
            lock (_lock)
            {
                if (_closed || !_queue.TryPeek(out chunk!))
                {
                    Idle();
                    return;
                }
            }

            // Context: the previous chunk's last 32 samples (zeros before the first), as SileroVadStream feeds them.
            Array.Copy(Input, SileroVad.ChunkSamples, Input, 0, SileroVad.ContextSamples);
            for (var i = 0; i < chunk.Length; i++)
            {
                Input[SileroVad.ContextSamples + i] = chunk[i] / 32768f;
            }

            if (!_gate.Skip(chunk))
            {
                _owner.Enqueue(this);
                return;
            }

            lock (_lock)
            {
                _queue.TryDequeue(out _);
            }

            Deliver(chunk, 0);
        }
    }

    private void Deliver(short[] chunk, float probability)
    {
        _speech(chunk, probability);
        lock (_lock)
        {
            if (!_closed)
            {
                _free.Push(chunk);
            }
        }
    }

    private void Idle()
    {
        _busy = false;
        _idle.Set();
    }
}
