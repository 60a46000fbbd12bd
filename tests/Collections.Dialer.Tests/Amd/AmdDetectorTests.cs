using Collections.Dialer.Amd;

namespace Collections.Dialer.Tests.Amd;

public sealed class AmdDetectorTests
{
    private static readonly AmdProfile Asterisk = AmdProfile.AsteriskDefaults;
    private static readonly AmdProfile Tuned = AmdProfile.Default;

    private static AmdResult Run(Synth audio, AmdProfile profile) => AmdDetector.Classify(audio.Samples, profile);

    [Fact]
    public void InitialSilence_Asterisk_CallsItAMachineAtTheLimit()
    {
        var result = Run(new Synth().Silence(4000), Asterisk);

        Assert.Equal(new AmdResult(AmdVerdict.Machine, AmdCause.InitialSilence, TimeSpan.FromMilliseconds(2500)), result);
    }

    [Fact]
    public void InitialSilence_Tuned_IsNotSureSoAnAgentTakesTheCall()
    {
        var result = Run(new Synth().Silence(4000), Tuned);

        Assert.Equal(AmdVerdict.NotSure, result.Verdict);
        Assert.Equal(AmdCause.InitialSilence, result.Cause);
        Assert.Equal(2500, result.DecisionTime.TotalMilliseconds);
    }

    [Fact]
    public void ShortGreetingThenSilence_IsHumanAfterTheAfterGreetingSilence()
    {
        var audio = new Synth().Silence(500).Word(400).Silence(3000);

        var tuned = Run(audio, Tuned);
        var asterisk = Run(audio, Asterisk);

        Assert.Equal(new AmdResult(AmdVerdict.Human, AmdCause.Human, TimeSpan.FromMilliseconds(500 + 400 + 400), 1, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(500 + 400)), tuned);
        Assert.Equal(AmdVerdict.Human, asterisk.Verdict);
        Assert.Equal(500 + 400 + 800, asterisk.DecisionTime.TotalMilliseconds);
    }

    [Fact]
    public void The_greeting_ends_with_the_last_voiced_frame_before_the_verdict_and_nothing_said_reports_no_greeting()
    {
        var twoPhrases = Run(new Synth().Silence(300).Word(300).Silence(240).Word(200).Silence(3000), Tuned);
        var silent = Run(new Synth().Silence(4000), Tuned);

        Assert.Equal(AmdVerdict.Human, twoPhrases.Verdict);
        Assert.Equal(300 + 300 + 240 + 200, Assert.NotNull(twoPhrases.GreetingEnd).TotalMilliseconds);
        Assert.Null(silent.GreetingEnd);
    }

    [Fact]
    public void LongGreeting_IsMachineWhenVoicedTimeReachesTheGreetingLimit()
    {
        var audio = new Synth().Silence(300).Word(3500).Silence(1000);

        var tuned = Run(audio, Tuned);
        var asterisk = Run(audio, Asterisk);

        Assert.Equal((AmdVerdict.Machine, AmdCause.LongGreeting), (tuned.Verdict, tuned.Cause));
        Assert.Equal(300 + 2000, tuned.DecisionTime.TotalMilliseconds);
        Assert.Equal((AmdVerdict.Machine, AmdCause.LongGreeting), (asterisk.Verdict, asterisk.Cause));
        Assert.Equal(300 + 1500, asterisk.DecisionTime.TotalMilliseconds);
    }

    [Fact]
    public void TooManyWords_IsMachineOnTheFirstWordOverTheMaximum()
    {
        // Words of 200 ms with 100 ms gaps: word k is counted 100 ms (min word length) after it starts.
        var audio = new Synth().Silence(300).Words(8, wordMs: 200, gapMs: 100).Silence(1000);

        var tuned = Run(audio, Tuned);
        var asterisk = Run(audio, Asterisk);

        Assert.Equal((AmdVerdict.Machine, AmdCause.MaxWords, 5), (tuned.Verdict, tuned.Cause, tuned.Words));
        Assert.Equal(300 + (4 * 300) + 100, tuned.DecisionTime.TotalMilliseconds);
        Assert.Equal((AmdVerdict.Machine, AmdCause.MaxWords, 3), (asterisk.Verdict, asterisk.Cause, asterisk.Words));
        Assert.Equal(300 + (2 * 300) + 100, asterisk.DecisionTime.TotalMilliseconds);
    }

    [Fact]
    public void TwoWords_AreStillAHumanForBothProfiles()
    {
        var audio = new Synth().Silence(400).Words(2, wordMs: 250, gapMs: 150).Silence(2000);

        Assert.Equal(AmdVerdict.Human, Run(audio, Tuned).Verdict);
        Assert.Equal(AmdVerdict.Human, Run(audio, Asterisk).Verdict);
    }

