using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Collections.Dialer.Media.Ice;

/// <summary>
/// The server side of ICE as a lite implementation (RFC 8445 2.5 and 6.1.1): one host candidate, always controlled,
/// no checks of our own. It answers the full agent's Binding requests that carry our ufrag and a valid MESSAGE-INTEGRITY
/// (and FINGERPRINT) with a success response holding XOR-MAPPED-ADDRESS, and takes the checked address as the media
/// peer: at once for the first valid check, and again whenever a check carries USE-CANDIDATE (nomination, 7.3.1.5).
/// Consent freshness checks (RFC 7675) are answered the same way for the life of the call.
/// </summary>
internal sealed class IceLiteAgent
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly byte[] _key;

    public IceLiteAgent()
    {
        // RFC 8839 5.4: ufrag at least 4 and password at least 22 ice-chars; ours carry 48 and 144 random bits.
        LocalUfrag = Random(8);
        LocalPassword = Random(24);
        _key = Encoding.UTF8.GetBytes(LocalPassword);
    }

    public string LocalUfrag { get; }

    public string LocalPassword { get; }

    /// <summary>The remote ufrag from the peer's SDP; when known, checks must name it after the colon.</summary>
    public string? RemoteUfrag { get; set; }

    /// <summary>Where the nominated (or first valid) check came from: where media goes.</summary>
    public IPEndPoint? Selected { get; private set; }

    public long ChecksAnswered => Interlocked.Read(ref _answered);

    public long ChecksRefused => Interlocked.Read(ref _refused);

    private long _answered;
    private long _refused;

    /// <summary>Raised when the peer's address for media is chosen or changes (a later nomination).</summary>
    public event Action<IPEndPoint>? Nominated;

    /// <summary>Handles a datagram that <see cref="StunMessage.IsStun"/>; returns the response to send back, or null to drop it.</summary>
    public byte[]? Handle(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        var request = StunMessage.Parse(datagram);
        if (request is null || request.Type != StunMessage.BindingRequest)
        {
            return null; // responses to checks we never send, indications: nothing to do for a lite agent
        }

        // RFC 8445 7.3: USERNAME is "our ufrag:their ufrag", integrity keyed with our password, fingerprint present.
        var username = request.UsernameText;
        var expected = LocalUfrag + ":";
        if (username is null || !username.StartsWith(expected, StringComparison.Ordinal)
            || (RemoteUfrag is not null && !string.Equals(username[expected.Length..], RemoteUfrag, StringComparison.Ordinal))
            || !request.VerifyIntegrity(datagram, _key) || !request.VerifyFingerprint(datagram) || request.FingerprintOffset < 0)
        {
            Interlocked.Increment(ref _refused);
            return null;
        }

        var response = new StunMessage(StunMessage.BindingSuccess, request.TransactionId);
        response.AddXorMappedAddress(from);
        Interlocked.Increment(ref _answered);
        if (Selected is null || (request.Has(StunMessage.UseCandidate) && !from.Equals(Selected)))
        {
            Selected = from;
            Nominated?.Invoke(from);
        }

        return response.Encode(_key);
    }

    private static string Random(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }
}
