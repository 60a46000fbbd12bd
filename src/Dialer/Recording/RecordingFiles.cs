using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Recording;

/// <summary>Something a call's audio is recorded into, debtor left and agent right.</summary>
internal interface IStereoRecorder : IDisposable
{
    void WriteStereo(ReadOnlySpan<short> left, ReadOnlySpan<short> right);
}

/// <summary>Where one call is recorded: the file, and the key ring when recordings are encrypted at rest.</summary>
public sealed record RecordingTarget(string Path, RecordingKeyRing? Keys)
{
    /// <summary>A plain WAV file at <paramref name="path"/> (the <c>dial --record</c> file, tests).</summary>
    [return: NotNullIfNotNull(nameof(path))]
    public static implicit operator RecordingTarget?(string? path) => path is null ? null : new RecordingTarget(path, null);

    internal IStereoRecorder Open() => Keys is null
        ? new WavStreamWriter(Path, 8000, 2, TimeSpan.FromSeconds(1))
        : new EncryptedWavRecorder(new EncryptedRecordingWriter(Path, Keys));
}

/// <summary>A 16-bit stereo WAV written through an <see cref="EncryptedRecordingWriter"/>. The header cannot be rewritten as
/// the call grows, so its sizes are 0 ("unknown", as a writer that died leaves them); <see cref="RecordingFiles.ReadWav"/>
/// fills them in on reading.</summary>
internal sealed class EncryptedWavRecorder : IStereoRecorder
{
    private readonly EncryptedRecordingWriter _writer;

    public EncryptedWavRecorder(EncryptedRecordingWriter writer)
    {
        _writer = writer;
        Span<byte> header = stackalloc byte[44];
        WavFile.WritePcmHeader(header, 8000, 2, 0);
        _writer.Write(header);
    }

    public void WriteStereo(ReadOnlySpan<short> left, ReadOnlySpan<short> right) => WavFile.WriteSamples(_writer, WavFile.Interleave(left, right));

    public void Dispose() => _writer.Dispose();
}

/// <summary>Reading recordings whether encrypted or plain (recordings made before encryption was switched on), and
/// encrypting plain ones in place.</summary>
public static class RecordingFiles
{
    /// <summary>The recording as a WAV file's bytes: decrypted when encrypted (its header's sizes filled in), as stored when
    /// plain.</summary>
    /// <exception cref="RecordingUnreadableException">An encrypted file was altered or its key is not in <paramref name="ring"/>.</exception>
    public static byte[] ReadWav(string path, RecordingKeyRing? ring)
    {
        if (!EncryptedRecording.IsEncrypted(path))
        {
            return File.ReadAllBytes(path);
        }

        using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        using var output = new MemoryStream();
        EncryptedRecording.Decrypt(input, output, ring);
        var wav = output.ToArray();
        FillWavSizes(wav);
        return wav;
    }

    /// <summary>A canonical 44-byte PCM header with unknown sizes (0 or 0xFFFFFFFF) gets the sizes of the data that follows.</summary>
    private static void FillWavSizes(byte[] wav)
    {
        if (wav.Length < 44 || !wav.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !wav.AsSpan(36, 4).SequenceEqual("data"u8))
        {
            return;
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(40));
        if (declared is 0 or uint.MaxValue)
        {
            var data = (uint)Math.Min(wav.Length - 44L, uint.MaxValue - 36);
            BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), data + 36);
            BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), data);
        }
    }

    /// <summary>What <see cref="Encrypt"/> did to one file.</summary>
    public enum EncryptOutcome { Encrypted, Rotated, AlreadyEncrypted }

    /// <summary>
    /// Encrypts a plain recording in place with the ring's active key, or with <paramref name="rotate"/> re-encrypts one whose
    /// key is not the active one. The new file is written beside the old, read back and compared, and then renamed over it
    /// (an atomic replace on one file system), so a crash leaves the old file or the new one, never half of either.
    /// </summary>
    public static EncryptOutcome Encrypt(string path, RecordingKeyRing ring, bool rotate, bool dryRun = false)
    {
        var encrypted = EncryptedRecording.IsEncrypted(path);
        if (encrypted && (!rotate || KeyIdOf(path) == ring.ActiveKeyId))
        {
            return EncryptOutcome.AlreadyEncrypted;
        }

        var outcome = encrypted ? EncryptOutcome.Rotated : EncryptOutcome.Encrypted;
        if (dryRun)
        {
            return outcome;
        }

        var plain = encrypted ? ReadWav(path, ring) : File.ReadAllBytes(path);
        var temporary = path + ".encrypting";
        using (var writer = new EncryptedRecordingWriter(temporary, ring, 64 * 1024))
        {
            writer.Write(plain);
        }

        using (var check = new MemoryStream())
        {
            using var input = File.OpenRead(temporary);
            if (!EncryptedRecording.Decrypt(input, check, ring) || !check.ToArray().AsSpan().SequenceEqual(plain))
            {
                File.Delete(temporary);
                throw new RecordingUnreadableException($"'{path}': the encrypted copy did not read back the same; the original is left as it was");
            }
        }

        File.Move(temporary, path, overwrite: true);
        return outcome;
    }

    private static string KeyIdOf(string path)
    {
        using var stream = File.OpenRead(path);
        stream.Seek(EncryptedRecording.Magic.Length, SeekOrigin.Begin);
        var id = new byte[stream.ReadByte()];
        stream.ReadExactly(id);
        return System.Text.Encoding.UTF8.GetString(id);
    }
}
