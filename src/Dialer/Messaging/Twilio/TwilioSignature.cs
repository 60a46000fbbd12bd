using System.Security.Cryptography;
using System.Text;

namespace Collections.Dialer.Messaging.Twilio;

/// <summary>The X-Twilio-Signature of a webhook request: computed when we sign (the fake server) and checked when we receive.</summary>
/// <remarks>Twilio's "Secure webhooks" documentation: take the full URL Twilio requested (scheme, host, path and query),
/// append every POST parameter sorted by name as name followed by value with no separators, compute HMAC-SHA1 of that
/// UTF-8 string with the account's auth token as key, and base64-encode the digest.</remarks>
public static class TwilioSignature
{
    /// <summary>The HTTP header that carries the signature.</summary>
    public const string Header = "X-Twilio-Signature";

    /// <summary>Computes the signature of a request to <paramref name="url"/> with form <paramref name="parameters"/>.</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        // Ordinal sort by name; a repeated name keeps its values in order (Twilio sorts the pairs, values as given).
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Whether <paramref name="signature"/> has the shape of one (base64 of a 20-byte HMAC-SHA1), so a request without it is
    /// refused before its body is read; whether it matches is known only after the form has been read.
    /// </summary>
    public static bool LooksSigned(string? signature)
    {
        Span<byte> mac = stackalloc byte[20];
        return signature is { Length: 28 } && Convert.TryFromBase64String(signature, mac, out var n) && n == 20;
    }

    /// <summary>True when <paramref name="signature"/> matches; the comparison takes the same time wherever the first difference is.</summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, parameters));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
