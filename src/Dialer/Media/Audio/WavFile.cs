using System.Buffers.Binary;
using System.Text;

namespace Collections.Dialer.Media.Audio;

/// <summary>Sample encodings the WAV reader understands, by their WAVE format tag.</summary>
public enum WavEncoding
{
    /// <summary>WAVE_FORMAT_PCM (1), 16 bits per sample, little-endian.</summary>
    Pcm16 = 1,

    /// <summary>WAVE_FORMAT_ALAW (6), 8-bit G.711 A-law.</summary>
    ALaw = 6,

    /// <summary>WAVE_FORMAT_MULAW (7), 8-bit G.711 mu-law.</summary>
    MuLaw = 7,
}

/// <summary>A WAV file that is not one we can read; the message says what is wrong.</summary>
public sealed class WavFormatException : FormatException
{
    /// <summary>Creates the exception with a message for a person.</summary>
    public WavFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public WavFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public WavFormatException()
        : base("Not a readable WAV file.")
    {
    }
}

/// <summary>Decoded audio from a WAV file: 16-bit linear samples, interleaved when there are several channels.</summary>
public sealed class WavAudio
{
    /// <summary>Creates decoded audio.</summary>
    public WavAudio(int sampleRate, int channels, WavEncoding encoding, short[] samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentNullException.ThrowIfNull(samples);
        SampleRate = sampleRate;
        Channels = channels;
        Encoding = encoding;
        Samples = samples;
    }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Number of interleaved channels.</summary>
    public int Channels { get; }

    /// <summary>How the file stored the samples (they are always decoded to 16-bit linear here).</summary>
    public WavEncoding Encoding { get; }

    /// <summary>Decoded 16-bit samples, interleaved by channel.</summary>
    public short[] Samples { get; }

    /// <summary>Number of sample frames (samples per channel).</summary>
    public int FrameCount => Samples.Length / Channels;

    /// <summary>Length of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)FrameCount / SampleRate);

    /// <summary>True for 8 kHz mono, the telephony format the detector and the RTP legs use.</summary>
    public bool IsTelephonyMono => SampleRate == 8000 && Channels == 1;
}

/// <summary>
/// Reads and writes RIFF/WAVE files (Microsoft Multimedia Programming Interface and Data Specifications 1.0,
/// 1991): 16-bit PCM, A-law (format 6) and mu-law (format 7) in; 16-bit PCM mono or stereo out.
/// </summary>
public static class WavFile
{
    private const ushort FormatExtensible = 0xFFFE;
    private const int PcmHeaderSize = 44;

