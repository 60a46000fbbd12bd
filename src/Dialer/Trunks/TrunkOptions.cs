using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Trunks;

/// <summary>One SIP trunk to a carrier: where to send, how to authenticate, what to present, how much to use it.</summary>
internal sealed class TrunkOptions
{
    /// <summary>Outbound proxy or carrier host, "host[:port]"; in-dialog requests follow Record-Route.</summary>
    [Required]
    public string Proxy { get; set; } = string.Empty;

    /// <summary>Registrar "host[:port]" when the carrier wants us registered; empty for IP-authenticated trunks.</summary>
    public string? Registrar { get; set; }

    /// <summary>Domain used in From and in Request-URIs built from plain numbers; defaults to the proxy host.</summary>
    public string? Domain { get; set; }

    /// <summary>udp, tcp or tls. With tls the trunk requires TLS (RFC 5630): a peer that does not speak it is refused, never used in the clear.</summary>
    [RegularExpression("^(udp|tcp|tls)$", ErrorMessage = "Transport must be udp, tcp or tls.")]
    public string Transport { get; set; } = "udp";

    /// <summary>How the carrier's TLS certificate is checked, and our own for mutual TLS (with Transport tls).</summary>
    public TrunkTlsOptions Tls { get; set; } = new();

    /// <summary>Media encryption: off, preferred or required. Required fails a call the carrier will not encrypt, with the cause.</summary>
    [RegularExpression(Media.Srtp.MediaPolicy.PolicyPattern, ErrorMessage = "Srtp must be off, preferred or required.")]
    public string Srtp { get; set; } = "off";

    /// <summary>sdes (keys in the SDP, RFC 4568; needs Transport tls) or dtls (DTLS-SRTP on the media path, RFC 5764).</summary>
    [RegularExpression(Media.Srtp.MediaPolicy.KeyingPattern, ErrorMessage = "SrtpKeying must be sdes or dtls.")]
    public string SrtpKeying { get; set; } = "sdes";

    /// <summary>Why this trunk's encryption settings cannot work together, or null.</summary>
    public string? SecurityProblem()
    {
        if (Media.Srtp.MediaPolicy.ParsePolicy(Srtp) == Media.Srtp.EncryptionPolicy.Required && Media.Srtp.MediaPolicy.ParseKeying(SrtpKeying) == Media.Srtp.SrtpKeying.Sdes
            && !string.Equals(Transport, "tls", StringComparison.OrdinalIgnoreCase))
        {
            return "Srtp required with SrtpKeying sdes needs Transport tls: SDES keys travel in the SIP message (RFC 4568 8.3)";
        }

        if ((!string.IsNullOrEmpty(Tls.ClientCertificate) || !string.IsNullOrEmpty(Tls.CaCertificate)) && !string.Equals(Transport, "tls", StringComparison.OrdinalIgnoreCase))
        {
            return "Tls settings are given but Transport is not tls";
        }

        foreach (var (key, path) in new[] { ("Tls:CaCertificate", Tls.CaCertificate), ("Tls:ClientCertificate", Tls.ClientCertificate), ("Tls:ClientKey", Tls.ClientKey) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                return $"{key} file '{path}' does not exist";
            }
        }

        return null;
    }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Number presented as caller ID (E.164); it must be a number the debtor can call back.</summary>
    [Required]
    [RegularExpression(@"^\+?[0-9]{3,15}$", ErrorMessage = "CallerId must be a callable number.")]
    public string CallerId { get; set; } = "0000";

    [Range(1, 10000)]
    public int MaxConcurrentCalls { get; set; } = 30;

    /// <summary>Codec preference, first is preferred: PCMU, PCMA.</summary>
    [MinLength(1)]
    public List<string> Codecs { get; set; } = ["PCMU", "PCMA"];

    [Range(60, 86400)]
    public int RegisterExpiresSeconds { get; set; } = 3600;

    /// <summary>OPTIONS keep-alive interval to the proxy; 0 disables it.</summary>
    [Range(0, 3600)]
    public int OptionsKeepAliveSeconds { get; set; } = 30;
}

/// <summary>TLS to a carrier (RFC 5630): how its certificate is checked, and our certificate when it wants mutual TLS.</summary>
internal sealed class TrunkTlsOptions
{
    /// <summary>Check the carrier's certificate (chain and name). Turn off only for a lab peer with a throw-away certificate.</summary>
    public bool VerifyCertificate { get; set; } = true;

    /// <summary>PEM file of the CA(s) to trust for this carrier instead of the system's roots (a private PKI).</summary>
    public string? CaCertificate { get; set; }

    /// <summary>Name the carrier's certificate must carry (SNI as well); defaults to the proxy's host.</summary>
    public string? ServerName { get; set; }

    /// <summary>Our certificate for mutual TLS: a PEM file (with <see cref="ClientKey"/>) or a PKCS#12 file (.pfx, .p12).</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificate"/>.</summary>
    public string? ClientKey { get; set; }

    /// <summary>Password of a PKCS#12 <see cref="ClientCertificate"/>.</summary>
    public string? ClientCertificatePassword { get; set; }
}

/// <summary>All trunks by name, bound from configuration section <see cref="Section"/>.</summary>
internal sealed class TrunksOptions
{
    public const string Section = "Dialer:Trunks";

    public Dictionary<string, TrunkOptions> Trunks { get; } = new(StringComparer.OrdinalIgnoreCase);
}
