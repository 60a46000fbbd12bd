using System.Collections.Concurrent;
using Collections.Dialer.Media.Rtp;
using Collections.Shared.Contracts;

namespace Collections.Dialer.Calls;

/// <summary>The three parties of a monitored call.</summary>
internal enum CallParty
{
    Debtor,
    Agent,
    Supervisor,
}

/// <summary>
/// Who hears whom on a monitored call, and the mix itself: each party receives the linear-PCM sum of the parties it may hear,
/// clipped to 16 bits (a sum of two loud G.711 signals can exceed the range; wrapping would turn it into noise).
/// </summary>
internal static class MonitorMix
{
    /// <summary>Whether <paramref name="listener"/> hears <paramref name="speaker"/> in <paramref name="mode"/>.</summary>
    public static bool Hears(MonitorMode mode, CallParty listener, CallParty speaker) => (listener, speaker) switch
    {
        _ when listener == speaker => false,
        (CallParty.Debtor, CallParty.Agent) or (CallParty.Agent, CallParty.Debtor) => true,
        (CallParty.Supervisor, _) => true,                                   // every mode: the supervisor hears both
        (CallParty.Agent, CallParty.Supervisor) => mode is MonitorMode.Whisper or MonitorMode.Barge,
        (CallParty.Debtor, CallParty.Supervisor) => mode is MonitorMode.Barge,
        _ => false,
    };

    /// <summary>Mixes one frame: each output is the sum of the inputs its party may hear in <paramref name="mode"/>.</summary>
    public static void Mix(MonitorMode mode, ReadOnlySpan<short> debtor, ReadOnlySpan<short> agent, ReadOnlySpan<short> supervisor,
        Span<short> toDebtor, Span<short> toAgent, Span<short> toSupervisor)
    {
        MixFor(mode, CallParty.Debtor, debtor, agent, supervisor, toDebtor);
        MixFor(mode, CallParty.Agent, debtor, agent, supervisor, toAgent);
        MixFor(mode, CallParty.Supervisor, debtor, agent, supervisor, toSupervisor);
    }

    private static void MixFor(MonitorMode mode, CallParty listener, ReadOnlySpan<short> debtor, ReadOnlySpan<short> agent, ReadOnlySpan<short> supervisor, Span<short> output)
    {
        var d = Hears(mode, listener, CallParty.Debtor);
        var a = Hears(mode, listener, CallParty.Agent);
        var s = Hears(mode, listener, CallParty.Supervisor);
        for (var i = 0; i < output.Length; i++)
        {
            var sum = (d ? At(debtor, i) : 0) + (a ? At(agent, i) : 0) + (s ? At(supervisor, i) : 0);
            output[i] = (short)Math.Clamp(sum, short.MinValue, short.MaxValue);
        }
    }

    private static int At(ReadOnlySpan<short> frame, int i) => i < frame.Length ? frame[i] : 0;
}

/// <summary>
/// Mixes a bridged call with a third party (a supervisor's leg) on a 20 ms clock (RFC 3551 4.5's G.711 frame): each leg's
/// decoded audio waits in a short queue, and every tick takes one frame from each (silence when none came), mixes them by
/// <see cref="MonitorMix"/> and sends each leg its mix, encoded in that leg's own codec (PCMU, PCMA or Opus) with its own
/// SSRC, sequence and timestamps. A queue longer than 100 ms drops its oldest frames, so a peer sending fast cannot build up
/// delay. Ticks the timer missed (a busy machine) are made up at the next one, up to that same 100 ms.
/// </summary>
internal sealed class ConferenceMixer : IAsyncDisposable
{
    /// <summary>Frames (of 20 ms) a party's queue holds before its oldest is dropped.</summary>
    public const int MaxQueuedFrames = 5;

    private readonly RtpSession _debtor;
    private readonly RtpSession _agent;
    private readonly RtpSession _supervisor;
    private readonly TimeProvider _time;
    private readonly Action<short[], short[]>? _record;
    private readonly ConcurrentQueue<short[]>[] _queues = [new(), new(), new()];
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    private volatile MonitorMode _mode;
    private int _disposed;

    /// <param name="record">Called each tick with the debtor's frame and the frame the debtor was sent (the call's recording).</param>
    public ConferenceMixer(RtpSession debtor, RtpSession agent, RtpSession supervisor, MonitorMode mode, TimeProvider time, Action<short[], short[]>? record = null)
    {
        _debtor = debtor;
        _agent = agent;
        _supervisor = supervisor;
        _mode = mode;
        _time = time;
        _record = record;
        _supervisor.RawAudioReceived += OnSupervisorAudio;
        _loop = Task.Run(RunAsync);
    }

    public MonitorMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>Frames mixed and sent to each party so far.</summary>
    public long Ticks { get; private set; }

    /// <summary>Queues one received packet's PCM from <paramref name="from"/>, in 20 ms frames.</summary>
    public void Push(CallParty from, ReadOnlySpan<short> pcm)
    {
        var queue = _queues[(int)from];
        for (var offset = 0; offset < pcm.Length; offset += RtpSession.SamplesPerFrame)
        {
            var frame = new short[RtpSession.SamplesPerFrame];
            pcm.Slice(offset, Math.Min(frame.Length, pcm.Length - offset)).CopyTo(frame);
            queue.Enqueue(frame);
        }

        while (queue.Count > MaxQueuedFrames && queue.TryDequeue(out _))
        {
        }
    }

    private void OnSupervisorAudio(RtpSession from, in RtpAudio audio) => Push(CallParty.Supervisor, audio.Pcm);

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), _time);
        var start = _time.GetTimestamp();
        long produced = 0;
        var toDebtor = new short[RtpSession.SamplesPerFrame];
        var toAgent = new short[RtpSession.SamplesPerFrame];
        var toSupervisor = new short[RtpSession.SamplesPerFrame];
        var silence = new short[RtpSession.SamplesPerFrame];
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token).ConfigureAwait(false))
            {
                var due = (long)(_time.GetElapsedTime(start).TotalMilliseconds / 20) - produced;
                if (due > MaxQueuedFrames)
                {
                    produced += due - MaxQueuedFrames;   // too far behind: skip rather than burst
                    due = MaxQueuedFrames;
                }

                for (; due > 0; due--, produced++)
                {
                    var d = Take(CallParty.Debtor) ?? silence;
                    var a = Take(CallParty.Agent) ?? silence;
                    var s = Take(CallParty.Supervisor) ?? silence;
                    MonitorMix.Mix(_mode, d, a, s, toDebtor, toAgent, toSupervisor);
                    var first = Ticks == 0;
                    _debtor.SendAudio(toDebtor, first);
                    _agent.SendAudio(toAgent, first);
                    _supervisor.SendAudio(toSupervisor, first);
                    _record?.Invoke(d, (short[])toDebtor.Clone());
                    Ticks++;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // A leg closed under the mixer: the bridge is ending.
        }
    }

    private short[]? Take(CallParty party) => _queues[(int)party].TryDequeue(out var frame) ? frame : null;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _supervisor.RawAudioReceived -= OnSupervisorAudio;
        await _cts.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _cts.Dispose();
    }
}
