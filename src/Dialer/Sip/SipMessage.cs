using System.Globalization;
using System.Text;

namespace Collections.Dialer.Sip;

/// <summary>One header line after unfolding and, for list headers, after splitting on commas (RFC 3261 7.3.1).</summary>
internal readonly record struct SipHeader(string Name, string Value);

/// <summary>A SIP request or response: start line, ordered headers and a body (RFC 3261 section 7).</summary>
internal abstract class SipMessage
{
    public List<SipHeader> Headers { get; } = [];

    public byte[] Body { get; set; } = [];

    /// <summary>The first value of a header, by canonical name (compact forms are expanded when parsed).</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var h in Headers)
            {
                if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return h.Value;
                }
            }

            return null;
        }
    }

    public IEnumerable<string> GetAll(string name)
    {
        foreach (var h in Headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return h.Value;
            }
        }
    }

    public void Add(string name, string value) => Headers.Add(new SipHeader(name, value));

    /// <summary>Replaces every value of a header with one value, keeping the position of the first.</summary>
    public void Set(string name, string value)
    {
        var index = Headers.FindIndex(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        Remove(name);
        if (index < 0 || index > Headers.Count)
        {
            Headers.Add(new SipHeader(name, value));
        }
        else
        {
            Headers.Insert(index, new SipHeader(name, value));
        }
    }

    public void Remove(string name) => Headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    public string CallId => this["Call-ID"] ?? string.Empty;

    public CSeq CSeq => CSeq.Parse(this["CSeq"]);

    public ViaHeader? TopVia => this["Via"] is { } v ? ViaHeader.Parse(v) : null;

    public NameAddress From => NameAddress.Parse(this["From"] ?? string.Empty);

    public NameAddress To => NameAddress.Parse(this["To"] ?? string.Empty);

    public string BodyText => Encoding.UTF8.GetString(Body);

    protected abstract string StartLine { get; }

    /// <summary>Serialises with a Content-Length that always matches the body (RFC 3261 20.14, required on TCP).</summary>
    public byte[] ToBytes()
    {
        var sb = new StringBuilder(512);
        sb.Append(StartLine).Append("\r\n");
        foreach (var h in Headers)
        {
            if (string.Equals(h.Name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            sb.Append(h.Name).Append(": ").Append(h.Value).Append("\r\n");
        }

        sb.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var head = Encoding.UTF8.GetBytes(sb.ToString());
        if (Body.Length == 0)
        {
            return head;
        }

        var all = new byte[head.Length + Body.Length];
        head.CopyTo(all, 0);
        Body.CopyTo(all, head.Length);
        return all;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}

internal sealed class SipRequest(string method, string uri) : SipMessage
{
    public string Method { get; set; } = method;

    public string Uri { get; set; } = uri;

    protected override string StartLine => $"{Method} {Uri} SIP/2.0";
}

internal sealed class SipResponse(int statusCode, string reason) : SipMessage
{
    public int StatusCode { get; set; } = statusCode;

    public string Reason { get; set; } = reason;

    protected override string StartLine => $"SIP/2.0 {StatusCode.ToString(CultureInfo.InvariantCulture)} {Reason}";

    /// <summary>Builds a response that copies Via, From, To, Call-ID and CSeq from the request (RFC 3261 8.2.6.2).</summary>
    public static SipResponse For(SipRequest request, int code, string? reason = null, string? toTag = null)
    {
        var r = new SipResponse(code, reason ?? ReasonPhrases.For(code));
        foreach (var via in request.GetAll("Via"))
        {
            r.Add("Via", via);
        }

        foreach (var rr in code is > 100 and < 300 ? request.GetAll("Record-Route") : [])
        {
            r.Add("Record-Route", rr);
        }

        r.Add("From", request["From"] ?? string.Empty);
        var to = request["To"] ?? string.Empty;
        if (toTag is not null && code > 100 && !NameAddress.Parse(to).HasTag)
        {
            to += ";tag=" + toTag;
        }

        r.Add("To", to);
        r.Add("Call-ID", request.CallId);
        r.Add("CSeq", request["CSeq"] ?? string.Empty);
        return r;
    }
}

internal static class ReasonPhrases
{
    public static string For(int code) => code switch
    {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        513 => "Message Too Large",
        603 => "Decline",
        _ => "Unknown",
    };
}

/// <summary>The CSeq header: sequence number and method (RFC 3261 20.16).</summary>
internal readonly record struct CSeq(long Number, string Method)
{
    public static CSeq Parse(string? value)
    {
        if (value is null)
        {
            return new CSeq(0, string.Empty);
        }

        var parts = value.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? new CSeq(n, parts[1].Trim())
            : new CSeq(0, string.Empty);
    }

    public override string ToString() => $"{Number.ToString(CultureInfo.InvariantCulture)} {Method}";
}
