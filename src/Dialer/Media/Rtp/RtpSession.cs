using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Sdp;

namespace Collections.Dialer.Media.Rtp;

/// <summary>A received audio frame, already decoded to 8 kHz linear PCM.</summary>
internal readonly record struct AudioFrame(RtpHeader Header, short[] Samples);

/// <summary>
/// One RTP/RTCP port pair (RFC 3550) for one call leg: our own SSRC, sequence and timestamp; counters;
/// RTCP sender reports every 5 s (6.2); receive statistics with interarrival jitter (A.8); RFC 4733 DTMF.
/// Symmetric RTP: replies go to where the peer's packets come from (RFC 4961).
/// </summary>
internal sealed class RtpSession : IAsyncDisposable
{
    public const int SamplesPerFrame = 160; // 20 ms at 8 kHz (RFC 3551 4.5: G.711 default ptime)

    private readonly Socket _rtp;
    private readonly Socket _rtcp;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _rtpLoop;
    private readonly Task _rtcpLoop;
    private readonly ITimer _rtcpTimer;
    private readonly Lock _sendGate = new();
    private ushort _sequence;
    private uint _timestamp;
    private long _sent;
    private long _sentOctets;
    private long _received;
    private long _rtcpReceived;
    private ushort? _firstSeq;
    private ushort _highestSeq;
    private int _cycles;
    private double _jitter;
    private long _lastTransit = long.MinValue;
    private readonly long _clockStart;
    private uint _lastDtmfTimestamp = uint.MaxValue;

    public RtpSession(IPAddress address, TimeProvider time)
    {
        _time = time;
        (_rtp, _rtcp) = BindPair(address);
        Ssrc = BinaryPrimitives.ReadUInt32BigEndian(RandomNumberGenerator.GetBytes(4));
        _sequence = (ushort)Random.Shared.Next(0, 65536);
        _timestamp = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
        _clockStart = time.GetTimestamp();
        _rtpLoop = Task.Run(RtpLoopAsync);
        _rtcpLoop = Task.Run(RtcpLoopAsync);
        _rtcpTimer = time.CreateTimer(_ => SendSenderReport(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_rtp.LocalEndPoint!;

    public IPEndPoint? Remote { get; private set; }

    public uint Ssrc { get; }

    /// <summary>Codec used to send and to decode received audio.</summary>
    public AudioCodec Codec { get; set; } = AudioCodec.Pcmu;

    public int? TelephoneEventPayloadType { get; set; } = AudioCodec.TelephoneEvent.PayloadType;

    public long PacketsSent => Interlocked.Read(ref _sent);

    public long PacketsReceived => Interlocked.Read(ref _received);

    public long RtcpPacketsReceived => Interlocked.Read(ref _rtcpReceived);

    /// <summary>Interarrival jitter in timestamp units (RFC 3550 6.4.1).</summary>
    public double Jitter => _jitter;

    /// <summary>Packets expected from the sequence numbers seen minus packets received (RFC 3550 A.3).</summary>
    public long PacketsLost => _firstSeq is { } first ? Math.Max(0, (((long)_cycles << 16) + _highestSeq - first + 1) - PacketsReceived) : 0;

    /// <summary>Raised on the receive loop for each audio packet: raw packet, for relaying without decoding.</summary>
    public event Action<RtpSession, RtpHeader, ReadOnlyMemory<byte>>? RawAudioReceived;

    /// <summary>Raised with decoded PCM for each audio packet (recording, AMD).</summary>
    public event Action<RtpSession, AudioFrame>? AudioReceived;

    public event Action<RtpSession, char>? DtmfReceived;

    public void SetRemote(IPEndPoint remote) => Remote = remote;

    private static (Socket Rtp, Socket Rtcp) BindPair(IPAddress address)
    {
        // RFC 3550 11: RTP on an even port, RTCP on the next odd one.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(10000, 30000) & ~1;
            var rtp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var rtcp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtp.Bind(new IPEndPoint(address, port));
                rtcp.Bind(new IPEndPoint(address, port + 1));
                return (rtp, rtcp);
            }
            catch (SocketException)
            {
                rtp.Dispose();
                rtcp.Dispose();
            }
        }

        throw new IOException("No free RTP port pair.");
    }

    /// <summary>Sends one frame of linear PCM, encoded with the negotiated codec.</summary>
    public void SendAudio(ReadOnlySpan<short> pcm, bool marker = false)
    {
        Span<byte> payload = stackalloc byte[pcm.Length];
        if (Codec.PayloadType == AudioCodec.Pcma.PayloadType)
        {
            G711.EncodeALaw(pcm, payload);
        }
        else
        {
            G711.EncodeMuLaw(pcm, payload);
        }

        SendPayload(payload, Codec.PayloadType, (uint)pcm.Length, marker);
    }

    /// <summary>Sends an already encoded payload with our SSRC, next sequence number and a timestamp advanced by <paramref name="samples"/>.</summary>
    public void SendPayload(ReadOnlySpan<byte> payload, int payloadType, uint samples, bool marker = false)
    {
        if (Remote is null)
        {
            return;
        }

        Span<byte> packet = stackalloc byte[RtpHeader.Size + payload.Length];
        lock (_sendGate)
        {
            new RtpHeader(payloadType, marker, _sequence++, _timestamp, Ssrc).Write(packet);
            _timestamp += samples;
        }

        payload.CopyTo(packet[RtpHeader.Size..]);
        Transmit(packet);
    }

    private void Transmit(ReadOnlySpan<byte> packet)
    {
        try
        {
            _rtp.SendTo(packet, SocketFlags.None, Remote!);
            Interlocked.Increment(ref _sent);
            Interlocked.Add(ref _sentOctets, packet.Length - RtpHeader.Size);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Peer gone (ICMP unreachable) or session closing: media is best effort.
        }
    }

    /// <summary>Sends one DTMF digit as RFC 4733 events: same timestamp, marker on the first, end bit sent three times (2.5.1.4).</summary>
    public async Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken ct)
    {
        if (TelephoneEventPayloadType is not { } pt || Remote is null)
        {
            return;
        }

        var ev = DtmfEvent.EventFor(digit);
        uint ts;
        lock (_sendGate)
        {
            ts = _timestamp;
        }

        var total = (int)(duration.TotalMilliseconds / 20);
        var payload = new byte[4];
        for (var i = 1; i <= total; i++)
        {
            new DtmfEvent(ev, false, 10, (ushort)(i * SamplesPerFrame)).Write(payload);
            SendEvent(payload, pt, ts, i == 1);
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, ct).ConfigureAwait(false);
        }

