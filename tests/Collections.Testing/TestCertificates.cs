using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Collections.Testing;

/// <summary>A throw-away certificate authority and certificates it issues for 127.0.0.1, written as PEM files for our stack, baresip and Kamailio.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("certs-").FullName;
        var request = new CertificateRequest("CN=Collections test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(60));
        CaFile = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
    }

    public string Directory { get; }

    /// <summary>The CA certificate (PEM).</summary>
    public string CaFile { get; }

    /// <summary>Issues a certificate for 127.0.0.1 and localhost; returns the PEM certificate and key files and a combined one (certificate then key).</summary>
    public (string Certificate, string Key, string Combined) Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        var cert = Path.Combine(Directory, $"{name}.pem");
        var keyFile = Path.Combine(Directory, $"{name}.key");
        var combined = Path.Combine(Directory, $"{name}-combined.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(combined, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        return (cert, keyFile, combined);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