    /// <summary>Reads and decodes a WAV file.</summary>
    /// <exception cref="WavFormatException">The file is not a WAV file we can read; the message says why.</exception>
    public static WavAudio Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        return Read(stream);
    }

    /// <summary>Reads and decodes a WAV stream from its current position.</summary>
    /// <exception cref="WavFormatException">The stream is not a WAV file we can read; the message says why.</exception>
    public static WavAudio Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        if (!TryReadExactly(stream, header))
        {
            throw new WavFormatException("too short to be a WAV file (no 12-byte RIFF header)");
        }

        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException("not a RIFF/WAVE file (missing 'RIFF' ... 'WAVE' header)");
        }

        int? formatTag = null;
        int channels = 0, sampleRate = 0, bitsPerSample = 0, blockAlign = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (TryReadExactly(stream, chunkHeader))
        {
            var id = Encoding.ASCII.GetString(chunkHeader[..4]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id == "fmt ")
            {
                if (size < 16 || size > 1024)
                {
                    throw new WavFormatException($"'fmt ' chunk has an invalid size {size}");
                }

                var fmt = new byte[size];
                if (!TryReadExactly(stream, fmt))
                {
                    throw new WavFormatException("file ends inside the 'fmt ' chunk");
                }

                formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                sampleRate = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4)));
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(12));
                bitsPerSample = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (formatTag == FormatExtensible && size >= 26)
                {
                    // WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the SubFormat GUID.
                    formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24));
                }

                SkipPadding(stream, size);
            }
            else if (id == "data")
            {
                if (formatTag is null)
                {
                    throw new WavFormatException("'data' chunk comes before any 'fmt ' chunk");
                }

                var encoding = Validate(formatTag.Value, channels, sampleRate, bitsPerSample, blockAlign);
                return new WavAudio(sampleRate, channels, encoding, ReadData(stream, size, encoding, channels));
            }
            else
            {
                Skip(stream, size + (size & 1));
            }
        }

        throw new WavFormatException(formatTag is null ? "no 'fmt ' chunk" : "no 'data' chunk");
    }

    /// <summary>Writes 16-bit PCM mono samples as a WAV file.</summary>
    public static void WritePcm(string path, ReadOnlySpan<short> samples, int sampleRate = 8000)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        WritePcm(stream, samples, sampleRate, channels: 1);
    }

    /// <summary>Writes interleaved 16-bit PCM samples with the given channel count to a stream.</summary>
    public static void WritePcm(Stream stream, ReadOnlySpan<short> interleaved, int sampleRate, int channels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (interleaved.Length % channels != 0)
        {
            throw new ArgumentException($"{interleaved.Length} samples do not divide into {channels} channels.", nameof(interleaved));
        }

        Span<byte> header = stackalloc byte[PcmHeaderSize];
        WritePcmHeader(header, sampleRate, channels, (long)interleaved.Length * 2);
        stream.Write(header);
        WriteSamples(stream, interleaved);
    }

    /// <summary>
    /// Writes G.711 code bytes (8 kHz mono, as carried in RTP) as an A-law (format 6) or mu-law (format 7) WAV file, with the
    /// 18-byte 'fmt ' chunk and the 'fact' chunk the WAVE format asks of non-PCM data.
    /// </summary>
    public static void WriteG711(string path, ReadOnlySpan<byte> codes, G711Law law, int sampleRate = 8000)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        Span<byte> header = stackalloc byte[58];
        var data = (uint)codes.Length;
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 50 + data + (data & 1));
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 18);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], (ushort)(law == G711Law.ALaw ? 6 : 7));
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(header[36..], 0);
        "fact"u8.CopyTo(header[38..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[42..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[46..], data);
        "data"u8.CopyTo(header[50..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[54..], data);
        stream.Write(header);
        stream.Write(codes);
        if ((data & 1) == 1)
        {
            stream.WriteByte(0);
        }
    }

    /// <summary>Writes two equally long channels (for example debtor and agent) as one stereo 16-bit PCM WAV file.</summary>
    public static void WritePcmStereo(string path, ReadOnlySpan<short> left, ReadOnlySpan<short> right, int sampleRate = 8000)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        WritePcm(stream, Interleave(left, right), sampleRate, channels: 2);
    }

    /// <summary>Interleaves two channels; the shorter one is padded with silence.</summary>
    public static short[] Interleave(ReadOnlySpan<short> left, ReadOnlySpan<short> right)
    {
        var frames = Math.Max(left.Length, right.Length);
        var result = new short[frames * 2];
        for (var i = 0; i < frames; i++)
        {
            result[2 * i] = i < left.Length ? left[i] : (short)0;
            result[(2 * i) + 1] = i < right.Length ? right[i] : (short)0;
        }

        return result;
    }

    /// <summary>Fills a 44-byte canonical PCM header for <paramref name="dataBytes"/> bytes of 16-bit samples.</summary>
    internal static void WritePcmHeader(Span<byte> header, int sampleRate, int channels, long dataBytes)
    {
        // RIFF sizes are 32-bit; a file past 4 GiB keeps the maximum rather than wrapping around.
        var data = (uint)Math.Min(dataBytes, uint.MaxValue - 36);
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], data + 36);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], (ushort)WavEncoding.Pcm16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], data);
    }

    internal static void WriteSamples(Stream stream, ReadOnlySpan<short> samples)
    {
        Span<byte> buffer = stackalloc byte[4096];
        while (!samples.IsEmpty)
        {
            var count = Math.Min(samples.Length, buffer.Length / 2);
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(buffer[(2 * i)..], samples[i]);
            }

            stream.Write(buffer[..(count * 2)]);
            samples = samples[count..];
        }
    }

    private static WavEncoding Validate(int formatTag, int channels, int sampleRate, int bitsPerSample, int blockAlign)
    {
        if (channels < 1)
        {
            throw new WavFormatException("the 'fmt ' chunk declares 0 channels");
        }

        if (sampleRate < 1)
        {
            throw new WavFormatException("the 'fmt ' chunk declares a sample rate of 0");
        }

        var encoding = formatTag switch
        {
            1 when bitsPerSample == 16 => WavEncoding.Pcm16,
            1 => throw new WavFormatException($"{bitsPerSample}-bit PCM is not supported (16-bit PCM, A-law or mu-law only)"),
            6 or 7 when bitsPerSample != 8 => throw new WavFormatException($"G.711 with {bitsPerSample} bits per sample (must be 8)"),
            6 => WavEncoding.ALaw,
            7 => WavEncoding.MuLaw,
            3 => throw new WavFormatException("IEEE float samples are not supported (16-bit PCM, A-law or mu-law only)"),
            _ => throw new WavFormatException($"format tag {formatTag} is not supported (16-bit PCM (1), A-law (6) or mu-law (7) only)"),
        };
        var expectedAlign = channels * (bitsPerSample / 8);
        if (blockAlign != expectedAlign)
        {
            throw new WavFormatException($"block align {blockAlign} does not match {channels} channel(s) of {bitsPerSample} bits");
        }

        return encoding;
    }

    private static short[] ReadData(Stream stream, uint declaredSize, WavEncoding encoding, int channels)
    {
        // A writer that died before fixing its header leaves 0 or 0xFFFFFFFF; a truncated copy declares more
        // than it holds. In both cases take what is there, as sox and ffmpeg do.
        var remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        long size = declaredSize is 0 or uint.MaxValue ? remaining : Math.Min(declaredSize, remaining);
        if (size == long.MaxValue)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            size = copy.Length;
            copy.Position = 0;
            return ReadData(copy, (uint)Math.Min(size, uint.MaxValue - 1), encoding, channels);
        }

        if (size > int.MaxValue)
        {
            throw new WavFormatException($"data chunk of {size} bytes is too large");
        }

        var bytes = new byte[size];
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        var data = bytes.AsSpan(0, read);
        var bytesPerFrame = channels * (encoding == WavEncoding.Pcm16 ? 2 : 1);
        data = data[..(data.Length - (data.Length % bytesPerFrame))];
        if (encoding == WavEncoding.Pcm16)
        {
            var samples = new short[data.Length / 2];
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
            }

            return samples;
        }

        return G711.Decode(data, encoding == WavEncoding.ALaw ? G711Law.ALaw : G711Law.MuLaw);
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;

    private static void SkipPadding(Stream stream, uint size)
    {
        if ((size & 1) == 1)
        {
            Skip(stream, 1);
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (stream.CanSeek)
        {
            stream.Seek(Math.Min(count, stream.Length - stream.Position), SeekOrigin.Current);
            return;
        }

        Span<byte> sink = stackalloc byte[512];
        while (count > 0)
        {
            var read = stream.Read(sink[..(int)Math.Min(count, sink.Length)]);
            if (read == 0)
            {
                return;
            }

            count -= read;
        }
    }
}

