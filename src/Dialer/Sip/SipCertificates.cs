using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Collections.Dialer.Sip;

/// <summary>Loads the certificates SIP over TLS uses (PEM with key, or PKCS#12), and makes a self-signed one when none is configured.</summary>
internal static class SipCertificates
{
    /// <summary>A certificate with its private key: PKCS#12 (.pfx, .p12) with an optional password, else PEM with a PEM key file.</summary>
    public static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        using var pem = X509Certificate2.CreateFromPemFile(path, keyPath);
        // SslStream wants a key it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The CA certificates of a PEM bundle.</summary>
    public static X509Certificate2Collection LoadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return roots;
    }

    /// <summary>A self-signed ECDSA P-256 certificate for <paramref name="address"/> and localhost, valid for a year: for a demo or a lab, not for carriers.</summary>
    public static X509Certificate2 SelfSigned(IPAddress address)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=collections-dialer", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(address.Equals(IPAddress.Any) ? IPAddress.Loopback : address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
