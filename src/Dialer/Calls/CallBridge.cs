using System.Collections.Concurrent;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Rtp;

namespace Collections.Dialer.Calls;

/// <summary>
/// Relays RTP between a debtor leg and an agent leg. Each packet is re-sent by the other leg's own
/// <see cref="RtpSession"/>, so it carries that leg's SSRC, next sequence number and running timestamp:
/// the agent's phone hears one continuous stream across many debtor calls on its nailed-up leg
/// (RFC 3550 8.2 would otherwise need a new SSRC per call). PCMU/PCMA and Opus are transcoded when the legs differ.
/// Optionally records a stereo WAV, debtor left and agent right, with a header rewritten every second.
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

    private void OnDebtorAudio(RtpSession from, in RtpAudio audio)
    {
        Relay(audio, _agent, _debtorFrames);
        Interlocked.Increment(ref _relayedToAgent);
    }

    private void OnAgentAudio(RtpSession from, in RtpAudio audio)
    {
        Relay(audio, _debtor, _agentFrames);
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
        lock (_recordGate)
        {
            _recorder?.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
