using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Collections.Dialer.Media.Srtp;

/// <summary>
/// One direction of SRTP and SRTCP (RFC 3711): session keys derived from the master key and salt with the
/// AES-CM PRF (4.3, key derivation rate 0), payloads encrypted with AES in counter mode (4.1.1), packets
/// authenticated with HMAC-SHA1 (4.2) over the packet and the rollover counter, a 64-packet replay window on
/// receive (3.3.2). A sending context protects, a receiving one unprotects; both are thread-safe.
/// </summary>
internal sealed class SrtpContext : IDisposable
{
    /// <summary>SRTCP always carries an 80-bit tag, also with the _32 profile (RFC 4568 6.2.2, RFC 5764 4.1.2).</summary>
    public const int RtcpTagLength = 10;

    /// <summary>The E flag and 31-bit SRTCP index appended before the tag (RFC 3711 3.4).</summary>
    public const int RtcpIndexLength = 4;

    private const int ReplayWindow = 64;

    private readonly Lock _gate = new();
    private readonly Direction _rtp;
    private readonly Direction _rtcp;
    private readonly Dictionary<uint, StreamState> _streams = [];
    private readonly Dictionary<uint, StreamState> _rtcpStreams = [];
    private uint _rtcpIndex;

    public SrtpContext(SrtpKeys keys)
    {
        Profile = keys.Profile;
        RtpTagLength = keys.Profile == SrtpProfile.AesCm128HmacSha1_32 ? 4 : 10;
        using var master = Aes.Create();
        master.Key = keys.MasterKey;
        // RFC 3711 4.3.2: labels 0x00-0x02 for SRTP, 0x03-0x05 for SRTCP (encryption key, authentication key, salt).
        _rtp = new Direction(Derive(master, keys.MasterSalt, 0x00, 16), Derive(master, keys.MasterSalt, 0x01, 20), Derive(master, keys.MasterSalt, 0x02, 14));
        _rtcp = new Direction(Derive(master, keys.MasterSalt, 0x03, 16), Derive(master, keys.MasterSalt, 0x04, 20), Derive(master, keys.MasterSalt, 0x05, 14));
    }

    public SrtpProfile Profile { get; }

    /// <summary>Octets the tag adds to each SRTP packet.</summary>
    public int RtpTagLength { get; }

    /// <summary>Packets refused on receive: failed authentication or replayed (RFC 3711 3.3).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    private long _rejected;

    /// <summary>RFC 3711 4.3.1: x = key_id XOR master_salt with key_id = label || r (r = 0), then AES-CM from x * 2^16.</summary>
    internal static byte[] Derive(Aes master, byte[] masterSalt, byte label, int length)
    {
        var iv = new byte[16];
        masterSalt.CopyTo(iv, 0);
        iv[7] ^= label;
        var output = new byte[length];
        Keystream(master, iv, output);
        return output;
    }

    private static void Keystream(Aes cipher, byte[] iv, Span<byte> destination)
    {
        var blocks = (destination.Length + 15) / 16;
        var counters = new byte[blocks * 16];
        for (var j = 0; j < blocks; j++)
        {
            iv.CopyTo(counters, j * 16);
            BinaryPrimitives.WriteUInt16BigEndian(counters.AsSpan((j * 16) + 14), (ushort)j);
        }

        var stream = cipher.EncryptEcb(counters, PaddingMode.None);
        stream.AsSpan(0, destination.Length).CopyTo(destination);
    }

    /// <summary>Encrypts and authenticates an RTP packet in place; <paramref name="buffer"/> must have room for the tag. Returns the new length.</summary>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        var headerLength = RtpHeaderLength(buffer[..length]);
        if (headerLength < 0)
        {
            throw new ArgumentException("Not an RTP packet.", nameof(buffer));
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        lock (_gate)
        {
            var state = StreamOf(_streams, ssrc);
            if (state.Initialised && sequence < state.LastSequence && state.LastSequence - sequence > 0x8000)
            {
                state.Roc++; // RFC 3711 3.3.1: the sender's sequence number wrapped
            }

            state.Initialised = true;
            state.LastSequence = sequence;
            var index = ((ulong)state.Roc << 16) | sequence;
            _rtp.Crypt(ssrc, index, buffer[headerLength..length]);
            _rtp.Tag(buffer[..length], state.Roc, buffer.Slice(length, RtpTagLength));
        }

        return length + RtpTagLength;
    }

