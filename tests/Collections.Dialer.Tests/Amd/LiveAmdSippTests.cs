using System.Diagnostics;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Tests.Sipp;
using Collections.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Tests.Amd;

/// <summary>
/// The live path end to end: we dial SIPp, which answers and plays a corpus clip over RTP (PCMU), and the detector fed
/// from our RTP session gives the clip's label, timed from answer. One call per clip: a person, then a machine.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LiveAmdSippTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string CorpusDir = RepositoryRoot.Combine("tests", "corpus", "amd");

    // The issue's limit for a person: a HUMAN verdict never later than 5 s after answer.
    private static readonly TimeSpan HumanBudget = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("h-de-silent-6", "HUMAN")]
    [InlineData("m-de-greeting-2", "MACHINE")]
    public async Task Dial_SippPlaysCorpusClip_LiveDetectorGivesItsLabel(string clipId, string expected)
    {
        var clip = AmdCorpus.Load(CorpusDir).Single(c => c.Id == clipId);
        Assert.Equal(expected == "HUMAN", clip.IsHuman);
        var work = Directory.CreateTempSubdirectory("amd-live-").FullName;
        try
        {
            // SIPp streams a WAV's bytes as they are: give it mu-law whatever the corpus stored (PCM, A-law or mu-law).
            var ulaw = Path.Combine(work, "clip.wav");
            await ConvertToMuLawAsync(Path.Combine(CorpusDir, clip.File), ulaw);
            Assert.Equal(WavEncoding.MuLaw, WavFile.Read(ulaw).Encoding);
            var scenario = Path.Combine(work, "amd-play.xml");
            await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(SippProcess.ScenarioPath("amd-play.xml"), Ct)).Replace("@CLIP@", ulaw, StringComparison.Ordinal), Ct);

            // ScenarioPath keeps an absolute path as it is, so SIPp loads our copy with the clip's path filled in.
            await using var sipp = await SippProcess.StartUasAsync(scenario, rtpEcho: false, ct: Ct);
            var classifier = new AmdAnswerClassifier(AmdProfile.Default, TimeProvider.System);
            var result = await DialRunner.RunAsync(
                new DialRequest($"sip:debtor@127.0.0.1:{sipp.Port}", TimeSpan.FromSeconds(5.5), TimeSpan.FromSeconds(10), Classifier: classifier),
                TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(40), Ct);
            var (exit, errors) = await sipp.WaitAsync(TimeSpan.FromSeconds(20), Ct);

            Assert.True(exit == 0, errors);
            Assert.Equal(200, result.Status);
            Assert.True(result.Answered);
            Assert.True(result.RtpReceived > 100, $"received {result.RtpReceived} packets of the clip");
            var verdict = classifier.Result ?? throw new InvalidOperationException("no verdict");
            var timing = $"{verdict.Cause} at {verdict.DecisionTime.TotalMilliseconds} ms from answer (wall clock {classifier.DecidedAfterAnswer?.TotalMilliseconds} ms, gaps filled {classifier.GapFilled.TotalMilliseconds} ms)";
            TestContext.Current.TestOutputHelper?.WriteLine($"{clipId}: {verdict.VerdictText} {timing}");
            Assert.True(expected == result.Amd, $"dial printed amd={result.Amd}, expected {expected}: {timing}");
            Assert.Equal(expected, verdict.VerdictText);

            // The same clip read from the file gives the same verdict: RTP, G.711 and the clock from answer lost nothing.
            var offline = AmdDetector.Classify(WavFile.Read(ulaw).Samples, AmdProfile.Default);
            Assert.Equal(offline.Verdict, verdict.Verdict);
            if (verdict.Verdict == AmdVerdict.Human)
            {
                Assert.True(verdict.DecisionTime <= HumanBudget, timing);

                // Decided on the clip itself: after the person's first words had come down the line, not before.
                Assert.True(verdict.DecisionTime.TotalMilliseconds >= clip.FirstWordsEndMs, $"{timing}; first words end at {clip.FirstWordsEndMs} ms");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task ConvertToMuLawAsync(string source, string target)
    {
        var psi = new ProcessStartInfo("sox") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { source, "-r", "8000", "-c", "1", "-e", "u-law", target })
        {
            psi.ArgumentList.Add(a);
        }

        using var sox = Process.Start(psi) ?? throw new InvalidOperationException("sox did not start");
        var stderr = await sox.StandardError.ReadToEndAsync(Ct);
        await sox.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.True(sox.ExitCode == 0, "sox: " + stderr);
    }
}
