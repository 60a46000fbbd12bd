using Collections.Dialer.Amd;
using Collections.Dialer.Media.Audio;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Amd;

/// <summary>The live calls' Silero VAD run in one batch (<see cref="SileroVadBatcher"/>) against one stream per call.</summary>
public sealed class LearnedAmdBatchingTests
{
    private const int Packet = 160; // 20 ms at 8 kHz, as RTP delivers it

    private static Lazy<List<(AmdCorpusClip Clip, short[] Audio)>> Sample => LearnedAmdTests.Sample;

    private static SileroVadBatcher Batcher(int maxBatch = 64, int maxWaitMs = 4) =>
        new(SileroVad.Instance, new VadBatchOptions { MaxBatch = maxBatch, MaxWaitMs = maxWaitMs }, TimeProvider.System, NullLogger<SileroVadBatcher>.Instance);

    /// <summary>Every call's audio pushed packet by packet, the calls interleaved as a receive loop delivers them.</summary>
    private static AmdResult[] PushInterleaved(IReadOnlyList<short[]> clips, IReadOnlyList<IAmdDetector> detectors)
    {
        var longest = clips.Max(c => c.Length);
        for (var offset = 0; offset < longest; offset += Packet)
        {
            for (var i = 0; i < clips.Count; i++)
            {
                if (offset < clips[i].Length && detectors[i].Result is null)
                {
                    detectors[i].Push(clips[i].AsSpan(offset, Math.Min(Packet, clips[i].Length - offset)));
                }
            }
        }

        return [.. detectors.Select(d => d.Finish())];
    }

    [Fact]
    public void The_same_calls_batched_and_on_one_stream_each_get_the_same_verdict_cause_and_decision_time()
    {
        var clips = Sample.Value.Select(s => s.Audio).ToList();
        var alone = clips.Select(c => LearnedAmdDetector.Classify(c, LearnedAmdModel.Shipped)).ToArray();

        using var batcher = Batcher();
        var detectors = clips.Select(_ => new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, batcher)).ToList();
        var batched = PushInterleaved(clips, detectors);

        for (var i = 0; i < clips.Count; i++)
        {
            Assert.True(alone[i] == batched[i], $"{Sample.Value[i].Clip.Id}: alone {alone[i]}, batched {batched[i]}");
        }

        // The sample has both kinds of verdict, and the network really ran several calls per inference.
        Assert.Contains(batched, r => r.Verdict == AmdVerdict.Human);
        Assert.Contains(batched, r => r.Verdict == AmdVerdict.Machine);
        Assert.True(batcher.Chunks >= 4 * batcher.Batches, $"{batcher.Chunks} chunks in {batcher.Batches} inferences");
    }

    [Fact]
    public void A_call_that_decides_or_ends_frees_its_stream()
    {
        var clips = Sample.Value.Take(12).Select(s => s.Audio).ToList();
        using var batcher = Batcher();
        var detectors = clips.Select(_ => new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, batcher)).ToList();
        Assert.Equal(clips.Count, batcher.OpenStreams);

        // Half the calls hang up after 600 ms, undecided; the others run to their verdict.
        for (var i = 0; i < 6; i++)
        {
            detectors[i].Push(clips[i].AsSpan(0, 600 * 8));
            Assert.Equal(AmdCause.EndOfAudio, detectors[i].Finish().Cause);
        }

        PushInterleaved(clips.Skip(6).ToList(), detectors.Skip(6).ToList());

        Assert.Equal(0, batcher.OpenStreams);
        Assert.All(detectors, d => Assert.True(d.Stream.IsClosed && d.Stream.Pending == 0));
    }

    [Fact]
    public async Task A_failed_inference_makes_its_calls_NOTSURE_and_the_next_batch_runs()
    {
        var fail = 1;
        var model = SileroVad.Instance;
        VadInference run = (input, state, next, output, batch) =>
        {
            if (Interlocked.Exchange(ref fail, 0) == 1)
            {
                throw new InvalidOperationException("inference failed");
            }

            model.Run(input, state, next, output, batch);
        };
        using var batcher = new SileroVadBatcher(run, new VadBatchOptions { MaxBatch = 64, MaxWaitMs = 2 }, TimeProvider.System, NullLogger<SileroVadBatcher>.Instance);
        var clip = Sample.Value.First(s => s.Clip.IsHuman).Audio;

        var failed = new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, batcher);
        var heard = new TaskCompletionSource<AmdResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        ((IAmdDetector)failed).Decided += r => heard.TrySetResult(r);
        failed.Push(clip);
        var verdict = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(new AmdResult(AmdVerdict.NotSure, AmdCause.DetectorFailed, TimeSpan.Zero), verdict);
        Assert.Equal(AmdCause.DetectorFailed, failed.Finish().Cause);
        Assert.True(failed.Stream.IsClosed);

        // The next call on the same batcher is analysed as if nothing had happened.
        var next = new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, batcher);
        next.Push(clip);
        Assert.Equal(LearnedAmdDetector.Classify(clip, LearnedAmdModel.Shipped), next.Finish());
        Assert.Equal(0, batcher.OpenStreams);
    }

    [Fact]
    public void A_stopped_batcher_fails_its_calls_instead_of_leaving_them_waiting()
    {
        var batcher = Batcher(maxWaitMs: 20);
        var clip = Sample.Value.First(s => !s.Clip.IsHuman).Audio;
        var detector = new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, batcher);
        batcher.Dispose();

        detector.Push(clip);

        Assert.Equal(AmdVerdict.NotSure, detector.Finish().Verdict);
        Assert.Equal(AmdCause.DetectorFailed, detector.Result!.Value.Cause);
        Assert.Throws<ObjectDisposedException>(() => batcher.OpenStream((_, _) => { }, _ => { }));
    }

    [Fact]
    public async Task A_live_call_hears_a_batched_verdict_without_waiting_for_another_packet()
    {
        var (_, audio) = Sample.Value.First(s => s.Clip.IsHuman);
        var expected = LearnedAmdDetector.Classify(audio, LearnedAmdModel.Shipped);
        Assert.Equal(AmdVerdict.Human, expected.Verdict);
        using var batcher = Batcher();
        var clock = new FakeTimeProvider();
        var classifier = new AmdAnswerClassifier(new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, batcher), clock);
        classifier.Answered();

        // Packets up to the one that completes the deciding chunk, then nothing more: the verdict must still arrive.
        var last = (int)(expected.DecisionTime.TotalMilliseconds * 8);
        for (var i = 0; i < last; i += Packet)
        {
            clock.Advance(TimeSpan.FromMilliseconds(20));
            classifier.Push(audio.AsSpan(i, Packet), (uint)i, 7);
        }

        await classifier.Decided.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(expected, classifier.Result);
        Assert.NotNull(classifier.DecidedAfterAnswer);
        Assert.Equal(0, batcher.OpenStreams);
    }
}
