using System.Globalization;
using System.Net;
using Collections.Dialer.Media.Dtls;
using Collections.Dialer.Media.Rtp;
using Collections.Dialer.Media.Srtp;

namespace Collections.Dialer.Media.Sdp;

/// <summary>
/// Offer and answer for one leg under its <see cref="MediaPolicy"/>, and what follows for its <see cref="RtpSession"/>:
/// SDES keys (RFC 4568) only over TLS signalling (RFC 4568 8.3: the keys travel in the SDP), DTLS-SRTP with a=fingerprint
/// and a=setup (RFC 5763, RFC 8842), ICE-lite credentials and one host candidate for browsers (RFC 8839), rtcp-mux and
/// BUNDLE (RFC 5761, RFC 8843). When the policy requires SRTP and the peer's description does not give it, the result is
/// a cause to fail the call with, never plain RTP.
/// </summary>
internal sealed class MediaNegotiator
{
    /// <summary>How long a DTLS handshake may take before the call fails (browsers finish in well under a second).</summary>
    public static readonly TimeSpan DtlsTimeout = TimeSpan.FromSeconds(15);

    private readonly MediaPolicy _policy;
    private readonly RtpSession _media;
    private readonly bool _secureSignalling;
    private readonly string _peer;
    private SrtpKeys? _localSdes;
    private SdpCrypto? _localCrypto;
    private SessionDescription? _local;

    /// <param name="policy">The leg's policy.</param>
    /// <param name="media">The leg's RTP session.</param>
    /// <param name="secureSignalling">True when the SDP travels over TLS or WSS, so SDES keys may be put in it.</param>
    /// <param name="peer">Who the leg goes to, for causes and logs ("trunk carrier", "phone 1006").</param>
    public MediaNegotiator(MediaPolicy policy, RtpSession media, bool secureSignalling, string peer)
    {
        _policy = policy;
        _media = media;
        _secureSignalling = secureSignalling;
        _peer = peer;
    }

    public MediaPolicy Policy => _policy;

    /// <summary>What was agreed, for logs and tests: "SRTP (SDES)", "SRTP (DTLS-SRTP)", "plain RTP".</summary>
    public string Outcome { get; private set; } = "plain RTP";

    /// <summary>Our offer (RFC 3264 5). Throws <see cref="MediaPolicyException"/> when the policy cannot even be offered.</summary>
    public SessionDescription CreateOffer(IPAddress address)
    {
        var sdp = SessionDescription.Offer(address, _media.LocalEndPoint.Port, _policy.Codecs);
        AddFmtp(sdp);
        if (_policy.WebRtc)
        {
            // RFC 8829 5.2.1 / RFC 8834: what a browser needs to accept our offer.
            var ice = _media.EnableIce();
            sdp.Profile = "UDP/TLS/RTP/SAVPF";
            sdp.IceLite = true;
            sdp.IceUfrag = ice.LocalUfrag;
            sdp.IcePwd = ice.LocalPassword;
            sdp.Candidates.Add(Candidate(address, _media.LocalEndPoint.Port));
            sdp.Fingerprint = new SdpFingerprint("sha-256", DtlsCertificate.Default.Fingerprint);
            sdp.Setup = "actpass"; // RFC 5763 5: the offerer must offer both roles
            sdp.RtcpMux = true;
            sdp.Mid = "0";
            sdp.Group = "BUNDLE 0";
            sdp.Ssrc = _media.Ssrc;
            sdp.Cname = "collections";
            sdp.MsId = "collections audio";
            _media.RequireProtection();
        }
        else if (_policy.Srtp != EncryptionPolicy.Off)
        {
            if (_policy.Keying == SrtpKeying.Sdes)
            {
                if (!_secureSignalling)
                {
                    if (_policy.Srtp == EncryptionPolicy.Required)
                    {
                        throw new MediaPolicyException($"SRTP with SDES keys is required for {_peer}, but its signalling is not TLS: the keys would travel in the clear (RFC 4568 8.3).");
                    }

                    _local = sdp;
                    return sdp; // preferred: no SDES over clear signalling, so plain RTP, as the log will say
                }

                _localSdes = SrtpKeys.Generate(SrtpProfile.AesCm128HmacSha1_80);
                _localCrypto = new SdpCrypto(1, SrtpKeys.SuiteName(SrtpProfile.AesCm128HmacSha1_80), _localSdes.Inline);
                sdp.Crypto.Add(_localCrypto);
                // Required: RTP/SAVP, so a peer without SRTP refuses rather than answers plain. Preferred: RTP/AVP with
                // a=crypto, which SRTP-capable peers take up and others ignore (best-effort SRTP, as baresip's "srtp").
                sdp.Profile = _policy.Srtp == EncryptionPolicy.Required ? "RTP/SAVP" : "RTP/AVP";
            }
            else
            {
                sdp.Profile = _policy.Srtp == EncryptionPolicy.Required ? "UDP/TLS/RTP/SAVP" : "RTP/AVP";
                sdp.Fingerprint = new SdpFingerprint("sha-256", DtlsCertificate.Default.Fingerprint);
                sdp.Setup = "actpass";
            }

            if (_policy.Srtp == EncryptionPolicy.Required)
            {
                _media.RequireProtection();
            }
        }

        _local = sdp;
        return sdp;
    }

