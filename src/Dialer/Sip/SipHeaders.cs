using System.Globalization;
using System.Net;
using System.Text;

namespace Collections.Dialer.Sip;

/// <summary>Header parameters ";name=value" kept in order, names compared case-insensitively (RFC 3261 7.3.1).</summary>
internal static class HeaderParams
{
    public static List<KeyValuePair<string, string?>> Parse(string text)
    {
        var list = new List<KeyValuePair<string, string?>>();
        foreach (var part in SplitOutsideQuotes(text, ';'))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            var eq = p.IndexOf('=', StringComparison.Ordinal);
            list.Add(eq < 0
                ? new KeyValuePair<string, string?>(p, null)
                : new KeyValuePair<string, string?>(p[..eq].Trim(), p[(eq + 1)..].Trim()));
        }

        return list;
    }

    public static string? Get(List<KeyValuePair<string, string?>> ps, string name)
    {
        foreach (var kv in ps)
        {
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return kv.Value ?? string.Empty;
            }
        }

        return null;
    }

    public static string Format(List<KeyValuePair<string, string?>> ps)
    {
        var sb = new StringBuilder();
        foreach (var kv in ps)
        {
            sb.Append(';').Append(kv.Key);
            if (kv.Value is not null)
            {
                sb.Append('=').Append(kv.Value);
            }
        }

        return sb.ToString();
    }

    /// <summary>Splits on a separator that is outside double quotes and angle brackets.</summary>
    public static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var inQuotes = false;
        var angle = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && inQuotes)
            {
                i++;
                continue;
            }

            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c == '<')
            {
                angle++;
            }
            else if (!inQuotes && c == '>' && angle > 0)
            {
                angle--;
            }
            else if (!inQuotes && angle == 0 && c == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}

/// <summary>A SIP URI: sip:user@host:port;params (RFC 3261 19.1).</summary>
internal sealed record SipUri(string Scheme, string? User, string Host, int? Port, List<KeyValuePair<string, string?>> Parameters)
{
    public static bool TryParse(string? text, out SipUri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim();
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var scheme = t[..colon].ToLowerInvariant();
        if (scheme is not ("sip" or "sips"))
        {
            return false;
        }

        var rest = t[(colon + 1)..];
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            rest = rest[..q];
        }

        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            var pw = user.IndexOf(':', StringComparison.Ordinal);
            if (pw >= 0)
            {
                user = user[..pw];
            }

