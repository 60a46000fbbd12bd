using System.Net;
using Collections.Dialer.Calls;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Collections.Dialer.Sip;

namespace Collections.Dialer.Trunks;

/// <summary>
/// What a trunk's options mean for one call: where the INVITE goes and over which transport, how TLS to the carrier is
/// checked (and our certificate for mutual TLS), and the media policy. Built once per trunk, used by the host's outbound
/// calls and the dial verb alike.
/// </summary>
internal sealed record TrunkRoute(string Name, IPEndPoint Proxy, string ProxyHost, SipProtocol Protocol, MediaPolicy Media, SipTlsClientSettings? Tls, TrunkOptions Options)
{
    public static TrunkRoute From(string name, TrunkOptions options)
    {
        if (options.SecurityProblem() is { } problem)
        {
            throw new InvalidOperationException($"{TrunksOptions.Section}:{name}: {problem}.");
        }

        var protocol = SipProtocols.Parse(options.Transport);
        var proxyUri = SipUri.Parse((protocol == SipProtocol.Tls ? "sips:" : "sip:") + options.Proxy);
        var codecs = options.Codecs.Select(AudioCodec.ByName).OfType<AudioCodec>().ToList();
        var media = new MediaPolicy(MediaPolicy.ParsePolicy(options.Srtp), MediaPolicy.ParseKeying(options.SrtpKeying), false, codecs);
        SipTlsClientSettings? tls = null;
        if (protocol == SipProtocol.Tls)
        {
            var t = options.Tls;
            var roots = string.IsNullOrEmpty(t.CaCertificate) ? null : SipCertificates.LoadRoots(t.CaCertificate);
            var mine = string.IsNullOrEmpty(t.ClientCertificate) ? null : SipCertificates.Load(t.ClientCertificate, t.ClientKey, t.ClientCertificatePassword);
            tls = new SipTlsClientSettings(t.ServerName ?? proxyUri.Host, t.VerifyCertificate, roots, mine);
        }

        return new TrunkRoute(name, proxyUri.ToEndPoint(), proxyUri.Host, protocol, media, tls, options);
    }

    /// <summary>Tells the transport how to open TLS to the carrier's proxy and registrar.</summary>
    public void Prepare(SipTransport transport)
    {
        if (Tls is null)
        {
            return;
        }

        transport.SetTlsClient(Proxy, Tls);
        if (!string.IsNullOrEmpty(Options.Registrar))
        {
            transport.SetTlsClient(SipUri.Parse("sips:" + Options.Registrar).ToEndPoint(), Tls);
        }
    }

    /// <summary>The registrar's URI on the trunk's transport.</summary>
    public string? RegistrarUri => string.IsNullOrEmpty(Options.Registrar) ? null : (Protocol == SipProtocol.Tls ? "sips:" : "sip:") + Options.Registrar + TransportParameter;

    /// <summary>The proxy's URI (OPTIONS keep-alive) on the trunk's transport.</summary>
    public string ProxyUri => (Protocol == SipProtocol.Tls ? "sips:" : "sip:") + Options.Proxy + TransportParameter;

    private string TransportParameter => Protocol == SipProtocol.Tcp ? ";transport=tcp" : string.Empty;

    /// <summary>A call to <paramref name="target"/> through this trunk.</summary>
    public OutboundCallRequest Call(string target, TimeSpan ringTimeout, string? username = null, string? password = null) =>
        new(target, Proxy, Protocol, Options.CallerId, ringTimeout, Media.Codecs, username ?? Options.Username, password ?? Options.Password,
            ViaProxy: true, Media: Media, Peer: $"trunk {Name}");

    /// <summary>A number (or user) to the Request-URI the carrier expects: sips over TLS (RFC 5630 3.1.3).</summary>
    public string TargetFor(string number) => $"{(Protocol == SipProtocol.Tls ? "sips" : "sip")}:{number}@{Options.Domain ?? ProxyHost}";
}
