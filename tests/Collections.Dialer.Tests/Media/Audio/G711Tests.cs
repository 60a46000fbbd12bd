using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Tests.Media.Audio;

public sealed class G711Tests
{
    // Code points from ITU-T G.711 tables 1/2 as decoded by the reference g711.c (16-bit scale).
    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xFE, 8)]
    [InlineData(0x7E, -8)]
    [InlineData(0xEF, 132)]
    [InlineData(0xDF, 396)]
    public void DecodeMuLaw_KnownCodePoints(int code, int expected) =>
        Assert.Equal(expected, G711.DecodeMuLaw((byte)code));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    [InlineData(0xD4, 24)]
    [InlineData(0xC5, 264)]
    public void DecodeALaw_KnownCodePoints(int code, int expected) =>
        Assert.Equal(expected, G711.DecodeALaw((byte)code));

    [Fact]
    public void Encode_Zero_GivesTheSilenceCodes()
    {
        Assert.Equal(G711.MuLawSilence, G711.EncodeMuLaw(0));
        Assert.Equal(G711.ALawSilence, G711.EncodeALaw(0));
        Assert.Equal(0xFF, G711.MuLawSilence);
        Assert.Equal(0xD5, G711.ALawSilence);
    }

    [Fact]
    public void Encode_FullScale_SaturatesAtTheLastSegment()
    {
        Assert.Equal(0x80, G711.EncodeMuLaw(short.MaxValue));
        Assert.Equal(0x00, G711.EncodeMuLaw(short.MinValue));
        Assert.Equal(0xAA, G711.EncodeALaw(short.MaxValue));
        Assert.Equal(0x2A, G711.EncodeALaw(short.MinValue));
    }

    [Fact]
    public void ALaw_EveryCodeWord_RoundTrips()
    {
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal(code, G711.EncodeALaw(G711.DecodeALaw((byte)code)));
        }
    }

    [Fact]
    public void MuLaw_EveryCodeWordButNegativeZero_RoundTrips()
    {
        for (var code = 0; code < 256; code++)
        {
            // 0x7F is mu-law's negative zero; it decodes to 0, which encodes as positive zero 0xFF.
            var expected = code == 0x7F ? 0xFF : code;
            Assert.Equal(expected, G711.EncodeMuLaw(G711.DecodeMuLaw((byte)code)));
        }
    }

    [Theory]
    [InlineData(G711Law.ALaw)]
    [InlineData(G711Law.MuLaw)]
    public void RoundTrip_OfLinearSamples_StaysWithinHalfAQuantisationStep(G711Law law)
    {
        // G.711 keeps roughly 8 bits of relative precision: the step in the top segment is 1024 (A-law) or
        // 1024 (mu-law) on the 16-bit scale, and the error never exceeds half a step plus rounding.
        for (int x = short.MinValue; x <= short.MaxValue; x += 7)
        {
            var sample = (short)x;
            var decoded = G711.Decode(G711.Encode([sample], law), law)[0];
            var error = Math.Abs(decoded - sample);
            var magnitude = Math.Abs(x);
            var bound = Math.Max(16, magnitude / 16) + 8;
            Assert.True(error <= bound, $"{law}: {sample} -> {decoded} (error {error} > {bound})");
        }
    }

    [Fact]
    public void Decode_IsMonotonicInTheLinearValue()
    {
        var previous = short.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var decoded = G711.DecodeMuLaw(G711.EncodeMuLaw((short)x));
            Assert.True(decoded >= previous);
            previous = decoded;
        }
    }

    [Fact]
    public void SpanDecode_RejectsAShortDestination()
    {
        var payload = new byte[160];
        var destination = new short[159];
        Assert.Throws<ArgumentException>(() => G711.DecodeALaw(payload, destination));
    }

    [Fact]
    public void SpanDecode_DecodesAnRtpSizedPayload()
    {
        var payload = new byte[160];
        payload.AsSpan().Fill(0x80);
        Span<short> destination = stackalloc short[160];
        G711.DecodeMuLaw(payload, destination);
        foreach (var s in destination)
        {
            Assert.Equal(32124, s);
        }
    }
}
