using System.Globalization;
using System.Net;
using System.Text;

namespace Collections.Dialer.Media.Sdp;

/// <summary>An audio codec we can offer: RTP payload type, encoding name and clock rate (RFC 3551 table 4).</summary>
internal sealed record AudioCodec(int PayloadType, string Name, int ClockRate)
{
    public static readonly AudioCodec Pcmu = new(0, "PCMU", 8000);
    public static readonly AudioCodec Pcma = new(8, "PCMA", 8000);

    /// <summary>RFC 4733 telephone-event; 101 is the customary dynamic payload type.</summary>
    public static readonly AudioCodec TelephoneEvent = new(101, "telephone-event", 8000);

    public static AudioCodec? ByName(string name) => name.ToUpperInvariant() switch
    {
        "PCMU" => Pcmu,
        "PCMA" => Pcma,
        _ => null,
    };
}

internal enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>The parts of an SDP session description (RFC 4566) that a G.711 audio call uses.</summary>
internal sealed class SessionDescription
{
    public long SessionId { get; init; }

    public long Version { get; set; }

    public IPAddress Address { get; set; } = IPAddress.Loopback;

    public int AudioPort { get; set; }

    /// <summary>Payload types in preference order, with their rtpmap names.</summary>
    public List<AudioCodec> Codecs { get; } = [];

    public MediaDirection Direction { get; set; } = MediaDirection.SendRecv;

    public int? TelephoneEventPayloadType => Codecs.FirstOrDefault(c => c.Name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase))?.PayloadType;

    public AudioCodec? FirstAudioCodec => Codecs.FirstOrDefault(c => !c.Name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase));

    public static SessionDescription Offer(IPAddress address, int port, IEnumerable<AudioCodec> preference)
    {
        var sdp = new SessionDescription { SessionId = Random.Shared.NextInt64(1, int.MaxValue), Address = address, AudioPort = port };
        sdp.Codecs.AddRange(preference);
        sdp.Codecs.Add(AudioCodec.TelephoneEvent);
        return sdp;
    }

    /// <summary>
    /// RFC 3264 6.1: answer with the offered codecs we support, in the offerer's order, keeping the
    /// offerer's payload type for telephone-event; null when nothing is common (answer with 488).
    /// </summary>
    public static SessionDescription? Answer(SessionDescription offer, IPAddress address, int port, IEnumerable<AudioCodec> supported)
    {
        var ours = supported.ToList();
        var answer = new SessionDescription { SessionId = Random.Shared.NextInt64(1, int.MaxValue), Address = address, AudioPort = port };
        foreach (var c in offer.Codecs)
        {
            if (ours.Any(o => o.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase)) || c.Name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase))
            {
                answer.Codecs.Add(c);
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
        var rtpmaps = new Dictionary<int, (string Name, int Rate)>();
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
                        else
                        {
                            sessionAddress = addr;
                        }
                    }

                    break;
                case 'm':
                    inAudio = value.StartsWith("audio ", StringComparison.Ordinal) && !sawAudio;
                    if (inAudio)
                    {
                        sawAudio = true;
                        var m = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (m.Length < 4 || !int.TryParse(m[1].Split('/')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                        {
                            return false;
                        }

                        sdp.AudioPort = port;
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
                    if (value.StartsWith("rtpmap:", StringComparison.Ordinal))
                    {
                        var sp = value.IndexOf(' ', StringComparison.Ordinal);
                        if (sp > 7 && int.TryParse(value[7..sp], NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
                        {
                            var enc = value[(sp + 1)..].Split('/');
                            var rate = enc.Length > 1 && int.TryParse(enc[1], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 8000;
                            rtpmaps[pt] = (enc[0], rate);
                        }
                    }
                    else
                    {
                        sdp.Direction = value switch
                        {
                            "sendonly" => MediaDirection.SendOnly,
                            "recvonly" => MediaDirection.RecvOnly,
                            "inactive" => MediaDirection.Inactive,
                            "sendrecv" => MediaDirection.SendRecv,
                            _ => sdp.Direction,
                        };
                    }

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
                ? new AudioCodec(pt, map.Name, map.Rate)
                : pt switch { 0 => AudioCodec.Pcmu, 8 => AudioCodec.Pcma, _ => null };
            if (codec is not null)
            {
                sdp.Codecs.Add(codec);
            }
        }

        return true;
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
        sb.Append(CultureInfo.InvariantCulture, $"m=audio {AudioPort} RTP/AVP {string.Join(' ', Codecs.Select(c => c.PayloadType))}\r\n");
        foreach (var c in Codecs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{c.PayloadType} {c.Name}/{c.ClockRate}\r\n");
            if (c.Name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{c.PayloadType} 0-16\r\n");
            }
        }

        sb.Append("a=ptime:20\r\n");
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
