using System.Diagnostics;
using System.Text;
using Collections.Dialer.Media.Audio;

namespace Collections.Testing;

/// <summary>
/// baresip (Debian baresip-core) as an agent's softphone on 127.0.0.1: registers an extension with digest auth at our
/// registrar, answers every call by itself, sends a 440 Hz tone as its microphone, and dumps what it decoded to WAV files
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
    public static BaresipPhone Start(string extension, string password, int registrarPort, int seconds = 60)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("baresip-").FullName;
        var tone = Path.Combine(dir, "tone.wav");
        WavFile.WritePcm(tone, Enumerable.Range(0, 8000 * seconds).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0))).ToArray());
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
            "module_app account.so",
            $"snd_path {dir}",
            string.Empty));
        File.WriteAllText(Path.Combine(dir, "accounts"),
            $"<sip:{extension}@127.0.0.1:{registrarPort}>;auth_pass={password};answermode=auto;regint=600\n");
        var psi = new ProcessStartInfo("baresip") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", dir, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s" })
        {
            psi.ArgumentList.Add(a);
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

    /// <summary>Whether the sndfile module wrote any decoded dump yet.</summary>
    public bool HasDecodedDump => System.IO.Directory.GetFiles(Directory, "*dec*.wav").Length > 0;

    public async ValueTask DisposeAsync()
    {
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
