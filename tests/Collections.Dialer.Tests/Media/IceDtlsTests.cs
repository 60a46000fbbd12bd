using System.Net;
using System.Text;
using Collections.Dialer.Media.Dtls;
using Collections.Dialer.Media.Ice;
using Collections.Dialer.Media.Srtp;

namespace Collections.Dialer.Tests.Media;

/// <summary>STUN against RFC 5769's sample messages, the ICE-lite responder, and a DTLS-SRTP handshake between our client and server.</summary>
public sealed class IceDtlsTests
{
    // RFC 5769 2.1 sample request (short-term credentials) and 2.2 sample IPv4 response; password "VOkJxbRl1RmTxUk/WvJxBt".
    private static readonly byte[] SampleRequest = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff80290008932ff9b151263b36" +
        "000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");

    private static readonly byte[] SampleResponse = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");

    private static readonly byte[] SamplePassword = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Rfc5769_SampleRequest_ParsesWithValidIntegrityAndFingerprint()
    {
        var message = StunMessage.Parse(SampleRequest)!;
        Assert.Equal(StunMessage.BindingRequest, message.Type);
        Assert.Equal("evtj:h6vY", message.UsernameText);
        Assert.True(message.VerifyIntegrity(SampleRequest, SamplePassword));
        Assert.True(message.VerifyFingerprint(SampleRequest));
        Assert.False(message.VerifyIntegrity(SampleRequest, Encoding.UTF8.GetBytes("wrong")));
        var tampered = SampleRequest.ToArray();
        tampered[30] ^= 1;
        Assert.False(StunMessage.Parse(tampered)!.VerifyFingerprint(tampered));
    }

    [Fact]
    public void Rfc5769_SampleResponse_Verifies_AndOurEncodingOfItsAttributesRoundTrips()
    {
        var sample = StunMessage.Parse(SampleResponse)!;
        Assert.Equal(StunMessage.BindingSuccess, sample.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), sample.ReadXorMappedAddress());
        Assert.True(sample.VerifyIntegrity(SampleResponse, SamplePassword));
        Assert.True(sample.VerifyFingerprint(SampleResponse));

        var response = new StunMessage(StunMessage.BindingSuccess, SampleResponse[8..20]);
        response.Add(StunMessage.Software, Encoding.ASCII.GetBytes("test vector"));
        response.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        var encoded = response.Encode(SamplePassword);
        // Same layout and XOR-MAPPED-ADDRESS bytes as the RFC's; RFC 5769 pads SOFTWARE with a space where we pad with zero.
        Assert.Equal(SampleResponse.Length, encoded.Length);
        Assert.Equal(Convert.ToHexString(SampleResponse[36..48]), Convert.ToHexString(encoded[36..48]));
        var parsed = StunMessage.Parse(encoded)!;
        Assert.True(parsed.VerifyIntegrity(encoded, SamplePassword));
        Assert.True(parsed.VerifyFingerprint(encoded));
    }

    [Fact]
    public void IceLite_AnswersAValidCheck_AndNominatesItsSource_ButDropsWrongCredentials()
    {
        var agent = new IceLiteAgent { RemoteUfrag = "peer" };
        var from = new IPEndPoint(IPAddress.Loopback, 40000);
        IPEndPoint? nominated = null;
        agent.Nominated += ep => nominated = ep;

        var check = Check($"{agent.LocalUfrag}:peer", agent.LocalPassword, useCandidate: true);
        var reply = agent.Handle(check, from)!;
        var response = StunMessage.Parse(reply)!;
        Assert.Equal(StunMessage.BindingSuccess, response.Type);
        Assert.Equal(from, response.ReadXorMappedAddress());
        Assert.True(response.VerifyIntegrity(reply, Encoding.UTF8.GetBytes(agent.LocalPassword)));
        Assert.True(response.VerifyFingerprint(reply));
        Assert.Equal(from, nominated);

        Assert.Null(agent.Handle(Check($"{agent.LocalUfrag}:peer", "not-the-password-at-all", true), from));
        Assert.Null(agent.Handle(Check("someone:peer", agent.LocalPassword, true), from));
        Assert.Equal(2, agent.ChecksRefused);
    }

    private static byte[] Check(string username, string password, bool useCandidate)
    {
        var request = new StunMessage(StunMessage.BindingRequest, System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        request.Add(StunMessage.Username, Encoding.UTF8.GetBytes(username));
        request.Add(StunMessage.Priority, [0x6e, 0, 1, 0xff]);
        if (useCandidate)
        {
            request.Add(StunMessage.UseCandidate, []);
        }

        return request.Encode(Encoding.UTF8.GetBytes(password));
    }

    [Fact]
    public async Task DtlsSrtp_ClientAndServer_AgreeOnKeys_AndRefuseAWrongFingerprint()
    {
        var serverCert = DtlsCertificate.Create();
        var clientCert = DtlsCertificate.Create();
        DtlsSrtpHandshake? server = null;
        DtlsSrtpHandshake? client = null;
        using (server = new DtlsSrtpHandshake(DtlsRole.Server, serverCert, "sha-256", clientCert.Fingerprint, d => client!.Deliver(d), TimeSpan.FromSeconds(20)))
        using (client = new DtlsSrtpHandshake(DtlsRole.Client, clientCert, "sha-256", serverCert.Fingerprint, d => server.Deliver(d), TimeSpan.FromSeconds(20)))
        {
            server.Start();
            client.Start();
            var serverKeys = await server.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var clientKeys = await client.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(clientKeys.Send.MasterKey, serverKeys.Receive.MasterKey);
            Assert.Equal(clientKeys.Send.MasterSalt, serverKeys.Receive.MasterSalt);
            Assert.Equal(serverKeys.Send.MasterKey, clientKeys.Receive.MasterKey);
            Assert.NotEqual(serverKeys.Send.MasterKey, serverKeys.Receive.MasterKey);

            // The exported keys protect media end to end.
            using var tx = new SrtpContext(clientKeys.Send);
            using var rx = new SrtpContext(serverKeys.Receive);
            var packet = new byte[64];
            packet[0] = 0x80;
            var n = tx.ProtectRtp(packet, 32);
            Assert.True(rx.TryUnprotectRtp(packet, n, out _));
        }

        // A certificate that is not the one in the SDP is a man in the middle (RFC 5763 5): the handshake fails.
        var intruder = DtlsCertificate.Create();
        DtlsSrtpHandshake? s2 = null;
        DtlsSrtpHandshake? c2 = null;
        using (s2 = new DtlsSrtpHandshake(DtlsRole.Server, serverCert, "sha-256", clientCert.Fingerprint, d => c2!.Deliver(d), TimeSpan.FromSeconds(10)))
        using (c2 = new DtlsSrtpHandshake(DtlsRole.Client, intruder, "sha-256", serverCert.Fingerprint, d => s2.Deliver(d), TimeSpan.FromSeconds(10)))
        {
            s2.Start();
            c2.Start();
            var failure = await Assert.ThrowsAsync<IOException>(() => s2.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct));
            Assert.Contains("does not match the SDP fingerprint", failure.Message, StringComparison.Ordinal);
        }
    }
}
