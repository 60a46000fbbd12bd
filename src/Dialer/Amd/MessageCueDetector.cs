namespace Collections.Dialer.Amd;

/// <summary>Why a left message may start now.</summary>
public enum MessageCueCause
{
    /// <summary>The voicemail beep ended.</summary>
    BeepEnded,

    /// <summary>The greeting ended (a long silence after speech).</summary>
    GreetingEnded,

    /// <summary>Waited the maximum time.</summary>
    Timeout,
}

/// <summary>The moment to start playing a message into a voicemail, measured from when watching began.</summary>
public readonly record struct MessageCue(MessageCueCause Cause, TimeSpan At);

/// <summary>
/// After a MACHINE verdict, watches the rest of the greeting for the moment to leave a message: the end of the
/// beep, or the end of the greeting, per <see cref="MachinePolicy.MessageStart"/>. A message started while the
/// greeting still plays is cut off at its start on the recording, so waiting matters more than speed here.
/// </summary>
public sealed class MessageCueDetector
{
    private const int FrameMs = 20;
    private readonly MachinePolicy _policy;
    private readonly AmdProfile _profile;
    private readonly ToneAnalyzer _tone;
    private readonly NoiseFloorTracker _noiseFloor;
    private readonly short[] _pending = new short[AmdDetector.FrameSamples];
    private int _pendingCount;
    private int _elapsedMs;
    private int _silenceMs;
    private int _toneRunMs;
    private int _toneFrequency;
    private bool _beepHeard;
    private bool _heardSpeech;

    /// <summary>
    /// Starts watching where the AMD detector stopped: <paramref name="noiseFloor"/> is its
    /// <see cref="AmdDetector.NoiseFloor"/>, <paramref name="beepInProgress"/> is true when its verdict was a beep.
    /// </summary>
    public MessageCueDetector(MachinePolicy policy, double noiseFloor, AmdProfile? profile = null, bool beepInProgress = false)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _profile = profile ?? AmdProfile.Default;
        _tone = new ToneAnalyzer(_profile.BeepMinFrequency, _profile.BeepMaxFrequency);
        _noiseFloor = new NoiseFloorTracker(Math.Max(1, (int)(_profile.NoiseFloorWindow.TotalMilliseconds / FrameMs)));
        _noiseFloor.Seed(noiseFloor);
        _beepHeard = beepInProgress;
        _heardSpeech = true; // a MACHINE verdict means a greeting has been playing
    }

    /// <summary>The cue, once found.</summary>
    public MessageCue? Cue { get; private set; }

    /// <summary>Feeds decoded 8 kHz samples; returns the cue once it is time to play.</summary>
    public MessageCue? Push(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty && Cue is null)
        {
            var take = Math.Min(AmdDetector.FrameSamples - _pendingCount, samples.Length);
            samples[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            samples = samples[take..];
            if (_pendingCount == AmdDetector.FrameSamples)
            {
                _pendingCount = 0;
                ProcessFrame(_pending);
            }
        }

        return Cue;
    }

    private void ProcessFrame(ReadOnlySpan<short> frame)
    {
        _elapsedMs += FrameMs;
        double sum = 0;
        foreach (var s in frame)
        {
            sum += Math.Abs((int)s);
        }

        var energy = sum / frame.Length;
        var threshold = Math.Max(_profile.SilenceThreshold, _noiseFloor.Update(energy) * _profile.NoiseFloorMargin);
        var voiced = energy >= threshold;
        var tone = false;
        if (voiced)
        {
            var (frequency, purity) = _tone.Analyze(frame);
            tone = purity >= _profile.BeepPurity;
            if (tone && _toneRunMs > 0 && Math.Abs(frequency - _toneFrequency) <= 25)
            {
                _toneRunMs += FrameMs;
            }
            else if (tone)
            {
                _toneFrequency = frequency;
                _toneRunMs = FrameMs;
            }

            if (_toneRunMs >= _profile.BeepMinDuration.TotalMilliseconds)
            {
                _beepHeard = true;
            }
        }

        if (!tone)
        {
            _toneRunMs = 0;
        }

        if (voiced)
        {
            _silenceMs = 0;
            _heardSpeech |= !tone;
        }
        else
        {
            _silenceMs += FrameMs;
        }

        var wantsBeep = _policy.MessageStart is MessageStart.AfterBeep or MessageStart.AfterBeepOrGreeting;
        var wantsGreetingEnd = _policy.MessageStart is MessageStart.AfterGreeting or MessageStart.AfterBeepOrGreeting;
        if (wantsBeep && _beepHeard && !tone)
        {
            Cue = new MessageCue(MessageCueCause.BeepEnded, TimeSpan.FromMilliseconds(_elapsedMs));
        }
        else if (wantsGreetingEnd && _heardSpeech && _silenceMs >= _policy.EndOfGreetingSilence.TotalMilliseconds)
        {
            Cue = new MessageCue(MessageCueCause.GreetingEnded, TimeSpan.FromMilliseconds(_elapsedMs));
        }
        else if (_elapsedMs >= _policy.MaxWaitForMessageStart.TotalMilliseconds)
        {
            Cue = new MessageCue(MessageCueCause.Timeout, TimeSpan.FromMilliseconds(_elapsedMs));
        }
    }
}
