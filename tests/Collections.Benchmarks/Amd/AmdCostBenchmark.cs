using System.Diagnostics;
using System.Globalization;
using Collections.Dialer.Amd;
using Collections.Dialer.Amd.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Benchmarks.Amd;

/// <summary>
/// Detection cost per call (docs/performance.md, "AMD cost"): the `default` app_amd-style profile and the learned detector
/// on the same calls in one run, on one thread. Each call is analysed from answer until its verdict, as on a live leg; the
/// figure that answers "how many calls does one core follow in real time" is audio analysed per CPU second. Then the
/// live calls in real time: <c>live-calls</c> calls at once, each fed a 20 ms packet every 20 ms of wall time by one receive
/// thread, a new call in a slot as soon as the last one there decided, for the `default` profile, the learned detector on one
/// VAD stream per call and the learned detector with the host's <see cref="SileroVadBatcher"/>; the process's CPU over
/// the audio followed (the receive thread included, the batcher's thread too).
/// </summary>
internal static class AmdCostBenchmark
{
    public static int Run(string[] args)
    {
        var corpus = args.Length > 0 ? args[0] : Path.Combine("tests", "corpus", "amd2");
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
        var liveCalls = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 512;
        var liveSeconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
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
        if (liveCalls > 0)
        {
            Console.WriteLine($"amd-cost: {liveCalls} live calls at once for {liveSeconds} s each; load average {LoadAverage()}");
            MeasureLive($"default, {liveCalls} live calls in real time", clips, liveCalls, liveSeconds, () => new AmdDetector(AmdProfile.Default), null);
            MeasureLive($"learned, {liveCalls} live calls in real time, one VAD stream per call", clips, liveCalls, liveSeconds, () => new LearnedAmdDetector(model), null);
            var options = new VadBatchOptions();
            using var batcher = new SileroVadBatcher(SileroVad.Instance, options, TimeProvider.System, NullLogger<SileroVadBatcher>.Instance);
            MeasureLive($"learned, {liveCalls} live calls in real time, VAD batched (SileroVadBatcher, {options.MaxBatch} / {options.MaxWaitMs} ms)", clips, liveCalls, liveSeconds,
                () => new BatchedLearnedAmdDetector(model, batcher), batcher);
        }

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

    /// <summary>
    /// <paramref name="calls"/> calls at once in real time: one thread plays the receive loop, pushing each call's packets
    /// when their 20 ms are due; a call ends at its verdict (or after 5 s, then Finish) and the slot takes the next clip.
    /// The first 2 s (calls starting together) are not counted.
    /// </summary>
    private static void MeasureLive(string name, List<short[]> clips, int calls, int seconds, Func<IAmdDetector> create, SileroVadBatcher? batcher)
    {
        const int packet = 160;
        var maxSamples = 5 * AmdDetector.SampleRate;
        var slots = new (IAmdDetector Detector, short[] Audio, long Start, int Sent)[calls];
        var next = 0;
        var clock = Stopwatch.StartNew();
        var warmUp = TimeSpan.FromSeconds(2);
        var end = warmUp + TimeSpan.FromSeconds(seconds);
        for (var s = 0; s < calls; s++)
        {
            // Answers spread over the first second, so packets arrive as they would: not all in the same instant.
            slots[s] = (create(), clips[next++ % clips.Count], clock.ElapsedTicks + (Stopwatch.Frequency * s / calls), 0);
        }

        TimeSpan cpuStart = default;
        var (batchesStart, chunksStart) = (0L, 0L);
        var measuring = false;
        double audio = 0;
        long finished = 0;
        var lagMax = TimeSpan.Zero;
        while (clock.Elapsed < end)
        {
            if (!measuring && clock.Elapsed >= warmUp)
            {
                measuring = true;
                cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                (batchesStart, chunksStart) = (batcher?.Batches ?? 0, batcher?.Chunks ?? 0);
                lagMax = TimeSpan.Zero;
            }

            var now = clock.ElapsedTicks;
            for (var s = 0; s < calls; s++)
            {
                ref var slot = ref slots[s];
                if (now < slot.Start)
                {
                    continue;
                }

                var due = (int)((now - slot.Start) * 50 / Stopwatch.Frequency) + 1;
                if (slot.Detector.Result is null && slot.Sent < due && slot.Sent * packet < Math.Min(slot.Audio.Length, maxSamples))
                {
                    // Packets due since the last pass (more than one when the thread fell behind: that is the lag).
                    lagMax = TimeSpan.FromMilliseconds(Math.Max(lagMax.TotalMilliseconds, (due - slot.Sent - 1) * 20));
                    while (slot.Sent < due && slot.Sent * packet < Math.Min(slot.Audio.Length, maxSamples) && slot.Detector.Result is null)
                    {
                        var offset = slot.Sent * packet;
                        slot.Detector.Push(slot.Audio.AsSpan(offset, Math.Min(packet, slot.Audio.Length - offset)));
                        slot.Sent++;
                        audio += measuring ? 0.02 : 0;
                    }

                    continue;
                }

                if (slot.Detector.Result is null && (slot.Sent * packet < Math.Min(slot.Audio.Length, maxSamples) || slot.Detector is BatchedLearnedAmdDetector { Stream.Pending: > 0 }))
                {
                    continue; // waiting for its next packet, or (batched) for the probabilities of the chunks it sent
                }

                slot.Detector.Finish();
                finished += measuring ? 1 : 0;
                slot = (create(), clips[next++ % clips.Count], now, 0);
            }

            Thread.Sleep(1);
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
        foreach (var slot in slots)
        {
            slot.Detector.Finish();
        }

        var batches = (batcher?.Batches ?? 0) - batchesStart;
        var perBatch = batches > 0
            ? string.Create(CultureInfo.InvariantCulture, $", {(double)((batcher?.Chunks ?? 0) - chunksStart) / batches:F1} chunks per inference, a chunk's probability {batcher!.AverageLatency.TotalMilliseconds:F1} ms after it (longest {batcher.LongestLatency.TotalMilliseconds:F0} ms)")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {finished} ended in {seconds} s | {audio / seconds:F0} calls followed | {cpu.TotalSeconds / seconds:F2} cores | {cpu.TotalMilliseconds * 1000 / audio:F0} us | {audio / cpu.TotalSeconds:F0} | most late {lagMax.TotalMilliseconds:F0} ms{perBatch} |"));
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
