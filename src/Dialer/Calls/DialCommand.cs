using System.CommandLine;
using Collections.Dialer.Amd;
using Collections.Dialer.Cli;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Sip;
using Collections.Dialer.Trunks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Calls;

/// <summary>The <c>dial</c> verb: places one call and prints one JSON line (DESIGN.md section 5).</summary>
public static class DialCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create()
    {
        var uri = new Argument<string>("sip-uri") { Description = "Whom to call, e.g. sip:debtor@127.0.0.1:5080 (add ;transport=tcp for TCP)." };
        var trunk = new Option<string?>("--trunk") { Description = "Trunk name from configuration section Dialer:Trunks (appsettings.json or Dialer__Trunks__<name>__Proxy environment variables)." };
        var duration = new Option<double>("--duration") { Description = "Seconds to stay connected after answer before hanging up.", DefaultValueFactory = _ => 5 };
        var play = new Option<string?>("--play") { Description = "8 kHz mono WAV to play into the call once answered (or on early media)." };
        var record = new Option<string?>("--record") { Description = "Stereo WAV to record: callee left, our audio right." };
        var amd = new Option<bool>("--amd") { Description = "Run answering-machine detection on the callee's first seconds." };
        var amdProfile = new Option<string>("--amd-profile") { Description = $"AMD detector with --amd: {string.Join(", ", AmdDetectors.Names)}.", DefaultValueFactory = _ => AmdProfile.DefaultName };
        var user = new Option<string?>("--user") { Description = "Digest user name for 401/407 challenges." };
        var password = new Option<string?>("--password") { Description = "Digest password." };
        var ring = new Option<double>("--ring-timeout") { Description = "Seconds to let it ring before CANCEL.", DefaultValueFactory = _ => 30 };
        var command = new Command("dial", "Places one call and prints {status,answered,answerMs,amd,rtpSent,rtpReceived,hangupBy}.")
        {
            uri, trunk, duration, play, record, amd, amdProfile, user, password, ring,
        };
        command.SetAction(async (ParseResult p, CancellationToken ct) =>
        {
            var target = p.GetValue(uri)!;
            if (!SipUri.TryParse(target, out _))
            {
                return CliOutput.Fail($"Not a SIP URI: {target}");
            }

            if (p.GetValue(duration) is < 0 or > 86400 || p.GetValue(ring) is <= 0 or > 600)
            {
                return CliOutput.Fail("--duration must be 0..86400 and --ring-timeout 0..600 seconds.");
            }

            TrunkOptions? trunkOptions = null;
            if (p.GetValue(trunk) is { } trunkName)
            {
                var config = CliHost.Configuration();
                var section = config.GetSection($"{TrunksOptions.Section}:{trunkName}");
                if (section.Exists())
                {
                    trunkOptions = new TrunkOptions();
                    Shared.Configuration.ConfiguredLists.ClearConfigured(trunkOptions, section);
                    section.Bind(trunkOptions);
                }

                if (trunkOptions is null || string.IsNullOrWhiteSpace(trunkOptions.Proxy))
                {
                    return CliOutput.Fail($"No trunk '{trunkName}' with a Proxy under {TrunksOptions.Section} in configuration.");
                }
            }

            if (p.GetValue(play) is { } playPath && !File.Exists(playPath))
            {
                return CliOutput.Fail($"--play file not found: {playPath}");
            }

            var detector = p.GetValue(amdProfile) ?? MachinePolicy.DefaultDetector;
            if (!AmdDetectors.IsKnown(detector))
            {
                return CliOutput.Fail($"--amd-profile must be one of: {string.Join(", ", AmdDetectors.Names)}.");
            }

            var classifier = p.GetValue(amd) ? AnswerClassifiers.Create(detector, TimeProvider.System) : null;
            using var logging = CliHost.Logging();
            try
            {
                var result = await DialRunner.RunAsync(new DialRequest(
                    target,
                    TimeSpan.FromSeconds(p.GetValue(duration)),
                    TimeSpan.FromSeconds(p.GetValue(ring)),
                    trunkOptions,
                    p.GetValue(play),
                    p.GetValue(record),
                    classifier,
                    p.GetValue(user),
                    p.GetValue(password)), TimeProvider.System, logging.CreateLogger("Collections.Dialer.Dial"), ct).ConfigureAwait(false);
                CliOutput.WriteLine(result);
                return CliOutput.Ok;
            }
            catch (WavFormatException ex)
            {
                return CliOutput.Fail(ex.Message);
            }
        });
        return command;
    }
}

/// <summary>Where answering-machine detection plugs into a call: the streaming detector on the callee's decoded RTP.</summary>
internal static class AnswerClassifiers
{
    public static IAnswerClassifier Create(string detector, TimeProvider time) => new AmdAnswerClassifier(AmdDetectors.Create(detector), time);
}
