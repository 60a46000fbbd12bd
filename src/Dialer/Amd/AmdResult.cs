namespace Collections.Dialer.Amd;

/// <summary>What answered the call, as far as the detector can tell.</summary>
public enum AmdVerdict
{
    /// <summary>A person: connect an agent.</summary>
    Human,

    /// <summary>An answering machine or voicemail: apply the campaign's machine policy.</summary>
    Machine,

    /// <summary>Undecided within the analysis time: treated as a person (an agent takes it).</summary>
    NotSure,
}

/// <summary>Why the detector decided; names follow Asterisk's AMDCAUSE values where one exists.</summary>
public enum AmdCause
{
    /// <summary>Silence after a greeting short enough to be a person's "hello" (HUMAN).</summary>
    Human,

    /// <summary>Nothing was said within the initial-silence limit.</summary>
    InitialSilence,

    /// <summary>The greeting's voiced time passed the greeting limit (MACHINE).</summary>
    LongGreeting,

    /// <summary>More words than a person says before waiting for an answer (MACHINE).</summary>
    MaxWords,

    /// <summary>One word longer than the maximum word length (MACHINE).</summary>
    MaxWordLength,

    /// <summary>A steady tone in the voicemail-beep band (MACHINE).</summary>
    Beep,

    /// <summary>The total analysis time passed without a decision (NOTSURE).</summary>
    TooLong,

    /// <summary>The audio ended before a decision (NOTSURE).</summary>
    EndOfAudio,

    /// <summary>The learned detector's classifier was sure of a recorded greeting (MACHINE).</summary>
    Prosody,

    /// <summary>A special information tone (ITU-T E.180): a network intercept message, not a person (MACHINE).</summary>
    Sit,

    /// <summary>
    /// The learned detector heard speech and then silence for its after-greeting bound without being able to decide
    /// (NOTSURE): an operator takes the call while the 2 s after the greeting still allow it (16 CFR 310.4(b)(1)(iv); Ofcom 2016).
    /// </summary>
    AfterGreeting,

    /// <summary>The detector could not analyse the audio (its speech model failed or did not answer): NOTSURE, an operator takes it.</summary>
    DetectorFailed,
}

/// <summary>A decision, the time from answer at which it was made, and what the detector had heard by then.</summary>
/// <param name="Verdict">HUMAN, MACHINE or NOTSURE.</param>
/// <param name="Cause">Why.</param>
/// <param name="DecisionTime">Audio from answer when the detector decided.</param>
/// <param name="Words">Words counted (the app_amd-style detector; 0 for the learned one).</param>
/// <param name="VoicedTime">Voiced time of the greeting (the app_amd-style detector).</param>
/// <param name="GreetingEnd">
/// Time from answer at which the last speech before the verdict ended, that is the end of the answering person's greeting as
/// far as the detector heard it (the decision time itself when speech was still going on); null when nothing was said. The
/// 2 s within which a person must reach an operator run from here (FTC Telemarketing Sales Rule 16 CFR 310.4(b)(1)(iv) and
/// (b)(4)(iii): "within two (2) seconds of the completed greeting of the person answering"; Ofcom, persistent-misuse policy
/// 2016, A1: "within two seconds of the called person's greeting having ended"): <see cref="Pacing.AbandonmentClock"/>.
/// </param>
public readonly record struct AmdResult(AmdVerdict Verdict, AmdCause Cause, TimeSpan DecisionTime, int Words = 0, TimeSpan VoicedTime = default, TimeSpan? GreetingEnd = null)
{
    /// <summary>The verdict as the CLI and the Asterisk-compatible logs spell it: HUMAN, MACHINE or NOTSURE.</summary>
    public string VerdictText => Verdict switch
    {
        AmdVerdict.Human => "HUMAN",
        AmdVerdict.Machine => "MACHINE",
        _ => "NOTSURE",
    };

    /// <summary>The cause in upper case without separators, like Asterisk's AMDCAUSE (e.g. LONGGREETING).</summary>
    public string CauseText => Cause.ToString().ToUpperInvariant();
}
