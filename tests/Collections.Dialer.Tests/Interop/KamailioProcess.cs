using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Text;
using Collections.Dialer.Tests.Sipp;

namespace Collections.Dialer.Tests.Interop;

/// <summary>Kamailio (Debian kamailio) started on a test's configuration in a folder of its own, with its log kept for failure messages.</summary>
internal sealed class KamailioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private KamailioProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    public string Directory { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts Kamailio on the named configuration from tests/.../Kamailio with each key replaced by its value; waits for <paramref name="waitPort"/> to listen.</summary>
    public static async Task<KamailioProcess> StartAsync(string config, IReadOnlyDictionary<string, string> replacements, int waitPort, bool tcp, CancellationToken ct)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("kamailio-").FullName;
        var text = File.ReadAllText(SippProcess.ScenarioPath(Path.Combine("..", "Kamailio", config)))
            .Replace("/usr/lib/x86_64-linux-gnu/kamailio/modules/", ModulesPath(), StringComparison.Ordinal);
        foreach (var (key, value) in replacements)
        {
            text = text.Replace(key, value, StringComparison.Ordinal);
        }

        var cfgPath = Path.Combine(dir, "kamailio.cfg");
        File.WriteAllText(cfgPath, text);
        var psi = new ProcessStartInfo("kamailio") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", cfgPath, "-DD", "-E", "-Y", dir, "-P", Path.Combine(dir, "kamailio.pid") })
        {
            psi.ArgumentList.Add(a);
        }

        var kamailio = new KamailioProcess(Process.Start(psi)!, dir);
        kamailio._process.OutputDataReceived += (_, e) => kamailio.Append(e.Data);
        kamailio._process.ErrorDataReceived += (_, e) => kamailio.Append(e.Data);
        kamailio._process.BeginOutputReadLine();
        kamailio._process.BeginErrorReadLine();
        var properties = IPGlobalProperties.GetIPGlobalProperties();
        for (var i = 0; i < 100 && !(tcp ? properties.GetActiveTcpListeners() : properties.GetActiveUdpListeners()).Any(e => e.Port == waitPort); i++)
        {
            await Task.Delay(50, ct);
        }

        return kamailio;
    }

    /// <summary>Debian puts the modules under the multiarch directory; find it rather than assume x86_64.</summary>
    private static string ModulesPath() =>
        System.IO.Directory.GetDirectories("/usr/lib").Select(d => Path.Combine(d, "kamailio", "modules"))
            .Append("/usr/lib/kamailio/modules")
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "tm.so"))) is { } dir ? dir + "/" : "/usr/lib/x86_64-linux-gnu/kamailio/modules/";

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

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
}