    [Fact]
    public void MaximumWordLength_IsMachine()
    {
        var profile = Tuned with { Greeting = TimeSpan.FromSeconds(4), MaximumWordLength = TimeSpan.FromMilliseconds(1200) };

        var result = Run(new Synth().Silence(200).Word(3000), profile);

        Assert.Equal((AmdVerdict.Machine, AmdCause.MaxWordLength), (result.Verdict, result.Cause));
        Assert.Equal(200 + 1200, result.DecisionTime.TotalMilliseconds);
    }

    [Theory]
    [InlineData(450)]
    [InlineData(1000)]
    [InlineData(1950)]
    public void BeepAfterAShortGreeting_IsMachine(int frequency)
    {
        var audio = new Synth().Silence(300).Word(500).Silence(300).Tone(600, frequency).Silence(1000);

        var tuned = Run(audio, Tuned);

        Assert.Equal((AmdVerdict.Machine, AmdCause.Beep), (tuned.Verdict, tuned.Cause));
        // Decided once the tone has held for BeepMinDuration (140 ms), i.e. 7 frames into it.
        Assert.Equal(300 + 500 + 300 + 140, tuned.DecisionTime.TotalMilliseconds);
        // app_amd has no beep detector: the same audio passes as a person.
        Assert.Equal(AmdVerdict.Human, Run(audio, Asterisk).Verdict);
    }

    [Fact]
    public void ToneOutsideTheBeepBand_IsNotABeep()
    {
        var audio = new Synth().Silence(300).Word(300).Silence(200).Tone(300, 3000).Silence(2000);

        var result = Run(audio, Tuned);

        Assert.NotEqual(AmdCause.Beep, result.Cause);
    }

    [Fact]
    public void MediumGreeting_WaitsLongerSoALateBeepIsHeard()
    {
        // 900 ms of voice is over MediumGreeting (600 ms): the detector waits 400 + 400 ms of silence.
        var withBeep = new Synth().Silence(300).Words(3, 300, 60).Silence(600).Tone(500, 1000).Silence(1000);
        var withoutBeep = new Synth().Silence(300).Words(3, 300, 60).Silence(3000);

        var beep = Run(withBeep, Tuned);
        var silent = Run(withoutBeep, Tuned);

        Assert.Equal((AmdVerdict.Machine, AmdCause.Beep), (beep.Verdict, beep.Cause));
        Assert.Equal(AmdVerdict.Human, silent.Verdict);
        Assert.Equal(300 + 1020 + 800, silent.DecisionTime.TotalMilliseconds);
    }

    [Fact]
    public void NothingDecisiveWithinTheTotalTime_IsNotSure()
    {
        // Clicks of 40 ms (shorter than a word) every 300 ms: never a word, never a long initial silence.
        var audio = new Synth();
        while (audio.Ms < 7000)
        {
            audio.Word(40).Silence(260);
        }

        var tuned = Run(audio, Tuned);
        var asterisk = Run(audio, Asterisk);

        Assert.Equal((AmdVerdict.NotSure, AmdCause.TooLong, 0), (tuned.Verdict, tuned.Cause, tuned.Words));
        Assert.Equal(5000, tuned.DecisionTime.TotalMilliseconds);
        Assert.Equal((AmdVerdict.NotSure, AmdCause.TooLong), (asterisk.Verdict, asterisk.Cause));
    }

    [Fact]
    public void NoisyLine_AdaptiveFloorHearsTheHelloWhereAFixedThresholdHearsOneLongWord()
    {
        // Background at mean |x| 500, above app_amd's fixed 256; the "hello" is 8 times louder.
        var audio = new Synth(background: 500).Silence(1200).Word(400, level: 4000).Silence(3000);

        var detector = new AmdDetector(Tuned);
        var tuned = detector.Push(audio.Samples);
        var asterisk = Run(audio, Asterisk);

        Assert.Equal(AmdVerdict.Human, tuned?.Verdict);
        Assert.Equal(1200 + 400 + 400, tuned?.DecisionTime.TotalMilliseconds);
        Assert.InRange(detector.CurrentThreshold, 500, 4000);
        Assert.Equal((AmdVerdict.Machine, AmdCause.LongGreeting), (asterisk.Verdict, asterisk.Cause));
    }

    [Fact]
    public void NoiseFloor_FollowsABackgroundThatRises()
    {
        var tracker = new NoiseFloorTracker(windowFrames: 50);
        for (var i = 0; i < 100; i++)
        {
            tracker.Update(40);
        }

        Assert.Equal(40, tracker.Floor, precision: 6);
        // A background 15 times (23.5 dB) louder: once the 1 s window has forgotten the old level, the floor
        // climbs at 6 dB/s, so it gets there in about 5 s.
        for (var i = 0; i < 100; i++)
        {
            tracker.Update(i % 10 == 0 ? 5000 : 600);
        }

        Assert.InRange(tracker.Floor, 78, 84);
        for (var i = 0; i < 200; i++)
        {
            tracker.Update(i % 10 == 0 ? 5000 : 600);
        }

        Assert.InRange(tracker.Floor, 590, 610);

        // ... and follows it down within a few frames (only the two-frame smoothing slows it).
        for (var i = 0; i < 8; i++)
        {
            tracker.Update(30);
        }

        Assert.InRange(tracker.Floor, 29, 34);
    }

