using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Collections.Dialer.Amd;

/// <summary>
/// The Silero VAD v5 voice-activity model (Silero Team, MIT licence; file and provenance in Amd/Models/PROVENANCE.md)
/// loaded once under ONNX Runtime. One instance serves every call: <see cref="InferenceSession"/> runs are thread-safe,
/// and each call keeps its own recurrent state in a <see cref="SileroVadStream"/>.
/// </summary>
/// <remarks>
/// At 8 kHz the model takes 256-sample chunks (32 ms) preceded by the last 32 samples of the previous chunk, an input
/// <c>sr</c> of 8000 and a state tensor [2, batch, 128]; it returns the chance that the chunk holds speech
/// (silero-vad's <c>utils_vad.OnnxWrapper</c> documents the interface). The session runs on one thread: a dialer runs
/// hundreds of calls at once, so parallelism comes from calls, not from splitting one tiny inference.
/// </remarks>
public sealed class SileroVad : IDisposable
{
    /// <summary>Samples per chunk at 8 kHz (32 ms).</summary>
    public const int ChunkSamples = 256;

    /// <summary>Samples of the previous chunk the model sees before each chunk at 8 kHz.</summary>
    public const int ContextSamples = 32;

    /// <summary>The model's file name in the output folder (Amd/Models).</summary>
    public const string ModelFileName = "silero_vad_v5.onnx";

    /// <summary>SHA-256 of the pinned model file; a different file is refused (PROVENANCE.md).</summary>
    public const string ModelSha256 = "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f";

    internal const int StateSize = 2 * 128;

    private static readonly Lazy<SileroVad> Shared = new(() => Load(DefaultModelPath), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    private SileroVad(InferenceSession session)
    {
        _session = session;
    }

    /// <summary>Where the model is expected next to the program.</summary>
    public static string DefaultModelPath => Path.Combine(AppContext.BaseDirectory, "Amd", "Models", ModelFileName);

    /// <summary>The process-wide model, loaded on first use from <see cref="DefaultModelPath"/>.</summary>
    public static SileroVad Instance => Shared.Value;

    /// <summary>Loads the model at <paramref name="path"/> after checking its SHA-256 against the pinned hash.</summary>
    public static SileroVad Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Silero VAD model not found at {path} (it ships in src/Dialer/Amd/Models).", path);
        }

        var bytes = File.ReadAllBytes(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (hash != ModelSha256)
        {
            throw new InvalidDataException($"{path}: SHA-256 {hash} is not the pinned Silero VAD v5 model ({ModelSha256}).");
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new SileroVad(new InferenceSession(bytes, options));
    }

    /// <summary>
    /// A new per-call stream with a fresh state; <paramref name="gated"/> false runs the network on every chunk, background
    /// included (to measure what the <see cref="VadGate"/> changes).
    /// </summary>
    public SileroVadStream CreateStream(bool gated = true) => new(this, gated ? new VadGate() : null);

    /// <summary>
    /// Runs one chunk for <paramref name="batch"/> streams at once: <paramref name="input"/> holds, per stream,
    /// <see cref="ContextSamples"/> + <see cref="ChunkSamples"/> floats in [-1, 1]; <paramref name="state"/> is
    /// [2, batch, 128] and is replaced by the new state; <paramref name="output"/> receives one speech probability per stream.
    /// </summary>
    public void Run(float[] input, float[] state, float[] stateOut, float[] output, int batch)
    {
        var width = ContextSamples + ChunkSamples;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, batch * width), [batch, width]);
        using var stateValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.AsMemory(0, batch * StateSize), [2, batch, 128]);
        using var srValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, SampleRate.AsMemory(), [1]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, batch), [batch, 1]);
        using var stateOutValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, stateOut.AsMemory(0, batch * StateSize), [2, batch, 128]);
        _session.Run(_runOptions, InputNames, [inputValue, stateValue, srValue], OutputNames, [outputValue, stateOutValue]);
    }

    private static readonly long[] SampleRate = [AmdDetector.SampleRate];
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>One call's Silero VAD: fed 8 kHz samples, it yields a speech probability every 32 ms chunk.</summary>
public sealed class SileroVadStream
{
    private readonly SileroVad _model;
    private readonly float[] _input = new float[SileroVad.ContextSamples + SileroVad.ChunkSamples];
    private float[] _state = new float[SileroVad.StateSize];
    private float[] _next = new float[SileroVad.StateSize];
    private readonly float[] _output = new float[1];
    private readonly VadGate? _gate;

