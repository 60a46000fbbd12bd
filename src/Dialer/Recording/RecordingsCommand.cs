using System.CommandLine;
using Collections.Dialer.Calls;
using Collections.Dialer.Cli;
using Microsoft.Extensions.Configuration;

namespace Collections.Dialer.Recording;

/// <summary>
/// <c>recordings key [--id name]</c>: prints a new key line for <c>Dialer:Recording:KeyFile</c>.
/// <c>recordings encrypt [--rotate] [--dry-run]</c>: encrypts the plain recordings in <c>Dialer:Recording:Directory</c> with
/// the key file's active key (with <c>--rotate</c> also re-encrypts those under an older key), one file at a time, each
/// replaced atomically; files written in the last ten minutes are left for the next run (a call may still be recording).
/// </summary>
public static class RecordingsCommand
{
    /// <summary>Files changed more recently than this may belong to a call in progress.</summary>
    public static readonly TimeSpan Settled = TimeSpan.FromMinutes(10);

    public static Command Create()
    {
        var id = new Option<string?>("--id") { Description = "The new key's id (default: k and today's date, e.g. k20261204)." };
        var key = new Command("key", "Print a new random key line to append to the key file (the last line is the active key).") { id };
        key.SetAction((ParseResult parse) =>
        {
            Console.Out.WriteLine(RecordingKeyRing.NewKeyLine(parse.GetValue(id) ?? $"k{DateTime.UtcNow:yyyyMMdd}"));
            return CliOutput.Ok;
        });

        var rotate = new Option<bool>("--rotate") { Description = "Also re-encrypt recordings whose key is not the active one." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be encrypted and change nothing." };
        var encrypt = new Command("encrypt", "Encrypt plain recordings at rest with the key file's active key.") { rotate, dryRun };
        encrypt.SetAction((ParseResult parse) => Encrypt(CliHost.Configuration(), parse.GetValue(rotate), parse.GetValue(dryRun), TimeProvider.System, Console.Out, Console.Error));
        return new Command("recordings", "Call recordings at rest: keys and encryption.") { key, encrypt };
    }

    /// <summary>Runs <c>recordings encrypt</c>; returns the exit code.</summary>
    internal static int Encrypt(IConfiguration configuration, bool rotate, bool dryRun, TimeProvider time, TextWriter stdout, TextWriter stderr)
    {
        var options = configuration.GetSection(RecordingOptions.Section).Get<RecordingOptions>() ?? new RecordingOptions();
        if (string.IsNullOrWhiteSpace(options.Directory) || !Directory.Exists(options.Directory))
        {
            return CliOutput.Fail($"{RecordingOptions.Section}:{nameof(RecordingOptions.Directory)}: no recordings folder ('{options.Directory}')", stderr);
        }

        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            return CliOutput.Fail($"{RecordingOptions.Section}:{nameof(RecordingOptions.KeyFile)}: set a key file first (recordings key > file; chmod 600 file)", stderr);
        }

        if (options.KeyFileProblem() is { } problem)
        {
            return CliOutput.Fail(problem, stderr);
        }

        var ring = options.Keys()!;
        int encrypted = 0, rotated = 0, already = 0, recent = 0, failed = 0;
        var cutoff = time.GetUtcNow().UtcDateTime - Settled;
        foreach (var path in Directory.EnumerateFiles(options.Directory, "*.wav").Order(StringComparer.Ordinal))
        {
            if (File.GetLastWriteTimeUtc(path) > cutoff)
            {
                recent++;
                continue;
            }

            try
            {
                switch (RecordingFiles.Encrypt(path, ring, rotate, dryRun))
                {
                    case RecordingFiles.EncryptOutcome.Encrypted: encrypted++; break;
                    case RecordingFiles.EncryptOutcome.Rotated: rotated++; break;
                    default: already++; break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failed++;
                stderr.WriteLine($"{path}: {ex.Message}");
            }
        }

        CliOutput.WriteLine(new { dryRun, keyId = ring.ActiveKeyId, encrypted, rotated, alreadyEncrypted = already, skippedRecent = recent, failed }, stdout);
        return failed == 0 ? CliOutput.Ok : CliOutput.BadInput;
    }
}
