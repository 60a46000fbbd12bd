using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Amd;

/// <summary>What a campaign does when AMD says MACHINE.</summary>
public enum MachineAction
{
    /// <summary>Hang up at once (the account is rescheduled by its strategy).</summary>
    HangUp,

    /// <summary>Wait for the beep or the end of the greeting, play the campaign's message, then hang up.</summary>
    LeaveMessage,
}

/// <summary>When a left message starts playing.</summary>
public enum MessageStart
{
    /// <summary>After the voicemail beep; without a beep, after <see cref="MachinePolicy.MaxWaitForMessageStart"/>.</summary>
    AfterBeep,

    /// <summary>After the greeting ends (a long silence), whether or not a beep was heard.</summary>
    AfterGreeting,

    /// <summary>After the beep, or after the greeting ends when there is no beep: whichever comes first.</summary>
    AfterBeepOrGreeting,
}

/// <summary>Where an answered call goes after AMD.</summary>
public enum AmdRoute
{
    /// <summary>Bridge to the longest-idle ready agent (HUMAN and NOTSURE).</summary>
    ConnectAgent,

    /// <summary>Hang up (MACHINE with <see cref="MachineAction.HangUp"/>).</summary>
    HangUp,

    /// <summary>Leave the message (MACHINE with <see cref="MachineAction.LeaveMessage"/>).</summary>
    LeaveMessage,
}

/// <summary>A campaign's answering-machine policy: which detector profile, and what to do with machines.</summary>
public sealed record MachinePolicy : IValidatableObject
{
    /// <summary>Configuration section (per campaign it is nested under the campaign's own section).</summary>
    public const string Section = "Dialer:Amd";

    /// <summary>Run AMD on answered calls at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The detector unless configured otherwise: the learned one (docs/amd.md).</summary>
    public const string DefaultDetector = LearnedAmdDetector.DetectorName;

    /// <summary>Detector name: <c>learned</c>, or one of the app_amd-style profiles (see <see cref="AmdDetectors.Names"/>).</summary>
    [Required]
    public string Profile { get; init; } = DefaultDetector;

    /// <summary>What to do with a MACHINE verdict.</summary>
    public MachineAction OnMachine { get; init; } = MachineAction.HangUp;

    /// <summary>The message to leave (8 kHz mono WAV); required with <see cref="MachineAction.LeaveMessage"/>.</summary>
    public string? MessageWav { get; init; }

    /// <summary>When the message starts.</summary>
    public MessageStart MessageStart { get; init; } = MessageStart.AfterBeepOrGreeting;

    /// <summary>Silence that marks the end of a greeting without a beep.</summary>
    [Range(typeof(TimeSpan), "00:00:00.3", "00:00:10")]
    public TimeSpan EndOfGreetingSilence { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Longest wait for the beep or the greeting's end before playing the message anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan MaxWaitForMessageStart { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a number answered by a machine must not be called again unless an operator is guaranteed. Ofcom's
    /// persistent-misuse policy (Revised statement, 2016, on abandoned and silent calls) treats an AMD "machine" as
    /// a possible false positive, that is a possibly abandoned live call, which may not be repeated within 24 hours
    /// without a guaranteed live operator; every MACHINE verdict is therefore written to the contact ledger.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan MachineRecallEmbargo { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Routes a verdict. NOTSURE always goes to an agent: hanging up on a person is the worse mistake.</summary>
    public AmdRoute Route(AmdVerdict verdict) => verdict switch
    {
        AmdVerdict.Machine => OnMachine == MachineAction.LeaveMessage ? AmdRoute.LeaveMessage : AmdRoute.HangUp,
        _ => AmdRoute.ConnectAgent,
    };

    /// <summary>A new detector of the kind this policy names, for one call.</summary>
    public IAmdDetector CreateDetector() => AmdDetectors.Create(Profile);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!AmdDetectors.IsKnown(Profile))
        {
            yield return new ValidationResult($"Profile '{Profile}' is not one of: {string.Join(", ", AmdDetectors.Names)}.", [nameof(Profile)]);
        }

        if (OnMachine == MachineAction.LeaveMessage && string.IsNullOrWhiteSpace(MessageWav))
        {
            yield return new ValidationResult("OnMachine=LeaveMessage needs MessageWav.", [nameof(MessageWav)]);
        }
    }
}
