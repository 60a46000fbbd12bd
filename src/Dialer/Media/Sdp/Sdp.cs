using System.Globalization;
using System.Net;
using System.Text;

namespace Collections.Dialer.Media.Sdp;

/// <summary>An audio codec we can offer: RTP payload type, encoding name, clock rate and channels (RFC 3551 table 4, RFC 7587).</summary>
internal sealed record AudioCodec(int PayloadType, string Name, int ClockRate, int Channels = 1)
{
    public static readonly AudioCodec Pcmu = new(0, "PCMU", 8000);
    public static readonly AudioCodec Pcma = new(8, "PCMA", 8000);

    /// <summary>RFC 7587 4.1: Opus is always opus/48000/2 in SDP, whatever is encoded; 111 is the customary dynamic type (browsers use it).</summary>
    public static readonly AudioCodec Opus = new(111, "opus", 48000, 2);

    /// <summary>RFC 4733 telephone-event; 101 is the customary dynamic payload type.</summary>
    public static readonly AudioCodec TelephoneEvent = new(101, "telephone-event", 8000);

    public bool IsOpus => Name.Equals("opus", StringComparison.OrdinalIgnoreCase);

    public bool IsG711 => Name.Equals("PCMU", StringComparison.OrdinalIgnoreCase) || Name.Equals("PCMA", StringComparison.OrdinalIgnoreCase);

    public bool IsTelephoneEvent => Name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase);

    /// <summary>RTP timestamp units per 8 kHz sample: 6 for Opus's 48 kHz clock, 1 for G.711.</summary>
    public int ClockMultiplier => Math.Max(1, ClockRate / 8000);

    public static AudioCodec? ByName(string name) => name.ToUpperInvariant() switch
    {
        "PCMU" => Pcmu,
        "PCMA" => Pcma,
        "OPUS" => Opus,
        _ => null,
    };

    /// <summary>Same codec (name and clock rate), whatever payload type each side gave it.</summary>
    public bool SameAs(AudioCodec other) => Name.Equals(other.Name, StringComparison.OrdinalIgnoreCase) && ClockRate == other.ClockRate;

    /// <summary>This codec with the payload type the peer chose for it (dynamic types are the offerer's, RFC 3264 6.1).</summary>
    public AudioCodec WithPayloadType(int payloadType) => this with { PayloadType = payloadType };
}

internal enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>An a=crypto line (RFC 4568 9.1): tag, crypto-suite and key parameters.</summary>
internal sealed record SdpCrypto(int Tag, string Suite, string KeyParams)
{
    public override string ToString() => $"{Tag.ToString(CultureInfo.InvariantCulture)} {Suite} {KeyParams}";

    public static SdpCrypto? Parse(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tag)
            ? new SdpCrypto(tag, parts[1], parts[2])
            : null;
    }
}

/// <summary>An a=fingerprint (RFC 8122 5): hash function and the certificate's hash.</summary>
internal sealed record SdpFingerprint(string HashFunction, string Value)
{
    public override string ToString() => $"{HashFunction} {Value}";
}

/// <summary>
/// The parts of an SDP session description (RFC 4566) that an audio call uses: address, port, profile, codecs, direction,
/// and what secure and browser media need: a=crypto (RFC 4568), a=fingerprint and a=setup (RFC 8122, RFC 5763), ICE
/// (RFC 8839), a=rtcp-mux (RFC 5761), a=mid and BUNDLE (RFC 8843), a=ssrc/a=msid.
/// </summary>
internal sealed class SessionDescription
{
    public const string AvpProfile = "RTP/AVP";

    public long SessionId { get; init; }

    public long Version { get; set; }

    public IPAddress Address { get; set; } = IPAddress.Loopback;

    public int AudioPort { get; set; }

    /// <summary>The m-line's transport protocol: RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVP, UDP/TLS/RTP/SAVPF...</summary>
    public string Profile { get; set; } = AvpProfile;

