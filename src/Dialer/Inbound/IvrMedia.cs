using System.Threading.Channels;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;

namespace Collections.Dialer.Inbound;

/// <summary>
/// The IVR's side of an inbound leg's audio: every 20 ms it sends the current clip (a prompt, the music on hold looped, or G.711
/// silence so the caller's jitter buffer and NAT stay fed), collects the caller's keys (RFC 4733 events and in-band tones) and,
/// while a recorder is attached (voicemail), writes the caller left and what we send right. Paused while the call is bridged to
/// an operator (the bridge speaks to the caller then).
/// </summary>
internal sealed class IvrMedia : IAsyncDisposable
{
    private readonly RtpSession _rtp;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts = new();
    private readonly Channel<char> _keys = Channel.CreateUnbounded<char>();
    private readonly DtmfDetector _inBand = new();
    private readonly Lock _gate = new();
    private readonly Queue<short[]> _received = new();
    private Task? _loop;
    private short[]? _clip;
    private int _offset;
    private bool _loopClip;
    private TaskCompletionSource? _clipDone;
    private Recording.IStereoRecorder? _recorder;
    private long _framesRecorded;
    private long _voiceFramesRecorded;

    public IvrMedia(RtpSession rtp, TimeProvider time)
    {
        _rtp = rtp;
        _time = time;
        _rtp.DtmfReceived += OnDtmf;
        _rtp.AudioReceived += OnAudio;
    }

    /// <summary>Keys the caller pressed, in order.</summary>
    public ChannelReader<char> Keys => _keys.Reader;

    /// <summary>While true nothing is sent or recorded (the call is bridged).</summary>
    public bool Paused { get; set; }

    /// <summary>Frames of the caller's audio recorded so far, and those of them with sound in them (not silence).</summary>
    public (long Frames, long Voice) Recorded => (Interlocked.Read(ref _framesRecorded), Interlocked.Read(ref _voiceFramesRecorded));

    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Plays <paramref name="clip"/> from its start, replacing what played; the task completes when it has been sent
    /// (never for a looped clip, which plays until replaced).</summary>
    public Task Play(short[] clip, bool loop = false)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource? replaced;
        lock (_gate)
        {
            replaced = _clipDone;
            _clip = clip;
            _offset = 0;
            _loopClip = loop;
            _clipDone = done;
        }

        replaced?.TrySetResult();
        return done.Task;
    }

    /// <summary>Stops the clip: silence from the next frame.</summary>
    public void Silence()
    {
        TaskCompletionSource? done;
        lock (_gate)
        {
            done = _clipDone;
            _clip = null;
            _clipDone = null;
        }

        done?.TrySetResult();
    }

    /// <summary>Records from now on into <paramref name="recorder"/> (caller left, us right) until <see cref="StopRecording"/>.</summary>
    public void Record(Recording.IStereoRecorder recorder)
    {
        lock (_gate)
        {
            _received.Clear();
            _recorder = recorder;
        }
    }

    public void StopRecording()
    {
        lock (_gate)
        {
            _recorder?.Dispose();
            _recorder = null;
        }
    }

    private void OnDtmf(RtpSession session, char digit) => _keys.Writer.TryWrite(digit);

    private void OnAudio(RtpSession session, AudioFrame frame)
    {
        if (Paused)
        {
            return;
        }

        if (_inBand.Push(frame.Samples) is { } digit)
        {
            _keys.Writer.TryWrite(digit);
        }

        lock (_gate)
        {
            if (_recorder is not null && _received.Count < 50)
            {
                _received.Enqueue(frame.Samples);
            }
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), _time);
        var frame = new short[RtpSession.SamplesPerFrame];
        var first = true;
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
            {
                if (Paused)
                {
                    first = true;
                    continue;
                }

                Array.Clear(frame);
                TaskCompletionSource? finished = null;
                short[]? left = null;
                lock (_gate)
                {
                    if (_clip is { } clip)
                    {
                        var n = Math.Min(frame.Length, clip.Length - _offset);
                        clip.AsSpan(_offset, n).CopyTo(frame);
                        _offset += n;
                        if (_offset >= clip.Length)
                        {
                            if (_loopClip)
                            {
                                _offset = 0;
                            }
                            else
                            {
                                _clip = null;
                                finished = _clipDone;
                                _clipDone = null;
                            }
                        }
                    }

                    if (_recorder is not null)
                    {
                        left = _received.TryDequeue(out var got) && got.Length == frame.Length ? got : new short[frame.Length];
                        _recorder.WriteStereo(left, frame);
                        Interlocked.Increment(ref _framesRecorded);
                        if (left.Any(s => Math.Abs((int)s) > 1000))
                        {
                            Interlocked.Increment(ref _voiceFramesRecorded);
                        }
                    }
                }

                _rtp.SendAudio(frame, marker: first);
                first = false;
                finished?.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _rtp.DtmfReceived -= OnDtmf;
        _rtp.AudioReceived -= OnAudio;
        await _cts.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        StopRecording();
        Silence();
        _keys.Writer.TryComplete();
        _cts.Dispose();
    }
}
