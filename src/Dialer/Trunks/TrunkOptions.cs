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

    [RegularExpression("^(udp|tcp)$", ErrorMessage = "Transport must be udp or tcp.")]
    public string Transport { get; set; } = "udp";

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

/// <summary>All trunks by name, bound from configuration section <see cref="Section"/>.</summary>
internal sealed class TrunksOptions
{
    public const string Section = "Dialer:Trunks";

    public Dictionary<string, TrunkOptions> Trunks { get; } = new(StringComparer.OrdinalIgnoreCase);
}