    /// <summary>Applies the peer's answer to our offer; returns null when media is set up, else the cause to fail the call with.</summary>
    public string? ApplyAnswer(SessionDescription answer, IPAddress signallingPeer)
    {
        if (answer.Rejected)
        {
            return $"{_peer} rejected the audio stream (port 0 in its answer)";
        }

        if (ChooseCodec(answer) is not { } codec)
        {
            return $"{_peer} answered with no codec we offered";
        }

        _media.Codec = codec;
        _media.SetReceiveCodecs(answer.Codecs);
        _media.TelephoneEventPayloadType = answer.TelephoneEventPayloadType;
        _media.SetRemote(new IPEndPoint(answer.Address.Equals(IPAddress.Any) ? signallingPeer : answer.Address, answer.AudioPort));
        if (answer.RtcpMux && (_local?.RtcpMux ?? false))
        {
            _media.RtcpMux = true;
        }

        if (_policy.WebRtc || (_policy.Srtp != EncryptionPolicy.Off && _policy.Keying == SrtpKeying.Dtls && _local?.Fingerprint is not null))
        {
            if (answer.Fingerprint is { } fingerprint && answer.Setup is { } setup && !setup.Equals("actpass", StringComparison.OrdinalIgnoreCase))
            {
                if (_media.Ice is { } ice)
                {
                    ice.RemoteUfrag = answer.IceUfrag;
                }

                // RFC 5763 5: the answerer's "active" makes us the DTLS server, its "passive" the client.
                var role = setup.Equals("active", StringComparison.OrdinalIgnoreCase) ? DtlsRole.Server : DtlsRole.Client;
                _media.StartDtls(role, fingerprint, DtlsTimeout);
                Outcome = "SRTP (DTLS-SRTP)";
                return null;
            }

            return Plain("its answer has no usable a=fingerprint and a=setup (DTLS-SRTP)");
        }

        if (_localSdes is not null)
        {
            var crypto = answer.Crypto.FirstOrDefault(c => c.Tag == _localCrypto!.Tag && SrtpKeys.ProfileOf(c.Suite) is not null);
            if (crypto is not null && SrtpKeys.ParseInline(SrtpKeys.ProfileOf(crypto.Suite)!.Value, crypto.KeyParams) is { } remoteKeys)
            {
                var send = SrtpKeys.ProfileOf(crypto.Suite) == _localSdes.Profile ? _localSdes : _localSdes with { Profile = remoteKeys.Profile };
                _media.UseSrtp(send, remoteKeys, "SDES");
                Outcome = "SRTP (SDES)";
                return null;
            }

            return Plain("its answer has no acceptable a=crypto line (SDES)");
        }

        if (_policy.Srtp == EncryptionPolicy.Required)
        {
            return $"SRTP is required for {_peer}, but it cannot be keyed over this signalling";
        }

        return null;
    }