/// <summary>
/// Writes 16-bit PCM WAV (mono or stereo) as audio arrives, rewriting the RIFF and data sizes every
/// <see cref="HeaderInterval"/> of audio so the file stays a valid WAV up to that point if the process dies.
/// </summary>
public sealed class WavStreamWriter : IDisposable, Recording.IStereoRecorder
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly long _headerIntervalBytes;
    private readonly long _origin;
    private long _dataBytes;
    private long _bytesSinceHeader;
    private bool _disposed;

    /// <summary>Creates (or overwrites) <paramref name="path"/> and writes an empty header.</summary>
    public WavStreamWriter(string path, int sampleRate = 8000, int channels = 1, TimeSpan? headerInterval = null)
        : this(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read), sampleRate, channels, headerInterval, ownsStream: true)
    {
    }

    /// <summary>Writes to a seekable stream from its current position.</summary>
    public WavStreamWriter(Stream stream, int sampleRate, int channels, TimeSpan? headerInterval = null, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only mono and stereo are written.");
        }

        if (!stream.CanSeek || !stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable and seekable to rewrite the header.", nameof(stream));
        }

        _stream = stream;
        _origin = stream.Position;
        _ownsStream = ownsStream;
        SampleRate = sampleRate;
        Channels = channels;
        HeaderInterval = headerInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeaderInterval, TimeSpan.Zero, nameof(headerInterval));
        _headerIntervalBytes = Math.Max(2L * channels, (long)(HeaderInterval.TotalSeconds * sampleRate) * channels * 2);
        WriteHeader();
        _stream.Flush();
    }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>1 (mono) or 2 (stereo).</summary>
    public int Channels { get; }

    /// <summary>How much audio may be written between two header rewrites.</summary>
    public TimeSpan HeaderInterval { get; }

    /// <summary>Bytes of sample data written so far.</summary>
    public long DataBytes => _dataBytes;

    /// <summary>Appends interleaved samples (mono: just the samples).</summary>
    public void Write(ReadOnlySpan<short> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (interleaved.Length % Channels != 0)
        {
            throw new ArgumentException($"{interleaved.Length} samples do not divide into {Channels} channels.", nameof(interleaved));
        }

        WavFile.WriteSamples(_stream, interleaved);
        Advance(interleaved.Length * 2L);
    }

    /// <summary>Appends two channels of equal length to a stereo file (the shorter is padded with silence).</summary>
    public void WriteStereo(ReadOnlySpan<short> left, ReadOnlySpan<short> right)
    {
        if (Channels != 2)
        {
            throw new InvalidOperationException("This writer is mono.");
        }

        Write(WavFile.Interleave(left, right));
    }

    /// <summary>Rewrites the header with the current sizes and flushes to the operating system.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        UpdateHeader();
    }

    /// <summary>Finalises the header and closes the file if this writer opened it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        UpdateHeader();
        _disposed = true;
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private void Advance(long bytes)
    {
        _dataBytes += bytes;
        _bytesSinceHeader += bytes;
        if (_bytesSinceHeader >= _headerIntervalBytes)
        {
            UpdateHeader();
        }
    }

    private void UpdateHeader()
    {
        var end = _stream.Position;
        _stream.Position = _origin;
        WriteHeader();
        _stream.Position = end;
        _stream.Flush();
        _bytesSinceHeader = 0;
    }

    private void WriteHeader()
    {
        Span<byte> header = stackalloc byte[44];
        WavFile.WritePcmHeader(header, SampleRate, Channels, _dataBytes);
        _stream.Write(header);
    }
}
