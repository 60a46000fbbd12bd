using System.Globalization;
using System.Text;

namespace Collections.Dialer.Sip;

/// <summary>
/// Parses SIP messages (RFC 3261 section 7). Never throws on bad input: returns false with a reason, so a
/// socket loop can drop the datagram (or answer 400) and go on serving.
/// </summary>
internal static class SipParser
{
    /// <summary>Largest message accepted; RFC 3261 18.1.1 keeps UDP messages under the path MTU, TCP ones can be larger.</summary>
    public const int MaxMessageSize = 64 * 1024;

    public const int MaxHeaders = 256;

    /// <summary>Compact header forms (RFC 3261 7.3.3 and the IANA registry).</summary>
    private static readonly Dictionary<string, string> Compact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["i"] = "Call-ID",
        ["m"] = "Contact",
        ["e"] = "Content-Encoding",
        ["l"] = "Content-Length",
        ["c"] = "Content-Type",
        ["f"] = "From",
        ["s"] = "Subject",
        ["k"] = "Supported",
        ["t"] = "To",
        ["v"] = "Via",
        ["o"] = "Event",
        ["r"] = "Refer-To",
        ["u"] = "Allow-Events",
    };

    /// <summary>Canonical spelling of common headers so lookups and serialisation agree.</summary>
    private static readonly Dictionary<string, string> Canonical = new[]
    {
        "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Type", "Content-Length",
        "Route", "Record-Route", "Allow", "Supported", "Require", "Proxy-Require", "Unsupported", "Accept",
        "WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization", "Expires", "User-Agent",
        "Server", "Event", "Subject", "Content-Encoding", "Min-Expires", "Retry-After", "Allow-Events", "Refer-To",
    }.ToDictionary(h => h, h => h, StringComparer.OrdinalIgnoreCase);

    /// <summary>Headers whose grammar is a comma-separated list (RFC 3261 7.3.1); others (auth, dates) contain commas.</summary>
    private static readonly HashSet<string> ListHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Via", "Contact", "Route", "Record-Route", "Allow", "Supported", "Require", "Proxy-Require", "Unsupported",
        "Accept", "Accept-Encoding", "Accept-Language", "Allow-Events", "Content-Encoding",
    };

    private static readonly string[] Mandatory = ["Via", "From", "To", "Call-ID", "CSeq"];

    /// <summary>Parses one complete message (a UDP datagram or a framed TCP message).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage? message, out string? error)
    {
        message = null;
        error = null;
        try
        {
            return TryParseCore(data, out message, out error);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or DecoderFallbackException)
        {
            // Defence in depth: a parser bug must cost one message, not the socket loop.
            error = "malformed: " + ex.Message;
            message = null;
            return false;
        }
    }

    private static bool TryParseCore(ReadOnlySpan<byte> data, out SipMessage? message, out string? error)
    {
        message = null;
        if (data.Length > MaxMessageSize)
        {
            error = "message too large";
            return false;
        }

        var headerEnd = FindHeaderEnd(data, out var sepLength);
        if (headerEnd < 0)
        {
            error = "no end of headers";
            return false;
        }

        string head;
        try
        {
            head = StrictUtf8.GetString(data[..headerEnd]);
        }
        catch (DecoderFallbackException)
        {
            error = "headers are not UTF-8";
            return false;
        }

        var lines = Unfold(head);
        if (lines.Count == 0 || lines[0].Length == 0)
        {
            error = "empty start line";
            return false;
        }

        if (lines.Count - 1 > MaxHeaders)
        {
            error = "too many headers";
            return false;
        }

        if (!TryParseStartLine(lines[0], out message, out error))
        {
            return false;
        }

        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = $"header line {i} has no name";
                return false;
            }

            var rawName = line[..colon].Trim();
            if (rawName.Length == 0 || rawName.Any(c => c <= ' ' || c > '~'))
            {
                error = $"bad header name at line {i}";
                return false;
            }

            var name = Compact.TryGetValue(rawName, out var full) ? full : Canonical.GetValueOrDefault(rawName, rawName);
            var value = line[(colon + 1)..].Trim();
            if (ListHeaders.Contains(name) && value != "*")
            {
                foreach (var part in HeaderParams.SplitOutsideQuotes(value, ','))
                {
                    var p = part.Trim();
                    if (p.Length > 0)
                    {
                        message!.Add(name, p);
                    }
                }
            }
            else
            {
                message!.Add(name, value);
            }
        }

        foreach (var m in Mandatory)
        {
            if (message![m] is null)
            {
                error = $"missing {m}";
                return false;
            }
        }

        var cseq = message!.CSeq;
        if (cseq.Method.Length == 0 || (message is SipRequest rq && !string.Equals(cseq.Method, rq.Method, StringComparison.Ordinal) && rq.Method != "ACK" && rq.Method != "CANCEL"))
        {
            error = "bad CSeq";
            return false;
        }

        if (message.TopVia is null)
        {
            error = "bad Via";
            return false;
        }

        var bodyStart = headerEnd + sepLength;
        var available = data.Length - bodyStart;
        var clText = message["Content-Length"];
        var bodyLength = available;
        if (clText is not null)
        {
            if (!int.TryParse(clText, NumberStyles.None, CultureInfo.InvariantCulture, out bodyLength) || bodyLength < 0)
            {
                error = "bad Content-Length";
                return false;
            }

            // RFC 3261 18.3: fewer bytes than Content-Length means a truncated datagram: discard it.
            if (bodyLength > available)
            {
                error = "truncated body";
                return false;
            }
        }

        message.Body = data.Slice(bodyStart, bodyLength).ToArray();
        message.Remove("Content-Length");
        error = null;
        return true;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static bool TryParseStartLine(string line, out SipMessage? message, out string? error)
    {
        message = null;
        error = null;
        if (line.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
        {
            var rest = line[8..];
            var sp = rest.IndexOf(' ', StringComparison.Ordinal);
            var codeText = sp < 0 ? rest : rest[..sp];
            if (codeText.Length != 3 || !int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100 || code > 699)
            {
                error = "bad status code";
                return false;
            }

            message = new SipResponse(code, sp < 0 ? string.Empty : rest[(sp + 1)..]);
            return true;
        }

        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[2] != "SIP/2.0" || parts[0].Length == 0 || !parts[0].All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '-' or '_' or '.' or '!' or '%' or '*' or '+' or '`' or '\'' or '~' or >= '0' and <= '9'))
        {
            error = "bad request line";
            return false;
        }

        if (!parts[1].Contains(':', StringComparison.Ordinal))
        {
            error = "bad Request-URI";
            return false;
        }

        message = new SipRequest(parts[0], parts[1]);
        return true;
    }

    /// <summary>Splits on CRLF (or bare LF, which RFC 3261 7.5 asks us to tolerate) and joins folded continuation lines (7.3.1).</summary>
    private static List<string> Unfold(string head)
    {
        var raw = head.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var lines = new List<string>(raw.Length);
        foreach (var l in raw)
        {
            if (lines.Count > 1 && l.Length > 0 && (l[0] == ' ' || l[0] == '\t'))
            {
                lines[^1] = lines[^1] + " " + l.Trim();
            }
            else
            {
                lines.Add(l);
            }
        }

        return lines;
    }

    /// <summary>Index of the blank line that ends the headers, or -1.</summary>
    public static int FindHeaderEnd(ReadOnlySpan<byte> data, out int separatorLength)
    {
        var crlf = data.IndexOf("\r\n\r\n"u8);
        var lf = data.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf <= lf))
        {
            separatorLength = 4;
            return crlf;
        }

        separatorLength = 2;
        return lf;
    }
}

