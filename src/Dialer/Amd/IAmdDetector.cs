namespace Collections.Dialer.Amd;

/// <summary>
/// A streaming answering-machine detector for one call: fed decoded 8 kHz audio from answer (any chunk size), it decides
/// HUMAN, MACHINE or NOTSURE once. Implemented by the <c>app_amd</c>-style <see cref="AmdDetector"/> (the baseline
/// profiles) and by the learned <see cref="LearnedAmdDetector"/>. Not thread-safe: one per call leg.
/// </summary>
public interface IAmdDetector
{
    /// <summary>The detector's name as the CLI and the configuration spell it (a profile name, or <c>learned</c>).</summary>
    string Name { get; }

    /// <summary>The decision, once made; later audio does not change it.</summary>
    AmdResult? Result { get; }

    /// <summary>Audio analysed so far, from answer.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>The background level (mean absolute amplitude) tracked so far, for the message-cue detector; 0 if not tracked.</summary>
    double NoiseFloor { get; }

    /// <summary>Feeds decoded 8 kHz samples and returns the decision once made, null while undecided.</summary>
    AmdResult? Push(ReadOnlySpan<short> samples);

    /// <summary>Ends the audio (hang-up or end of file): an undecided call is NOTSURE with cause ENDOFAUDIO.</summary>
    AmdResult Finish();

    /// <summary>
    /// Raised once when the decision is reached outside <see cref="Push"/> (a detector whose speech model runs batched across
    /// calls, <see cref="BatchedLearnedAmdDetector"/>); detectors that decide inside <see cref="Push"/> never raise it.
    /// </summary>
    event Action<AmdResult>? Decided
    {
        add
        {
        }

        remove
        {
        }
    }
}

/// <summary>Creates detectors by name: the built-in <see cref="AmdProfile"/> names and <see cref="LearnedAmdDetector.DetectorName"/>.</summary>
public static class AmdDetectors
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [LearnedAmdDetector.DetectorName, .. AmdProfile.BuiltIn.Keys];

    /// <summary>Whether <paramref name="name"/> is a known detector.</summary>
    public static bool IsKnown(string name) =>
        string.Equals(name, LearnedAmdDetector.DetectorName, StringComparison.OrdinalIgnoreCase) || AmdProfile.BuiltIn.ContainsKey(name);

    /// <summary>
    /// A new detector for one call; with <paramref name="vad"/> (the host's batcher) the learned detector runs its speech model
    /// batched with the other live calls, else on its own stream.
    /// </summary>
    public static IAmdDetector Create(string name, SileroVadBatcher? vad = null) =>
        string.Equals(name, LearnedAmdDetector.DetectorName, StringComparison.OrdinalIgnoreCase)
            ? vad is null ? new LearnedAmdDetector(LearnedAmdModel.Shipped) : new BatchedLearnedAmdDetector(LearnedAmdModel.Shipped, vad)
            : AmdProfile.BuiltIn.TryGetValue(name, out var profile)
                ? new AmdDetector(profile)
                : throw new ArgumentException($"Unknown AMD detector '{name}' (known: {string.Join(", ", Names)}).", nameof(name));
}
