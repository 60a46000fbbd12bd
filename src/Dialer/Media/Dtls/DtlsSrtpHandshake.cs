using System.Collections.Concurrent;
using Collections.Dialer.Media.Srtp;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Collections.Dialer.Media.Dtls;

/// <summary>Which end of the DTLS handshake we are: a=setup:active is the client, passive the server (RFC 5763 5, RFC 4145 4).</summary>
internal enum DtlsRole
{
    Client,
    Server,
}

/// <summary>The SRTP master keys DTLS-SRTP yields: ours to protect what we send, the peer's to unprotect what we receive.</summary>
internal sealed record DtlsSrtpKeys(SrtpKeys Send, SrtpKeys Receive, int ProtectionProfile);

/// <summary>
/// One DTLS 1.2 handshake with the use_srtp extension (RFC 5764) over a media socket, on BouncyCastle's DTLS: the socket's
/// receive loop hands it the datagrams whose first octet is 20 to 63 (RFC 7983), it sends through the given callback.
/// The peer's certificate must match the a=fingerprint of its SDP (RFC 5763 5: anything else is a man in the middle and
/// ends the handshake). On success the keying material is exported with the label "EXTRACTOR-dtls_srtp" and split into
/// client and server master keys and salts (RFC 5764 4.2).
/// </summary>
internal sealed class DtlsSrtpHandshake : DatagramTransport, IDisposable
{
    /// <summary>The profiles we offer or accept, preferred first (RFC 5764 4.1.2).</summary>
    private static readonly int[] Profiles = [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32];

    private readonly BlockingCollection<byte[]> _incoming = new(512);
    private readonly Action<byte[]> _send;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DtlsCertificate _local;
    private readonly string _remoteHash;
    private readonly string _remoteFingerprint;
    private readonly TimeSpan _timeout;
    private volatile bool _closed;
    private int _started;

    public DtlsSrtpHandshake(DtlsRole role, DtlsCertificate local, string remoteHash, string remoteFingerprint, Action<byte[]> send, TimeSpan timeout)
    {
        Role = role;
        _local = local;
        _remoteHash = remoteHash;
        _remoteFingerprint = remoteFingerprint;
        _send = send;
        _timeout = timeout;
    }

    public DtlsRole Role { get; }

    /// <summary>Completes with the keys, or faults with the reason the handshake failed.</summary>
    public Task<DtlsSrtpKeys> Completion => _result.Task;

