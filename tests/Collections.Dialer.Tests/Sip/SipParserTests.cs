using System.Text;
using Collections.Dialer.Sip;

namespace Collections.Dialer.Tests.Sip;

public sealed class SipParserTests
{
    private static SipMessage Parse(string raw)
    {
        Assert.True(SipParser.TryParse(Encoding.UTF8.GetBytes(raw), out var m, out var error), error);
        return m!;
    }

    private static string Error(string raw)
    {
        Assert.False(SipParser.TryParse(Encoding.UTF8.GetBytes(raw), out _, out var error));
        return error!;
    }

    // RFC 4475 3.1.1.1 "A short tortuous INVITE" (abridged): compact forms, folding, odd spacing, multi-valued Via.
    private const string Tortuous =
        "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n" +
        "TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n" +
        "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n" +
        "MaX-fOrWaRdS: 0068\r\n" +
        "Call-ID: wsinv.ndaksdj@192.0.2.1\r\n" +
        "Content-Length   : 4\r\n" +
        "cseq: 0009\r\n  INVITE\r\n" +
        "Via  : SIP  /   2.0\r\n  /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n" +
        "s :\r\n" +
        "NewFangledHeader:   newfangled value\r\n continued newfangled value\r\n" +
        "v:  SIP/2.0/TCP spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n" +
        "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33\r\n" +
        "\r\n" +
        "v=0\r";

    [Fact]
    public void Parse_ShortInvite_ReadsStartLineHeadersAndBody()
    {
        const string raw =
            "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n" +
            "Max-Forwards: 70\r\n" +
            "To: Bob <sip:bob@biloxi.example.com>\r\n" +
            "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
            "CSeq: 314159 INVITE\r\n" +
            "Contact: <sip:alice@pc33.atlanta.example.com>\r\n" +
            "Content-Type: application/sdp\r\n" +
            "Content-Length: 4\r\n" +
            "\r\n" +
            "v=0\n";
        var m = Assert.IsType<SipRequest>(Parse(raw));
        Assert.Equal("INVITE", m.Method);
        Assert.Equal("sip:bob@biloxi.example.com", m.Uri);
        Assert.Equal("1928301774", m.From.Tag);
        Assert.False(m.To.HasTag);
        Assert.Equal(new CSeq(314159, "INVITE"), m.CSeq);
        Assert.Equal("z9hG4bK776asdhds", m.TopVia!.Branch);
        Assert.Equal("v=0\n", m.BodyText);
    }

    [Fact]
    public void Parse_CompactFoldedAndMultiValuedHeaders_AreExpanded()
    {
        var m = Parse(Tortuous);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", m.CallId);
        Assert.Equal(new CSeq(9, "INVITE"), m.CSeq);
        Assert.Equal("newfangled value continued newfangled value", m["NewFangledHeader"]);
        var vias = m.GetAll("Via").ToList();
        Assert.Equal(3, vias.Count);
        Assert.Equal("z9hG4bK9ikj8", ViaHeader.Parse(vias[1])!.Branch);
        Assert.Equal("TCP", ViaHeader.Parse(vias[1])!.Transport);
        Assert.Equal("z9hG4bK30239", ViaHeader.Parse(vias[2])!.Branch);
        Assert.NotNull(m["Contact"]);
        Assert.Equal("1918181833n", m.To.Tag);
        Assert.Equal(4, m.Body.Length);
    }

    [Fact]
    public void Parse_Response_WithCommaInsideQuotedAuthHeader_KeepsOneValue()
    {
        const string raw =
            "SIP/2.0 401 Unauthorized\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport=5070\r\n" +
            "From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n" +
            "WWW-Authenticate: Digest realm=\"a, b\", nonce=\"n1\", qop=\"auth,auth-int\", algorithm=SHA-256\r\n" +
            "WWW-Authenticate: Digest realm=\"a, b\", nonce=\"n1\", qop=\"auth\", algorithm=MD5\r\n" +
            "l: 0\r\n\r\n";
        var m = Assert.IsType<SipResponse>(Parse(raw));
        Assert.Equal(401, m.StatusCode);
        Assert.Equal(2, m.GetAll("WWW-Authenticate").Count());
        Assert.Empty(m.Body);
    }

