using System.Buffers.Binary;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Tests.Media.Audio;

public sealed class WavFileTests
{
    private static short[] Ramp(int count) => Enumerable.Range(0, count).Select(i => (short)((i * 37) - 3000)).ToArray();

    [Fact]
    public void WritePcm_Mono_WritesTheCanonicalHeader()
    {
        using var stream = new MemoryStream();
        WavFile.WritePcm(stream, Ramp(160), 8000, channels: 1);
        var bytes = stream.ToArray();

        Assert.Equal(44 + 320, bytes.Length);
        Assert.Equal("RIFF"u8.ToArray(), bytes[..4]);
        Assert.Equal(36u + 320, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal("WAVEfmt "u8.ToArray(), bytes[8..16]);
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20)));     // PCM
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(22)));     // channels
        Assert.Equal(8000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24))); // sample rate
        Assert.Equal(16000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28))); // byte rate
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(32)));     // block align
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(34)));    // bits
        Assert.Equal("data"u8.ToArray(), bytes[36..40]);
        Assert.Equal(320u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
    }

    [Fact]
    public void WritePcm_ThenRead_GivesTheSameSamples()
    {
        var samples = Ramp(1234);
        using var stream = new MemoryStream();
        WavFile.WritePcm(stream, samples, 8000, 1);
        stream.Position = 0;

        var audio = WavFile.Read(stream);

        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
        Assert.Equal(WavEncoding.Pcm16, audio.Encoding);
        Assert.True(audio.IsTelephonyMono);
        Assert.Equal(samples, audio.Samples);
    }

    [Fact]
    public void WritePcmStereo_InterleavesAndPadsTheShorterChannel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stereo-{Guid.NewGuid():N}.wav");
        try
        {
            WavFile.WritePcmStereo(path, [1, 2, 3], [10, 20]);
            var audio = WavFile.Read(path);
            Assert.Equal(2, audio.Channels);
            Assert.Equal(3, audio.FrameCount);
            Assert.Equal(new short[] { 1, 10, 2, 20, 3, 0 }, audio.Samples);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(6, G711Law.ALaw, WavEncoding.ALaw)]
    [InlineData(7, G711Law.MuLaw, WavEncoding.MuLaw)]
    public void Read_G711WithExtendedFmtAndFactChunk_Decodes(int tag, G711Law law, WavEncoding expected)
    {
        // The layout sox writes for -e a-law / -e u-law: an 18-byte fmt (cbSize = 0) and a fact chunk.
        var codes = G711.Encode(Ramp(101), law);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write(4 + 26 + 12 + 8 + codes.Length + 1);
            w.Write("WAVEfmt "u8);
            w.Write(18);
            w.Write((ushort)tag);
            w.Write((ushort)1);
            w.Write(8000);
            w.Write(8000);
            w.Write((ushort)1);
            w.Write((ushort)8);
            w.Write((ushort)0);
            w.Write("fact"u8);
            w.Write(4);
            w.Write(codes.Length);
            w.Write("data"u8);
            w.Write(codes.Length);
            w.Write(codes);
            w.Write((byte)0); // pad byte for the odd-sized data chunk
        }

        stream.Position = 0;
        var audio = WavFile.Read(stream);

        Assert.Equal(expected, audio.Encoding);
        Assert.Equal(101, audio.FrameCount);
        Assert.Equal(G711.Decode(codes, law), audio.Samples);
    }

    [Fact]
    public void Read_NotAWav_SaysSo()
    {
        using var stream = new MemoryStream("ID3\u0004 this is an mp3 pretending"u8.ToArray());
        var error = Assert.Throws<WavFormatException>(() => WavFile.Read(stream));
        Assert.Contains("RIFF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EightBitPcm_IsRejectedWithTheReason()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write(36 + 4);
            w.Write("WAVEfmt "u8);
            w.Write(16);
            w.Write((ushort)1);
            w.Write((ushort)1);
            w.Write(8000);
            w.Write(8000);
            w.Write((ushort)1);
            w.Write((ushort)8);
            w.Write("data"u8);
            w.Write(4);
            w.Write(new byte[4]);
        }

        stream.Position = 0;
        var error = Assert.Throws<WavFormatException>(() => WavFile.Read(stream));
        Assert.Contains("8-bit PCM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedData_ReturnsWhatIsThere()
    {
        using var full = new MemoryStream();
        WavFile.WritePcm(full, Ramp(800), 8000, 1);
        var cut = full.ToArray()[..(44 + 500)];

        var audio = WavFile.Read(new MemoryStream(cut));

        Assert.Equal(250, audio.FrameCount);
    }

    [Fact]
    public void StreamWriter_RewritesTheHeaderEveryIntervalSoAnUnclosedFileIsValid()
    {
        using var stream = new MemoryStream();
        var writer = new WavStreamWriter(stream, 8000, 1, TimeSpan.FromMilliseconds(100));
        var frame = Ramp(160); // 20 ms

        for (var i = 0; i < 7; i++)
        {
            writer.Write(frame);
        }

        // 140 ms written; the header was last rewritten after the 5th frame (100 ms = 1600 bytes).
        var snapshot = stream.ToArray();
        Assert.Equal(1600u, BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(40)));
        Assert.Equal(1636u, BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(4)));
        var crashed = WavFile.Read(new MemoryStream(snapshot));
        Assert.Equal(800, crashed.FrameCount);

        writer.Dispose();
        var closed = stream.ToArray();
        Assert.Equal(7u * 320, BinaryPrimitives.ReadUInt32LittleEndian(closed.AsSpan(40)));
        Assert.Equal(7 * 160, WavFile.Read(new MemoryStream(closed)).FrameCount);
    }

    [Fact]
    public void StreamWriter_Stereo_WritesBothChannels()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stream-{Guid.NewGuid():N}.wav");
        try
        {
            using (var writer = new WavStreamWriter(path, channels: 2))
            {
                writer.WriteStereo([1, 2], [3, 4]);
                writer.WriteStereo([5], [6]);
                Assert.Equal(12, writer.DataBytes);
            }

            var audio = WavFile.Read(path);
            Assert.Equal(2, audio.Channels);
            Assert.Equal(new short[] { 1, 3, 2, 4, 5, 6 }, audio.Samples);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_ExtensibleFormatWithPcmSubFormat_Decodes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write(4 + 48 + 8 + 4);
            w.Write("WAVEfmt "u8);
            w.Write(40);
            w.Write((ushort)0xFFFE);
            w.Write((ushort)1);
            w.Write(8000);
            w.Write(16000);
            w.Write((ushort)2);
            w.Write((ushort)16);
            w.Write((ushort)22);          // cbSize
            w.Write((ushort)16);          // valid bits
            w.Write(4);                   // channel mask
            w.Write((ushort)1);           // SubFormat GUID starts with the format tag (KSDATAFORMAT_SUBTYPE_PCM)
            w.Write(new byte[14]);
            w.Write("data"u8);
            w.Write(4);
            w.Write((short)-2);
            w.Write((short)1234);
        }

        stream.Position = 0;
        var audio = WavFile.Read(stream);

        Assert.Equal(WavEncoding.Pcm16, audio.Encoding);
        Assert.Equal(new short[] { -2, 1234 }, audio.Samples);
    }

    [Fact]
    public void Read_FromANonSeekableStream_Works()
    {
        using var buffer = new MemoryStream();
        WavFile.WritePcm(buffer, Ramp(321), 8000, 1);

        var audio = WavFile.Read(new ForwardOnlyStream(buffer.ToArray()));

        Assert.Equal(Ramp(321), audio.Samples);
    }

    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
