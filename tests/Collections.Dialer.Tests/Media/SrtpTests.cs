using Collections.Dialer.Media.Srtp;

namespace Collections.Dialer.Tests.Media;

/// <summary>SRTP and SRTCP (RFC 3711) against libSRTP's known answers (test/srtp_driver.c, srtp_validate: the default
/// AES_CM_128_HMAC_SHA1_80 policy, SSRC 0xcafebabe) and RFC 3711 B.3's key derivation.</summary>
public sealed class SrtpTests
{
    private static readonly SrtpKeys LibSrtpKeys = new(SrtpProfile.AesCm128HmacSha1_80,
        Convert.FromHexString("e1f97a0d3e018be0d64fa32c06de4139"), Convert.FromHexString("0ec675ad498afeebb6960b3aabe6"));

    private static readonly byte[] RtpPlain = Convert.FromHexString("800f1234decafbadcafebabe" + string.Concat(Enumerable.Repeat("ab", 16)));
    private static readonly byte[] SrtpCipher = Convert.FromHexString("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
    private static readonly byte[] RtcpPlain = Convert.FromHexString("81c8000bcafebabe" + string.Concat(Enumerable.Repeat("ab", 16)));
    private static readonly byte[] SrtcpCipher = Convert.FromHexString("81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798");

    [Fact]
    public void KeyDerivation_MatchesRfc3711AppendixB3()
    {
        using var master = System.Security.Cryptography.Aes.Create();
        master.Key = LibSrtpKeys.MasterKey;
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(SrtpContext.Derive(master, LibSrtpKeys.MasterSalt, 0x00, 16)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(SrtpContext.Derive(master, LibSrtpKeys.MasterSalt, 0x02, 14)));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(SrtpContext.Derive(master, LibSrtpKeys.MasterSalt, 0x01, 20)));
    }

    [Fact]
    public void ProtectRtp_MatchesLibSrtp_AndUnprotectRestoresThePacket()
    {
        using var sender = new SrtpContext(LibSrtpKeys);
        var buffer = new byte[64];
        RtpPlain.CopyTo(buffer, 0);
        var length = sender.ProtectRtp(buffer, RtpPlain.Length);
        Assert.Equal(Convert.ToHexString(SrtpCipher), Convert.ToHexString(buffer, 0, length));

        using var receiver = new SrtpContext(LibSrtpKeys);
        Assert.True(receiver.TryUnprotectRtp(buffer, length, out var plain));
        Assert.Equal(Convert.ToHexString(RtpPlain), Convert.ToHexString(buffer, 0, plain));
    }

    [Fact]
    public void ProtectRtcp_MatchesLibSrtp_AndUnprotectRestoresThePacket()
    {
        using var sender = new SrtpContext(LibSrtpKeys);
        var buffer = new byte[64];
        RtcpPlain.CopyTo(buffer, 0);
        // libSRTP's first SRTCP index is 1; ours starts at 0, so protect once to step past it.
        sender.ProtectRtcp(buffer.AsSpan().ToArray(), RtcpPlain.Length);
        var length = sender.ProtectRtcp(buffer, RtcpPlain.Length);
        Assert.Equal(Convert.ToHexString(SrtcpCipher), Convert.ToHexString(buffer, 0, length));

        using var receiver = new SrtpContext(LibSrtpKeys);
        Assert.True(receiver.TryUnprotectRtcp(buffer, length, out var plain));
        Assert.Equal(Convert.ToHexString(RtcpPlain), Convert.ToHexString(buffer, 0, plain));
    }

    [Fact]
    public void Unprotect_RefusesATamperedPacket_AndAReplay()
    {
        using var receiver = new SrtpContext(LibSrtpKeys);
        var tampered = SrtpCipher.ToArray();
        tampered[15] ^= 1;
        Assert.False(receiver.TryUnprotectRtp(tampered, tampered.Length, out _));

        var first = SrtpCipher.ToArray();
        Assert.True(receiver.TryUnprotectRtp(first, first.Length, out _));
        var again = SrtpCipher.ToArray();
        Assert.False(receiver.TryUnprotectRtp(again, again.Length, out _)); // RFC 3711 3.3.2: replay
        Assert.Equal(2, receiver.Rejected);
    }

    [Fact]
    public void RolloverCounter_FollowsTheSequenceNumberAcrossAWrap()
    {
        var keys = SrtpKeys.Generate(SrtpProfile.AesCm128HmacSha1_32);
        using var sender = new SrtpContext(keys);
        using var receiver = new SrtpContext(keys);
        var received = 0;
        foreach (var sequence in new ushort[] { 65533, 65534, 65535, 0, 1, 2 })
        {
            var buffer = new byte[200];
            buffer[0] = 0x80;
            buffer[1] = 0;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), sequence);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), 0x11223344);
            buffer.AsSpan(12, 160).Fill(0x55);
            var length = sender.ProtectRtp(buffer, 172);
            Assert.Equal(172 + 4, length); // the _32 profile's short tag
            if (receiver.TryUnprotectRtp(buffer, length, out var plain) && plain == 172 && buffer.AsSpan(12, 160).IndexOfAnyExcept((byte)0x55) < 0)
            {
                received++;
            }
        }

        Assert.Equal(6, received);
    }

    [Fact]
    public void SdesInline_RoundTrips_AndRefusesAnMki()
    {
        var keys = SrtpKeys.Generate(SrtpProfile.AesCm128HmacSha1_80);
        var parsed = SrtpKeys.ParseInline(SrtpProfile.AesCm128HmacSha1_80, keys.Inline)!;
        Assert.Equal(keys.MasterKey, parsed.MasterKey);
        Assert.Equal(keys.MasterSalt, parsed.MasterSalt);
        Assert.NotNull(SrtpKeys.ParseInline(SrtpProfile.AesCm128HmacSha1_80, keys.Inline + "|2^31"));
        Assert.Null(SrtpKeys.ParseInline(SrtpProfile.AesCm128HmacSha1_80, keys.Inline + "|2^31|1:4"));
        Assert.Null(SrtpKeys.ParseInline(SrtpProfile.AesCm128HmacSha1_80, "inline:c2hvcnQ="));
    }
}
