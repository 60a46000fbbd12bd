using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Collections.Dialer.Media.Ice;

/// <summary>
/// A STUN message (RFC 8489): 20-octet header with the magic cookie and a 96-bit transaction id, then TLV attributes
/// padded to 4 octets. Checks and writes MESSAGE-INTEGRITY (HMAC-SHA1 with the short-term password, 14.5) and
/// FINGERPRINT (CRC-32 XOR 0x5354554E, 14.7), as ICE connectivity checks need (RFC 8445 7.1.2).
/// </summary>
internal sealed class StunMessage
{
    public const uint MagicCookie = 0x2112A442;
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingSuccess = 0x0101;
    public const ushort BindingError = 0x0111;

    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    private const uint FingerprintXor = 0x5354554E;

    public StunMessage(ushort type, byte[] transactionId)
    {
        Type = type;
        TransactionId = transactionId;
    }

    public ushort Type { get; }

    public byte[] TransactionId { get; }

    public List<KeyValuePair<ushort, byte[]>> Attributes { get; } = [];

    /// <summary>Offset of MESSAGE-INTEGRITY in the parsed bytes, or -1.</summary>
    public int IntegrityOffset { get; private set; } = -1;

    /// <summary>Offset of FINGERPRINT in the parsed bytes, or -1.</summary>
    public int FingerprintOffset { get; private set; } = -1;

    public byte[]? this[ushort type] => Attributes.FirstOrDefault(a => a.Key == type).Value;

    public bool Has(ushort type) => Attributes.Any(a => a.Key == type);

    public string? UsernameText => this[Username] is { } u ? Encoding.UTF8.GetString(u) : null;

    /// <summary>RFC 7983: a first octet of 0 to 3 is STUN; plus the magic cookie (RFC 8489 5).</summary>
    public static bool IsStun(ReadOnlySpan<byte> data) =>
        data.Length >= 20 && data[0] < 4 && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == MagicCookie;

    public static StunMessage? Parse(ReadOnlySpan<byte> data)
    {
        if (!IsStun(data))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if ((length & 3) != 0 || 20 + length > data.Length)
        {
            return null;
        }

        var message = new StunMessage(BinaryPrimitives.ReadUInt16BigEndian(data), data[8..20].ToArray());
        var offset = 20;
        var end = 20 + length;
        while (offset + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (offset + 4 + valueLength > end)
            {
                return null;
            }

            if (type == MessageIntegrity && message.IntegrityOffset < 0)
            {
                message.IntegrityOffset = offset;
            }
            else if (type == Fingerprint)
            {
                message.FingerprintOffset = offset;
            }

            message.Attributes.Add(new(type, data.Slice(offset + 4, valueLength).ToArray()));
            offset += 4 + ((valueLength + 3) & ~3);
        }

        return offset == end ? message : null;
    }

    /// <summary>RFC 8489 14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with the header length counting up to and including it.</summary>
    public bool VerifyIntegrity(ReadOnlySpan<byte> raw, byte[] key)
    {
        if (IntegrityOffset < 0 || this[MessageIntegrity] is not { Length: 20 } given)
        {
            return false;
        }

        var covered = raw[..IntegrityOffset].ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(covered.AsSpan(2), (ushort)(IntegrityOffset - 20 + 24));
        return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(key, covered), given);
    }

    /// <summary>RFC 8489 14.7: CRC-32 of the message up to FINGERPRINT, XOR 0x5354554E; true when there is none to check.</summary>
    public bool VerifyFingerprint(ReadOnlySpan<byte> raw)
    {
        if (FingerprintOffset < 0)
        {
            return true;
        }

        var covered = raw[..FingerprintOffset].ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(covered.AsSpan(2), (ushort)(FingerprintOffset - 20 + 8));
        var expected = Crc32.HashToUInt32(covered) ^ FingerprintXor;
        return this[Fingerprint] is { Length: 4 } f && BinaryPrimitives.ReadUInt32BigEndian(f) == expected;
    }

    public void Add(ushort type, byte[] value) => Attributes.Add(new(type, value));

    /// <summary>RFC 8489 14.2: the address XORed with the magic cookie (and the transaction id for IPv6).</summary>
    public void AddXorMappedAddress(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var bytes = address.GetAddressBytes();
        var value = new byte[4 + bytes.Length];
        value[1] = address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)0x02 : (byte)0x01;
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), (ushort)(endPoint.Port ^ (MagicCookie >> 16)));
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        TransactionId.CopyTo(mask[4..]);
        for (var i = 0; i < bytes.Length; i++)
        {
            value[4 + i] = (byte)(bytes[i] ^ mask[i]);
        }

        Add(XorMappedAddress, value);
    }

    public IPEndPoint? ReadXorMappedAddress()
    {
        if (this[XorMappedAddress] is not { Length: 8 or 20 } value)
        {
            return null;
        }

        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        TransactionId.CopyTo(mask[4..]);
        var bytes = new byte[value.Length - 4];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(value[4 + i] ^ mask[i]);
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value.AsSpan(2)) ^ (int)(MagicCookie >> 16);
        return new IPEndPoint(new IPAddress(bytes), port);
    }

    /// <summary>Writes the message; with a key adds MESSAGE-INTEGRITY, then FINGERPRINT when asked (always last, 14.7).</summary>
    public byte[] Encode(byte[]? integrityKey = null, bool fingerprint = true)
    {
        var body = new List<byte>(128);
        foreach (var (type, value) in Attributes)
        {
            AppendAttribute(body, type, value);
        }

        var buffer = Header(body.Count);
        buffer.AddRange(body);
        if (integrityKey is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer)[2..], (ushort)(buffer.Count - 20 + 24));
            var mac = HMACSHA1.HashData(integrityKey, buffer.ToArray());
            AppendAttribute(buffer, MessageIntegrity, mac);
        }

        if (fingerprint)
        {
            BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer)[2..], (ushort)(buffer.Count - 20 + 8));
            var crc = Crc32.HashToUInt32(buffer.ToArray()) ^ FingerprintXor;
            var value = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, crc);
            AppendAttribute(buffer, Fingerprint, value);
        }

        var bytes = buffer.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - 20));
        return bytes;
    }

    private List<byte> Header(int bodyLength)
    {
        var header = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(header, Type);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), MagicCookie);
        TransactionId.CopyTo(header, 8);
        return [.. header];
    }

    private static void AppendAttribute(List<byte> buffer, ushort type, byte[] value)
    {
        buffer.Add((byte)(type >> 8));
        buffer.Add((byte)type);
        buffer.Add((byte)(value.Length >> 8));
        buffer.Add((byte)value.Length);
        buffer.AddRange(value);
        for (var i = value.Length; (i & 3) != 0; i++)
        {
            buffer.Add(0);
        }
    }
}
