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

    /// <summary>Delivers RTP packets (timestamps 160 apart from <paramref name="firstTimestamp"/>) all at once, as a receive loop that fell behind reads them.</summary>
    private static string? Burst(AmdAnswerClassifier classifier, short[] audio, uint firstTimestamp, uint ssrc = 7)
    {
        string? verdict = null;
        for (var i = 0; i + 160 <= audio.Length && verdict is null; i += 160)
        {
            verdict = classifier.Push(audio.AsSpan(i, 160), unchecked(firstTimestamp + (uint)i), ssrc);
        }

        return verdict;
    }

    [Fact]
    public void PacketsReadLateInABurst_ArePlacedByTheirRtpTimestamps_NoSilenceIsInserted()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.AsteriskDefaults, clock);
        classifier.Answered();

        // The greeting's first packet arrives on time; then the receive loop stalls for 1.5 s (a loaded machine) and
        // reads the queued packets in one go. By the wall clock that is 1.5 s of silence in the middle of the greeting,
        // which would end it early (a HUMAN verdict for a machine); by the RTP timestamps the greeting is continuous.
        var greeting = new Synth().Silence(200).Words(8, 300, 30).Samples;
        clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Null(classifier.Push(greeting.AsSpan(0, 160), uint.MaxValue - 400, 7)); // timestamps wrap at 2^32
        clock.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal("MACHINE", Burst(classifier, greeting[160..], unchecked(uint.MaxValue - 400 + 160)));
        Assert.Equal(TimeSpan.Zero, classifier.GapFilled);
    }

    [Fact]
    public void AGapInTheRtpTimestamps_IsSilence()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, clock);
        classifier.Answered();
        clock.Advance(TimeSpan.FromMilliseconds(20));

        // "Hello" (300 ms after 200 ms of silence), then the far end stops sending (DTX) and resumes 2 s later by timestamp,
        // all delivered at once: the missing stretch is the after-greeting silence of a person waiting for an answer.
        var hello = new Synth().Silence(200).Word(300).Samples;
        Assert.Null(Burst(classifier, hello, 1000));
        var verdict = Burst(classifier, new Synth().Silence(200).Samples, 1000 + (uint)hello.Length + 16000);

        Assert.Equal("HUMAN", verdict);
        Assert.True(classifier.GapFilled >= AmdProfile.Default.AfterGreetingSilence - TimeSpan.FromMilliseconds(20), $"gap filled {classifier.GapFilled}");
    }

    [Fact]
    public void DuplicateAndStalePackets_AreNotCountedTwice()
    {
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(AmdProfile.Default, clock);
        classifier.Answered();
        clock.Advance(TimeSpan.FromMilliseconds(20));
        var frame = new Synth().Silence(20).Samples;

        classifier.Push(frame, 5000, 9);
        classifier.Push(frame, 5160, 9);
        classifier.Push(frame, 5160, 9); // duplicate
        classifier.Push(frame, 4840, 9); // from before the stream's first packet

        Assert.Null(classifier.Result);
        Assert.Equal(TimeSpan.Zero, classifier.GapFilled);
        Assert.Equal("NOTSURE", classifier.Finish());
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
