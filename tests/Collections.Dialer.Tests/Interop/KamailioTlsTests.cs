using System.Globalization;
using Collections.Dialer.Calls;
using Collections.Dialer.Tests.Sipp;
using Collections.Dialer.Trunks;
using Collections.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Tests.Interop;

/// <summary>
/// Kamailio with its TLS module (Debian kamailio-tls-modules) in front of a trunk: it accepts SIP only over TLS and only
/// from a client certificate issued by the carrier's CA (mutual TLS), and forwards to SIPp. Our trunk verifies Kamailio's
/// certificate against that CA; with our certificate the call goes through, without it the handshake is refused and the
/// call fails with that cause. tshark sees no clear SIP on the TLS leg.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KamailioTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Trunk_OverTls_ToKamailio_WithMutualTls(bool presentCertificate)
    {
        using var certs = new TestCertificates();
        var (edgeCert, edgeKey, _) = certs.Issue("carrier-edge");
        var (ourCert, ourKey, _) = certs.Issue("dialer");
        await using var sipp = await SippProcess.StartUasAsync("answer-echo.xml", ct: Ct);
        var tlsPort = FreePorts.UdpAndTcp();
        var udpPort = FreePorts.UdpAndTcp();
        var tlsCfg = Path.Combine(certs.Directory, "tls.cfg");
        File.WriteAllText(tlsCfg, string.Join('\n',
            "[server:default]", "method = TLSv1.2+", "verify_certificate = yes", "require_certificate = yes",
            $"private_key = {edgeKey}", $"certificate = {edgeCert}", $"ca_list = {certs.CaFile}", string.Empty,
            "[client:default]", "verify_certificate = no", "require_certificate = no", string.Empty));
        await using var kamailio = await KamailioProcess.StartAsync("tls-proxy.cfg", new Dictionary<string, string>
        {
            ["TLS_PORT"] = tlsPort.ToString(CultureInfo.InvariantCulture),
            ["UDP_PORT"] = udpPort.ToString(CultureInfo.InvariantCulture),
            ["DEBTOR_PORT"] = sipp.Port.ToString(CultureInfo.InvariantCulture),
            ["TLS_CFG"] = tlsCfg,
        }, tlsPort, tcp: true, Ct);

        var trunk = new TrunkOptions
        {
            Proxy = $"127.0.0.1:{tlsPort}",
            Transport = "tls",
            CallerId = "4930123456",
            Tls = { CaCertificate = certs.CaFile, ClientCertificate = presentCertificate ? ourCert : null, ClientKey = presentCertificate ? ourKey : null },
        };
        await using var capture = await PacketCapture.StartAsync($"tcp port {tlsPort}", Ct);
        var result = await DialRunner.RunAsync(
            new DialRequest($"sip:debtor@127.0.0.1:{sipp.Port}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), trunk),
            TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var packets = await capture.StopAsync(Ct);
        if (presentCertificate)
        {
            Assert.True(result.Status == 200, $"status {result.Status} ({result.Cause}); kamailio log:\n{kamailio.Log}");
            Assert.True(result.RtpReceived > 10, $"received {result.RtpReceived}");
            var (exit, errors) = await sipp.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(exit == 0, errors); // our ACK and BYE reached SIPp back through Kamailio's TLS Record-Route
            Assert.Contains("INVITE over TLS from a client certificate dialer", kamailio.Log, StringComparison.OrdinalIgnoreCase);
            Assert.True(packets.Count > 4, "nothing captured on the TLS leg");
            Assert.DoesNotContain(packets, p => p.IsClearSip);
        }
        else
        {
            Assert.Equal(503, result.Status);
            Assert.False(result.Answered);
            // Under TLS 1.3 the server refuses the client's certificate after the client's side of the handshake: the
            // connection then closes under the INVITE, and the cause says so at once (RFC 3261 17.1.4), not after timer B.
            Assert.Contains($"TLS", result.Cause, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{tlsPort}", result.Cause, StringComparison.Ordinal);
            Assert.DoesNotContain(packets, p => p.IsClearSip);
        }
    }
}
