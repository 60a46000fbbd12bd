using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Calls;
using Collections.Dialer.Tests.Sipp;
using Collections.Dialer.Trunks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Tests.Interop;

/// <summary>Kamailio (Debian kamailio) as the carrier's outbound proxy: 407 on our INVITE, then forwarding to SIPp.</summary>
[Trait("Category", "Integration")]
public sealed class KamailioProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("s3cret", 200)]
    [InlineData("wrong", 407)]
    public async Task Trunk_ThroughKamailio_AnswersProxyChallenge_AndReachesSipp(string password, int expected)
    {
        await using var sipp = await SippProcess.StartUasAsync("answer-echo.xml", ct: Ct);
        var dir = Directory.CreateTempSubdirectory("kamailio-").FullName;
        var proxyPort = FreeUdpPort();
        var cfg = File.ReadAllText(SippProcess.ScenarioPath(Path.Combine("..", "Kamailio", "outbound-proxy.cfg")))
            .Replace("PROXY_PORT", proxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("DEBTOR_PORT", sipp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("PASSWORD", "s3cret", StringComparison.Ordinal)
            .Replace("/usr/lib/x86_64-linux-gnu/kamailio/modules/", ModulesPath(), StringComparison.Ordinal);
        var cfgPath = Path.Combine(dir, "kamailio.cfg");
        File.WriteAllText(cfgPath, cfg);
        var psi = new ProcessStartInfo("kamailio") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", cfgPath, "-DD", "-E", "-Y", dir, "-P", Path.Combine(dir, "kamailio.pid") })
        {
            psi.ArgumentList.Add(a);
        }

        using var kamailio = Process.Start(psi)!;
        var log = new System.Text.StringBuilder();
        kamailio.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        kamailio.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        kamailio.BeginOutputReadLine();
        kamailio.BeginErrorReadLine();
        try
        {
            for (var i = 0; i < 100 && !System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Any(e => e.Port == proxyPort); i++)
            {
                await Task.Delay(50, Ct);
            }

            var trunk = new TrunkOptions { Proxy = $"127.0.0.1:{proxyPort}", Username = "dialer", Password = password, CallerId = "4930123456" };
            var result = await DialRunner.RunAsync(
                new DialRequest($"sip:debtor@127.0.0.1:{sipp.Port}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), trunk),
                TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            string text;
            lock (log)
            {
                text = log.ToString();
            }

            Assert.True(result.Status == expected, $"status {result.Status}; kamailio log:\n{text}");
            Assert.Contains("challenging INVITE", text, StringComparison.Ordinal);
            if (expected == 200)
            {
                Assert.Contains("authenticated INVITE", text, StringComparison.Ordinal);
                Assert.True(result.Answered);
                Assert.True(result.RtpReceived > 10, $"received {result.RtpReceived}");
                var (exit, errors) = await sipp.WaitAsync(TimeSpan.FromSeconds(20), Ct);
                Assert.True(exit == 0, errors); // SIPp saw our ACK and BYE through the proxy
            }
            else
            {
                Assert.False(result.Answered);
            }
        }
        finally
        {
            if (!kamailio.HasExited)
            {
                kamailio.Kill(entireProcessTree: true);
                await kamailio.WaitForExitAsync(Ct);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Debian puts the modules under the multiarch directory; find it rather than assume x86_64.</summary>
    private static string ModulesPath() =>
        Directory.GetDirectories("/usr/lib").Select(d => Path.Combine(d, "kamailio", "modules"))
            .Append("/usr/lib/kamailio/modules")
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "tm.so"))) is { } dir ? dir + "/" : "/usr/lib/x86_64-linux-gnu/kamailio/modules/";

    // Outside the kernel's ephemeral range, so a parallel test's port-0 socket cannot take it before Kamailio binds.
    private static int FreeUdpPort() => Collections.Testing.FreePorts.UdpAndTcp();
}