    /// <summary>Checks the tag and the replay window, then decrypts in place; false (and nothing changed that matters) when refused.</summary>
    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        var authenticated = length - RtpTagLength;
        var headerLength = authenticated > 0 ? RtpHeaderLength(buffer[..authenticated]) : -1;
        if (headerLength < 0)
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        lock (_gate)
        {
            var state = StreamOf(_streams, ssrc);
            if (!state.Initialised)
            {
                state.LastSequence = sequence;
            }

            // RFC 3711 3.3.1 and appendix A: guess the sender's rollover counter from the highest sequence seen.
            var roc = state.Roc;
            if (state.Initialised)
            {
                if (state.LastSequence < 0x8000)
                {
                    if (sequence - state.LastSequence > 0x8000 && roc > 0)
                    {
                        roc--;
                    }
                }
                else if (state.LastSequence - 0x8000 > sequence)
                {
                    roc++;
                }
            }

            var index = ((ulong)roc << 16) | sequence;
            if (state.Initialised && state.IsReplay(index))
            {
                Interlocked.Increment(ref _rejected);
                return false;
            }

            Span<byte> tag = stackalloc byte[20];
            _rtp.Tag(buffer[..authenticated], roc, tag[..RtpTagLength]);
            if (!CryptographicOperations.FixedTimeEquals(tag[..RtpTagLength], buffer.Slice(authenticated, RtpTagLength)))
            {
                Interlocked.Increment(ref _rejected);
                return false;
            }

            _rtp.Crypt(ssrc, index, buffer[headerLength..authenticated]);
            state.Accept(index, sequence, roc);
        }

