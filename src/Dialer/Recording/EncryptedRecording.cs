using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Collections.Dialer.Recording;

/// <summary>A recording that cannot be read: altered, cut inside the header, or encrypted with a key the ring lacks.</summary>
public sealed class RecordingUnreadableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The encrypted recording format: a header, then the file's bytes in AES-256-GCM sealed chunks (NIST SP 800-38D), so a
/// recording is encrypted as the call goes and a crash loses at most the chunk being filled.
/// <code>
/// header: "COLLREC1" | key id length (1 byte) | key id (UTF-8) | salt (16 bytes)
/// chunk:  ciphertext length (4 bytes, little-endian) | ciphertext | tag (16 bytes)
/// </code>
/// Each file has its own key, HKDF-SHA256 (RFC 5869) of the ring's key with the file's random salt, so the chunk nonce can
/// be the chunk's number: 8 bytes of index and 4 bytes that are 1 on the last chunk and 0 before it. Every chunk
/// authenticates the header as associated data. Reordering, removing or altering a chunk, or changing the key id, fails
/// the tag; a file whose last chunk is missing (the writer died) is read up to its last whole chunk and said to be cut.
/// </summary>
public static class EncryptedRecording
{
    /// <summary>The first bytes of an encrypted recording (a plain WAV starts with "RIFF").</summary>
    public static ReadOnlySpan<byte> Magic => "COLLREC1"u8;

    internal const int TagSize = 16;
    private const int SaltSize = 16;
    private const int MaxChunk = 16 * 1024 * 1024;

    /// <summary>True when <paramref name="path"/> starts with <see cref="Magic"/>.</summary>
    public static bool IsEncrypted(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> head = stackalloc byte[8];
        return stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(Magic);
    }

    /// <summary>Writes the header for a new file with the ring's active key; returns the header bytes and the file key.</summary>
    internal static (byte[] Header, byte[] FileKey) NewHeader(RecordingKeyRing ring)
    {
        var id = Encoding.UTF8.GetBytes(ring.ActiveKeyId);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var header = new byte[Magic.Length + 1 + id.Length + SaltSize];
        Magic.CopyTo(header);
        header[Magic.Length] = (byte)id.Length;
        id.CopyTo(header, Magic.Length + 1);
        salt.CopyTo(header, Magic.Length + 1 + id.Length);
        return (header, FileKey(ring.ActiveKey, salt, id));
    }

    private static byte[] FileKey(byte[] key, byte[] salt, byte[] id) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt, [.. "collections-recording-v1:"u8, .. id]);

    internal static void Nonce(Span<byte> nonce, long index, bool last)
    {
        BinaryPrimitives.WriteInt64LittleEndian(nonce, index);
        BinaryPrimitives.WriteInt32LittleEndian(nonce[8..], last ? 1 : 0);
    }

    /// <summary>Decrypts a whole recording into <paramref name="output"/>; returns false when the last chunk is missing (the
    /// writer stopped before closing the file: what was there is written).</summary>
    /// <exception cref="RecordingUnreadableException">The file was altered or the ring lacks its key; the message says which.</exception>
    public static bool Decrypt(Stream input, Stream output, RecordingKeyRing? ring)
    {
        Span<byte> head = stackalloc byte[Magic.Length + 1];
        if (input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) != head.Length || !head[..Magic.Length].SequenceEqual(Magic))
        {
            throw new RecordingUnreadableException("not an encrypted recording (no COLLREC1 header)");
        }

        var id = new byte[head[Magic.Length]];
        var salt = new byte[SaltSize];
        if (input.ReadAtLeast(id, id.Length, false) != id.Length || input.ReadAtLeast(salt, SaltSize, false) != SaltSize)
        {
            throw new RecordingUnreadableException("the file ends inside its header");
        }

        var keyId = Encoding.UTF8.GetString(id);
        if (ring is null)
        {
            throw new RecordingUnreadableException($"the recording is encrypted with key '{keyId}' and no key file is configured (Dialer:Recording:KeyFile)");
        }

        var key = ring.Find(keyId) ?? throw new RecordingUnreadableException($"the recording is encrypted with key '{keyId}', which the key file does not hold (it holds {string.Join(", ", ring.KeyIds)})");
        byte[] header = [.. head, .. id, .. salt];
        using var gcm = new AesGcm(FileKey(key, salt, id), TagSize);
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> length = stackalloc byte[4];
        var buffer = Array.Empty<byte>();
        var plain = Array.Empty<byte>();
        for (long index = 0; ; index++)
        {
            var read = input.ReadAtLeast(length, 4, throwOnEndOfStream: false);
            if (read < 4)
            {
                return false;
            }

            var size = BinaryPrimitives.ReadInt32LittleEndian(length);
            if (size is < 0 or > MaxChunk)
            {
                throw new RecordingUnreadableException($"chunk {index} declares {size} bytes: the file was altered");
            }

            if (buffer.Length < size + TagSize)
            {
                buffer = new byte[size + TagSize];
                plain = new byte[size];
            }

            if (input.ReadAtLeast(buffer.AsSpan(0, size + TagSize), size + TagSize, throwOnEndOfStream: false) != size + TagSize)
            {
                // A chunk cut short by a crash mid-write: what came before it stands.
                return false;
            }

            var cipher = buffer.AsSpan(0, size);
            var tag = buffer.AsSpan(size, TagSize);
            var last = false;
            Nonce(nonce, index, last: false);
            if (!TryOpen(gcm, nonce, cipher, tag, plain.AsSpan(0, size), header))
            {
                Nonce(nonce, index, last: true);
                if (!TryOpen(gcm, nonce, cipher, tag, plain.AsSpan(0, size), header))
                {
                    throw new RecordingUnreadableException($"chunk {index} fails authentication: the file was altered (or its header was)");
                }

                last = true;
            }

            output.Write(plain, 0, size);
            if (last)
            {
                if (input.ReadByte() != -1)
                {
                    throw new RecordingUnreadableException($"data follows the last chunk ({index}): the file was altered");
                }

                return true;
            }
        }
    }

    private static bool TryOpen(AesGcm gcm, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plain, ReadOnlySpan<byte> header)
    {
        try
        {
            gcm.Decrypt(nonce, cipher, tag, plain, header);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }
}

