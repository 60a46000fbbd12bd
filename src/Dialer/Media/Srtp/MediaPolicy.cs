using Collections.Dialer.Media.Sdp;

namespace Collections.Dialer.Media.Srtp;

/// <summary>Whether a leg's media must, may or must not be encrypted.</summary>
internal enum EncryptionPolicy
{
    /// <summary>Plain RTP; an offer of SRTP is answered with plain RTP.</summary>
    Off,

    /// <summary>SRTP when the peer can (offered alongside plain RTP); plain RTP otherwise, and the log says so.</summary>
    Preferred,

    /// <summary>SRTP or no call: an offer or answer without it fails the call with a cause, never falls back.</summary>
    Required,
}

/// <summary>How SRTP keys are agreed: in the SDP (SDES, RFC 4568; only over TLS signalling) or by a DTLS handshake on the media path (RFC 5764).</summary>
internal enum SrtpKeying
{
    Sdes,
    Dtls,
}

/// <summary>
/// How one leg's media is set up: encryption policy and keying, codecs in preference order, and whether the peer is a
/// browser (WebRTC: ICE-lite, DTLS-SRTP, rtcp-mux, BUNDLE, AVPF profile; RFC 8829 and RFC 8834).
/// </summary>
internal sealed record MediaPolicy(EncryptionPolicy Srtp, SrtpKeying Keying, bool WebRtc, IReadOnlyList<AudioCodec> Codecs)
{
    /// <summary>Plain RTP with these codecs: what every leg did before encryption existed.</summary>
    public static MediaPolicy Plain(IReadOnlyList<AudioCodec> codecs) => new(EncryptionPolicy.Off, SrtpKeying.Sdes, false, codecs);

    /// <summary>A browser phone: WebRTC mandates DTLS-SRTP (RFC 8827 6.5); Opus first, G.711 as browsers also offer it.</summary>
    public static MediaPolicy Browser { get; } = new(EncryptionPolicy.Required, SrtpKeying.Dtls, true, [AudioCodec.Opus, AudioCodec.Pcmu, AudioCodec.Pcma]);

    /// <summary>Parses "off", "preferred", "required" (configuration values, case-insensitive).</summary>
    public static EncryptionPolicy ParsePolicy(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "off" => EncryptionPolicy.Off,
        "preferred" => EncryptionPolicy.Preferred,
        "required" => EncryptionPolicy.Required,
        _ => throw new FormatException($"'{value}' is not off, preferred or required."),
    };

    /// <summary>Parses "sdes" or "dtls".</summary>
    public static SrtpKeying ParseKeying(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sdes" => SrtpKeying.Sdes,
        "dtls" => SrtpKeying.Dtls,
        _ => throw new FormatException($"'{value}' is not sdes or dtls."),
    };

    /// <summary>Regular expression the configuration's policy values are validated with.</summary>
    public const string PolicyPattern = "^(?i)(off|preferred|required)$";

    /// <summary>Regular expression the configuration's keying values are validated with.</summary>
    public const string KeyingPattern = "^(?i)(sdes|dtls)$";
}
