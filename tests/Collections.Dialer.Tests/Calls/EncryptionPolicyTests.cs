using System.Net;
using Collections.Dialer.Calls;
using Collections.Dialer.DemoCarrier;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;
using Collections.Dialer.Trunks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Dialer.Tests.Calls;

/// <summary>A call that requires encryption and cannot get it fails with a clear cause and never falls back to the clear.</summary>
[Trait("Category", "Integration")]
public sealed class EncryptionPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_trunk_that_requires_TLS_refuses_a_plain_peer_with_a_clear_error()
    {
        // The "carrier" listens for plain SIP over TCP only: a TLS ClientHello gets no TLS answer.
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1 }, TimeProvider.System);
        carrier.Start(IPAddress.Loopback);
        var trunk = new TrunkOptions { Proxy = $"127.0.0.1:{carrier.TcpEndPoint.Port}", Transport = "tls", CallerId = "4930123456", Tls = { VerifyCertificate = false } };
        var result = await DialRunner.RunAsync(new DialRequest($"sip:human@127.0.0.1:{carrier.TcpEndPoint.Port}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), trunk),
            TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(503, result.Status);
        Assert.False(result.Answered);
        Assert.Contains("TLS to 127.0.0.1:", result.Cause, StringComparison.Ordinal);
        Assert.Contains("not sent in the clear", result.Cause, StringComparison.Ordinal);
        Assert.Equal(0, carrier.CallsReceived); // nothing reached it as a SIP request
    }

    [Theory]
    [InlineData("dtls", "refused the encrypted media offer")]
    [InlineData("sdes", "keys would travel in the clear")]
    public async Task A_trunk_that_requires_SRTP_does_not_call_a_peer_without_it(string keying, string cause)
    {
        await using var carrier = new DemoCarrier.DemoCarrier(new DemoCarrierOptions { RingSeconds = 0.1 }, TimeProvider.System);
        carrier.Start(IPAddress.Loopback);
        var trunk = new TrunkOptions { Proxy = $"127.0.0.1:{carrier.EndPoint.Port}", CallerId = "4930123456", Srtp = "required", SrtpKeying = keying };
        if (keying == "sdes")
        {
            // A configuration the host refuses at start (SDES keys need TLS); the dial verb refuses it too, with the same words.
            Assert.NotNull(trunk.SecurityProblem());
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => DialRunner.RunAsync(
                new DialRequest($"sip:human@127.0.0.1:{carrier.EndPoint.Port}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), trunk), TimeProvider.System, NullLogger.Instance, Ct));
            Assert.Contains("needs Transport tls", ex.Message, StringComparison.Ordinal);
            await using var ua = new SipUserAgent(TimeProvider.System);
            ua.Start(IPAddress.Loopback);
            await using var leg = new SipCallLeg(ua, new OutboundCallRequest($"sip:human@127.0.0.1:{carrier.EndPoint.Port}", carrier.EndPoint, SipProtocol.Udp, "4930123456",
                TimeSpan.FromSeconds(10), [AudioCodec.Pcmu], Media: new MediaPolicy(EncryptionPolicy.Required, SrtpKeying.Sdes, false, [AudioCodec.Pcmu])));
            await leg.PlaceAsync(Ct);
            Assert.False(leg.Answered);
            Assert.Contains(cause, leg.FailureCause, StringComparison.Ordinal);
            Assert.Equal(0, carrier.CallsReceived); // no INVITE with keys in it ever left
            return;
        }

        var result = await DialRunner.RunAsync(new DialRequest($"sip:human@127.0.0.1:{carrier.EndPoint.Port}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), trunk),
            TimeProvider.System, NullLogger.Instance, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(488, result.Status);
        Assert.False(result.Answered);
        Assert.Contains(cause, result.Cause, StringComparison.Ordinal);
        Assert.Contains("offered only SRTP", Assert.Single(carrier.Refusals), StringComparison.Ordinal);
        Assert.Equal(0, result.RtpSent);
    }

    [Fact]
    public async Task A_phone_that_requires_TLS_cannot_register_over_UDP()
    {
        var registrar = new Registrar(new RegistrarOptions
        {
            Users = { ["1001"] = "pw" },
            Phones = { ["1001"] = new PhoneSecurityOptions { RequireTls = true } },
        }, TimeProvider.System);
        await using var server = new SipUserAgent(TimeProvider.System) { Register = registrar.HandleAsync };
        server.Start(IPAddress.Loopback);
        await using var client = new SipUserAgent(TimeProvider.System);
        client.Start(IPAddress.Loopback);
        await using var registration = new RegistrationClient(client, $"sip:127.0.0.1:{server.Stack.Transport.UdpEndPoint.Port}", SipProtocol.Udp, "1001", "pw", 300);
        Assert.Equal(403, await registration.RegisterAsync());
        Assert.False(registrar.TryGetBinding("1001", out _));
    }
}
