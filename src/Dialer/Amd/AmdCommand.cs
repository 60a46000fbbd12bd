using System.CommandLine;
using Collections.Dialer.Cli;
using Collections.Dialer.Media.Audio;

namespace Collections.Dialer.Amd;

/// <summary>
/// The <c>amd &lt;wav-or-dir&gt;...</c> verb (DESIGN.md section 5): classifies 8 kHz mono recordings of a
/// call's first seconds, one JSON line per file: <c>{"file","verdict","decisionMs","cause","greetingEndMs"}</c> (greetingEndMs:
/// where the last speech before the verdict ended, from which the 2 s to an operator run; null when nothing was said).
/// </summary>
public static class AmdCommand
{
    /// <summary>One output line.</summary>
    public sealed record Line(string File, string Verdict, long DecisionMs, string Cause, long? GreetingEndMs);

    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var inputs = new Argument<string[]>("wav-or-dir")
        {
            Description = "WAV files (8 kHz mono, 16-bit PCM, A-law or mu-law) or folders searched recursively for *.wav",
            Arity = ArgumentArity.OneOrMore,
        };
        var profile = new Option<string>("--profile")
        {
            Description = $"Detector: {LearnedAmdDetector.DetectorName} (the learned detector), or the app_amd-style profiles {AmdProfile.DefaultName} (tuned), {AmdProfile.CautiousName} or {AmdProfile.AsteriskDefaultsName}",
            DefaultValueFactory = _ => MachinePolicy.DefaultDetector,
        };
        var command = new Command("amd", "Classifies recordings of a call's first seconds as HUMAN, MACHINE or NOTSURE.") { inputs, profile };
        command.SetAction((ParseResult parse, CancellationToken ct) =>
            Task.FromResult(Run(parse.GetValue(inputs) ?? [], parse.GetValue(profile) ?? MachinePolicy.DefaultDetector, Console.Out, Console.Error, ct)));
        return command;
    }

    /// <summary>Runs the verb; returns the exit code (0, or 2 when any input was missing or not a readable 8 kHz mono WAV).</summary>
    public static int Run(IReadOnlyList<string> inputs, string profileName, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (!AmdDetectors.IsKnown(profileName))
        {
            return CliOutput.Fail($"amd: unknown profile '{profileName}' (known: {string.Join(", ", AmdDetectors.Names)})", stderr);
        }

        var exit = CliOutput.Ok;
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var files = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    exit = CliOutput.Fail($"amd: {input}: folder contains no .wav files", stderr);
                }

                foreach (var file in files)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    exit = Math.Max(exit, ClassifyFile(file, profileName, stdout, stderr));
                }
            }
            else if (File.Exists(input))
            {
                exit = Math.Max(exit, ClassifyFile(input, profileName, stdout, stderr));
            }
            else
            {
                exit = CliOutput.Fail($"amd: {input}: no such file or folder", stderr);
            }
        }

        return exit;
    }

    /// <summary>Reads a WAV file and checks it is 8 kHz mono; the error names what is wrong.</summary>
    public static short[] ReadTelephonyWav(string file)
    {
        var audio = WavFile.Read(file);
        if (!audio.IsTelephonyMono)
        {
            throw new WavFormatException($"{audio.SampleRate} Hz, {audio.Channels} channel(s); must be 8000 Hz mono");
        }

        return audio.Samples;
    }

    private static int ClassifyFile(string file, string detectorName, TextWriter stdout, TextWriter stderr)
    {
        short[] samples;
        try
        {
            samples = ReadTelephonyWav(file);
        }
        catch (WavFormatException e)
        {
            return CliOutput.Fail($"amd: {file}: {e.Message}", stderr);
        }
        catch (IOException e)
        {
            return CliOutput.Fail($"amd: {file}: cannot read ({e.Message})", stderr);
        }
        catch (UnauthorizedAccessException e)
        {
            return CliOutput.Fail($"amd: {file}: cannot read ({e.Message})", stderr);
        }

        var detector = AmdDetectors.Create(detectorName);
        var result = detector.Push(samples) ?? detector.Finish();
        CliOutput.WriteLine(new Line(file, result.VerdictText, (long)result.DecisionTime.TotalMilliseconds, result.CauseText,
            result.GreetingEnd is { } end ? (long)end.TotalMilliseconds : null), stdout);
        return CliOutput.Ok;
    }
}