    [Fact]
    public void Parse_ContentLengthSmallerThanDatagram_CutsBody()
    {
        var m = Parse("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 2\r\n\r\nabcdef");
        Assert.Equal("ab", m.BodyText);
    }

    [Theory]
    [InlineData("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 20\r\n\r\nabc", "truncated body")]
    [InlineData("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCSeq: 1 OPTIONS\r\n\r\n", "missing Call-ID")]
    [InlineData("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n\r\n", "bad CSeq")]
    [InlineData("SIP/2.0 99 Low\r\nVia: SIP/2.0/UDP h\r\n\r\n", "bad status code")]
    [InlineData("INVITE  sip:x@y SIP/2.0\r\n\r\n", "bad request line")]
    [InlineData("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n", "no end of headers")]
    [InlineData("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: -5\r\n\r\n", "bad Content-Length")]
    [InlineData("OPTIONS sip:x@y SIP/2.0\r\nVia: nonsense\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n", "bad Via")]
    public void Parse_Malformed_ReturnsReason(string raw, string expected) => Assert.Equal(expected, Error(raw));

    [Fact]
    public void Parse_Oversized_IsRejected()
    {
        var raw = "OPTIONS sip:x@y SIP/2.0\r\nX: " + new string('a', SipParser.MaxMessageSize) + "\r\n\r\n";
        Assert.Equal("message too large", Error(raw));
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrows()
    {
        var random = new Random(42);
        var seed = Encoding.UTF8.GetBytes(Tortuous);
        for (var i = 0; i < 5000; i++)
        {
            var data = seed[..random.Next(seed.Length)].ToArray();
            for (var k = 0; k < 5; k++)
            {
                if (data.Length > 0)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }
            }

            _ = SipParser.TryParse(data, out _, out _);
        }
    }

    [Fact]
    public void Write_ThenParse_RoundTripsAndFixesContentLength()
    {
        var r = new SipRequest("BYE", "sip:bob@127.0.0.1:5062");
        r.Add("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx;rport");
        r.Add("From", "<sip:a@b>;tag=1");
        r.Add("To", "<sip:bob@c>;tag=2");
        r.Add("Call-ID", "cid");
        r.Add("CSeq", "2 BYE");
        r.Add("Content-Length", "999");
        r.Body = "hello"u8.ToArray();
        var text = r.ToString();
        Assert.Contains("Content-Length: 5\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("999", text, StringComparison.Ordinal);
        var back = Assert.IsType<SipRequest>(Parse(text));
        Assert.Equal("hello", back.BodyText);
        Assert.Equal("2", back.To.Tag);
    }

    [Fact]
    public void StreamFramer_SplitsCoalescedAndPartialMessages()
    {
        const string one = "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nl: 3\r\n\r\nabc";
        var bytes = Encoding.UTF8.GetBytes("\r\n\r\n" + one + one);
        var framer = new SipStreamFramer();
        var got = new List<byte[]>();
        foreach (var chunk in bytes.Chunk(7))
        {
            framer.Append(chunk);
            while (framer.Next() is { } m)
            {
                got.Add(m);
            }
        }

        Assert.Equal(2, got.Count);
        Assert.All(got, m => Assert.Equal("abc", Parse(Encoding.UTF8.GetString(m)).BodyText));
    }

    [Fact]
    public void StreamFramer_WithoutContentLength_PoisonsTheStream()
    {
        var framer = new SipStreamFramer();
        framer.Append("OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n"u8);
        Assert.Null(framer.Next());
        Assert.True(framer.Poisoned);
    }

    [Fact]
    public void SipUri_ParsesUserHostPortAndTransport()
    {
        Assert.True(SipUri.TryParse("sip:1001@127.0.0.1:5070;transport=tcp", out var u));
        Assert.Equal("1001", u.User);
        Assert.Equal(5070, u.Port);
        Assert.Equal(SipProtocol.Tcp, u.Protocol);
        Assert.False(SipUri.TryParse("http://x", out _));
        Assert.False(SipUri.TryParse("sip:x@y:99999", out _));
    }
}
