using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Collections.Dialer.Media.Dtls;

/// <summary>
/// The self-signed ECDSA P-256 certificate our DTLS endpoints present (RFC 5763 5: WebRTC and DTLS-SRTP authenticate
/// the certificate by the fingerprint carried in SDP, not by a CA), with its SHA-256 fingerprint for a=fingerprint
/// (RFC 8122 5). One per process is enough (RFC 8827 6.5 allows reuse across calls).
/// </summary>
internal sealed class DtlsCertificate
{
    private static readonly Lazy<DtlsCertificate> Shared = new(Create);

    private DtlsCertificate(AsymmetricKeyParameter privateKey, X509Certificate certificate)
    {
        PrivateKey = privateKey;
        Certificate = certificate;
        Der = certificate.GetEncoded();
        Fingerprint = FingerprintOf("sha-256", Der)!;
    }

    /// <summary>The process's certificate, created on first use.</summary>
    public static DtlsCertificate Default => Shared.Value;

    public AsymmetricKeyParameter PrivateKey { get; }

    public X509Certificate Certificate { get; }

    public byte[] Der { get; }

    /// <summary>"AB:CD:..." in upper-case hex, as RFC 8122 5 writes it.</summary>
    public string Fingerprint { get; }

    public static DtlsCertificate Create()
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.Prime256v1, random));
        var keys = generator.GenerateKeyPair();
        var name = new X509Name("CN=collections-dialer");
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        builder.SetNotAfter(DateTime.UtcNow.AddDays(30));
        builder.SetPublicKey(keys.Public);
        var certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(keys.Private, certificate);
    }

    /// <summary>RFC 8122 5: hash of the DER certificate; null for a hash function we do not support.</summary>
    public static string? FingerprintOf(string hashFunction, byte[] der)
    {
        byte[]? hash = hashFunction.ToLowerInvariant() switch
        {
            "sha-256" => SHA256.HashData(der),
            "sha-1" => SHA1.HashData(der),
            "sha-384" => SHA384.HashData(der),
            "sha-512" => SHA512.HashData(der),
            _ => null,
        };
        return hash is null ? null : string.Join(':', hash.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
