using System.Buffers.Binary;

namespace Collections.Dialer.Media.Rtp;

/// <summary>RTP fixed header fields (RFC 3550 5.1); extensions and CSRCs are skipped on parse, never sent.</summary>
internal readonly record struct RtpHeader(int PayloadType, bool Marker, ushort Sequence, uint Timestamp, uint Ssrc)
{
    public const int Size = 12;

    public static bool TryParse(ReadOnlySpan<byte> data, out RtpHeader header, out int payloadOffset, out int payloadLength)
    {
        header = default;
        payloadOffset = 0;
        payloadLength = 0;
        if (data.Length < Size || (data[0] >> 6) != 2)
        {
            return false;
        }

        var csrcCount = data[0] & 0x0F;
        var offset = Size + (4 * csrcCount);
        if ((data[0] & 0x10) != 0)
        {
            if (data.Length < offset + 4)
            {
                return false;
            }

            offset += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]));
        }

        var end = data.Length;
        if ((data[0] & 0x20) != 0 && end > offset)
        {
            end -= data[^1]; // padding count in the last octet
        }

        if (offset > end)
        {
            return false;
        }

        header = new RtpHeader(data[1] & 0x7F, (data[1] & 0x80) != 0, BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]), BinaryPrimitives.ReadUInt32BigEndian(data[8..]));
        payloadOffset = offset;
        payloadLength = end - offset;
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = 0x80; // version 2, no padding, no extension, no CSRC
        destination[1] = (byte)((Marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
    }

    /// <summary>RTCP shares the port pair only with rtcp-mux; we still reject packet types 72-76 (RFC 5761 4) on the RTP socket.</summary>
    public static bool LooksLikeRtcp(ReadOnlySpan<byte> data) => data.Length >= 2 && data[1] is >= 192 and <= 223;
}

/// <summary>RFC 4733 2.3 telephone-event payload: event, end bit, volume, duration.</summary>
internal readonly record struct DtmfEvent(byte Event, bool End, byte Volume, ushort Duration)
{
    public const string Digits = "0123456789*#ABCD";

    public char Digit => Event < Digits.Length ? Digits[Event] : '?';

    public static bool TryParse(ReadOnlySpan<byte> payload, out DtmfEvent e)
    {
        e = default;
        if (payload.Length < 4)
        {
            return false;
        }

        e = new DtmfEvent(payload[0], (payload[1] & 0x80) != 0, (byte)(payload[1] & 0x3F), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
    }

    public static byte EventFor(char digit)
    {
        var i = Digits.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
        return i < 0 ? throw new ArgumentOutOfRangeException(nameof(digit), digit, "Not a DTMF digit.") : (byte)i;
    }
}