    /// <summary>Payload types in preference order, with their rtpmap names.</summary>
    public List<AudioCodec> Codecs { get; } = [];

    public Dictionary<int, string> Fmtp { get; } = [];

    public MediaDirection Direction { get; set; } = MediaDirection.SendRecv;

    public List<SdpCrypto> Crypto { get; } = [];

    public SdpFingerprint? Fingerprint { get; set; }

    /// <summary>a=setup: actpass, active or passive (RFC 4145 4, RFC 5763 5).</summary>
    public string? Setup { get; set; }

    public string? IceUfrag { get; set; }

    public string? IcePwd { get; set; }

    public bool IceLite { get; set; }

    public List<string> Candidates { get; } = [];

    public bool RtcpMux { get; set; }

    public string? Mid { get; set; }

    /// <summary>a=group value at session level, e.g. "BUNDLE 0".</summary>
    public string? Group { get; set; }

    public uint? Ssrc { get; set; }

    public string? Cname { get; set; }

    public string? MsId { get; set; }

    /// <summary>True when the profile is SRTP (SAVP or SAVPF, also over UDP/TLS).</summary>
    public bool SecureProfile => Profile.Contains("SAVP", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the profile says DTLS-SRTP (RFC 5764 8).</summary>
    public bool DtlsProfile => Profile.StartsWith("UDP/TLS/", StringComparison.OrdinalIgnoreCase);

    /// <summary>A port of zero rejects the stream (RFC 3264 6).</summary>
    public bool Rejected => AudioPort == 0;

    public int? TelephoneEventPayloadType => Codecs.FirstOrDefault(c => c.IsTelephoneEvent && c.ClockRate == 8000)?.PayloadType
        ?? Codecs.FirstOrDefault(c => c.IsTelephoneEvent)?.PayloadType;

    public AudioCodec? FirstAudioCodec => Codecs.FirstOrDefault(c => !c.IsTelephoneEvent);

    public static SessionDescription Offer(IPAddress address, int port, IEnumerable<AudioCodec> preference)
    {
        var sdp = new SessionDescription { SessionId = Random.Shared.NextInt64(1, int.MaxValue), Address = address, AudioPort = port };
        sdp.Codecs.AddRange(preference);
        sdp.Codecs.Add(AudioCodec.TelephoneEvent);
        return sdp;
    }

    /// <summary>
    /// RFC 3264 6.1: answer with the offered codecs we support, in the offerer's order and with the offerer's payload
    /// types, keeping telephone-event; null when nothing is common (answer with 488).
    /// </summary>
    public static SessionDescription? Answer(SessionDescription offer, IPAddress address, int port, IEnumerable<AudioCodec> supported)
    {
        var ours = supported.ToList();
        var answer = new SessionDescription { SessionId = Random.Shared.NextInt64(1, int.MaxValue), Address = address, AudioPort = port, Profile = offer.Profile };
        foreach (var c in offer.Codecs)
        {
            if (ours.Any(o => o.SameAs(c) || (o.IsG711 && o.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase))) || c.IsTelephoneEvent)
            {
                answer.Codecs.Add(c);
                if (offer.Fmtp.TryGetValue(c.PayloadType, out var fmtp))
                {
                    answer.Fmtp[c.PayloadType] = fmtp;
                }
            }
        }

        answer.Direction = offer.Direction switch
        {
            MediaDirection.SendOnly => MediaDirection.RecvOnly,
            MediaDirection.RecvOnly => MediaDirection.SendOnly,
            var d => d,
        };
        return answer.FirstAudioCodec is null ? null : answer;
    }

