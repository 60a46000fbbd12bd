using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Collections.Dialer.Tests.Sipp;

/// <summary>Runs SIPp (Debian sip-tester) with one of our scenario files on 127.0.0.1 and a free port, bounded in time.</summary>
internal sealed class SippProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;

    private SippProcess(Process process, string workDir, int port, int mediaPort)
    {
        _process = process;
        _workDir = workDir;
        Port = port;
        MediaPort = mediaPort;
    }

    public int Port { get; }

    public int MediaPort { get; }

    public static string ScenarioPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Collections.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Collections.sln not found above the test binaries."),
            "tests", "Collections.Dialer.Tests", "Sipp", name);
    }

    /// <summary>Starts SIPp as a UAS for one call; returns once its SIP port is listening.</summary>
    public static async Task<SippProcess> StartUasAsync(string scenario, bool tcp = false, bool rtpEcho = true, int calls = 1, CancellationToken ct = default)
    {
        var port = FreePort(tcp);
        var mediaPort = FreeMediaPort();
        var workDir = Directory.CreateTempSubdirectory("sipp-").FullName;
        var psi = new ProcessStartInfo("sipp")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-sf", ScenarioPath(scenario), "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-mi", "127.0.0.1", "-mp", mediaPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-t", tcp ? "t1" : "u1", "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err", "-trace_msg" })
        {
            psi.ArgumentList.Add(a);
        }

        if (rtpEcho)
        {
            psi.ArgumentList.Add("-rtp_echo");
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("sipp did not start");
        _ = process.StandardOutput.ReadToEndAsync(ct);
        var sipp = new SippProcess(process, workDir, port, mediaPort);
        for (var i = 0; i < 100 && !IsListening(port, tcp); i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("sipp exited at start: " + await process.StandardError.ReadToEndAsync(ct));
            }

            await Task.Delay(50, ct);
        }

        return sipp;
    }

    private static bool IsListening(int port, bool tcp)
    {
        var props = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties();
        return tcp
            ? props.GetActiveTcpListeners().Any(e => e.Port == port)
            : props.GetActiveUdpListeners().Any(e => e.Port == port);
    }

    /// <summary>Waits for SIPp to finish its scenario; returns its exit code (0: every call succeeded) and its error log.</summary>
    public async Task<(int ExitCode, string Errors)> WaitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return (-1, "sipp did not finish in time. " + ReadLogs());
        }

        return (_process.ExitCode, ReadLogs());
    }

    private string ReadLogs() => string.Join("\n", Directory.GetFiles(_workDir, "*.log").Select(f => Path.GetFileName(f) + ":\n" + File.ReadAllText(f)));

    // Outside the ephemeral range, like the media port: free on UDP and TCP both.
    private static int FreePort(bool tcp) => Collections.Testing.FreePorts.UdpAndTcp();

    // SIPp binds audio RTP/RTCP at -mp and -mp+1 and video at -mp+2 and -mp+3. Above the kernel's ephemeral range
    // (32768-60999 by default), so a port-0 socket of a test running in parallel cannot take one between probe and start.
    private static int FreeMediaPort() => Collections.Testing.FreePorts.Find(4, 61000, 65500, tcp: false, align: 4);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
