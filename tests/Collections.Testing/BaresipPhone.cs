using System.Diagnostics;
using System.Text;
using Collections.Dialer.Media.Audio;

namespace Collections.Testing;

/// <summary>
/// baresip (Debian baresip-core) as an agent's softphone on 127.0.0.1: registers an extension with digest auth at our
/// registrar, answers every call by itself, sends a tone (440 Hz unless told) as its microphone, and dumps what it decoded to WAV files
/// (the sndfile module), so a test can tell whether the debtor's voice reached the phone.
/// </summary>
public sealed class BaresipPhone : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BaresipPhone(string directory, Process process)
    {
        Directory = directory;
        _process = process;
    }

    /// <summary>The phone's working folder (config, accounts, tone, decoded dumps); deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>baresip's output so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Whether baresip has printed a successful registration (200 OK).</summary>
    public bool Registered => Output.Contains("200 OK", StringComparison.Ordinal);

    /// <summary>Starts baresip registering <paramref name="extension"/> at <paramref name="registrarPort"/> on 127.0.0.1.</summary>
    public static BaresipPhone Start(string extension, string password, int registrarPort, int seconds = 60, double toneHz = 440) =>
        Start(extension, password, registrarPort, new BaresipSecurity(), seconds, toneHz);

    /// <summary>
    /// Starts baresip with encryption: SIP over TLS to <paramref name="registrarPort"/> (a sips port) trusting
    /// <see cref="BaresipSecurity.CaFile"/>, media encryption "srtp-mand" (SDES, RFC 4568) or "dtls_srtp" (RFC 5764), RTP
    /// ports in a range of its own (so a capture can pick its media out), and optionally a call it places at start.
    /// </summary>
    public static BaresipPhone Start(string extension, string password, int registrarPort, BaresipSecurity security, int seconds = 60, double toneHz = 440)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("baresip-").FullName;
        var tone = Path.Combine(dir, "tone.wav");
        WavFile.WritePcm(tone, Enumerable.Range(0, 8000 * seconds).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * toneHz * i / 8000.0))).ToArray());
        var phonePort = FreePorts.UdpAndTcp(following: 1);   // baresip listens on UDP and TCP at the port and TLS at the next
        File.WriteAllText(Path.Combine(dir, "config"), string.Join('\n',
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{phonePort}",
            "net_interface 127.0.0.1",
            "audio_player aufile,/dev/null",
            $"audio_source aufile,{tone}",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module aufile.so",
            "module sndfile.so",
            "module srtp.so",
            "module dtls_srtp.so",
            "module_app account.so",
            security.Dial is null ? string.Empty : "module_app menu.so", // the /dial command
            $"snd_path {dir}",
            security.CaFile is { } ca ? $"sip_cafile {ca}" : string.Empty,
            security.RtpPorts is { } ports ? $"rtp_ports {ports.First}-{ports.Last}" : string.Empty,
            string.Empty));
        var transport = security.Tls ? ";transport=tls" : string.Empty;
        var mediaenc = security.MediaEncryption is { } enc ? $";mediaenc={enc}" : string.Empty;
        File.WriteAllText(Path.Combine(dir, "accounts"),
            $"<sip:{extension}@127.0.0.1:{registrarPort}{transport}>;auth_pass={password};answermode=auto;regint={(security.Register ? 600 : 0)}{mediaenc}\n");
        var psi = new ProcessStartInfo("baresip") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", dir, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s" })
        {
            psi.ArgumentList.Add(a);
        }

        if (security.Dial is { } target)
        {
            psi.ArgumentList.Add("-e");
            psi.ArgumentList.Add("/dial " + target);
        }

        var phone = new BaresipPhone(dir, Process.Start(psi)!);
        phone._process.OutputDataReceived += (_, e) => phone.Append(e.Data);
        phone._process.ErrorDataReceived += (_, e) => phone.Append(e.Data);
        phone._process.BeginOutputReadLine();
        phone._process.BeginErrorReadLine();
        return phone;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the registration; false when it did not happen.</summary>
    public async Task<bool> WaitRegisteredAsync(TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (!Registered && DateTime.UtcNow < until)
        {
            await Task.Delay(100, ct);
        }

        return Registered;
    }

    /// <summary>The loudest sample baresip decoded from the calls it answered (0 when it heard only silence or nothing).</summary>
    public int DecodedPeak() => System.IO.Directory.GetFiles(Directory, "*dec*.wav")
        .Select(WavFile.Read)
        .Select(w => w.Samples.Length == 0 ? 0 : w.Samples.Max(s => Math.Abs((int)s)))
        .DefaultIfEmpty(0)
        .Max();

    /// <summary>What baresip decoded, one WAV per call it had (the sndfile module's dumps), oldest first.</summary>
    public IReadOnlyList<WavAudio> DecodedAudio() => [.. System.IO.Directory.GetFiles(Directory, "*dec*.wav").OrderBy(File.GetCreationTimeUtc).Select(WavFile.Read)];

    /// <summary>Whether baresip reports a call established (its own log line).</summary>
    public bool CallEstablished => Output.Contains("Call established", StringComparison.Ordinal);

    /// <summary>Whether the sndfile module wrote any decoded dump yet.</summary>
    public bool HasDecodedDump => System.IO.Directory.GetFiles(Directory, "*dec*.wav").Length > 0;

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>How a test's baresip protects its calls: TLS to the registrar, a media encryption module, its RTP port range, a call to place.</summary>
public sealed record BaresipSecurity(bool Tls = false, string? MediaEncryption = null, string? CaFile = null, (int First, int Last)? RtpPorts = null, string? Dial = null, bool Register = true);