    /// <summary>Runs the handshake on a thread of its own (BouncyCastle's DTLS is blocking); returns at once.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        var thread = new Thread(Run) { IsBackground = true, Name = "dtls-srtp" };
        thread.Start();
    }

    /// <summary>A datagram from the peer that looks like DTLS.</summary>
    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        if (!_closed)
        {
            _incoming.TryAdd(datagram.ToArray());
        }
    }

    private void Run()
    {
        var crypto = new BcTlsCrypto();
        DtlsTransport? transport = null;
        try
        {
            DtlsSrtpKeys keys;
            if (Role == DtlsRole.Server)
            {
                var server = new Server(crypto, this);
                transport = new DtlsServerProtocol().Accept(server, this);
                keys = server.Keys ?? throw new InvalidOperationException("DTLS handshake ended without SRTP keys.");
            }
            else
            {
                var client = new Client(crypto, this);
                transport = new DtlsClientProtocol().Connect(client, this);
                keys = client.Keys ?? throw new InvalidOperationException("DTLS handshake ended without SRTP keys.");
            }

            _result.TrySetResult(keys);
            // Keep answering for a few seconds: if our last flight was lost, the peer retransmits its own and
            // BouncyCastle's record layer resends ours only while someone reads (RFC 6347 4.2.4).
            var buffer = new byte[2048];
            var until = Environment.TickCount64 + 5000;
            while (!_closed && Environment.TickCount64 < until)
            {
                try
                {
                    transport.Receive(buffer, 0, buffer.Length, 500);
                }
                catch (TlsFatalAlertReceived)
                {
                    break;
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is TlsException or IOException or InvalidOperationException)
        {
            _result.TrySetException(new IOException("DTLS handshake failed: " + Describe(ex), ex));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _result.TrySetException(new IOException("DTLS handshake failed: " + ex.Message, ex));
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        TlsFatalAlert alert => $"{AlertDescription.GetText(alert.AlertDescription)}{(alert.InnerException is { } inner ? " (" + inner.Message + ")" : string.Empty)}",
        TlsFatalAlertReceived received => "the peer sent alert " + AlertDescription.GetText(received.AlertDescription),
        TlsTimeoutException => "timed out",
        _ => ex.Message,
    };

    /// <summary>RFC 5763 5: the certificate the peer presented must hash to the fingerprint in its SDP.</summary>
    private void CheckPeer(Certificate certificate)
    {
        if (certificate.IsEmpty)
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, new IOException("the peer presented no certificate"));
        }

        var der = certificate.GetCertificateAt(0).GetEncoded();
        var actual = DtlsCertificate.FingerprintOf(_remoteHash, der);
        if (actual is null || !string.Equals(actual, _remoteFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                new IOException($"the peer's certificate ({_remoteHash} {actual}) does not match the SDP fingerprint {_remoteFingerprint}"));
        }
    }

    /// <summary>RFC 5764 4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.</summary>
    private static DtlsSrtpKeys Split(TlsContext context, int profile, bool isServer)
    {
        var srtpProfile = profile == SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32 ? SrtpProfile.AesCm128HmacSha1_32 : SrtpProfile.AesCm128HmacSha1_80;
        const int key = SrtpKeys.KeyLength;
        const int salt = SrtpKeys.SaltLength;
        var material = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (key + salt));
        var client = new SrtpKeys(srtpProfile, material[..key], material[(2 * key)..((2 * key) + salt)]);
        var server = new SrtpKeys(srtpProfile, material[key..(2 * key)], material[((2 * key) + salt)..]);
        return isServer ? new DtlsSrtpKeys(server, client, profile) : new DtlsSrtpKeys(client, server, profile);
    }

    private static TlsCredentialedSigner Signer(TlsContext context, BcTlsCrypto crypto, DtlsCertificate local) =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, local.PrivateKey,
            new Certificate([crypto.CreateCertificate(local.Der)]), new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    // --- DatagramTransport over the media socket -------------------------------------------------------------

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => 1200;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_closed)
        {
            throw new IOException("DTLS transport closed");
        }

        try
        {
            if (!_incoming.TryTake(out var datagram, waitMillis))
            {
                return -1;
            }

            var n = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        catch (ObjectDisposedException)
        {
            throw new IOException("DTLS transport closed");
        }
    }

    public void Send(byte[] buf, int off, int len) => _send(buf.AsSpan(off, len).ToArray());

    public void Send(ReadOnlySpan<byte> buffer) => _send(buffer.ToArray());

    public void Close() => _closed = true;

    public void Dispose()
    {
        _closed = true;
        _result.TrySetException(new IOException("DTLS handshake abandoned: the call ended"));
    }

    private sealed class Server(BcTlsCrypto crypto, DtlsSrtpHandshake owner) : DefaultTlsServer(crypto)
    {
        private int _profile = -1;

        public DtlsSrtpKeys? Keys { get; private set; }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        // Our certificate is ECDSA: only suites it can sign for.
        protected override int[] GetSupportedCipherSuites() =>
        [
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ];

        public override int GetHandshakeTimeoutMillis() => (int)owner._timeout.TotalMilliseconds;

        protected override TlsCredentialedSigner GetECDsaSignerCredentials() => Signer(m_context, crypto, owner._local);

        // RFC 5763 5: both ends present certificates, so the server asks for the client's.
        public override CertificateRequest GetCertificateRequest() => new(
            [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

        public override void NotifyClientCertificate(Certificate clientCertificate) => owner.CheckPeer(clientCertificate);

        public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
        {
            base.ProcessClientExtensions(clientExtensions);
            var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions)
                ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, new IOException("the client offered no use_srtp extension"));
            _profile = Profiles.FirstOrDefault(p => offered.ProtectionProfiles.Contains(p), -1);
            if (_profile < 0)
            {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, new IOException("no SRTP protection profile in common"));
            }
        }

        public override IDictionary<int, byte[]> GetServerExtensions()
        {
            var extensions = base.GetServerExtensions() ?? new Dictionary<int, byte[]>();
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([_profile], TlsUtilities.EmptyBytes));
            return extensions;
        }

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            Keys = Split(m_context, _profile, isServer: true);
        }
    }

    private sealed class Client(BcTlsCrypto crypto, DtlsSrtpHandshake owner) : DefaultTlsClient(crypto)
    {
        private int _profile = -1;

        public DtlsSrtpKeys? Keys { get; private set; }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        public override int GetHandshakeTimeoutMillis() => (int)owner._timeout.TotalMilliseconds;

        public override IDictionary<int, byte[]> GetClientExtensions()
        {
            var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(Profiles, TlsUtilities.EmptyBytes));
            return extensions;
        }

        public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
        {
            base.ProcessServerExtensions(serverExtensions);
            var chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
            if (chosen is null || chosen.ProtectionProfiles.Length != 1 || !Profiles.Contains(chosen.ProtectionProfiles[0]))
            {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, new IOException("the server chose no SRTP profile we offered"));
            }

            _profile = chosen.ProtectionProfiles[0];
        }

        public override TlsAuthentication GetAuthentication() => new Authentication(owner, () => Signer(m_context, crypto, owner._local));

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            Keys = Split(m_context, _profile, isServer: false);
        }

        private sealed class Authentication(DtlsSrtpHandshake owner, Func<TlsCredentials> credentials) : TlsAuthentication
        {
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate) => owner.CheckPeer(serverCertificate.Certificate);

            public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) => credentials();
        }
    }
}