        for (var i = 0; i < 3; i++)
        {
            new DtmfEvent(ev, true, 10, (ushort)(total * SamplesPerFrame)).Write(payload);
            SendEvent(payload, pt, ts, false);
        }

        lock (_sendGate)
        {
            _timestamp += (uint)(total * SamplesPerFrame);
        }
    }

    private void SendEvent(ReadOnlySpan<byte> payload, int pt, uint ts, bool marker)
    {
        Span<byte> packet = stackalloc byte[RtpHeader.Size + payload.Length];
        lock (_sendGate)
        {
            new RtpHeader(pt, marker, _sequence++, ts, Ssrc).Write(packet);
        }

        payload.CopyTo(packet[RtpHeader.Size..]);
        Transmit(packet);
    }

    private async Task RtpLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_cts.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _rtp.ReceiveFromAsync(buffer, SocketFlags.None, any, _cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var data = buffer.AsMemory(0, r.ReceivedBytes);
            if (RtpHeader.LooksLikeRtcp(data.Span) || !RtpHeader.TryParse(data.Span, out var h, out var off, out var len))
            {
                continue;
            }

            // Symmetric RTP (RFC 4961): latch onto the address the peer really sends from.
            if (Remote is null || !Remote.Equals(r.RemoteEndPoint))
            {
                Remote = (IPEndPoint)r.RemoteEndPoint;
            }

            Interlocked.Increment(ref _received);
            UpdateStatistics(h);
            var payload = data.Slice(off, len);
            if (TelephoneEventPayloadType == h.PayloadType)
            {
                if (DtmfEvent.TryParse(payload.Span, out var ev) && ev.End && h.Timestamp != _lastDtmfTimestamp)
                {
                    _lastDtmfTimestamp = h.Timestamp;
                    DtmfReceived?.Invoke(this, ev.Digit);
                }

                continue;
            }

            if (h.PayloadType is not (0 or 8))
            {
                continue;
            }

            try
            {
                DeliverAudio(h, payload, len);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException)
            {
                // A consumer (bridge, recorder) closing while a packet is in flight must not stop this leg's media.
            }
        }
    }

    private void DeliverAudio(RtpHeader h, ReadOnlyMemory<byte> payload, int len)
    {
        RawAudioReceived?.Invoke(this, h, payload);
        if (AudioReceived is { } handler)
        {
            var pcm = new short[len];
            if (h.PayloadType == 8)
            {
                G711.DecodeALaw(payload.Span, pcm);
            }
            else
            {
                G711.DecodeMuLaw(payload.Span, pcm);
            }

            handler(this, new AudioFrame(h, pcm));
        }
    }

    private void UpdateStatistics(RtpHeader h)
    {
        if (_firstSeq is null)
        {
            _firstSeq = h.Sequence;
            _highestSeq = h.Sequence;
        }
        else
        {
            var delta = (ushort)(h.Sequence - _highestSeq);
            if (delta is > 0 and < 3000)
            {
                if (h.Sequence < _highestSeq)
                {
                    _cycles++;
                }

                _highestSeq = h.Sequence;
            }
        }

        // RFC 3550 A.8: J += (|D| - J) / 16 with transit times in timestamp units.
        var arrival = (long)(_time.GetElapsedTime(_clockStart).TotalSeconds * 8000);
        var transit = arrival - h.Timestamp;
        if (_lastTransit != long.MinValue)
        {
            var d = Math.Abs(transit - _lastTransit);
            if (d < 8000 * 10)
            {
                _jitter += (d - _jitter) / 16.0;
            }
        }

        _lastTransit = transit;
    }

    private async Task RtcpLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_cts.IsCancellationRequested)
        {
            try
            {
                var r = await _rtcp.ReceiveFromAsync(buffer, SocketFlags.None, any, _cts.Token).ConfigureAwait(false);
                if (r.ReceivedBytes >= 8 && (buffer[0] >> 6) == 2 && buffer[1] is >= 200 and <= 204)
                {
                    Interlocked.Increment(ref _rtcpReceived);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>RTCP SR (RFC 3550 6.4.1) with one report block when we receive, plus SDES CNAME (6.5.1) as a compound packet.</summary>
    public byte[] BuildSenderReport()
    {
        var hasReport = _firstSeq is not null;
        var srLength = 28 + (hasReport ? 24 : 0);
        const string cname = "collections@dialer";
        var sdesLength = 4 + ((4 + 2 + cname.Length + 1 + 3) & ~3);
        var packet = new byte[srLength + sdesLength];
        var s = packet.AsSpan();
        s[0] = (byte)(0x80 | (hasReport ? 1 : 0));
        s[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], (ushort)((srLength / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], Ssrc);
        var now = _time.GetUtcNow();
        var ntp = now - new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var seconds = (ulong)ntp.TotalSeconds;
        var fraction = (ulong)((ntp.TotalSeconds - seconds) * 4294967296.0);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], (uint)seconds);
        BinaryPrimitives.WriteUInt32BigEndian(s[12..], (uint)fraction);
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], _timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(s[20..], (uint)PacketsSent);
        BinaryPrimitives.WriteUInt32BigEndian(s[24..], (uint)Interlocked.Read(ref _sentOctets));
        if (hasReport)
        {
            var lost = (uint)Math.Min(PacketsLost, 0x7FFFFF);
            BinaryPrimitives.WriteUInt32BigEndian(s[28..], 0); // remote SSRC is not tracked per source here
            BinaryPrimitives.WriteUInt32BigEndian(s[32..], lost);
            BinaryPrimitives.WriteUInt32BigEndian(s[36..], ((uint)_cycles << 16) | _highestSeq);
            BinaryPrimitives.WriteUInt32BigEndian(s[40..], (uint)_jitter);
        }

        var d = s[srLength..];
        d[0] = 0x81;
        d[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)((sdesLength / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], Ssrc);
        d[8] = 1;
        d[9] = (byte)cname.Length;
        System.Text.Encoding.ASCII.GetBytes(cname, d[10..]);
        return packet;
    }

    private void SendSenderReport()
    {
        if (Remote is not { } remote)
        {
            return;
        }

        try
        {
            _rtcp.SendTo(BuildSenderReport(), SocketFlags.None, new IPEndPoint(remote.Address, remote.Port + 1));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _rtcpTimer.DisposeAsync().ConfigureAwait(false);
        await _cts.CancelAsync().ConfigureAwait(false);
        _rtp.Dispose();
        _rtcp.Dispose();
        try
        {
            await Task.WhenAll(_rtpLoop, _rtcpLoop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
    }
}