    [Fact]
    public void Push_InRtpSizedChunksOfAnyLength_GivesTheSameResultAsTheWholeRecording()
    {
        var audio = new Synth(background: 100).Silence(700).Words(2, 200, 120).Silence(2000).Samples;
        var whole = AmdDetector.Classify(audio, Tuned);

        foreach (var chunk in new[] { 80, 160, 240, 333 })
        {
            var detector = new AmdDetector(Tuned);
            AmdResult? result = null;
            for (var offset = 0; offset < audio.Length && result is null; offset += chunk)
            {
                result = detector.Push(audio.AsSpan(offset, Math.Min(chunk, audio.Length - offset)));
            }

            Assert.Equal(whole, result);
        }
    }

    [Fact]
    public void AfterADecision_MoreAudioDoesNotChangeIt()
    {
        var detector = new AmdDetector(Tuned);
        var first = detector.Push(new Synth().Silence(300).Word(400).Silence(600).Samples);

        var later = detector.Push(new Synth().Word(3000).Samples);

        Assert.Equal(AmdVerdict.Human, first?.Verdict);
        Assert.Equal(first, later);
        Assert.Equal(first, detector.Finish());
    }

    [Fact]
    public void Finish_BeforeADecision_IsNotSureAtTheEndOfTheAudio()
    {
        var detector = new AmdDetector(Tuned);
        Assert.Null(detector.Push(new Synth().Silence(300).Word(300).Samples));

        var result = detector.Finish();

        Assert.Equal((AmdVerdict.NotSure, AmdCause.EndOfAudio), (result.Verdict, result.Cause));
        Assert.Equal(600, result.DecisionTime.TotalMilliseconds);
    }

    [Fact]
    public void ResultText_UsesAsteriskSpelling()
    {
        var result = new AmdResult(AmdVerdict.NotSure, AmdCause.LongGreeting, TimeSpan.Zero);

        Assert.Equal("NOTSURE", result.VerdictText);
        Assert.Equal("LONGGREETING", result.CauseText);
    }
    [Fact]
    public void OneLongSentenceThenSilence_Cautious_WaitsAndCallsItHuman_TheTunedProfileCallsItAMachine()
    {
        // Eight words with comma-length gaps (60 ms), then the silence of a person waiting for an answer.
        var audio = new Synth().Silence(200).Words(8, 300, 60).Silence(2000);

        var cautious = Run(audio, AmdProfile.Cautious);
        var tuned = Run(audio, Tuned);

        Assert.Equal(AmdVerdict.Human, cautious.Verdict);
        // Speech ends at 200 + 8 x 300 + 7 x 60 = 3020 ms; a greeting that long needs 400 + 400 ms of silence.
        Assert.Equal(3020 + 800, cautious.DecisionTime.TotalMilliseconds);
        Assert.Equal(AmdVerdict.Machine, tuned.Verdict);
    }

    [Fact]
    public void TwoSentences_Cautious_IsMachineAtTheFirstWordAfterTheBreak()
    {
        // "You have reached Peter. [400 ms] Please leave a message": the limits pass in the first sentence, the break decides.
        var audio = new Synth().Silence(200).Words(5, 300, 60).Silence(400).Words(5, 300, 60).Silence(1000);

        var result = Run(audio, AmdProfile.Cautious);

        Assert.Equal(AmdVerdict.Machine, result.Verdict);
        var breakEnds = 200 + (5 * 300) + (4 * 60) + 400;
        Assert.InRange(result.DecisionTime.TotalMilliseconds, breakEnds + 20, breakEnds + 300);
    }

    [Fact]
    public void LongSpeechWithoutABreak_Cautious_IsNotSureAtTheTotalAnalysisTime()
    {
        var result = Run(new Synth().Silence(200).Words(20, 300, 40), AmdProfile.Cautious);

        Assert.Equal(new AmdResult(AmdVerdict.NotSure, AmdCause.TooLong, TimeSpan.FromMilliseconds(5000), result.Words, result.VoicedTime, result.GreetingEnd), result);
        Assert.InRange(Assert.NotNull(result.GreetingEnd).TotalMilliseconds, 5000 - 60, 5000); // still talking: the greeting has not ended
        Assert.True(result.Words > AmdProfile.Cautious.MaximumNumberOfWords);
    }
}