    internal SileroVadStream(SileroVad model, VadGate? gate)
    {
        _model = model;
        _gate = gate;
    }

    /// <summary>Chunks processed so far.</summary>
    public int Chunks { get; private set; }

    /// <summary>Chunks the network was not run on (background between words, <see cref="VadGate"/>).</summary>
    public int Skipped { get; private set; }

    /// <summary>Runs one 256-sample chunk (32 ms at 8 kHz) and returns the chance it holds speech (0..1).</summary>
    public float Process(ReadOnlySpan<short> chunk)
    {
        if (chunk.Length != SileroVad.ChunkSamples)
        {
            throw new ArgumentException($"A chunk is {SileroVad.ChunkSamples} samples, not {chunk.Length}.", nameof(chunk));
        }

        // Context: the previous chunk's last 32 samples (zeros before the first), as silero-vad's own wrapper feeds them.
        Array.Copy(_input, SileroVad.ChunkSamples, _input, 0, SileroVad.ContextSamples);
        for (var i = 0; i < chunk.Length; i++)
        {
            _input[SileroVad.ContextSamples + i] = chunk[i] / 32768f;
        }

        Chunks++;
        if (_gate?.Skip(chunk) == true)
        {
            Skipped++;
            return 0;
        }

        _model.Run(_input, _state, _next, _output, 1);
        (_state, _next) = (_next, _state);
        _gate?.Heard(_output[0]);
        return _output[0];
    }
}

/// <summary>
/// Decides which chunks need the network at all: outside speech, a chunk no louder than the background a person's line
/// carries between words (its level within <see cref="Margin"/> of the tracked noise floor) is not speech, so it gets
/// probability 0 and leaves the model's recurrent state as it was. The model is still run on every chunk of a speech
/// segment and on every chunk that rises above the floor, so a word's onset is never gated. Between answer and the first
/// words, and in the pauses and the silence after a person's greeting (most of a human call's first seconds), this saves
/// the inference that costs most of the detector's time (docs/performance.md, "AMD cost per call").
/// </summary>
/// <remarks>The batched evaluation (<see cref="Training.AmdTrajectories.SpeechProbabilities"/>) applies the same gate, so
/// training, evaluation and live calls see the same probabilities.</remarks>
public sealed class VadGate
{
    /// <summary>A chunk whose level is at most this many times the floor (about 3.5 dB) is background.</summary>
    public const double Margin = 1.5;

    // The floor needs a few chunks to mean anything; a call's first chunks always run the model.
    private const int WarmUpChunks = 4;

    private readonly NoiseFloorTracker _floor = new(47, AmdFeatures.ChunkMs);
    private int _chunks;
    private bool _speech;

    /// <summary>Measures the chunk; true when the model need not run on it.</summary>
    public bool Skip(ReadOnlySpan<short> chunk)
    {
        double sumAbs = 0;
        foreach (var s in chunk)
        {
            sumAbs += Math.Abs((int)s);
        }

        var level = sumAbs / chunk.Length;
        var floor = _floor.Update(level);
        return ++_chunks > WarmUpChunks && !_speech && level <= Margin * Math.Max(floor, 1.0);
    }

    /// <summary>The model's probability for a chunk that was not skipped (keeps the gate open through a speech segment).</summary>
    public void Heard(float probability) => _speech = probability >= 0.35f;
}