    /// <summary>
    /// Answers the peer's offer (RFC 3264 6); returns the answer, or null and the cause (respond 488 Not Acceptable Here).
    /// </summary>
    public (SessionDescription? Answer, string? Cause) AnswerOffer(SessionDescription offer, IPAddress address, IPAddress signallingPeer)
    {
        if (offer.Rejected)
        {
            return (null, $"{_peer} offered no audio stream");
        }

        var answer = SessionDescription.Answer(offer, address, _media.LocalEndPoint.Port, _policy.Codecs);
        if (answer is null)
        {
            return (null, $"{_peer} offered no codec we support");
        }

        AddFmtp(answer);
        var codec = answer.FirstAudioCodec!;
        _media.Codec = (AudioCodec.ByName(codec.Name) ?? codec).WithPayloadType(codec.PayloadType);
        _media.SetReceiveCodecs(answer.Codecs);
        _media.TelephoneEventPayloadType = answer.TelephoneEventPayloadType;
        _media.SetRemote(new IPEndPoint(offer.Address.Equals(IPAddress.Any) ? signallingPeer : offer.Address, offer.AudioPort));
        if (offer.RtcpMux)
        {
            answer.RtcpMux = true;
            _media.RtcpMux = true;
        }

        answer.Mid = offer.Mid;
        if (offer.Group is not null && offer.Mid is not null)
        {
            answer.Group = "BUNDLE " + offer.Mid;
        }

        var sdesOffered = offer.Crypto.FirstOrDefault(c => SrtpKeys.ProfileOf(c.Suite) is { } p && SrtpKeys.ParseInline(p, c.KeyParams) is not null);
        var canSdes = _policy.Srtp != EncryptionPolicy.Off && sdesOffered is not null && _secureSignalling;
        var canDtls = (_policy.Srtp != EncryptionPolicy.Off || _policy.WebRtc) && offer.Fingerprint is not null
                      && DtlsCertificate.FingerprintOf(offer.Fingerprint.HashFunction, []) is not null;
        if (canDtls && (offer.DtlsProfile || !canSdes || _policy.Keying == SrtpKeying.Dtls))
        {
            if (offer.IceUfrag is not null)
            {
                var ice = _media.EnableIce();
                ice.RemoteUfrag = offer.IceUfrag;
                answer.IceLite = true;
                answer.IceUfrag = ice.LocalUfrag;
                answer.IcePwd = ice.LocalPassword;
                answer.Candidates.Add(Candidate(address, _media.LocalEndPoint.Port));
            }

            // We answer "passive" to "actpass" (and to "active"), so we are the DTLS server and wait for the offerer's
            // ClientHello; "active" only when the offerer insists on being the server (RFC 4145 4.1).
            var passive = !string.Equals(offer.Setup, "passive", StringComparison.OrdinalIgnoreCase);
            answer.Setup = passive ? "passive" : "active";
            answer.Fingerprint = new SdpFingerprint("sha-256", DtlsCertificate.Default.Fingerprint);
            _media.StartDtls(passive ? DtlsRole.Server : DtlsRole.Client, offer.Fingerprint!, DtlsTimeout);
            Outcome = "SRTP (DTLS-SRTP)";
            _local = answer;
            return (answer, null);
        }

        if (canSdes)
        {
            var profile = SrtpKeys.ProfileOf(sdesOffered!.Suite)!.Value;
            var remoteKeys = SrtpKeys.ParseInline(profile, sdesOffered.KeyParams)!;
            _localSdes = SrtpKeys.Generate(profile);
            _localCrypto = new SdpCrypto(sdesOffered.Tag, sdesOffered.Suite, _localSdes.Inline);
            answer.Crypto.Add(_localCrypto);
            _media.UseSrtp(_localSdes, remoteKeys, "SDES");
            Outcome = "SRTP (SDES)";
            _local = answer;
            return (answer, null);
        }

        if (_policy.Srtp == EncryptionPolicy.Required || _policy.WebRtc)
        {
            var why = sdesOffered is not null && !_secureSignalling
                ? "it offered SDES keys over signalling that is not TLS (RFC 4568 8.3)"
                : "its offer has no SRTP we can use";
            return (null, $"SRTP is required for {_peer}, but {why}");
        }

        if (offer.SecureProfile)
        {
            return (null, $"{_peer} offered only SRTP ({offer.Profile}) and SRTP is off for it");
        }

        answer.Profile = SessionDescription.AvpProfile;
        _local = answer;
        return (answer, null);
    }

    /// <summary>Our current description in answer form, for a re-INVITE or UPDATE that keeps the session (RFC 3264 8).</summary>
    public SessionDescription? Current => _local;

    private string? Plain(string why)
    {
        if (_policy.Srtp == EncryptionPolicy.Required || _policy.WebRtc)
        {
            return $"SRTP is required for {_peer}, but {why}";
        }

        Outcome = "plain RTP (SRTP preferred, " + why + ")";
        _media.UseSrtpNone();
        return null;
    }

    private AudioCodec? ChooseCodec(SessionDescription answer)
    {
        foreach (var offered in answer.Codecs.Where(c => !c.IsTelephoneEvent))
        {
            if (_policy.Codecs.FirstOrDefault(c => c.SameAs(offered) || (c.IsG711 && c.Name.Equals(offered.Name, StringComparison.OrdinalIgnoreCase))) is { } ours)
            {
                return ours.WithPayloadType(offered.PayloadType);
            }
        }

        return null;
    }

    private static void AddFmtp(SessionDescription sdp)
    {
        foreach (var codec in sdp.Codecs.Where(c => c.IsOpus && !sdp.Fmtp.ContainsKey(c.PayloadType)))
        {
            // RFC 7587 7: mono is all we send; in-band FEC helps over lossy Wi-Fi.
            sdp.Fmtp[codec.PayloadType] = "minptime=10;useinbandfec=1";
        }
    }

    /// <summary>RFC 8839 5.1: one host candidate, component 1 (rtcp-mux), the highest host priority.</summary>
    private static string Candidate(IPAddress address, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"1 1 udp 2130706431 {address} {port} typ host");
}

/// <summary>A leg's encryption policy cannot be met: the message is the cause the call fails with.</summary>
internal sealed class MediaPolicyException(string message) : Exception(message);
