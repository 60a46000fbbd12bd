namespace Collections.Dialer.Amd;

/// <summary>Cuts a call's audio, in packets of any size, into the learned detector's chunks (<see cref="AmdFeatures.ChunkSamples"/>,
/// Silero's frame at 8 kHz). Not thread-safe: one per call leg.</summary>
internal sealed class ChunkAssembler
{
    private int _count;

    /// <summary>The chunk being filled; whole after <see cref="Fill"/> returned true, until the next call.</summary>
    public short[] Chunk { get; } = new short[AmdFeatures.ChunkSamples];

    /// <summary>Moves samples from the front of <paramref name="samples"/> into <see cref="Chunk"/> until it is whole (true) or
    /// <paramref name="samples"/> is empty (false).</summary>
    public bool Fill(ref ReadOnlySpan<short> samples)
    {
        var take = Math.Min(Chunk.Length - _count, samples.Length);
        samples[..take].CopyTo(Chunk.AsSpan(_count));
        _count += take;
        samples = samples[take..];
        if (_count < Chunk.Length)
        {
            return false;
        }

        _count = 0;
        return true;
    }
}
