using System.Collections.Concurrent;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;
using Collections.Shared.Contracts;

namespace Collections.Dialer.Calls;

/// <summary>
/// Relays RTP between a debtor leg and an agent leg. Each packet is re-sent by the other leg's own
/// <see cref="RtpSession"/>, so it carries that leg's SSRC, next sequence number and running timestamp:
/// the agent's phone hears one continuous stream across many debtor calls on its nailed-up leg
/// (RFC 3550 8.2 would otherwise need a new SSRC per call). PCMU/PCMA and Opus are transcoded when the legs differ.
/// Optionally records a stereo WAV, debtor left and agent right, with a header rewritten every second.
/// A supervisor's leg can join as a third party (<see cref="Attach"/>): the legs are then mixed by a <see cref="ConferenceMixer"/>
/// until it leaves, and the right channel records what the debtor was sent (the operator, and a barging supervisor).
/// </summary>
internal sealed class CallBridge : IAsyncDisposable
{
    private readonly RtpSession _debtor;
    private readonly RtpSession _agent;
    private readonly Recording.IStereoRecorder? _recorder;
    private readonly ConcurrentQueue<short[]> _debtorFrames = new();
    private readonly ConcurrentQueue<short[]> _agentFrames = new();
    private readonly Lock _recordGate = new();
    private long _relayedToAgent;
    private long _relayedToDebtor;
    private int _disposed;
    private ConferenceMixer? _mixer;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CallBridge(RtpSession debtor, RtpSession agent, Recording.RecordingTarget? recording = null)
    {
        _debtor = debtor;
        _agent = agent;
        _recorder = recording?.Open();

        _debtor.RawAudioReceived += OnDebtorAudio;
        _agent.RawAudioReceived += OnAgentAudio;
    }

    public long RelayedToAgent => Interlocked.Read(ref _relayedToAgent);

    public long RelayedToDebtor => Interlocked.Read(ref _relayedToDebtor);

    /// <summary>Completes when the bridge is taken down (the debtor's leg ended, or it was unbridged).</summary>
    public Task Closed => _closed.Task;

    /// <summary>The mode of the third party, or null while only debtor and agent are bridged.</summary>
    public MonitorMode? MonitorMode => Volatile.Read(ref _mixer)?.Mode;

    /// <summary>
    /// Joins <paramref name="supervisor"/> as the third party in <paramref name="mode"/>; false when one is already joined or
    /// the bridge is down. From now on the three legs are mixed on a 20 ms clock instead of relayed packet by packet.
    /// </summary>
    public bool Attach(RtpSession supervisor, MonitorMode mode, TimeProvider time)
    {
        lock (_recordGate)
        {
            if (Volatile.Read(ref _disposed) == 1 || _mixer is not null)
            {
                return false;
            }

            // Frames queued for pairing in relay mode are written now; from here the mixer writes each tick's pair.
            while (_debtorFrames.TryDequeue(out var d))
            {
                _recorder?.WriteStereo(d, _agentFrames.TryDequeue(out var a) && a.Length == d.Length ? a : new short[d.Length]);
            }

            _agentFrames.Clear();
            Volatile.Write(ref _mixer, new ConferenceMixer(_debtor, _agent, supervisor, mode, time, _recorder is null ? null : RecordMixed));
            return true;
        }
    }

    /// <summary>Changes the third party's mode; false when none is joined.</summary>
    public bool SetMode(MonitorMode mode)
    {
        if (Volatile.Read(ref _mixer) is not { } mixer)
        {
            return false;
        }

        mixer.Mode = mode;
        return true;
    }

    /// <summary>Takes the third party out: debtor and agent are relayed directly again.</summary>
    public async ValueTask DetachAsync()
    {
        if (Interlocked.Exchange(ref _mixer, null) is { } mixer)
        {
            await mixer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void RecordMixed(short[] debtor, short[] toDebtor)
    {
        lock (_recordGate)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _recorder!.WriteStereo(debtor, toDebtor);
            }
        }
    }

    private void OnDebtorAudio(RtpSession from, in RtpAudio audio)
    {
        if (Volatile.Read(ref _mixer) is { } mixer)
        {
            mixer.Push(CallParty.Debtor, audio.Pcm);
        }
        else
        {
            Relay(audio, _agent, _debtorFrames);
        }

        Interlocked.Increment(ref _relayedToAgent);
    }

    private void OnAgentAudio(RtpSession from, in RtpAudio audio)
    {
        if (Volatile.Read(ref _mixer) is { } mixer)
        {
            mixer.Push(CallParty.Agent, audio.Pcm);
        }
        else
        {
            Relay(audio, _debtor, _agentFrames);
        }

        Interlocked.Increment(ref _relayedToDebtor);
    }

    private void Relay(in RtpAudio audio, RtpSession to, ConcurrentQueue<short[]> recordQueue)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        // G.711 in the same law is relayed as it came; anything else (the other law, Opus from a browser) is transcoded
        // through 8 kHz PCM into the other leg's codec.
        var target = to.Codec;
        if (target.IsG711 && audio.Header.PayloadType == target.PayloadType)
        {
            to.SendPayload(audio.Payload, target.PayloadType, (uint)audio.Payload.Length, audio.Header.Marker);
        }
        else
        {
            to.SendAudio(audio.Pcm, audio.Header.Marker);
        }

        if (_recorder is not null)
        {
            // Frames of 20 ms, whatever the packet time, so both channels pair up.
            for (var offset = 0; offset < audio.Pcm.Length; offset += RtpSession.SamplesPerFrame)
            {
                var frame = new short[RtpSession.SamplesPerFrame];
                audio.Pcm.Slice(offset, Math.Min(frame.Length, audio.Pcm.Length - offset)).CopyTo(frame);
                recordQueue.Enqueue(frame);
            }

            Drain();
        }
    }

    /// <summary>Writes paired frames; when one side runs ahead by more than 5 frames (silence on the other), pads with silence.</summary>
    private void Drain()
    {
        lock (_recordGate)
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                var haveDebtor = _debtorFrames.TryPeek(out var d);
                var haveAgent = _agentFrames.TryPeek(out var a);
                if (haveDebtor && haveAgent && d!.Length == a!.Length)
                {
                    _debtorFrames.TryDequeue(out _);
                    _agentFrames.TryDequeue(out _);
                    _recorder!.WriteStereo(d, a);
                }
                else if (haveDebtor && _debtorFrames.Count > 5)
                {
                    _debtorFrames.TryDequeue(out _);
                    _recorder!.WriteStereo(d, new short[d!.Length]);
                }
                else if (haveAgent && _agentFrames.Count > 5)
                {
                    _agentFrames.TryDequeue(out _);
                    _recorder!.WriteStereo(new short[a!.Length], a);
                }
                else
                {
                    return;
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        _debtor.RawAudioReceived -= OnDebtorAudio;
        _agent.RawAudioReceived -= OnAgentAudio;
        // The mixer's loop takes no lock of its caller's and stops within a tick, so waiting here is safe under AgentLine's gate.
        if (Interlocked.Exchange(ref _mixer, null) is { } mixer)
        {
            mixer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        lock (_recordGate)
        {
            _recorder?.Dispose();
        }

        _closed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
