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
        var proxyPort = FreeUdpPort();
        await using var kamailio = await KamailioProcess.StartAsync("outbound-proxy.cfg", new Dictionary<string, string>
        {
            ["PROXY_PORT"] = proxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DEBTOR_PORT"] = sipp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PASSWORD"] = "s3cret",
        }, proxyPort, tcp: false, Ct);
        var trunk = new TrunkOptions { Proxy = $"127.0.0.1:{proxyPort}", Username = "dialer", Password = password, CallerId = "4930123456" };
        var result = await DialRunner.RunAsync(
            new DialRequest($"sip:debtor@127.0.0.1:{sipp.Port}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), trunk),
            TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var text = kamailio.Log;

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

    // Outside the kernel's ephemeral range, so a parallel test's port-0 socket cannot take it before Kamailio binds.
    private static int FreeUdpPort() => Collections.Testing.FreePorts.UdpAndTcp();
}
