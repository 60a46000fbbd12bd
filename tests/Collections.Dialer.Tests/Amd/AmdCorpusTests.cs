using Collections.Dialer.Amd;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Tests.Amd;

/// <summary>Tests against the generated corpus in tests/corpus/amd (built by tools/amd-corpus/build.sh).</summary>
public sealed class AmdCorpusTests
{
    private static readonly string CorpusDir = FindCorpus();

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "corpus", "amd");
            }
        }

        throw new InvalidOperationException("Repository root (Collections.sln) not found above " + AppContext.BaseDirectory);
    }

    private static IReadOnlyList<AmdCorpusClip> Clips { get; } = AmdCorpus.Load(CorpusDir);

    [Fact]
    public void Manifest_DescribesAtLeast150LabelledTelephonyClipsInSixLanguages()
    {
        Assert.True(Clips.Count >= 150, $"{Clips.Count} clips");
        Assert.Equal(["de", "en", "hu", "lv", "sl", "sq"], Clips.Select(c => c.Language).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["heldout", "tune"], Clips.Select(c => c.Split).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(Clips, c => c.IsHuman && c.Kind == "long");
        Assert.Contains(Clips, c => !c.IsHuman && c.Kind == "short");
        Assert.All(Clips.Where(c => c.IsHuman), c => Assert.NotNull(c.FirstWordsEndMs));
        Assert.All(Clips, c =>
        {
            var audio = WavFile.Read(Path.Combine(CorpusDir, c.File));
            Assert.True(audio.IsTelephonyMono, c.File);
            Assert.Equal(6.0, audio.Duration.TotalSeconds, precision: 2);
        });
    }

    [Fact]
    public void ClipsSentAsG711RtpPayloads_FrameByFrame_GiveTheFileVerdict()
    {
        // What a live leg does: 20 ms RTP payloads (160 bytes of PCMA or PCMU) decoded into a stack buffer
        // and pushed one by one. Ordinary humans ("silent": a short answer, then silence) and long machine
        // greetings, every language.
        Span<short> frame = stackalloc short[AmdDetector.FrameSamples];
        var clips = Clips.Where(c => (c.IsHuman && c.Kind == "silent") || (!c.IsHuman && c.Kind == "greeting")).ToList();
        Assert.True(clips.Count >= 50);
        foreach (var clip in clips)
        {
            var audio = WavFile.Read(Path.Combine(CorpusDir, clip.File));
            var law = audio.Encoding == WavEncoding.MuLaw ? G711Law.MuLaw : G711Law.ALaw;
            var wire = G711.Encode(audio.Samples, law);
            var detector = new AmdDetector();
            AmdResult? result = null;
            for (var offset = 0; offset + AmdDetector.FrameSamples <= wire.Length && result is null; offset += AmdDetector.FrameSamples)
            {
                G711.Decode(wire.AsSpan(offset, AmdDetector.FrameSamples), frame, law);
                result = detector.Push(frame);
            }

            var verdict = result ?? detector.Finish();
            Assert.Equal(AmdDetector.Classify(audio.Samples), verdict);
            Assert.True(verdict.Verdict == (clip.IsHuman ? AmdVerdict.Human : AmdVerdict.Machine), $"{clip.Id}: {verdict}");
            Assert.True(verdict.DecisionTime <= TimeSpan.FromSeconds(5), $"{clip.Id}: {verdict}");
            if (clip.IsHuman)
            {
                var delay = verdict.DecisionTime.TotalMilliseconds - clip.FirstWordsEndMs!.Value;
                Assert.InRange(delay, 0, 1000);
            }
        }
    }

    [Fact]
    public void TunedProfile_BeatsAsteriskDefaultsOnTheWholeCorpus()
    {
        var clips = Clips.Select(c => (c, AmdCommand.ReadTelephonyWav(Path.Combine(CorpusDir, c.File)))).ToList();

        var tuned = AmdEvaluation.Run(AmdProfile.Default, "all", clips);
        var asterisk = AmdEvaluation.Run(AmdProfile.AsteriskDefaults, "all", clips);

        Assert.True(tuned.Accuracy > asterisk.Accuracy, $"{tuned.Accuracy} vs {asterisk.Accuracy}");
        Assert.True(tuned.HumansCalledMachine < asterisk.HumansCalledMachine, $"{tuned.HumansCalledMachine} vs {asterisk.HumansCalledMachine}");
        Assert.True(tuned.HumanDelayAfterFirstWordsP50Ms <= 600, $"{tuned.HumanDelayAfterFirstWordsP50Ms} ms");
        Assert.True(tuned.HumanMaxMs <= 5000, $"{tuned.HumanMaxMs} ms");
    }

    [Fact]
    public void CautiousProfile_TakesFewerPeopleForMachines_AndSendsMoreMachinesToAgents()
    {
        var clips = Clips.Select(c => (c, AmdCommand.ReadTelephonyWav(Path.Combine(CorpusDir, c.File)))).ToList();

        var tuned = AmdEvaluation.Run(AmdProfile.Default, "all", clips);
        var cautious = AmdEvaluation.Run(AmdProfile.Cautious, "all", clips);

        Assert.True(cautious.HumansCalledMachine < tuned.HumansCalledMachine / 2, $"{cautious.HumansCalledMachine} vs {tuned.HumansCalledMachine}");
        Assert.True(cautious.MachinesMissed > tuned.MachinesMissed, $"{cautious.MachinesMissed} vs {tuned.MachinesMissed}");
        Assert.True(cautious.HumanMaxMs <= 5000, $"{cautious.HumanMaxMs} ms");
    }

    [Fact]
    public void EvalVerb_ScoresTheNamedProfile_AndRefusesAsteriskDefaultsAsTheTunedOne()
    {
        var stdout = new StringWriter();

        Assert.Equal(0, AmdEvalCommand.Run(CorpusDir, "tune", "json", [], false, false, stdout, new StringWriter(), AmdProfile.CautiousName));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("{\"profile\":\"learned\",\"split\":\"tune\"", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"profile\":\"cautious\",\"split\":\"tune\"", lines[1], StringComparison.Ordinal);

        var stderr = new StringWriter();
        Assert.Equal(2, AmdEvalCommand.Run(CorpusDir, "tune", "json", [], false, false, new StringWriter(), stderr, AmdProfile.AsteriskDefaultsName));
        Assert.Contains("--profile", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EvalVerb_PrintsTheLearnedDetectorAndBothProfilesForTheHeldOutSplit()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = AmdEvalCommand.Run(CorpusDir, "heldout", "json", [], listErrors: false, listAll: false, stdout, stderr);

        Assert.Equal(0, exit);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"profile\":\"learned\",\"split\":\"heldout\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"profile\":\"default\",\"split\":\"heldout\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"profile\":\"asterisk-defaults\"", lines[2], StringComparison.Ordinal);
        Assert.Contains($"\"clips\":{Clips.Count(c => c.Split == "heldout")}", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void EvalVerb_RejectsAnUnknownOverride()
    {
        var stderr = new StringWriter();

        var exit = AmdEvalCommand.Run(CorpusDir, "tune", "json", ["Loudness=3"], false, false, new StringWriter(), stderr);

        Assert.Equal(2, exit);
        Assert.Contains("Loudness", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Overrides_SetTimesInMillisecondsAndLeaveTheBuiltInProfileAlone()
    {
        var changed = AmdEvalCommand.ApplyOverrides(AmdProfile.Default, ["AfterGreetingSilence=650", "DetectBeep=false", "InitialSilenceVerdict=Machine"]);

        Assert.Equal(TimeSpan.FromMilliseconds(650), changed.AfterGreetingSilence);
        Assert.False(changed.DetectBeep);
        Assert.Equal(AmdVerdict.Machine, changed.InitialSilenceVerdict);
        Assert.Equal(TimeSpan.FromMilliseconds(400), AmdProfile.Default.AfterGreetingSilence);
        Assert.True(AmdProfile.Default.DetectBeep);
    }

    [Fact]
    public void Policy_overrides_change_one_field_of_the_learned_policy_and_name_a_bad_one()
    {
        var shipped = LearnedAmdModel.Shipped.Policy;

        var changed = AmdEvalCommand.ApplyPolicyOverrides(shipped, ["AfterGreetingMs=0", "MachineAbove=0.97"]);

        Assert.Equal(shipped with { AfterGreetingMs = 0, MachineAbove = 0.97 }, changed);
        Assert.NotEqual(0, LearnedAmdModel.Shipped.Policy.AfterGreetingMs);
        Assert.Contains("Bound", Assert.Throws<FormatException>(() => AmdEvalCommand.ApplyPolicyOverrides(shipped, ["Bound=800"])).Message, StringComparison.Ordinal);
        Assert.Contains("AfterGreetingMs", Assert.Throws<FormatException>(() => AmdEvalCommand.ApplyPolicyOverrides(shipped, ["AfterGreetingMs=-5"])).Message, StringComparison.Ordinal);
    }
}
