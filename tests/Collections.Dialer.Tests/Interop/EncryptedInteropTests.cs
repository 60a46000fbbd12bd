using System.Net;
using Collections.Dialer.Calls;
using Collections.Dialer.DemoCarrier;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;
using Collections.Testing;

namespace Collections.Dialer.Tests.Interop;

/// <summary>
/// baresip (Debian baresip-core, its srtp and dtls_srtp modules) against our stack over SIP over TLS (RFC 5630) with SRTP
/// keyed by SDES (RFC 4568) or DTLS-SRTP (RFC 5764), in both directions; tshark captures what a person on the network sees
/// of those legs: no clear SIP and no clear RTP. A plain call through the same capture shows both, so the checks can fail.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EncryptedInteropTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("srtp-mand", "sdes", "SRTP (SDES)")]
    [InlineData("dtls_srtp", "dtls", "SRTP (DTLS-SRTP)")]
    public async Task Baresip_IsCalledOverTls_WithSrtp_HearsTheDebtor_AndNothingIsClearOnTheWire(string mediaenc, string keying, string expected)
    {
        using var certs = new TestCertificates();
        var (cert, key, _) = certs.Issue("dialer");
        var registrar = new Registrar(new RegistrarOptions
        {
            Users = { ["1001"] = "agent-pw" },
            Algorithms = ["MD5"],
            Phones = { ["1001"] = new PhoneSecurityOptions { Srtp = "required", SrtpKeying = keying, RequireTls = true } },
        }, TimeProvider.System);
        await using var ua = new SipUserAgent(TimeProvider.System) { Register = registrar.HandleAsync };
        ua.Start(IPAddress.Loopback);
        ua.Stack.Transport.StartTls(IPAddress.Loopback, 0, new SipTlsServerSettings(SipCertificates.Load(cert, key, null)));
        var tlsPort = ua.Stack.Transport.TlsEndPoint!.Port;
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1, MaxCallSeconds = 30 }, TimeProvider.System);
        carrier.Start(IPAddress.Loopback);
        var registered = new TaskCompletionSource<RegistrarBinding>(TaskCreationOptions.RunContinuationsAsynchronously);
        registrar.Registered += b => registered.TrySetResult(b);

        var rtp = RtpRange();
        await using var capture = await PacketCapture.StartAsync($"tcp port {tlsPort} or udp portrange {rtp.First}-{rtp.Last}", Ct);
        await using var phone = BaresipPhone.Start("1001", "agent-pw", tlsPort,
            new BaresipSecurity(Tls: true, MediaEncryption: mediaenc, CaFile: certs.CaFile, RtpPorts: rtp), seconds: 40);
        await Task.WhenAny(registered.Task, Task.Delay(TimeSpan.FromSeconds(20), Ct));
        Assert.True(registered.Task.IsCompleted, "baresip did not register over TLS: " + phone.Output);
        Assert.Equal(SipProtocol.Tls, (await registered.Task).Protocol);

        // The nailed-up leg to the phone: its policy (SRTP required, keyed as configured) comes from the registrar.
        await using var line = new AgentLine(ua, registrar, "1001");
        Assert.True(await line.ConnectAsync(TimeSpan.FromSeconds(10), Ct).WaitAsync(TimeSpan.FromSeconds(40), Ct),
            $"baresip did not take the encrypted leg ({line.FailureCause}): {phone.Output}");
        Assert.Equal(expected, line.Leg!.MediaSecurity);

        var recording = Path.Combine(phone.Directory, "bridge.wav");
        await using (var debtor = new SipCallLeg(ua, new OutboundCallRequest($"sip:human@127.0.0.1:{carrier.EndPoint.Port}", carrier.EndPoint, SipProtocol.Udp, "4930123456", TimeSpan.FromSeconds(10), [AudioCodec.Pcmu])))
        {
            await debtor.PlaceAsync(Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);
            Assert.True(debtor.Answered);
            line.Bridge(debtor, recording);
            var until = DateTime.UtcNow.AddSeconds(15);
            while (phone.DecodedPeak() <= 1000 && DateTime.UtcNow < until)
            {
                await Task.Delay(250, Ct);
            }

            await Task.Delay(2000, Ct); // two more seconds both ways: enough packets for the capture to judge
            await debtor.HangupAsync();
        }

        await line.DisposeAsync();
        Assert.True(phone.DecodedPeak() > 1000, $"baresip decoded only silence through SRTP (peak {phone.DecodedPeak()}): {phone.Output}");
        var wav = WavFile.Read(recording);
        Assert.True(Enumerable.Range(0, wav.FrameCount).Max(i => Math.Abs((int)wav.Samples[(2 * i) + 1])) > 1000, "baresip's tone did not come back through SRTP");

        await AssertNothingClearAsync(capture, expectDtls: keying == "dtls");
    }

    [Theory]
    [InlineData("srtp-mand", "sdes")]
    [InlineData("dtls_srtp", "dtls")]
    public async Task Baresip_CallsOverTls_WithSrtp_TheDemoCarrierAnswers_AndNothingIsClearOnTheWire(string mediaenc, string keying)
    {
        using var certs = new TestCertificates();
        var (cert, key, _) = certs.Issue("carrier");
        var policy = new MediaPolicy(EncryptionPolicy.Required, MediaPolicy.ParseKeying(keying), false, [AudioCodec.Pcmu, AudioCodec.Pcma]);
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1, MaxCallSeconds = 30 }, TimeProvider.System, media: policy);
        carrier.Start(IPAddress.Loopback);
        var tls = carrier.StartTls(IPAddress.Loopback, 0, new SipTlsServerSettings(SipCertificates.Load(cert, key, null)));

        var rtp = RtpRange();
        await using var capture = await PacketCapture.StartAsync($"tcp port {tls.Port} or udp portrange {rtp.First}-{rtp.Last}", Ct);
        await using var phone = BaresipPhone.Start("1001", "unused", tls.Port, new BaresipSecurity(Tls: true, MediaEncryption: mediaenc, CaFile: certs.CaFile,
            RtpPorts: rtp, Dial: $"sip:human@127.0.0.1:{tls.Port};transport=tls", Register: false), seconds: 40);
        var until = DateTime.UtcNow.AddSeconds(30);
        while (phone.DecodedPeak() <= 1000 && DateTime.UtcNow < until)
        {
            await Task.Delay(250, Ct);
        }

        Assert.True(phone.DecodedPeak() > 1000, $"baresip heard nothing from the carrier (refusals: {string.Join("; ", carrier.Refusals)}): {phone.Output}");
        Assert.Equal(1, carrier.CallsAnswered);
        await Task.Delay(2000, Ct);
        await AssertNothingClearAsync(capture, expectDtls: keying == "dtls");
    }

    [Fact]
    public async Task A_plain_call_shows_clear_SIP_and_clear_RTP_to_the_same_capture()
    {
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1, MaxCallSeconds = 30 }, TimeProvider.System);
        carrier.Start(IPAddress.Loopback);
        await using var ua = new SipUserAgent(TimeProvider.System);
        ua.Start(IPAddress.Loopback);
        await using var capture = await PacketCapture.StartAsync($"udp port {carrier.EndPoint.Port} or udp portrange 10000-30001", Ct);
        await using (var leg = new SipCallLeg(ua, new OutboundCallRequest($"sip:human@127.0.0.1:{carrier.EndPoint.Port}", carrier.EndPoint, SipProtocol.Udp, "4930123456", TimeSpan.FromSeconds(10), [AudioCodec.Pcmu])))
        {
            await leg.PlaceAsync(Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);
            Assert.True(leg.Answered);
            await Task.Delay(1500, Ct);
            await leg.HangupAsync();
            var port = leg.Media!.LocalEndPoint.Port;
            var packets = await capture.StopAsync(Ct);
            Assert.Contains(packets, p => p.IsClearSip);
            Assert.Contains(packets, p => (p.SourcePort == port || p.DestinationPort == port) && p.IsClearRtp);
        }
    }

    private static async Task AssertNothingClearAsync(PacketCapture capture, bool expectDtls)
    {
        var packets = await capture.StopAsync(Ct);
        Assert.Contains(packets, p => p.Transport == "tcp");
        Assert.DoesNotContain(packets, p => p.IsClearSip);
        var media = packets.Where(p => p.LooksLikeRtp).ToList();
        Assert.True(media.Count > 50, $"only {media.Count} RTP packets captured; {capture.Errors}");
        Assert.True(media.All(p => !p.IsClearRtp), $"clear RTP on an encrypted leg: lowest payload entropy {media.Min(p => p.PayloadEntropy):F2} bits/octet");
        if (expectDtls)
        {
            Assert.Contains(packets, p => p.IsDtls);
        }
    }

    // baresip's own RTP ports: above our RTP range (10000-30000) and below the kernel's ephemeral ports.
    private static (int First, int Last) RtpRange()
    {
        var first = FreePorts.Find(40, 30100, 32600, tcp: false, align: 2);
        return (first, first + 39);
    }
}
