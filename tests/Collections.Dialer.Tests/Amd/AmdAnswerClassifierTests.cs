using Collections.Dialer.Amd;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Amd;

/// <summary>The live classifier on a fake clock: packets arrive as RTP would deliver them, 20 ms apart from answer.</summary>
public sealed class AmdAnswerClassifierTests
{
    private static readonly TimeSpan Packet = TimeSpan.FromMilliseconds(20);

    /// <summary>Delivers <paramref name="audio"/> in 20 ms packets, advancing the clock by one packet before each.</summary>
    private static string? Stream(AmdAnswerClassifier classifier, FakeTimeProvider clock, short[] audio)
    {
        string? verdict = null;
        for (var i = 0; i + 160 <= audio.Length && verdict is null; i += 160)
        {
            clock.Advance(Packet);
            verdict = classifier.Push(audio.AsSpan(i, 160));
        }

        return verdict;
    }

    [Fact]
    public void HelloThenSilence_IsHuman_TimedFromAnswer()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, clock);
        classifier.Answered();

        var verdict = Stream(classifier, clock, new Synth().Silence(300).Word(400).Silence(2000).Samples);

        Assert.Equal("HUMAN", verdict);
        var result = classifier.Result!.Value;
        Assert.Equal(AmdCause.Human, result.Cause);
        // 300 ms before the word, 400 ms word, then the profile's after-greeting silence.
        Assert.Equal(TimeSpan.FromMilliseconds(700) + AmdProfile.Default.AfterGreetingSilence, result.DecisionTime);
        Assert.Equal(result.DecisionTime, classifier.DecidedAfterAnswer);
        Assert.Equal(TimeSpan.Zero, classifier.GapFilled);
    }

    [Fact]
    public void EarlyMediaBeforeAnswer_IsIgnored()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, clock);

        // Three seconds of an in-band announcement during 183 would be a long greeting if it counted.
        Assert.Null(Stream(classifier, clock, new Synth().Word(3000).Samples));
        Assert.Null(classifier.Result);

        classifier.Answered();
        Assert.Equal("HUMAN", Stream(classifier, clock, new Synth().Silence(200).Word(300).Silence(1000).Samples));
    }

    [Fact]
    public void LongGreeting_IsMachine()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.AsteriskDefaults, clock);
        classifier.Answered();

        Assert.Equal("MACHINE", Stream(classifier, clock, new Synth().Silence(200).Words(8, 300, 30).Samples));
        Assert.Equal(AmdVerdict.Machine, classifier.Result!.Value.Verdict);
    }

    [Fact]
    public void StreamStartingLate_CountsTheGapAsSilenceFromAnswer()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, clock);
        classifier.Answered();
        clock.Advance(TimeSpan.FromMilliseconds(1000)); // the far end opens its RTP a second after its 200 OK

        var verdict = Stream(classifier, clock, new Synth().Word(400).Silence(2000).Samples);

        Assert.Equal("HUMAN", verdict);
        var result = classifier.Result!.Value;
        Assert.Equal(TimeSpan.FromMilliseconds(1000 + 400) + AmdProfile.Default.AfterGreetingSilence, result.DecisionTime);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), classifier.GapFilled);
    }

    [Fact]
    public void NoRtpAtAll_FinishGivesTheInitialSilenceVerdict()
    {
        var clock = new FakeTimeProvider();
        var tuned = new AmdAnswerClassifier(AmdProfile.Default, clock);
        var asterisk = new AmdAnswerClassifier(AmdProfile.AsteriskDefaults, clock);
        tuned.Answered();
        asterisk.Answered();
        clock.Advance(TimeSpan.FromSeconds(4));

        // A silent line: the tuned profile sends it to an agent, Asterisk's defaults call it a machine.
        Assert.Equal("NOTSURE", tuned.Finish());
        Assert.Equal(AmdCause.InitialSilence, tuned.Result!.Value.Cause);
        Assert.Equal(AmdProfile.Default.InitialSilence, tuned.Result.Value.DecisionTime);
        Assert.Equal("MACHINE", asterisk.Finish());
        Assert.Equal(AmdCause.InitialSilence, asterisk.Result!.Value.Cause);
    }

    [Fact]
    public void NeverAnswered_FinishIsNotSureEndOfAudio()
    {
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, new FakeTimeProvider());

        Assert.Equal("NOTSURE", classifier.Finish());
        Assert.Equal(AmdCause.EndOfAudio, classifier.Result!.Value.Cause);
    }

    [Fact]
    public void VerdictIsKept_LaterAudioDoesNotChangeIt()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, clock);
        classifier.Answered();
        Assert.Equal("HUMAN", Stream(classifier, clock, new Synth().Silence(200).Word(300).Silence(1000).Samples));

        Assert.Equal("HUMAN", Stream(classifier, clock, new Synth().Word(4000).Samples));
        Assert.Equal("HUMAN", classifier.Finish());
    }
}
