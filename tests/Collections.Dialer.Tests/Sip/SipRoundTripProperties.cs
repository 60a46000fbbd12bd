using Collections.Dialer.Sip;
using FsCheck;
using FsCheck.Fluent;

namespace Collections.Dialer.Tests.Sip;

/// <summary>
/// Property tests (FsCheck): a SIP message we build writes out and reads back as the same message: start line, every header
/// in order, and the body byte for byte. Proxies and our own transactions forward what they parsed, so write-then-parse must
/// be the identity on what the parser produces.
/// </summary>
public sealed class SipRoundTripProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly Gen<string> Token = Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".ToCharArray())
        .NonEmptyListOf().Select(cs => new string([.. cs.Take(24)]));

    private static readonly Gen<string> Host = Gen.OneOf(
        Gen.Choose(0, 255).Four().Select(t => $"{t.Item1}.{t.Item2}.{t.Item3}.{t.Item4}"),
        Gen.Elements("atlanta.example.com", "[2001:db8::1]", "127.0.0.1", "biloxi.example.com"));

    /// <summary>Header text as peers send it: printable UTF-8 without line breaks and without surrounding white space (the
    /// parser trims it, RFC 3261 7.3.1), commas included (they separate only list headers).</summary>
    private static readonly Gen<string> Text = Gen.Elements(" ", "a", "b", "X", "9", ";", "=", "<", ">", "\"", "@", ":", "/", ",", ".", "?", "&", "é", "€", "😀", "\t")
        .ListOf().Select(cs => string.Concat(cs).Trim());

    private static readonly Gen<(string Name, string Value)> Extension =
        from name in Token
        from value in Text
        select ("X-" + name, value);

    private static readonly Gen<SipMessage> Message =
        from isRequest in Gen.Elements(true, false)
        from method in Gen.Elements("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "REFER", "NOTIFY", "X-CUSTOM")
        from user in Token
        from host in Host
        from port in Gen.Choose(1, 65535)
        from code in Gen.Choose(100, 699)
        from reason in Text
        from branch in Token
        from fromTag in Token
        from callId in Token
        from cseq in Gen.Choose(0, int.MaxValue)
        from extras in Extension.ListOf()
        from body in ArbMap.Default.GeneratorFor<byte[]>()
        select Build(isRequest, method, user, host, port, code, reason, branch, fromTag, callId, cseq, extras, body);

    private static SipMessage Build(bool isRequest, string method, string user, string host, int port, int code, string reason, string branch,
        string fromTag, string callId, int cseq, IEnumerable<(string Name, string Value)> extras, byte[] body)
    {
        SipMessage m = isRequest ? new SipRequest(method, $"sip:{user}@{host}") : new SipResponse(code, reason);
        m.Add("Via", $"SIP/2.0/UDP {host}:{port};branch=z9hG4bK{branch};rport");
        m.Add("Max-Forwards", "70");
        m.Add("From", $"\"{user}\" <sip:{user}@{host}>;tag={fromTag}");
        m.Add("To", $"<sip:{user}@{host}>");
        m.Add("Call-ID", callId);
        m.Add("CSeq", $"{cseq} {method}");
        foreach (var (name, value) in extras)
        {
            m.Add(name, value);
        }

        m.Body = body;
        return m;
    }

    private static SipMessage WithBody(SipMessage m, string body)
    {
        m.Body = System.Text.Encoding.UTF8.GetBytes(body);
        return m;
    }

    private static SipMessage Reparse(SipMessage m)
    {
        Assert.True(SipParser.TryParse(m.ToBytes(), out var again, out var error), $"{error}\n{m}");
        return again!;
    }

    [Fact]
    public void WriteThenParse_GivesTheSameMessage()
    {
        Prop.ForAll(Message.ToArbitrary(), m =>
        {
            var again = Reparse(m);
            Assert.Equal(m.ToString().Split("\r\n")[0], again.ToString().Split("\r\n")[0]);
            Assert.Equal(m.Headers, again.Headers);
            Assert.Equal(m.Body, again.Body);
        }).Check(Runs);
    }

    [Fact]
    public void ParseWriteParse_IsStable_ForMessagesInCompactAndFoldedForm()
    {
        // What a peer may send (compact names, folded lines, lists in one header) parses to headers that write and read back unchanged.
        // The body is text here: the message is rewritten as a string.
        var wire =
            from m in Message
            from body in Text
            let withText = WithBody(m, body)
            from compact in Gen.Elements(true, false)
            select (compact
                ? withText.ToString().Replace("\r\nVia: ", "\r\nv: ", StringComparison.Ordinal).Replace("\r\nCall-ID: ", "\r\ni:\r\n  ", StringComparison.Ordinal)
                : withText.ToString()).Replace("\r\nMax-Forwards: 70", "\r\nMax-Forwards:\r\n\t70", StringComparison.Ordinal);
        Prop.ForAll(wire.ToArbitrary(), text =>
        {
            Assert.True(SipParser.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out var first, out var error), $"{error}\n{text}");
            var second = Reparse(first!);
            Assert.Equal(first!.Headers, second.Headers);
            Assert.Equal(first.Body, second.Body);
        }).Check(Runs);
    }
}
