using System.Net;
using Collections.Dialer.Media.Sdp;
using FsCheck;
using FsCheck.Fluent;

namespace Collections.Dialer.Tests.Media;

/// <summary>
/// Property tests (FsCheck): a session description we write reads back with the same address, port, profile, codecs in
/// order, fmtp, direction and the secure-media and ICE attributes (RFC 4566, 4568, 8122, 8839): what we offer is what the
/// peer, and our own parser, sees.
/// </summary>
public sealed class SdpRoundTripProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>Attribute values: printable, no line breaks, no surrounding spaces (the parser trims them).</summary>
    private static readonly Gen<string> Word = Gen.Elements("abcdefXYZ0123456789+/=-_.:;~".ToCharArray())
        .NonEmptyListOf().Select(cs => new string([.. cs.Take(32)]));

    private static readonly Gen<string> Words = Word.NonEmptyListOf().Select(ws => string.Join(' ', ws.Take(6)));

    private static readonly Gen<IPAddress> Address = Gen.OneOf(
        Gen.Choose(0, 255).ArrayOf(4).Select(b => new IPAddress(b.Select(x => (byte)x).ToArray())),
        Gen.Choose(0, 255).ArrayOf(16).Select(b => new IPAddress(b.Select(x => (byte)x).ToArray())));

    private static readonly Gen<AudioCodec[]> Codecs =
        from types in Gen.Shuffle(Enumerable.Range(0, 128)).Select(t => t.Take(8).ToArray())
        from count in Gen.Choose(1, 8)
        from names in Gen.Elements("PCMU", "PCMA", "opus", "telephone-event", "G722", "x-custom").ArrayOf(count)
        from rates in Gen.Elements(8000, 16000, 48000, 90000).ArrayOf(count)
        from channels in Gen.Choose(1, 2).ArrayOf(count)
        select Enumerable.Range(0, count).Select(i => new AudioCodec(types[i], names[i], rates[i], channels[i])).ToArray();

    private static readonly Gen<SessionDescription> Description =
        from id in Gen.Choose(0, int.MaxValue)
        from version in Gen.Choose(0, int.MaxValue)
        from address in Address
        from port in Gen.Choose(0, 65535)
        from profile in Gen.Elements("RTP/AVP", "RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF")
        from codecs in Codecs
        from fmtp in Words.OrNull().ArrayOf(codecs.Length)
        from direction in Gen.Elements(Enum.GetValues<MediaDirection>())
        from crypto in (from tag in Gen.Choose(0, 1000) from suite in Word from key in Word select new SdpCrypto(tag, suite, key)).ListOf()
        from fingerprint in (from hash in Gen.Elements("sha-1", "sha-256", "sha-512") from value in Word select new SdpFingerprint(hash, value)).OrNull()
        from setup in Gen.Elements("actpass", "active", "passive").OrNull()
        from hasIce in Gen.Elements(true, false)
        from ufrag in Word
        from pwd in Word
        from candidates in Words.ListOf()
        from iceLite in Gen.Elements(true, false)
        from rtcpMux in Gen.Elements(true, false)
        from mid in Word.OrNull()
        from bundle in Words.OrNull()
        from hasSsrc in Gen.Elements(true, false)
        from ssrc in Gen.Choose(0, int.MaxValue).Select(s => (uint)s * 2u)
        from cname in Word
        from msid in Words.OrNull()
        select Build(id, version, address, port, profile, codecs, fmtp, direction, crypto, fingerprint, setup,
            hasIce ? (ufrag, pwd, candidates) : null, iceLite, rtcpMux, mid, bundle, hasSsrc ? ssrc : null, cname, msid);

    private static SessionDescription Build(int id, int version, IPAddress address, int port, string profile, AudioCodec[] codecs, string?[] fmtp,
        MediaDirection direction, IEnumerable<SdpCrypto> crypto, SdpFingerprint? fingerprint, string? setup, (string Ufrag, string Pwd, IList<string> Candidates)? ice,
        bool iceLite, bool rtcpMux, string? mid, string? group, uint? ssrc, string cname, string? msid)
    {
        var sdp = new SessionDescription
        {
            SessionId = id, Version = version, Address = address, AudioPort = port, Profile = profile, Direction = direction,
            Fingerprint = fingerprint, Setup = setup, IceUfrag = ice?.Ufrag, IcePwd = ice?.Pwd, IceLite = iceLite, RtcpMux = rtcpMux,
            Mid = mid, Group = group, Ssrc = ssrc, Cname = ssrc is null ? null : cname, MsId = msid,
        };
        sdp.Codecs.AddRange(codecs);
        for (var i = 0; i < codecs.Length; i++)
        {
            // The writer gives telephone-event "0-16" when it has no fmtp (RFC 4733 7.1.1): such a codec always reads back with one.
            if ((fmtp[i] ?? (codecs[i].IsTelephoneEvent ? "0-16" : null)) is { } f)
            {
                sdp.Fmtp[codecs[i].PayloadType] = f;
            }
        }

        sdp.Crypto.AddRange(crypto);
        sdp.Candidates.AddRange(ice?.Candidates ?? []);
        return sdp;
    }

    [Fact]
    public void WriteThenParse_GivesTheSameDescription()
    {
        Prop.ForAll(Description.ToArbitrary(), sdp =>
        {
            var text = sdp.ToString();
            Assert.True(SessionDescription.TryParse(text, out var again), text);
            Assert.Equal(sdp.SessionId, again.SessionId);
            Assert.Equal(sdp.Version, again.Version);
            Assert.Equal(sdp.Address, again.Address);
            Assert.Equal(sdp.AudioPort, again.AudioPort);
            Assert.Equal(sdp.Profile, again.Profile);
            Assert.Equal(sdp.Codecs, again.Codecs);
            Assert.Equal(sdp.Fmtp.OrderBy(f => f.Key), again.Fmtp.OrderBy(f => f.Key));
            Assert.Equal(sdp.Direction, again.Direction);
            Assert.Equal(sdp.Crypto, again.Crypto);
            Assert.Equal(sdp.Fingerprint, again.Fingerprint);
            Assert.Equal(sdp.Setup, again.Setup);
            Assert.Equal((sdp.IceUfrag, sdp.IcePwd, sdp.IceLite), (again.IceUfrag, again.IcePwd, again.IceLite));
            Assert.Equal(sdp.Candidates, again.Candidates);
            Assert.Equal((sdp.RtcpMux, sdp.Mid, sdp.Group, sdp.MsId), (again.RtcpMux, again.Mid, again.Group, again.MsId));
            Assert.Equal((sdp.Ssrc, sdp.Cname), (again.Ssrc, again.Cname));
            Assert.Equal(text, again.ToString());
        }).Check(Runs);
    }
}
