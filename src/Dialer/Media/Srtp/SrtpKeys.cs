using System.Security.Cryptography;

namespace Collections.Dialer.Media.Srtp;

/// <summary>The SRTP protection profiles we speak: AES-CM with a 128-bit key and HMAC-SHA1 (RFC 3711 5, RFC 4568 6.2, RFC 5764 4.1.2).</summary>
internal enum SrtpProfile
{
    /// <summary>AES_CM_128_HMAC_SHA1_80 (SDES) or SRTP_AES128_CM_HMAC_SHA1_80 (DTLS-SRTP, 0x0001): the mandatory one.</summary>
    AesCm128HmacSha1_80,

    /// <summary>AES_CM_128_HMAC_SHA1_32 (0x0002): a 32-bit RTP tag; SRTCP keeps 80 bits (RFC 4568 6.2.2).</summary>
    AesCm128HmacSha1_32,
}

/// <summary>One direction's master key and salt (RFC 3711 8.1): 16 + 14 octets for AES-128-CM.</summary>
internal sealed record SrtpKeys(SrtpProfile Profile, byte[] MasterKey, byte[] MasterSalt)
{
    public const int KeyLength = 16;
    public const int SaltLength = 14;

    public static SrtpKeys Generate(SrtpProfile profile) =>
        new(profile, RandomNumberGenerator.GetBytes(KeyLength), RandomNumberGenerator.GetBytes(SaltLength));

    /// <summary>RFC 4568 6.1 crypto-suite names.</summary>
    public static string SuiteName(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        _ => "AES_CM_128_HMAC_SHA1_80",
    };

    public static SrtpProfile? ProfileOf(string suite) => suite.ToUpperInvariant() switch
    {
        "AES_CM_128_HMAC_SHA1_80" => SrtpProfile.AesCm128HmacSha1_80,
        "AES_CM_128_HMAC_SHA1_32" => SrtpProfile.AesCm128HmacSha1_32,
        _ => null,
    };

    /// <summary>RFC 4568 6.1: key-params "inline:" base64(master key || master salt), without lifetime or MKI.</summary>
    public string Inline => "inline:" + Convert.ToBase64String([.. MasterKey, .. MasterSalt]);

    /// <summary>Parses "inline:KEY[|lifetime][|MKI:len]"; an MKI is refused (we never negotiate one), lifetimes are accepted.</summary>
    public static SrtpKeys? ParseInline(SrtpProfile profile, string keyParams)
    {
        if (!keyParams.StartsWith("inline:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = keyParams[7..].Split('|');
        if (parts.Length > 2 || (parts.Length == 2 && parts[1].Contains(':', StringComparison.Ordinal)))
        {
            return null; // RFC 4568 6.1: an MKI field ("value:length") we did not offer
        }

        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(parts[0]);
        }
        catch (FormatException)
        {
            return null;
        }

        return raw.Length == KeyLength + SaltLength ? new SrtpKeys(profile, raw[..KeyLength], raw[KeyLength..]) : null;
    }
}