            rest = rest[(at + 1)..];
        }

        var semi = rest.IndexOf(';', StringComparison.Ordinal);
        var hostPort = semi >= 0 ? rest[..semi] : rest;
        var ps = semi >= 0 ? HeaderParams.Parse(rest[semi..]) : [];
        string host;
        int? port = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = hostPort[..(close + 1)];
            var after = hostPort[(close + 1)..];
            if (after.StartsWith(':'))
            {
                if (!int.TryParse(after[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                {
                    return false;
                }

                port = p;
            }
        }
        else
        {
            var pc = hostPort.IndexOf(':', StringComparison.Ordinal);
            host = pc >= 0 ? hostPort[..pc] : hostPort;
            if (pc >= 0)
            {
                if (!int.TryParse(hostPort[(pc + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                {
                    return false;
                }

                port = p;
            }
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            return false;
        }

        uri = new SipUri(scheme, user, host, port, ps);
        return true;
    }

    public static SipUri Parse(string text) =>
        TryParse(text, out var u) ? u : throw new FormatException($"Not a SIP URI: {text}");

    public string? Transport => HeaderParams.Get(Parameters, "transport");

    /// <summary>The transport the URI asks for (RFC 3261 19.1.1, RFC 7118 for ws/wss); sips means TLS (RFC 5630 3.1.3).</summary>
    public SipProtocol Protocol => Transport?.ToLowerInvariant() switch
    {
        "tcp" => Scheme == "sips" ? SipProtocol.Tls : SipProtocol.Tcp,
        "tls" => SipProtocol.Tls,
        "ws" => SipProtocol.Ws,
        "wss" => SipProtocol.Wss,
        _ => Scheme == "sips" ? SipProtocol.Tls : SipProtocol.Udp,
    };

    public bool LooseRouting => HeaderParams.Get(Parameters, "lr") is not null;

    /// <summary>Resolves the host to an address; literal IPs only plus localhost, since we never resolve remote names in tests.</summary>
    public IPEndPoint ToEndPoint()
    {
        var h = Host.Trim('[', ']');
        IPAddress address;
        if (!IPAddress.TryParse(h, out address!))
        {
            address = Dns.GetHostAddresses(h).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        }

        // RFC 3261 19.1.2: 5060 for sip, 5061 for sips and TLS.
        return new IPEndPoint(address, Port ?? (Protocol == SipProtocol.Tls ? 5061 : 5060));
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User).Append('@');
        }

        sb.Append(Host);
        if (Port is { } p)
        {
            sb.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(HeaderParams.Format(Parameters));
        return sb.ToString();
    }
}

/// <summary>name-addr or addr-spec with header parameters, as in From, To, Contact, Route (RFC 3261 20.10).</summary>
internal sealed record NameAddress(string? DisplayName, string Uri, List<KeyValuePair<string, string?>> Parameters)
{
    public static NameAddress Parse(string value)
    {
        var v = value.Trim();
        var lt = IndexOfOutsideQuotes(v, '<');
        if (lt >= 0)
        {
            var gt = v.IndexOf('>', lt);
            if (gt < 0)
            {
                return new NameAddress(null, v[(lt + 1)..], []);
            }

            var display = v[..lt].Trim().Trim('"');
            return new NameAddress(display.Length == 0 ? null : display, v[(lt + 1)..gt], HeaderParams.Parse(v[(gt + 1)..]));
        }

        // addr-spec form: parameters after the URI belong to the header (RFC 3261 20.10).
        var semi = v.IndexOf(';', StringComparison.Ordinal);
        return semi < 0 ? new NameAddress(null, v, []) : new NameAddress(null, v[..semi], HeaderParams.Parse(v[semi..]));
    }

    private static int IndexOfOutsideQuotes(string v, char c)
    {
        var q = false;
        for (var i = 0; i < v.Length; i++)
        {
            if (v[i] == '"')
            {
                q = !q;
            }
            else if (!q && v[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    public string? Tag => HeaderParams.Get(Parameters, "tag");

    public bool HasTag => !string.IsNullOrEmpty(Tag);

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (DisplayName is not null)
        {
            sb.Append('"').Append(DisplayName).Append("\" ");
        }

        sb.Append('<').Append(Uri).Append('>').Append(HeaderParams.Format(Parameters));
        return sb.ToString();
    }
}

/// <summary>A Via header value: SIP/2.0/UDP host:port;branch=..;rport;received (RFC 3261 20.42, RFC 3581).</summary>
internal sealed partial record ViaHeader(string Transport, string Host, int? Port, List<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>RFC 3261 8.1.1.7: branch ids of RFC 3261 transactions start with this cookie.</summary>
    public const string MagicCookie = "z9hG4bK";

    public static ViaHeader? Parse(string value)
    {
        // RFC 3261 25.1 allows LWS around the slashes of sent-protocol ("SIP / 2.0 / UDP").
        var v = SlashSpaces().Replace(value.Trim(), "/");
        var sp = v.IndexOfAny([' ', '\t']);
        if (sp < 0)
        {
            return null;
        }

        var proto = v[..sp];
        var slash = proto.LastIndexOf('/');
        if (slash < 0 || !proto.StartsWith("SIP/2.0/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = v[sp..].Trim();
        var semi = rest.IndexOf(';', StringComparison.Ordinal);
        var sentBy = (semi >= 0 ? rest[..semi] : rest).Trim();
        var ps = semi >= 0 ? HeaderParams.Parse(rest[semi..]) : [];
        var colon = sentBy.LastIndexOf(':');
        int? port = null;
        var host = sentBy;
        if (colon > 0 && !sentBy.EndsWith(']'))
        {
            if (!int.TryParse(sentBy[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                return null;
            }

            port = p;
            host = sentBy[..colon];
        }

        return host.Length == 0 ? null : new ViaHeader(proto[(slash + 1)..].ToUpperInvariant(), host, port, ps);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s*/\s*")]
    private static partial System.Text.RegularExpressions.Regex SlashSpaces();

    public string? Branch => HeaderParams.Get(Parameters, "branch");

    public string SentBy => Port is { } p ? $"{Host}:{p.ToString(CultureInfo.InvariantCulture)}" : Host;

    public void SetParam(string name, string? value)
    {
        Parameters.RemoveAll(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase));
        Parameters.Add(new KeyValuePair<string, string?>(name, value));
    }

    public override string ToString() => $"SIP/2.0/{Transport} {SentBy}{HeaderParams.Format(Parameters)}";
}

internal enum SipProtocol
{
    Udp,
    Tcp,

    /// <summary>SIP over TLS (RFC 3261 26.2, RFC 5630).</summary>
    Tls,

    /// <summary>SIP over WebSocket (RFC 7118), plain.</summary>
    Ws,

    /// <summary>SIP over secure WebSocket (RFC 7118).</summary>
    Wss,
}

internal static class SipProtocols
{
    /// <summary>The Via transport token (RFC 3261 20.42, RFC 7118 5.2).</summary>
    public static string ViaToken(this SipProtocol protocol) => protocol switch
    {
        SipProtocol.Tcp => "TCP",
        SipProtocol.Tls => "TLS",
        SipProtocol.Ws => "WS",
        SipProtocol.Wss => "WSS",
        _ => "UDP",
    };

    /// <summary>The transport URI parameter, or empty for UDP.</summary>
    public static string UriParameter(this SipProtocol protocol) => protocol switch
    {
        SipProtocol.Tcp => ";transport=tcp",
        SipProtocol.Tls => ";transport=tls",
        SipProtocol.Ws => ";transport=ws",
        SipProtocol.Wss => ";transport=wss",
        _ => string.Empty,
    };

    /// <summary>Reliable transports: no retransmission timers (RFC 3261 17.1.1.2), connection reuse.</summary>
    public static bool IsReliable(this SipProtocol protocol) => protocol != SipProtocol.Udp;

    /// <summary>Transports that encrypt the signalling, so SDES keys may travel in the SDP (RFC 4568 8.3).</summary>
    public static bool IsSecure(this SipProtocol protocol) => protocol is SipProtocol.Tls or SipProtocol.Wss;

    /// <summary>Parses a configured transport name: udp, tcp, tls (case-insensitive).</summary>
    public static SipProtocol Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "tcp" => SipProtocol.Tcp,
        "tls" => SipProtocol.Tls,
        "ws" => SipProtocol.Ws,
        "wss" => SipProtocol.Wss,
        _ => SipProtocol.Udp,
    };
}