/// <summary>
/// Writes an encrypted recording as bytes arrive: they are collected into chunks of <see cref="ChunkSize"/> bytes, each sealed
/// and written (and flushed to the operating system) when full; <see cref="Dispose"/> seals the rest as the last chunk.
/// </summary>
public sealed class EncryptedRecordingWriter : Stream
{
    private readonly Stream _file;
    private readonly AesGcm _gcm;
    private readonly byte[] _header;
    private readonly byte[] _chunk;
    private readonly byte[] _sealed;
    private int _filled;
    private long _index;
    private long _written;
    private bool _closed;

    /// <summary>Creates <paramref name="path"/> (replacing it) and writes the header.</summary>
    /// <param name="chunkSize">Plain bytes per chunk; a crash loses at most one chunk (one second of 8 kHz stereo is 32000).</param>
    public EncryptedRecordingWriter(string path, RecordingKeyRing ring, int chunkSize = 32_000)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), ring, chunkSize)
    {
    }

    /// <summary>Writes to <paramref name="file"/> (which this writer closes).</summary>
    public EncryptedRecordingWriter(Stream file, RecordingKeyRing ring, int chunkSize = 32_000)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        _file = file;
        ChunkSize = chunkSize;
        (_header, var key) = EncryptedRecording.NewHeader(ring);
        _gcm = new AesGcm(key, EncryptedRecording.TagSize);
        _chunk = new byte[chunkSize];
        _sealed = new byte[4 + chunkSize + EncryptedRecording.TagSize];
        _file.Write(_header);
        _file.Flush();
    }

    public int ChunkSize { get; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_closed;

    public override long Length => _written;

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, ChunkSize - _filled);
            buffer[..take].CopyTo(_chunk.AsSpan(_filled));
            _filled += take;
            _written += take;
            buffer = buffer[take..];
            if (_filled == ChunkSize)
            {
                Seal(last: false);
            }
        }
    }

    /// <summary>Nothing to do: a chunk is written when it is full; a partial chunk cannot be sealed before it is the last.</summary>
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Seal(bool last)
    {
        Span<byte> nonce = stackalloc byte[12];
        EncryptedRecording.Nonce(nonce, _index++, last);
        BinaryPrimitives.WriteInt32LittleEndian(_sealed, _filled);
        _gcm.Encrypt(nonce, _chunk.AsSpan(0, _filled), _sealed.AsSpan(4, _filled), _sealed.AsSpan(4 + _filled, EncryptedRecording.TagSize), _header);
        _file.Write(_sealed, 0, 4 + _filled + EncryptedRecording.TagSize);
        _file.Flush();
        _filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            Seal(last: true);
            _closed = true;
            _gcm.Dispose();
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