    public static bool TryParse(string text, out SessionDescription sdp)
    {
        sdp = new SessionDescription();
        var inAudio = false;
        var sawAudio = false;
        var inOtherMedia = false;
        var rtpmaps = new Dictionary<int, (string Name, int Rate, int Channels)>();
        var formats = new List<int>();
        IPAddress? sessionAddress = null;
        IPAddress? mediaAddress = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'o':
                    var o = value.Split(' ');
                    if (o.Length >= 3)
                    {
                        _ = long.TryParse(o[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id);
                        _ = long.TryParse(o[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ver);
                        sdp = new SessionDescription { SessionId = id, Version = ver };
                    }

                    break;
                case 'c':
                    var c = value.Split(' ');
                    if (c.Length >= 3 && IPAddress.TryParse(c[2].Split('/')[0], out var addr))
                    {
                        if (inAudio)
                        {
                            mediaAddress = addr;
                        }
                        else if (!inOtherMedia)
                        {
                            sessionAddress = addr;
                        }
                    }

                    break;
                case 'm':
                    inAudio = value.StartsWith("audio ", StringComparison.Ordinal) && !sawAudio;
                    inOtherMedia = !inAudio;
                    if (inAudio)
                    {
                        sawAudio = true;
                        var m = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (m.Length < 4 || !int.TryParse(m[1].Split('/')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                        {
                            return false;
                        }

                        sdp.AudioPort = port;
                        sdp.Profile = m[2];
                        foreach (var f in m.Skip(3))
                        {
                            if (int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
                            {
                                formats.Add(pt);
                            }
                        }
                    }

                    break;
                case 'a' when inAudio:
                    ParseMediaAttribute(sdp, value, rtpmaps);
                    break;
                case 'a' when !inOtherMedia:
                    ParseSessionAttribute(sdp, value);
                    break;
            }
        }

        if (!sawAudio)
        {
            return false;
        }

        sdp.Address = mediaAddress ?? sessionAddress ?? IPAddress.Any;
        foreach (var pt in formats)
        {
            // RFC 3551: static payload types 0 and 8 need no rtpmap.
            var codec = rtpmaps.TryGetValue(pt, out var map)
                ? new AudioCodec(pt, map.Name, map.Rate, map.Channels)
                : pt switch { 0 => AudioCodec.Pcmu, 8 => AudioCodec.Pcma, _ => null };
            if (codec is not null)
            {
                sdp.Codecs.Add(codec);
            }
        }

        return true;
    }

    /// <summary>Attributes that may stand at session level and apply to the media unless it says otherwise (RFC 8122, RFC 8839).</summary>
    private static void ParseSessionAttribute(SessionDescription sdp, string value)
    {
        var (name, arg) = Split(value);
        switch (name)
        {
            case "fingerprint":
                sdp.Fingerprint = ParseFingerprint(arg) ?? sdp.Fingerprint;
                break;
            case "setup":
                sdp.Setup = arg;
                break;
            case "ice-ufrag":
                sdp.IceUfrag = arg;
                break;
            case "ice-pwd":
                sdp.IcePwd = arg;
                break;
            case "ice-lite":
                sdp.IceLite = true;
                break;
            case "group":
                sdp.Group = arg;
                break;
        }
    }

    private static void ParseMediaAttribute(SessionDescription sdp, string value, Dictionary<int, (string Name, int Rate, int Channels)> rtpmaps)
    {
        var (name, arg) = Split(value);
        switch (name)
        {
            case "rtpmap":
                var sp = arg?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
                if (sp > 0 && int.TryParse(arg![..sp], NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
                {
                    var enc = arg[(sp + 1)..].Split('/');
                    var rate = enc.Length > 1 && int.TryParse(enc[1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 8000;
                    var channels = enc.Length > 2 && int.TryParse(enc[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ch) ? ch : 1;
                    rtpmaps[pt] = (enc[0], rate, channels);
                }

                break;
            case "fmtp":
                var fs = arg?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
                if (fs > 0 && int.TryParse(arg![..fs], NumberStyles.None, CultureInfo.InvariantCulture, out var fpt))
                {
                    sdp.Fmtp[fpt] = arg[(fs + 1)..];
                }

                break;
            case "crypto":
                if (arg is not null && SdpCrypto.Parse(arg) is { } crypto)
                {
                    sdp.Crypto.Add(crypto);
                }

                break;
            case "candidate":
                if (arg is not null)
                {
                    sdp.Candidates.Add(arg);
                }

                break;
            case "rtcp-mux":
                sdp.RtcpMux = true;
                break;
            case "mid":
                sdp.Mid = arg;
                break;
            case "msid":
                sdp.MsId = arg;
                break;
            case "ssrc":
                var parts = arg?.Split(' ', 2) ?? [];
                if (parts.Length == 2 && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc))
                {
                    sdp.Ssrc ??= ssrc;
                    if (parts[1].StartsWith("cname:", StringComparison.Ordinal))
                    {
                        sdp.Cname ??= parts[1][6..];
                    }
                }

                break;
            case "sendonly":
                sdp.Direction = MediaDirection.SendOnly;
                break;
            case "recvonly":
                sdp.Direction = MediaDirection.RecvOnly;
                break;
            case "inactive":
                sdp.Direction = MediaDirection.Inactive;
                break;
            case "sendrecv":
                sdp.Direction = MediaDirection.SendRecv;
                break;
            default:
                ParseSessionAttribute(sdp, value);
                break;
        }
    }

    private static (string Name, string? Arg) Split(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (value.Trim(), null) : (value[..colon].Trim(), value[(colon + 1)..].Trim());
    }

    private static SdpFingerprint? ParseFingerprint(string? arg)
    {
        var parts = arg?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return parts.Length == 2 ? new SdpFingerprint(parts[0].ToLowerInvariant(), parts[1]) : null;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        var ip = Address.ToString();
        var family = Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        sb.Append("v=0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"o=collections {SessionId} {Version} IN {family} {ip}\r\n");
        sb.Append("s=collections\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"c=IN {family} {ip}\r\n");
        sb.Append("t=0 0\r\n");
        if (Group is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=group:{Group}\r\n");
        }

        if (IceLite)
        {
            sb.Append("a=ice-lite\r\n"); // RFC 8839 5.3: session level only
        }

        sb.Append(CultureInfo.InvariantCulture, $"m=audio {AudioPort} {Profile} {string.Join(' ', Codecs.Select(c => c.PayloadType))}\r\n");
        if (Mid is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=mid:{Mid}\r\n");
        }

        foreach (var c in Codecs)
        {
            var channels = c.Channels > 1 ? "/" + c.Channels.ToString(CultureInfo.InvariantCulture) : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{c.PayloadType} {c.Name}/{c.ClockRate}{channels}\r\n");
            if (Fmtp.TryGetValue(c.PayloadType, out var fmtp))
            {
                sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{c.PayloadType} {fmtp}\r\n");
            }
            else if (c.IsTelephoneEvent)
            {
                sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{c.PayloadType} 0-16\r\n");
            }
        }

        sb.Append("a=ptime:20\r\n");
        if (IceUfrag is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=ice-ufrag:{IceUfrag}\r\na=ice-pwd:{IcePwd}\r\n");
            foreach (var candidate in Candidates)
            {
                sb.Append(CultureInfo.InvariantCulture, $"a=candidate:{candidate}\r\n");
            }

            sb.Append("a=end-of-candidates\r\n");
        }

        if (Fingerprint is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=fingerprint:{Fingerprint}\r\n");
        }

        if (Setup is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=setup:{Setup}\r\n");
        }

        foreach (var crypto in Crypto)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=crypto:{crypto}\r\n");
        }

        if (RtcpMux)
        {
            sb.Append("a=rtcp-mux\r\n");
        }

        if (MsId is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=msid:{MsId}\r\n");
        }

        if (Ssrc is { } ssrc)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=ssrc:{ssrc} cname:{Cname ?? "collections"}\r\n");
        }

        sb.Append(Direction switch
        {
            MediaDirection.SendOnly => "a=sendonly\r\n",
            MediaDirection.RecvOnly => "a=recvonly\r\n",
            MediaDirection.Inactive => "a=inactive\r\n",
            _ => "a=sendrecv\r\n",
        });
        return sb.ToString();
    }
}
