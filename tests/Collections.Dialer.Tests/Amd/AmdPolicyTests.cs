using System.ComponentModel.DataAnnotations;
using Collections.Dialer.Amd;

namespace Collections.Dialer.Tests.Amd;

public sealed class AmdPolicyTests
{
    private static List<ValidationResult> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void BuiltInProfiles_AreValid_AndAsteriskDefaultsMatchAmdConf()
    {
        Assert.Empty(Validate(AmdProfile.Default));
        Assert.Empty(Validate(AmdProfile.AsteriskDefaults));
        var a = AmdProfile.BuiltIn["asterisk-defaults"];
        Assert.Equal(
            (2500, 1500, 800, 5000, 100, 50, 2, 256, false, false),
            ((int)a.InitialSilence.TotalMilliseconds, (int)a.Greeting.TotalMilliseconds, (int)a.AfterGreetingSilence.TotalMilliseconds,
             (int)a.TotalAnalysisTime.TotalMilliseconds, (int)a.MinimumWordLength.TotalMilliseconds, (int)a.BetweenWordsSilence.TotalMilliseconds,
             a.MaximumNumberOfWords, a.SilenceThreshold, a.AdaptiveNoiseFloor, a.DetectBeep));
    }

    [Fact]
    public void Profile_WithAnInvertedBeepBand_IsRejected()
    {
        var errors = Validate(AmdProfile.Default with { BeepMinFrequency = 2000, BeepMaxFrequency = 400 });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(AmdProfile.BeepMinFrequency)));
    }

    [Fact]
    public void Profile_WithAnOutOfRangeThreshold_IsRejected()
    {
        var errors = Validate(AmdProfile.Default with { SilenceThreshold = 0 });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(AmdProfile.SilenceThreshold)));
    }

    [Theory]
    [InlineData(AmdVerdict.Human, MachineAction.HangUp, AmdRoute.ConnectAgent)]
    [InlineData(AmdVerdict.NotSure, MachineAction.HangUp, AmdRoute.ConnectAgent)]
    [InlineData(AmdVerdict.NotSure, MachineAction.LeaveMessage, AmdRoute.ConnectAgent)]
    [InlineData(AmdVerdict.Machine, MachineAction.HangUp, AmdRoute.HangUp)]
    [InlineData(AmdVerdict.Machine, MachineAction.LeaveMessage, AmdRoute.LeaveMessage)]
    public void Route_SendsNotSureToAnAgentAndMachinesPerPolicy(AmdVerdict verdict, MachineAction action, AmdRoute expected)
    {
        var policy = new MachinePolicy { OnMachine = action, MessageWav = "message.wav" };

        Assert.Equal(expected, policy.Route(verdict));
    }

    [Fact]
    public void Policy_LeaveMessageWithoutAWav_IsRejected()
    {
        var errors = Validate(new MachinePolicy { OnMachine = MachineAction.LeaveMessage });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(MachinePolicy.MessageWav)));
    }

    [Fact]
    public void Policy_UnknownProfile_IsRejected()
    {
        var policy = new MachinePolicy { Profile = "aggressive" };

        Assert.Contains(Validate(policy), e => e.MemberNames.Contains(nameof(MachinePolicy.Profile)));
        Assert.Throws<ArgumentException>(() => policy.CreateDetector());
    }

    [Fact]
    public void Policy_Defaults_AreValidAndEmbargoMachinesFor24Hours()
    {
        var policy = new MachinePolicy();

        Assert.Empty(Validate(policy));
        Assert.IsType<LearnedAmdDetector>(policy.CreateDetector());
        Assert.Equal(TimeSpan.FromHours(24), policy.MachineRecallEmbargo);
    }

    [Fact]
    public void MessageCue_AfterTheBeepEnds()
    {
        var policy = new MachinePolicy { OnMachine = MachineAction.LeaveMessage, MessageWav = "m.wav" };
        var detector = new MessageCueDetector(policy, noiseFloor: 0);
        var audio = new Synth().Word(1500).Silence(300).Tone(500, 1000).Silence(3000);

        var cue = detector.Push(audio.Samples);

        Assert.Equal(MessageCueCause.BeepEnded, cue?.Cause);
        Assert.Equal(1500 + 300 + 500 + 20, cue?.At.TotalMilliseconds);
    }

    [Fact]
    public void MessageCue_WithoutABeep_AfterTheGreetingEnds()
    {
        var policy = new MachinePolicy { OnMachine = MachineAction.LeaveMessage, MessageWav = "m.wav" };
        var detector = new MessageCueDetector(policy, noiseFloor: 0);
        var audio = new Synth().Word(1000).Silence(300).Word(800).Silence(3000);

        var cue = detector.Push(audio.Samples);

        Assert.Equal(MessageCueCause.GreetingEnded, cue?.Cause);
        Assert.Equal(1000 + 300 + 800 + 1500, cue?.At.TotalMilliseconds);
    }

    [Fact]
    public void MessageCue_AfterBeepOnly_WaitsForTheMaximumWhenThereIsNoBeep()
    {
        var policy = new MachinePolicy
        {
            OnMachine = MachineAction.LeaveMessage,
            MessageWav = "m.wav",
            MessageStart = MessageStart.AfterBeep,
            MaxWaitForMessageStart = TimeSpan.FromSeconds(4),
        };
        var detector = new MessageCueDetector(policy, noiseFloor: 0);

        var cue = detector.Push(new Synth().Word(1000).Silence(5000).Samples);

        Assert.Equal(new MessageCue(MessageCueCause.Timeout, TimeSpan.FromSeconds(4)), cue);
    }
}
