namespace Collections.Dialer.Amd.Training;

/// <summary>What the learned detector measured at one 32 ms chunk of a clip.</summary>
/// <param name="ElapsedMs">Audio from answer at the end of the chunk.</param>
/// <param name="HasSpeech">Speech heard so far.</param>
/// <param name="InSpeech">The chunk is speech.</param>
/// <param name="SilenceMs">Silence since the last speech.</param>
/// <param name="ToneActive">A tone plays or a SIT may follow.</param>
/// <param name="ToneCause">BEEP or SIT decided at this chunk, else null.</param>
/// <param name="Features">The feature vector (null before speech).</param>
public sealed record AmdStep(int ElapsedMs, bool HasSpeech, bool InSpeech, int SilenceMs, bool ToneActive, AmdCause? ToneCause, float[]? Features);

/// <summary>
/// Runs the learned detector's measurements over whole clips (Silero VAD batched across clips, then <see cref="AmdFeatures"/>
/// and the tone rules chunk by chunk) and replays decisions from them, so training and policy search see exactly what
/// <see cref="LearnedAmdDetector"/> sees, without running the network once per policy tried.
/// </summary>
public static class AmdTrajectories
{
    /// <summary>Clips analysed together in one VAD batch.</summary>
    public const int Batch = 64;

    /// <summary>Silero speech probabilities of every 32 ms chunk of each clip, batched across clips.</summary>
    public static float[][] SpeechProbabilities(SileroVad vad, IReadOnlyList<short[]> clips, int maxChunks = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(vad);
        ArgumentNullException.ThrowIfNull(clips);
        var result = new float[clips.Count][];
        const int width = SileroVad.ContextSamples + SileroVad.ChunkSamples;
        for (var start = 0; start < clips.Count; start += Batch)
        {
            var n = Math.Min(Batch, clips.Count - start);
            var chunks = new int[n];
            var longest = 0;
            for (var b = 0; b < n; b++)
            {
                chunks[b] = Math.Min(maxChunks, clips[start + b].Length / SileroVad.ChunkSamples);
                result[start + b] = new float[chunks[b]];
                longest = Math.Max(longest, chunks[b]);
            }

            // Per clip: its input row (context + chunk), its recurrent state and its gate; the network runs on the rows the
            // gate lets through, packed into one batch, exactly as each clip's own SileroVadStream would run them.
            var rows = new float[n * width];
            var states = new float[n * SileroVad.StateSize];
            var gates = new VadGate[n];
            for (var b = 0; b < n; b++)
            {
                gates[b] = new VadGate();
            }

            var input = new float[n * width];
            var state = new float[n * SileroVad.StateSize];
            var next = new float[n * SileroVad.StateSize];
            var output = new float[n];
            var active = new int[n];
            var chunk = new short[SileroVad.ChunkSamples];
            for (var c = 0; c < longest; c++)
            {
                var m = 0;
                for (var b = 0; b < n; b++)
                {
                    if (c >= chunks[b])
                    {
                        continue;
                    }

                    var row = rows.AsSpan(b * width, width);
                    row[SileroVad.ChunkSamples..].CopyTo(row); // context: the last 32 samples of the previous chunk
                    clips[start + b].AsSpan(c * SileroVad.ChunkSamples, SileroVad.ChunkSamples).CopyTo(chunk);
                    for (var i = 0; i < SileroVad.ChunkSamples; i++)
                    {
                        row[SileroVad.ContextSamples + i] = chunk[i] / 32768f;
                    }

                    if (gates[b].Skip(chunk))
                    {
                        continue; // probability 0, state kept
                    }

                    row.CopyTo(input.AsSpan(m * width, width));
                    active[m++] = b;
                }

                if (m == 0)
                {
                    continue;
                }

                // The state tensor is [2, batch, 128]: layer l of packed row j sits at (l * m + j) * 128.
                for (var j = 0; j < m; j++)
                {
                    for (var l = 0; l < 2; l++)
                    {
                        states.AsSpan(((l * n) + active[j]) * 128, 128).CopyTo(state.AsSpan(((l * m) + j) * 128, 128));
                    }
                }

                vad.Run(input, state, next, output, m);
                for (var j = 0; j < m; j++)
                {
                    var b = active[j];
                    for (var l = 0; l < 2; l++)
                    {
                        next.AsSpan(((l * m) + j) * 128, 128).CopyTo(states.AsSpan(((l * n) + b) * 128, 128));
                    }

                    result[start + b][c] = output[j];
                    gates[b].Heard(output[j]);
                }
            }
        }

        return result;
    }

    /// <summary>The measurements at each chunk of one clip, up to <paramref name="totalMs"/> or a tone verdict.</summary>
    public static List<AmdStep> Measure(short[] audio, float[] speech, int totalMs = 5000)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(speech);
        var features = new AmdFeatures();
        var tones = new ToneRules();
        var steps = new List<AmdStep>();
        for (var c = 0; c < speech.Length && c * AmdFeatures.ChunkMs < totalMs; c++)
        {
            features.Add(audio.AsSpan(c * AmdFeatures.ChunkSamples, AmdFeatures.ChunkSamples), speech[c]);
            var (frequency, purity) = features.LastTone;
            var cause = tones.Update(frequency, purity);
            float[]? vector = null;
            if (features.HasSpeech)
            {
                vector = new float[AmdFeatures.Count];
                features.Write(vector);
            }

            steps.Add(new AmdStep(features.ElapsedMs, features.HasSpeech, features.InSpeech, features.SilenceMs, tones.Active, cause, vector));
            if (cause is not null)
            {
                break;
            }
        }

        return steps;
    }

    /// <summary>The verdict the detector reaches on a measured clip with the given trees and policy.</summary>
    public static AmdResult Replay(IReadOnlyList<AmdStep> steps, IReadOnlyList<double> probabilities, AmdDecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(policy);
        var sure = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            sure = s.Features is not null && probabilities[i] >= policy.MachineAbove ? sure + 1 : 0;
            if (s.ToneCause is { } tone)
            {
                return new AmdResult(AmdVerdict.Machine, tone, TimeSpan.FromMilliseconds(s.ElapsedMs), GreetingEnd: GreetingEnd(s));
            }

            if (policy.Decide(s.ElapsedMs, s.HasSpeech, s.InSpeech, s.SilenceMs, probabilities[i], sure, s.ToneActive) is { } d)
            {
                return new AmdResult(d.Verdict, d.Cause, TimeSpan.FromMilliseconds(s.ElapsedMs), GreetingEnd: GreetingEnd(s));
            }
        }

        return new AmdResult(AmdVerdict.NotSure, AmdCause.EndOfAudio, TimeSpan.FromMilliseconds(steps.Count == 0 ? 0 : steps[^1].ElapsedMs),
            GreetingEnd: steps.Count == 0 ? null : GreetingEnd(steps[^1]));
    }

    // As LearnedAmdDetector.GreetingEnd: the end of the last speech, from answer; null before any speech.
    private static TimeSpan? GreetingEnd(AmdStep step) => step.HasSpeech ? TimeSpan.FromMilliseconds(step.ElapsedMs - step.SilenceMs) : null;
}