/// <summary>
/// Frames SIP messages out of a TCP byte stream by Content-Length (RFC 3261 18.3, mandatory on streams).
/// Skips CRLF keep-alives (RFC 5626 4.4.1). A stream that breaks framing is poisoned: the owner closes it.
/// </summary>
internal sealed class SipStreamFramer
{
    private byte[] _buffer = new byte[8192];
    private int _count;

    public bool Poisoned { get; private set; }

    public string? Error { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (Poisoned)
        {
            return;
        }

        if (_count + data.Length > SipParser.MaxMessageSize * 2)
        {
            Poison("stream buffer over limit");
            return;
        }

        if (_count + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + data.Length));
        }

        data.CopyTo(_buffer.AsSpan(_count));
        _count += data.Length;
    }

    /// <summary>Returns the next complete raw message, or null when more bytes are needed (or the stream is poisoned).</summary>
    public byte[]? Next()
    {
        if (Poisoned)
        {
            return null;
        }

        var skip = 0;
        while (skip < _count && (_buffer[skip] == '\r' || _buffer[skip] == '\n'))
        {
            skip++;
        }

        if (skip > 0)
        {
            Consume(skip);
        }

        var span = _buffer.AsSpan(0, _count);
        var end = SipParser.FindHeaderEnd(span, out var sep);
        if (end < 0)
        {
            if (_count > SipParser.MaxMessageSize)
            {
                Poison("headers over limit");
            }

            return null;
        }

        var length = ContentLength(span[..end]);
        if (length < 0)
        {
            Poison("missing or bad Content-Length on stream");
            return null;
        }

        var total = end + sep + length;
        if (total > SipParser.MaxMessageSize)
        {
            Poison("message over limit");
            return null;
        }

        if (_count < total)
        {
            return null;
        }

        var msg = span[..total].ToArray();
        Consume(total);
        return msg;
    }

    private void Consume(int n)
    {
        Buffer.BlockCopy(_buffer, n, _buffer, 0, _count - n);
        _count -= n;
    }

    private void Poison(string error)
    {
        Poisoned = true;
        Error = error;
        _count = 0;
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(head);
        }
        catch (ArgumentException)
        {
            return -1;
        }

        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("l", StringComparison.OrdinalIgnoreCase))
            {
                return int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            }
        }

        return -1;
    }
}
