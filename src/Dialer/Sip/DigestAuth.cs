using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Collections.Dialer.Sip;

/// <summary>A parsed WWW-Authenticate or Proxy-Authenticate (or Authorization) Digest header (RFC 2617 3.2.1, RFC 8760).</summary>
internal sealed record DigestChallenge(Dictionary<string, string> Fields)
{
    public string Realm => Fields.GetValueOrDefault("realm", string.Empty);

    public string Nonce => Fields.GetValueOrDefault("nonce", string.Empty);

    public string? Opaque => Fields.GetValueOrDefault("opaque");

    public string Algorithm => Fields.GetValueOrDefault("algorithm", "MD5");

    public IReadOnlyList<string> Qops => Fields.TryGetValue("qop", out var q)
        ? q.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : [];

    public static DigestChallenge? Parse(string header)
    {
        var h = header.Trim();
        if (!h.StartsWith("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in HeaderParams.SplitOutsideQuotes(h[6..], ','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = part[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            fields[part[..eq].Trim()] = value;
        }

        return fields.ContainsKey("nonce") ? new DigestChallenge(fields) : null;
    }
}

/// <summary>Digest access authentication for SIP: MD5 and SHA-256 (RFC 8760), qop=auth or none (RFC 2617 3.2.2).</summary>
internal static class DigestAuth
{
    public static bool IsSupported(string algorithm) =>
        algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase) || algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 8760 2.4: among several challenges prefer the strongest algorithm we support.</summary>
    public static DigestChallenge? Choose(IEnumerable<string> headers)
    {
        var supported = headers.Select(DigestChallenge.Parse).OfType<DigestChallenge>().Where(c => IsSupported(c.Algorithm)).ToList();
        return supported.FirstOrDefault(c => c.Algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)) ?? supported.FirstOrDefault();
    }

    public static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase) ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>request-digest = H(H(A1):nonce[:nc:cnonce:qop]:H(A2)) with A1 = user:realm:password, A2 = method:uri.</summary>
    public static string Response(string algorithm, string user, string realm, string password, string method, string uri, string nonce, string? qop, string? nc, string? cnonce)
    {
        var ha1 = Hash(algorithm, $"{user}:{realm}:{password}");
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    /// <summary>Builds the Authorization / Proxy-Authorization value answering <paramref name="challenge"/>.</summary>
    public static string Authorize(DigestChallenge challenge, string user, string password, string method, string uri, int nonceCount = 1)
    {
        var qop = challenge.Qops.Contains("auth", StringComparer.OrdinalIgnoreCase) ? "auth" : null;
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var response = Response(challenge.Algorithm, user, challenge.Realm, password, method, uri, challenge.Nonce, qop, nc, cnonce);
        var sb = new StringBuilder("Digest ");
        sb.Append(CultureInfo.InvariantCulture, $"username=\"{user}\", realm=\"{challenge.Realm}\", nonce=\"{challenge.Nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={challenge.Algorithm}");
        if (challenge.Opaque is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $", opaque=\"{challenge.Opaque}\"");
        }

        if (qop is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $", qop={qop}, nc={nc}, cnonce=\"{cnonce}\"");
        }

        return sb.ToString();
    }

    /// <summary>Server side: checks an Authorization header against the password (registrar).</summary>
    public static bool Verify(DigestChallenge authorization, string method, string password)
    {
        var f = authorization.Fields;
        if (!f.TryGetValue("username", out var user) || !f.TryGetValue("uri", out var uri) || !f.TryGetValue("response", out var given))
        {
            return false;
        }

        f.TryGetValue("qop", out var qop);
        f.TryGetValue("nc", out var nc);
        f.TryGetValue("cnonce", out var cnonce);
        var expected = Response(authorization.Algorithm, user, authorization.Realm, password, method, uri, authorization.Nonce, qop, nc, cnonce);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given.ToLowerInvariant()));
    }
}
