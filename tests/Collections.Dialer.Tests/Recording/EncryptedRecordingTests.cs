using System.Security.Cryptography;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Recording;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Recording;

/// <summary>Call recordings encrypted at rest (AES-256-GCM in chunks): nothing of the WAV readable on disk, read back exactly,
/// an altered byte or a missing key refused, plain recordings from before still read, and <c>recordings encrypt</c>.</summary>
public sealed class EncryptedRecordingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recordings-").FullName;
    private readonly RecordingKeyRing _ring = RecordingKeyRing.Of(("k1", RandomNumberGenerator.GetBytes(32)));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Three seconds of a call as the bridge records it: debtor left, agent right, 20 ms frames.</summary>
    private static (short[] Left, short[] Right) Call()
    {
        var left = new short[24_000];
        var right = new short[24_000];
        for (var i = 0; i < left.Length; i++)
        {
            left[i] = (short)(8000 * Math.Sin(i * 0.05));
            right[i] = (short)(i % 300 - 150);
        }

        return (left, right);
    }

    private string Record(RecordingTarget target)
    {
        var (left, right) = Call();
        using (var recorder = target.Open())
        {
            for (var at = 0; at < left.Length; at += 160)
            {
                recorder.WriteStereo(left.AsSpan(at, 160), right.AsSpan(at, 160));
            }
        }

        return target.Path;
    }

    [Fact]
    public void An_encrypted_recording_has_no_wav_on_disk_and_reads_back_as_the_same_audio()
    {
        var path = Record(new RecordingTarget(Path.Combine(_folder, "a.wav"), _ring));

        var disk = File.ReadAllBytes(path);
        Assert.True(disk.AsSpan(0, 8).SequenceEqual("COLLREC1"u8));
        Assert.Equal(-1, disk.AsSpan().IndexOf("RIFF"u8));
        Assert.Equal(-1, disk.AsSpan().IndexOf("WAVE"u8));

        var wav = RecordingFiles.ReadWav(path, _ring);
        var audio = WavFile.Read(new MemoryStream(wav));
        var (left, right) = Call();
        Assert.Equal((8000, 2), (audio.SampleRate, audio.Channels));
        Assert.Equal(WavFile.Interleave(left, right), audio.Samples);
        // The header's sizes are filled in, so players that trust them play all of it.
        Assert.Equal((uint)(wav.Length - 44), BitConverter.ToUInt32(wav, 40));
    }

    [Fact]
    public void A_changed_byte_anywhere_after_the_magic_is_detected()
    {
        var path = Record(new RecordingTarget(Path.Combine(_folder, "b.wav"), _ring));
        var original = File.ReadAllBytes(path);
        foreach (var offset in new[] { 9, 12, 30, original.Length / 2, original.Length - 1 })
        {
            var altered = (byte[])original.Clone();
            altered[offset] ^= 0x01;
            File.WriteAllBytes(path, altered);
            Assert.Throws<RecordingUnreadableException>(() => RecordingFiles.ReadWav(path, _ring));
        }
    }

    [Fact]
    public void Chunks_cannot_be_removed_or_swapped_and_data_after_the_last_chunk_is_refused()
    {
        var path = Record(new RecordingTarget(Path.Combine(_folder, "c.wav"), _ring));
        var original = File.ReadAllBytes(path);
        const int header = 8 + 1 + 2 + 16;
        const int chunk = 4 + 32_000 + 16;
        // Drop the second chunk: the third is read where the second was expected.
        File.WriteAllBytes(path, [.. original[..(header + chunk)], .. original[(header + (2 * chunk))..]]);
        Assert.Throws<RecordingUnreadableException>(() => RecordingFiles.ReadWav(path, _ring));
        File.WriteAllBytes(path, [.. original, 0]);
        Assert.Throws<RecordingUnreadableException>(() => RecordingFiles.ReadWav(path, _ring));
    }

    [Fact]
    public void A_recording_cut_by_a_crash_reads_up_to_its_last_whole_chunk()
    {
        var path = Record(new RecordingTarget(Path.Combine(_folder, "d.wav"), _ring));
        var original = File.ReadAllBytes(path);
        File.WriteAllBytes(path, original[..(8 + 1 + 2 + 16 + (2 * (4 + 32_000 + 16)) + 100)]);

        var audio = WavFile.Read(new MemoryStream(RecordingFiles.ReadWav(path, _ring)));

        // Two whole chunks of 32000 bytes, less the 44-byte header, in 4-byte stereo frames.
        Assert.Equal((64_000 - 44) / 4, audio.FrameCount);
    }

    [Fact]
    public void Rotated_keys_read_older_recordings_and_a_missing_key_is_named()
    {
        var old = Record(new RecordingTarget(Path.Combine(_folder, "e.wav"), _ring));
        var rotated = RecordingKeyRing.Of(("k1", _ring.Find("k1")!), ("k2", RandomNumberGenerator.GetBytes(32)));
        Assert.Equal("k2", rotated.ActiveKeyId);
        Assert.NotEmpty(RecordingFiles.ReadWav(old, rotated));

        var other = RecordingKeyRing.Of(("k9", RandomNumberGenerator.GetBytes(32)));
        var error = Assert.Throws<RecordingUnreadableException>(() => RecordingFiles.ReadWav(old, other));
        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no key file", Assert.Throws<RecordingUnreadableException>(() => RecordingFiles.ReadWav(old, null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_recordings_from_before_encryption_still_read_and_recordings_encrypt_converts_them()
    {
        var plain = Record(Path.Combine(_folder, "f.wav"));
        var before = File.ReadAllBytes(plain);
        Assert.True(before.AsSpan(0, 4).SequenceEqual("RIFF"u8));
        Assert.Equal(before, RecordingFiles.ReadWav(plain, _ring));

        var keyFile = Path.Combine(_folder, "keys");
        File.WriteAllText(keyFile, "# recording keys\n" + RecordingKeyRing.NewKeyLine("k20261204") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Recording:Directory"] = _folder,
            ["Dialer:Recording:KeyFile"] = keyFile,
        }).Build();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(1));
        using var stdout = new StringWriter();

        Assert.Equal(0, RecordingsCommand.Encrypt(configuration, rotate: false, dryRun: false, clock, stdout, new StringWriter()));

        Assert.Contains("\"encrypted\":1", stdout.ToString(), StringComparison.Ordinal);
        Assert.True(EncryptedRecording.IsEncrypted(plain));
        var ring = configuration.GetSection(RecordingOptions.Section).Get<RecordingOptions>()!.Keys();
        Assert.Equal(before, RecordingFiles.ReadWav(plain, ring)[..before.Length]);
        Assert.False(File.Exists(plain + ".encrypting"));
    }

    [Fact]
    public void A_key_file_others_can_read_is_refused_naming_the_setting()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var keyFile = Path.Combine(_folder, "keys");
        File.WriteAllText(keyFile, RecordingKeyRing.NewKeyLine("k1") + "\n");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var problem = new RecordingOptions { KeyFile = keyFile }.KeyFileProblem();

        Assert.NotNull(problem);
        Assert.Contains("Dialer:Recording:KeyFile", problem, StringComparison.Ordinal);
        Assert.Contains("chmod 600", problem, StringComparison.Ordinal);
    }
}
