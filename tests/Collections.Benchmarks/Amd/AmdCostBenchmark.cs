using System.Diagnostics;
using System.Globalization;
using Collections.Dialer.Amd;
using Collections.Dialer.Amd.Training;

namespace Collections.Benchmarks.Amd;

/// <summary>
/// Detection cost per call (docs/performance.md, "AMD cost"): the `default` app_amd-style profile and the learned detector
/// on the same calls in one run, on one thread. Each call is analysed from answer until its verdict, as on a live leg; the
/// figure that answers "how many calls does one core follow in real time" is audio analysed per CPU second.
/// </summary>
internal static class AmdCostBenchmark
{
    public static int Run(string[] args)
    {
        var corpus = args.Length > 0 ? args[0] : Path.Combine("tests", "corpus", "amd2");
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
        if (!File.Exists(Path.Combine(corpus, AmdCorpus.ManifestName)))
        {
            Console.Error.WriteLine($"amd-cost: {corpus}: no manifest.csv");
            return 2;
        }

        var clips = AmdCorpus.Load(corpus).Where(c => File.Exists(Path.Combine(corpus, c.File))).Take(count)
            .Select(c => AmdCommand.ReadTelephonyWav(Path.Combine(corpus, c.File))).ToList();
        var model = LearnedAmdModel.Shipped;
        Console.WriteLine($"amd-cost: {clips.Count} calls from {corpus}; load average {LoadAverage()}");

        // Warm-up: the model's first inferences allocate and JIT.
        foreach (var clip in clips.Take(8))
        {
            LearnedAmdDetector.Classify(clip, model);
            AmdDetector.Classify(clip, AmdProfile.Default);
        }

        Measure("default (app_amd-style, 20 ms frames)", clips, audio =>
        {
            var d = new AmdDetector(AmdProfile.Default);
            var r = d.Push(audio) ?? d.Finish();
            return r.DecisionTime;
        });
        Measure("learned, one VAD stream per call (live path)", clips, audio =>
        {
            var d = new LearnedAmdDetector(model);
            var r = d.Push(audio.AsSpan(0, Math.Min(audio.Length, 5 * AmdDetector.SampleRate))) ?? d.Finish();
            return r.DecisionTime;
        });
        Measure("learned, live path without the VAD gate (network on every chunk)", clips, audio =>
        {
            var d = new LearnedAmdDetector(model, SileroVad.Instance.CreateStream(gated: false));
            var r = d.Push(audio.AsSpan(0, Math.Min(audio.Length, 5 * AmdDetector.SampleRate))) ?? d.Finish();
            return r.DecisionTime;
        });
        MeasureBatched(clips, model);
        Console.WriteLine($"amd-cost: load average after {LoadAverage()}");
        return 0;
    }

    private static void Measure(string name, List<short[]> clips, Func<short[], TimeSpan> classify)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        double audio = 0;
        foreach (var clip in clips)
        {
            audio += classify(clip).TotalSeconds;
        }

        Report(name, clips.Count, audio, wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>VAD for 64 calls at a time in one inference (a dialer batching its live calls' chunks), features per call.</summary>
    private static void MeasureBatched(List<short[]> clips, LearnedAmdModel model)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var speech = AmdTrajectories.SpeechProbabilities(SileroVad.Instance, clips, (model.Policy.TotalMs / AmdFeatures.ChunkMs) + 1);
        double audio = 0;
        for (var i = 0; i < clips.Count; i++)
        {
            var d = new LearnedAmdDetector(model, vad: null);
            for (var c = 0; c < speech[i].Length && d.Result is null; c++)
            {
                d.Step(clips[i].AsSpan(c * AmdFeatures.ChunkSamples, AmdFeatures.ChunkSamples), speech[i][c]);
            }

            // The batch ran VAD on all 5 s of every call (no early stop): count that audio, the cost it paid.
            audio += speech[i].Length * AmdFeatures.ChunkMs / 1000.0;
        }

        Report("learned, VAD batched 64 calls per inference", clips.Count, audio, wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private static void Report(string name, int calls, double audioSeconds, TimeSpan wall, TimeSpan cpu)
    {
        var perCallMs = cpu.TotalMilliseconds / calls;
        var realTimeCalls = audioSeconds / cpu.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {calls} | {audioSeconds / calls:F2} s | {perCallMs:F1} ms | {cpu.TotalMilliseconds * 1000 / audioSeconds:F0} us | {realTimeCalls:F0} | {wall.TotalSeconds:F1} s |"));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
