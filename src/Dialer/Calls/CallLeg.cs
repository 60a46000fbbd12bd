using Collections.Dialer.Media.Rtp;

namespace Collections.Dialer.Calls;

/// <summary>Life of a call leg; transitions are checked by <see cref="CallStateMachine"/>.</summary>
internal enum CallState
{
    Idle,
    Calling,
    Ringing,
    EarlyMedia,
    Answered,
    Terminating,
    Terminated,
}

internal enum HangupParty
{
    Local,
    Remote,
}

/// <summary>The allowed transitions of a call leg; anything else is a bug and throws.</summary>
internal static class CallStateMachine
{
    public static bool IsAllowed(CallState from, CallState to) => (from, to) switch
    {
        (CallState.Idle, CallState.Calling) => true,
        (CallState.Calling, CallState.Ringing or CallState.EarlyMedia or CallState.Answered or CallState.Terminated) => true,
        (CallState.Ringing, CallState.EarlyMedia or CallState.Answered or CallState.Terminated or CallState.Ringing) => true,
        (CallState.EarlyMedia, CallState.Ringing or CallState.Answered or CallState.Terminated or CallState.EarlyMedia) => true,
        (CallState.Answered, CallState.Terminating or CallState.Terminated) => true,
        (CallState.Terminating, CallState.Terminated) => true,
        (CallState.Idle, CallState.Terminated) => true,
        _ => false,
    };
}

/// <summary>A debtor leg or an agent's leg: a SIP dialog with its RTP session.</summary>
internal interface ICallLeg : IAsyncDisposable
{
    CallState State { get; }

    /// <summary>The dialog's SIP Call-ID (RFC 3261 8.1.1.4).</summary>
    string CallId { get; }

    RtpSession? Media { get; }

    /// <summary>Completes when the leg reaches <see cref="CallState.Terminated"/>.</summary>
    Task Ended { get; }

    event Action<ICallLeg, CallState, CallState>? StateChanged;

    Task HangupAsync();
}

/// <summary>Seam for answering-machine detection on the first seconds of a debtor's audio (branch amd plugs Collections.Dialer.Amd in here).</summary>
internal interface IAnswerClassifier
{
    /// <summary>The callee answered (200 OK): the detector's clock starts here and audio before it (early media) is ignored.</summary>
    /// <remarks>A default body, so classifiers that need no answer instant (test fakes) compile unchanged.</remarks>
    void Answered()
    {
    }

    /// <summary>
    /// Feeds one RTP packet's 8 kHz PCM with its timestamp and source (RFC 3550 section 5.1), which place the audio in time;
    /// returns HUMAN, MACHINE or NOTSURE once decided, else null.
    /// </summary>
    string? Push(ReadOnlySpan<short> samples, uint rtpTimestamp, uint ssrc);

    /// <summary>Forces a verdict when the audio ends before a decision.</summary>
    string Finish();
}
