namespace Collections.Shared.Demo;

/// <summary>Makes GUIDs from a seed, so the demo's ids are the same on every machine and every start.</summary>
internal sealed class SeededGuids(int seed)
{
    // Its own stream, apart from the data's: a change in how names are drawn does not shift every id.
    private readonly Random random = new(unchecked((seed * 7919) + 104729));

    public Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        // RFC 9562 section 5.4: version 4 in the high nibble of octet 6, variant 0b10 in the top bits of octet 8.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
