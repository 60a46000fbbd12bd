using System.Collections.Concurrent;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;

namespace Collections.Dialer.Calls;

/// <summary>
/// Drives one leg's audio every 20 ms: sends the prompt (or G.711 silence, so NATs and peers see a live
/// stream), records a stereo WAV (remote party left, what we send right) whose header is rewritten every
/// second by <see cref="WavStreamWriter"/> so a crash leaves a playable file, and feeds AMD.
/// </summary>
internal sealed class CallMedia : IAsyncDisposable
{
    private readonly RtpSession _rtp;
    private readonly TimeProvider _time;
    private readonly short[]? _prompt;
    private readonly WavStreamWriter? _recorder;
    private readonly IAnswerClassifier? _classifier;
    private readonly ConcurrentQueue<short[]> _received = new();
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private int _promptOffset;

    public CallMedia(RtpSession rtp, TimeProvider time, short[]? prompt, string? recordPath, IAnswerClassifier? classifier)
    {
        _rtp = rtp;
        _time = time;
        _prompt = prompt;
        _classifier = classifier;
        if (recordPath is not null)
        {
            _recorder = new WavStreamWriter(recordPath, 8000, 2, TimeSpan.FromSeconds(1));
        }

        _rtp.AudioReceived += OnAudio;
    }

    public string? AmdVerdict { get; private set; }

    /// <summary>AMD listens only from the answer on (early media is ringback or an announcement, not the callee).</summary>
    public bool AmdArmed { get; set; }

    /// <summary>True once the whole prompt has been sent.</summary>
    public bool PromptDone => _prompt is null || _promptOffset >= _prompt.Length;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>While true nothing is sent (a bridge feeds the leg instead); the clock keeps running.</summary>
    public bool Paused { get; set; }

    /// <summary>Plays 8 kHz PCM into a leg in real time, 20 ms per packet (the information message for abandoned calls).</summary>
    public static async Task PlayAsync(RtpSession rtp, short[] samples, TimeProvider time, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), time);
        var frame = new short[RtpSession.SamplesPerFrame];
        for (var offset = 0; offset < samples.Length && await timer.WaitForNextTickAsync(ct).ConfigureAwait(false); offset += frame.Length)
        {
            Array.Clear(frame);
            samples.AsSpan(offset, Math.Min(frame.Length, samples.Length - offset)).CopyTo(frame);
            rtp.SendAudio(frame, offset == 0);
        }
    }

    private void OnAudio(RtpSession session, AudioFrame frame)
    {
        if (_received.Count < 50)
        {
            _received.Enqueue(frame.Samples);
        }

        if (_classifier is not null && AmdArmed && AmdVerdict is null)
        {
            AmdVerdict = _classifier.Push(frame.Samples, frame.Header.Timestamp, frame.Header.Ssrc);
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
                    _received.Clear();
                    first = true;
                    continue;
                }

                Array.Clear(frame);
                if (_prompt is not null && _promptOffset < _prompt.Length)
                {
                    var n = Math.Min(frame.Length, _prompt.Length - _promptOffset);
                    _prompt.AsSpan(_promptOffset, n).CopyTo(frame);
                    _promptOffset += n;
                }

                _rtp.SendAudio(frame, marker: first);
                first = false;
                if (_recorder is not null)
                {
                    var left = _received.TryDequeue(out var got) && got.Length == frame.Length ? got : new short[frame.Length];
                    _recorder.WriteStereo(left, frame);
                }
                else
                {
                    _received.Clear();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _rtp.AudioReceived -= OnAudio;
        await _cts.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_classifier is not null && AmdArmed && AmdVerdict is null)
        {
            AmdVerdict = _classifier.Finish();
        }

        _recorder?.Dispose();
        _cts.Dispose();
    }
}