        plainLength = authenticated;
        return true;
    }

    /// <summary>Encrypts an RTCP compound packet after its first 8 octets, appends E flag + index and the 80-bit tag (RFC 3711 3.4). Returns the new length.</summary>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        if (length < 8)
        {
            throw new ArgumentException("RTCP packet too short.", nameof(buffer));
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        lock (_gate)
        {
            var index = _rtcpIndex;
            _rtcpIndex = (_rtcpIndex + 1) & 0x7FFFFFFF;
            _rtcp.Crypt(ssrc, index, buffer[8..length]);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], 0x80000000 | index);
            _rtcp.Tag(buffer[..(length + RtcpIndexLength)], null, buffer.Slice(length + RtcpIndexLength, RtcpTagLength));
        }

        return length + RtcpIndexLength + RtcpTagLength;
    }

    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        var authenticated = length - RtcpTagLength;
        if (authenticated < 8 + RtcpIndexLength)
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var word = BinaryPrimitives.ReadUInt32BigEndian(buffer[(authenticated - RtcpIndexLength)..]);
        var encrypted = (word & 0x80000000) != 0;
        var index = word & 0x7FFFFFFF;
        lock (_gate)
        {
            var state = StreamOf(_rtcpStreams, ssrc);
            if (state.Initialised && state.IsReplay(index))
            {
                Interlocked.Increment(ref _rejected);
                return false;
            }

            Span<byte> tag = stackalloc byte[20];
            _rtcp.Tag(buffer[..authenticated], null, tag[..RtcpTagLength]);
            if (!CryptographicOperations.FixedTimeEquals(tag[..RtcpTagLength], buffer.Slice(authenticated, RtcpTagLength)))
            {
                Interlocked.Increment(ref _rejected);
                return false;
            }

            if (encrypted)
            {
                _rtcp.Crypt(ssrc, index, buffer[8..(authenticated - RtcpIndexLength)]);
            }

            state.Accept(index, 0, 0);
        }

        plainLength = authenticated - RtcpIndexLength;
        return true;
    }

    /// <summary>Fixed header, CSRCs and header extension (RFC 3550 5.1, 5.3.1): what SRTP leaves in the clear.</summary>
    private static int RtpHeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
        {
            return -1;
        }

        var length = 12 + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return -1;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        return length <= packet.Length ? length : -1;
    }

    private static StreamState StreamOf(Dictionary<uint, StreamState> streams, uint ssrc)
    {
        if (!streams.TryGetValue(ssrc, out var state))
        {
            // A peer that changes SSRC often (or an attacker) must not grow the table without bound.
            if (streams.Count >= 16)
            {
                streams.Clear();
            }

            state = new StreamState();
            streams[ssrc] = state;
        }

        return state;
    }

    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    /// <summary>Per-SSRC rollover counter, highest sequence and replay window (RFC 3711 3.2.1, 3.3.2).</summary>
    private sealed class StreamState
    {
        public bool Initialised;
        public uint Roc;
        public ushort LastSequence;
        private ulong _highest;
        private ulong _window;

        public bool IsReplay(ulong index)
        {
            if (index > _highest)
            {
                return false;
            }

            var delta = _highest - index;
            return delta >= ReplayWindow || (_window & (1UL << (int)delta)) != 0;
        }

        public void Accept(ulong index, ushort sequence, uint roc)
        {
            if (!Initialised || index > _highest)
            {
                var shift = Initialised ? index - _highest : 0;
                _window = shift >= ReplayWindow ? 1UL : (_window << (int)shift) | 1UL;
                _highest = index;
                Roc = roc;
                LastSequence = sequence;
                Initialised = true;
            }
            else
            {
                _window |= 1UL << (int)(_highest - index);
            }
        }
    }

    /// <summary>The session keys of SRTP or SRTCP: AES-CM encryption and HMAC-SHA1 authentication.</summary>
    private sealed class Direction : IDisposable
    {
        private readonly Aes _cipher;
        private readonly ICryptoTransform _ecb;
        private readonly byte[] _salt;
        private readonly IncrementalHash _hmac;
        private readonly byte[] _counters = new byte[2048];
        private readonly byte[] _stream = new byte[2048];

        public Direction(byte[] key, byte[] authKey, byte[] salt)
        {
            _cipher = Aes.Create();
            _cipher.Key = key;
            _cipher.Mode = CipherMode.ECB;
            _cipher.Padding = PaddingMode.None;
            _ecb = _cipher.CreateEncryptor();
            _salt = salt;
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
        }

        /// <summary>RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16); XORs the keystream into <paramref name="data"/>.</summary>
        public void Crypt(uint ssrc, ulong index, Span<byte> data)
        {
            if (data.Length == 0)
            {
                return;
            }

            var blocks = (data.Length + 15) / 16;
            if (blocks * 16 > _counters.Length)
            {
                throw new ArgumentException("SRTP payload too large.", nameof(data));
            }

            Span<byte> iv = stackalloc byte[16];
            iv.Clear();
            _salt.CopyTo(iv);
            iv[4] ^= (byte)(ssrc >> 24);
            iv[5] ^= (byte)(ssrc >> 16);
            iv[6] ^= (byte)(ssrc >> 8);
            iv[7] ^= (byte)ssrc;
            for (var i = 0; i < 6; i++)
            {
                iv[8 + i] ^= (byte)(index >> (8 * (5 - i)));
            }

            for (var j = 0; j < blocks; j++)
            {
                var block = _counters.AsSpan(j * 16, 16);
                iv.CopyTo(block);
                BinaryPrimitives.WriteUInt16BigEndian(block[14..], (ushort)j);
            }

            _ecb.TransformBlock(_counters, 0, blocks * 16, _stream, 0);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= _stream[i];
            }
        }

        /// <summary>RFC 3711 4.2: HMAC-SHA1 over the authenticated portion (and the ROC for SRTP), truncated.</summary>
        public void Tag(ReadOnlySpan<byte> authenticated, uint? roc, Span<byte> destination)
        {
            _hmac.AppendData(authenticated);
            if (roc is { } r)
            {
                Span<byte> rocBytes = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(rocBytes, r);
                _hmac.AppendData(rocBytes);
            }

            Span<byte> full = stackalloc byte[20];
            _hmac.GetHashAndReset(full);
            full[..destination.Length].CopyTo(destination);
        }

        public void Dispose()
        {
            _ecb.Dispose();
            _cipher.Dispose();
            _hmac.Dispose();
        }
    }
}
