namespace Collections.Dialer.Media.Audio;

/// <summary>
/// ITU-T G.711 companding: A-law (PCMA, RTP payload type 8) and mu-law (PCMU, payload type 0),
/// between 8-bit code words and 16-bit linear PCM. Table based: a 256-entry decode table and a
/// 65536-entry encode table per law, both built once from the reference algorithm.
/// </summary>
/// <remarks>
/// The algorithms follow G.711 (11/88) tables 1a/1b and 2a/2b as implemented in the public-domain
/// reference code <c>g711.c</c> (Sun Microsystems, 1991), which is what Asterisk, SIPp and sox use.
/// A-law code words carry even-bit inversion (XOR 0x55); mu-law code words are transmitted inverted.
/// Decoded values are on the 16-bit scale (A-law 13-bit and mu-law 14-bit values shifted left).
/// </remarks>
public static class G711
{
    // Segment end points for the 13-bit (A-law) and 14-bit (mu-law) magnitudes (G.711 tables 1a, 2a).
    private static readonly short[] ALawSegmentEnds = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];
    private static readonly short[] MuLawSegmentEnds = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];

    private const int MuLawBias = 0x84;
    private const int MuLawClip = 8159;

    private static readonly short[] ALawToLinear = BuildDecodeTable(DecodeALawReference);
    private static readonly short[] MuLawToLinear = BuildDecodeTable(DecodeMuLawReference);
    private static readonly byte[] LinearToALaw = BuildEncodeTable(EncodeALawReference);
    private static readonly byte[] LinearToMuLaw = BuildEncodeTable(EncodeMuLawReference);

    /// <summary>The A-law code word for silence (a linear 0 encodes to 0xD5).</summary>
    public const byte ALawSilence = 0xD5;

    /// <summary>The mu-law code word for silence (a linear 0 encodes to 0xFF).</summary>
    public const byte MuLawSilence = 0xFF;

    /// <summary>Decodes one A-law code word to 16-bit linear PCM.</summary>
    public static short DecodeALaw(byte code) => ALawToLinear[code];

    /// <summary>Decodes one mu-law code word to 16-bit linear PCM.</summary>
    public static short DecodeMuLaw(byte code) => MuLawToLinear[code];

    /// <summary>Encodes one 16-bit linear sample to an A-law code word.</summary>
    public static byte EncodeALaw(short sample) => LinearToALaw[(ushort)sample];

    /// <summary>Encodes one 16-bit linear sample to a mu-law code word.</summary>
    public static byte EncodeMuLaw(short sample) => LinearToMuLaw[(ushort)sample];

    /// <summary>Decodes an A-law payload into <paramref name="destination"/>, which must be at least as long.</summary>
    public static void DecodeALaw(ReadOnlySpan<byte> source, Span<short> destination) => Decode(source, destination, ALawToLinear);

    /// <summary>Decodes a mu-law payload into <paramref name="destination"/>, which must be at least as long.</summary>
    public static void DecodeMuLaw(ReadOnlySpan<byte> source, Span<short> destination) => Decode(source, destination, MuLawToLinear);

    /// <summary>Encodes linear samples into A-law code words; <paramref name="destination"/> must be at least as long.</summary>
    public static void EncodeALaw(ReadOnlySpan<short> source, Span<byte> destination) => Encode(source, destination, LinearToALaw);

    /// <summary>Encodes linear samples into mu-law code words; <paramref name="destination"/> must be at least as long.</summary>
    public static void EncodeMuLaw(ReadOnlySpan<short> source, Span<byte> destination) => Encode(source, destination, LinearToMuLaw);

    /// <summary>Decodes a payload of either law into a new array.</summary>
    public static short[] Decode(ReadOnlySpan<byte> source, G711Law law)
    {
        var samples = new short[source.Length];
        Decode(source, samples, law);
        return samples;
    }

    /// <summary>Decodes a payload of either law into <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<short> destination, G711Law law) =>
        Decode(source, destination, law == G711Law.ALaw ? ALawToLinear : MuLawToLinear);

    /// <summary>Encodes linear samples in either law into a new array.</summary>
    public static byte[] Encode(ReadOnlySpan<short> source, G711Law law)
    {
        var codes = new byte[source.Length];
        Encode(source, codes, law);
        return codes;
    }

    /// <summary>Encodes linear samples in either law into <paramref name="destination"/>.</summary>
    public static void Encode(ReadOnlySpan<short> source, Span<byte> destination, G711Law law) =>
        Encode(source, destination, law == G711Law.ALaw ? LinearToALaw : LinearToMuLaw);

    private static void Decode(ReadOnlySpan<byte> source, Span<short> destination, short[] table)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} samples but the payload has {source.Length}.", nameof(destination));
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    private static void Encode(ReadOnlySpan<short> source, Span<byte> destination, byte[] table)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes but there are {source.Length} samples.", nameof(destination));
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = table[(ushort)source[i]];
        }
    }

    private static short[] BuildDecodeTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            table[code] = decode((byte)code);
        }

        return table;
    }

    private static byte[] BuildEncodeTable(Func<short, byte> encode)
    {
        var table = new byte[65536];
        for (var value = short.MinValue; ; value++)
        {
            table[(ushort)value] = encode(value);
            if (value == short.MaxValue)
            {
                break;
            }
        }

        return table;
    }

    private static int Segment(int magnitude, short[] ends)
    {
        for (var i = 0; i < ends.Length; i++)
        {
            if (magnitude <= ends[i])
            {
                return i;
            }
        }

        return ends.Length;
    }

    // G.711 A-law encoder on a 13-bit magnitude (reference linear2alaw).
    private static byte EncodeALawReference(short sample)
    {
        int mask;
        var value = sample >> 3;
        if (value >= 0)
        {
            mask = 0xD5; // sign bit set (positive) with even bits inverted
        }
        else
        {
            mask = 0x55;
            value = -value - 1;
        }

        var segment = Segment(value, ALawSegmentEnds);
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }

        var code = segment << 4;
        code |= segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F;
        return (byte)(code ^ mask);
    }

    // G.711 A-law decoder (reference alaw2linear).
    private static short DecodeALawReference(byte code)
    {
        var value = code ^ 0x55;
        var t = (value & 0x0F) << 4;
        var segment = (value & 0x70) >> 4;
        switch (segment)
        {
            case 0:
                t += 8;
                break;
            case 1:
                t += 0x108;
                break;
            default:
                t += 0x108;
                t <<= segment - 1;
                break;
        }

        return (short)((value & 0x80) != 0 ? t : -t);
    }

    // G.711 mu-law encoder on a 14-bit magnitude (reference linear2ulaw).
    private static byte EncodeMuLawReference(short sample)
    {
        int mask;
        var value = sample >> 2;
        if (value < 0)
        {
            value = -value;
            mask = 0x7F;
        }
        else
        {
            mask = 0xFF;
        }

        if (value > MuLawClip)
        {
            value = MuLawClip;
        }

        value += MuLawBias >> 2;
        var segment = Segment(value, MuLawSegmentEnds);
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }

        var code = (segment << 4) | ((value >> (segment + 1)) & 0x0F);
        return (byte)(code ^ mask);
    }

    // G.711 mu-law decoder (reference ulaw2linear).
    private static short DecodeMuLawReference(byte code)
    {
        var value = ~code & 0xFF;
        var t = ((value & 0x0F) << 3) + MuLawBias;
        t <<= (value & 0x70) >> 4;
        return (short)((value & 0x80) != 0 ? MuLawBias - t : t - MuLawBias);
    }
}

/// <summary>The two G.711 companding laws.</summary>
public enum G711Law
{
    /// <summary>A-law (PCMA), used in Europe; RTP static payload type 8, WAV format tag 6.</summary>
    ALaw,

    /// <summary>mu-law (PCMU), used in North America and Japan; RTP static payload type 0, WAV format tag 7.</summary>
    MuLaw,
}
