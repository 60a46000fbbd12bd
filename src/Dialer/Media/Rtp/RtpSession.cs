using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Dtls;
using Collections.Dialer.Media.Ice;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Media.Srtp;
using Concentus;
using Concentus.Enums;

namespace Collections.Dialer.Media.Rtp;

/// <summary>A received audio frame, already decoded to 8 kHz linear PCM.</summary>
internal readonly record struct AudioFrame(RtpHeader Header, short[] Samples);

/// <summary>One received audio packet as it is relayed: header, payload as received (after SRTP), and the payload decoded to 8 kHz PCM.</summary>
internal readonly ref struct RtpAudio(RtpHeader header, ReadOnlySpan<byte> payload, ReadOnlySpan<short> pcm)
{
    public RtpHeader Header { get; } = header;

    public ReadOnlySpan<byte> Payload { get; } = payload;

    public ReadOnlySpan<short> Pcm { get; } = pcm;
}

internal delegate void RtpAudioHandler(RtpSession session, in RtpAudio audio);

/// <summary>Whether a session's media is protected: not at all, waiting for keys (nothing flows), or with SRTP.</summary>
internal enum MediaProtection
{
    None,
    Pending,
    Srtp,
}

/// <summary>
/// One RTP/RTCP port pair (RFC 3550) for one call leg: our own SSRC, sequence and timestamp; counters; RTCP sender
/// reports every 5 s (6.2); receive statistics with interarrival jitter (A.8); RFC 4733 DTMF. Symmetric RTP: replies
/// go to where the peer's packets come from (RFC 4961). For secure and browser media the RTP port also carries STUN,
/// DTLS and (with rtcp-mux, RFC 5761) RTCP, told apart by their first octet (RFC 7983); SRTP protects what is sent and
/// authenticates what is received (RFC 3711), and while keys are pending nothing flows either way, never in the clear.
/// Opus (RFC 7587) is encoded from and decoded to 8 kHz PCM, so the bridge and recorder see G.711-rate audio.
/// </summary>
internal sealed class RtpSession : IAsyncDisposable
{
    public const int SamplesPerFrame = 160; // 20 ms at 8 kHz (RFC 3551 4.5: G.711 default ptime)

    private const int MaxOpusSamples = 8 * 120; // 120 ms at 8 kHz, Opus's longest packet (RFC 6716 2.1.4)

    private readonly Socket _rtp;
    private readonly Socket _rtcp;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _rtpLoop;
    private readonly Task _rtcpLoop;
    private readonly ITimer _rtcpTimer;
    private readonly Lock _sendGate = new();
    private readonly short[] _decoded = new short[MaxOpusSamples];
    private readonly Dictionary<int, AudioCodec> _receiveCodecs = new() { [0] = AudioCodec.Pcmu, [8] = AudioCodec.Pcma };
    private ushort _sequence;
    private uint _timestamp;
    private long _sent;
    private long _sentOctets;
    private long _received;
    private long _rejected;
    private long _dropped;
    private long _rtcpReceived;
    private ushort? _firstSeq;
    private ushort _highestSeq;
    private int _cycles;
    private double _jitter;
    private long _lastTransit = long.MinValue;
    private readonly long _clockStart;
    private uint _lastDtmfTimestamp = uint.MaxValue;
    private SrtpContext? _sendSrtp;
    private SrtpContext? _receiveSrtp;
    private DtlsSrtpHandshake? _dtls;
    private IOpusEncoder? _opusEncoder;
    private IOpusDecoder? _opusDecoder;
    private AudioCodec _codec = AudioCodec.Pcmu;

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

    /// <summary>Codec used to send; received packets are decoded by their payload type (<see cref="SetReceiveCodecs"/>).</summary>
    public AudioCodec Codec
    {
        get => _codec;
        set
        {
            _codec = value;
            _receiveCodecs[value.PayloadType] = value;
        }
    }

    public int? TelephoneEventPayloadType { get; set; } = AudioCodec.TelephoneEvent.PayloadType;

    /// <summary>RTCP goes to and comes from the RTP port (RFC 5761), as the answer agreed.</summary>
    public bool RtcpMux { get; set; }

    /// <summary>The ICE-lite responder, when the peer does ICE (browsers); media then goes only to the address it nominated.</summary>
    public IceLiteAgent? Ice { get; private set; }

    public MediaProtection Protection { get; private set; }

    /// <summary>The SRTP profile in use, once keyed.</summary>
    public SrtpProfile? SrtpProfile => _sendSrtp?.Profile;

    /// <summary>How the keys were agreed: "SDES" or "DTLS-SRTP"; null for plain RTP.</summary>
    public string? KeyExchange { get; private set; }

    public long PacketsSent => Interlocked.Read(ref _sent);

    public long PacketsReceived => Interlocked.Read(ref _received);

    /// <summary>Packets refused: failed SRTP authentication or replay, or clear RTP while encryption is required.</summary>
    public long PacketsRejected => Interlocked.Read(ref _rejected) + (_receiveSrtp?.Rejected ?? 0);

    /// <summary>Packets we did not send because keys were not agreed yet (never sent in the clear instead).</summary>
    public long PacketsWithheld => Interlocked.Read(ref _dropped);

    public long RtcpPacketsReceived => Interlocked.Read(ref _rtcpReceived);

    /// <summary>Interarrival jitter in timestamp units (RFC 3550 6.4.1).</summary>
    public double Jitter => _jitter;

    /// <summary>Packets expected from the sequence numbers seen minus packets received (RFC 3550 A.3).</summary>
    public long PacketsLost => _firstSeq is { } first ? Math.Max(0, (((long)_cycles << 16) + _highestSeq - first + 1) - PacketsReceived) : 0;

    /// <summary>Raised on the receive loop for each audio packet: the payload for relaying as is, and its PCM.</summary>
    public event RtpAudioHandler? RawAudioReceived;

    /// <summary>Raised with decoded PCM for each audio packet (recording, AMD).</summary>
    public event Action<RtpSession, AudioFrame>? AudioReceived;

    public event Action<RtpSession, char>? DtmfReceived;

    /// <summary>Raised once SRTP keys are in place (SDES at once, DTLS when its handshake completes).</summary>
    public event Action<RtpSession>? Secured;

    /// <summary>Raised when DTLS-SRTP could not agree keys: the call cannot have the encryption it requires.</summary>
    public event Action<RtpSession, string>? SecurityFailed;

    public void SetRemote(IPEndPoint remote) => Remote = remote;

    /// <summary>Payload types the peer may send, from the negotiated SDP.</summary>
    public void SetReceiveCodecs(IEnumerable<AudioCodec> codecs)
    {
        foreach (var c in codecs.Where(c => c.IsG711 || c.IsOpus))
        {
            _receiveCodecs[c.PayloadType] = c;
        }
    }

    /// <summary>From now on nothing is sent or accepted until SRTP keys are set (encryption required or being agreed).</summary>
    public void RequireProtection()
    {
        if (Protection == MediaProtection.None)
        {
            Protection = MediaProtection.Pending;
        }
    }

    /// <summary>Back to plain RTP after an offer that only preferred SRTP was answered without it.</summary>
    public void UseSrtpNone()
    {
        lock (_sendGate)
        {
            if (_sendSrtp is null)
            {
                Protection = MediaProtection.None;
            }
        }
    }

    /// <summary>SRTP with the given keys from now on (SDES, RFC 4568, or DTLS-SRTP's exported keys).</summary>
    public void UseSrtp(SrtpKeys send, SrtpKeys receive, string keyExchange)
    {
        var tx = new SrtpContext(send);
        var rx = new SrtpContext(receive);
        lock (_sendGate)
        {
            _sendSrtp = tx;
            _receiveSrtp = rx;
            Protection = MediaProtection.Srtp;
            KeyExchange = keyExchange;
        }

        Secured?.Invoke(this);
    }

    /// <summary>Answers ICE connectivity checks (RFC 8445 lite) on this port from now on.</summary>
    public IceLiteAgent EnableIce()
    {
        Ice ??= new IceLiteAgent();
        Ice.Nominated += ep => Remote = ep;
        return Ice;
    }

    /// <summary>Starts DTLS-SRTP (RFC 5764) in the given role; keys replace the pending state when it completes, a failure raises <see cref="SecurityFailed"/>.</summary>
    public void StartDtls(DtlsRole role, SdpFingerprint remote, TimeSpan timeout)
    {
        RequireProtection();
        var dtls = new DtlsSrtpHandshake(role, DtlsCertificate.Default, remote.HashFunction, remote.Value, SendRaw, timeout);
        _dtls = dtls;
        dtls.Completion.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                UseSrtp(t.Result.Send, t.Result.Receive, "DTLS-SRTP");
            }
            else if (Volatile.Read(ref _disposed) == 0)
            {
                SecurityFailed?.Invoke(this, t.Exception?.InnerException?.Message ?? "DTLS handshake failed");
            }
        }, TaskScheduler.Default);
        dtls.Start();
    }

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

    /// <summary>Sends one frame of linear PCM (8 kHz), encoded with the negotiated codec.</summary>
    public void SendAudio(ReadOnlySpan<short> pcm, bool marker = false)
    {
        var codec = _codec;
        if (codec.IsOpus)
        {
            Span<byte> opus = stackalloc byte[400];
            int n;
            lock (_sendGate)
            {
                _opusEncoder ??= NewOpusEncoder();
                n = _opusEncoder.Encode(pcm, pcm.Length, opus, opus.Length);
            }

            SendPayload(opus[..n], codec.PayloadType, (uint)(pcm.Length * codec.ClockMultiplier), marker);
            return;
        }

        Span<byte> payload = stackalloc byte[pcm.Length];
        if (codec.Name.Equals("PCMA", StringComparison.OrdinalIgnoreCase))
        {
            G711.EncodeALaw(pcm, payload);
        }
        else
        {
            G711.EncodeMuLaw(pcm, payload);
        }

        SendPayload(payload, codec.PayloadType, (uint)pcm.Length, marker);
    }

    private static IOpusEncoder NewOpusEncoder()
    {
        // Narrowband is all the trunk's G.711 carries; VoIP mode, moderate complexity to keep a core for many calls.
        var encoder = OpusCodecFactory.CreateEncoder(8000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.Bitrate = 20000;
        encoder.Complexity = 5;
        return encoder;
    }

    /// <summary>Sends an already encoded payload with our SSRC, next sequence number and a timestamp advanced by <paramref name="samples"/>.</summary>
    public void SendPayload(ReadOnlySpan<byte> payload, int payloadType, uint samples, bool marker = false)
    {
        if (Remote is null)
        {
            return;
        }

        Span<byte> packet = stackalloc byte[RtpHeader.Size + payload.Length + 16];
        lock (_sendGate)
        {
            new RtpHeader(payloadType, marker, _sequence++, _timestamp, Ssrc).Write(packet);
            _timestamp += samples;
        }

        payload.CopyTo(packet[RtpHeader.Size..]);
        Transmit(packet, RtpHeader.Size + payload.Length);
    }

    private void Transmit(Span<byte> packet, int length)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        var srtp = _sendSrtp;
        if (srtp is not null)
        {
            try
            {
                length = srtp.ProtectRtp(packet, length);
            }
            catch (ObjectDisposedException)
            {
                return; // the session closed while a bridge or prompt was sending into it
            }
        }
        else if (Protection != MediaProtection.None)
        {
            Interlocked.Increment(ref _dropped); // keys not agreed yet: never in the clear
            return;
        }

        try
        {
            _rtp.SendTo(packet[..length], SocketFlags.None, Remote!);
            Interlocked.Increment(ref _sent);
            Interlocked.Add(ref _sentOctets, length - RtpHeader.Size);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Peer gone (ICMP unreachable) or session closing: media is best effort.
        }
    }

    private void SendRaw(byte[] datagram)
    {
        if (Remote is not { } remote)
        {
            return;
        }

        try
        {
            _rtp.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
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
        Span<byte> packet = stackalloc byte[RtpHeader.Size + payload.Length + 16];
        lock (_sendGate)
        {
            new RtpHeader(pt, marker, _sequence++, ts, Ssrc).Write(packet);
        }

        payload.CopyTo(packet[RtpHeader.Size..]);
        Transmit(packet, RtpHeader.Size + payload.Length);
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

            var from = (IPEndPoint)r.RemoteEndPoint;
            var length = r.ReceivedBytes;
            if (length == 0)
            {
                continue;
            }

            // RFC 7983 5: 0-3 STUN, 20-63 DTLS, 128-191 RTP and RTCP.
            var first = buffer[0];
            if (first < 4)
            {
                OnStun(buffer.AsSpan(0, length), from);
                continue;
            }

            if (first is >= 20 and <= 63)
            {
                OnDtls(buffer.AsSpan(0, length), from);
                continue;
            }

            if (first is < 128 or > 191)
            {
                continue;
            }

            try
            {
                if (RtpHeader.LooksLikeRtcp(buffer.AsSpan(0, length)))
                {
                    OnRtcp(buffer, length); // rtcp-mux (RFC 5761 4)
                }
                else
                {
                    OnRtp(buffer, length, from);
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException or ArgumentException)
            {
                // A consumer (bridge, recorder) closing while a packet is in flight must not stop this leg's media.
            }
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (Ice is not { } ice || !StunMessage.IsStun(datagram))
        {
            return;
        }

        if (ice.Handle(datagram, from) is { } response)
        {
            try
            {
                _rtp.SendTo(response, SocketFlags.None, from);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (_dtls is not { } dtls)
        {
            return;
        }

        if (Ice is not null)
        {
            if (Ice.Selected is null || !Ice.Selected.Equals(from))
            {
                return; // with ICE, DTLS only on the checked path (RFC 8842 4)
            }
        }
        else if (Remote is null || !Remote.Equals(from))
        {
            Remote = from; // without ICE the server answers where the ClientHello came from
        }

        dtls.Deliver(datagram);
    }

    private void OnRtp(byte[] buffer, int length, IPEndPoint from)
    {
        var rx = _receiveSrtp;
        if (rx is not null)
        {
            if (!rx.TryUnprotectRtp(buffer, length, out length))
            {
                return;
            }
        }
        else if (Protection != MediaProtection.None)
        {
            Interlocked.Increment(ref _rejected); // clear RTP where SRTP is required: never played
            return;
        }

        var data = buffer.AsMemory(0, length);
        if (!RtpHeader.TryParse(data.Span, out var h, out var off, out var len))
        {
            return;
        }

        // Symmetric RTP (RFC 4961): latch onto the address the peer really sends from, once its packet is authentic;
        // with ICE the nominated address stays (RFC 8445 12).
        if (Ice is null && (Remote is null || !Remote.Equals(from)))
        {
            Remote = from;
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

            return;
        }

        if (!_receiveCodecs.TryGetValue(h.PayloadType, out var codec))
        {
            return;
        }

        var samples = Decode(codec, payload.Span);
        if (samples <= 0)
        {
            return;
        }

        var pcm = _decoded.AsSpan(0, samples);
        RawAudioReceived?.Invoke(this, new RtpAudio(h, payload.Span, pcm));
        if (AudioReceived is { } handler)
        {
            handler(this, new AudioFrame(h, pcm.ToArray()));
        }
    }

    /// <summary>Decodes one payload to 8 kHz PCM in the receive buffer; the Opus decoder keeps its state across packets.</summary>
    private int Decode(AudioCodec codec, ReadOnlySpan<byte> payload)
    {
        if (codec.IsOpus)
        {
            _opusDecoder ??= OpusCodecFactory.CreateDecoder(8000, 1);
            try
            {
                return _opusDecoder.Decode(payload, _decoded, MaxOpusSamples, false);
            }
            catch (ArgumentException)
            {
                return 0; // a corrupt packet: skip it
            }
        }

        var n = Math.Min(payload.Length, _decoded.Length);
        if (codec.Name.Equals("PCMA", StringComparison.OrdinalIgnoreCase))
        {
            G711.DecodeALaw(payload[..n], _decoded);
        }
        else
        {
            G711.DecodeMuLaw(payload[..n], _decoded);
        }

        return n;
    }

    private void OnRtcp(byte[] buffer, int length)
    {
        var rx = _receiveSrtp;
        if (rx is not null)
        {
            if (!rx.TryUnprotectRtcp(buffer, length, out length))
            {
                return;
            }
        }
        else if (Protection != MediaProtection.None)
        {
            return;
        }

        if (length >= 8 && (buffer[0] >> 6) == 2 && buffer[1] is >= 200 and <= 204)
        {
            Interlocked.Increment(ref _rtcpReceived);
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

        // RFC 3550 A.8: J += (|D| - J) / 16 with transit times in the codec's timestamp units.
        var rate = _receiveCodecs.TryGetValue(h.PayloadType, out var c) ? c.ClockRate : 8000;
        var arrival = (long)(_time.GetElapsedTime(_clockStart).TotalSeconds * rate);
        var transit = arrival - h.Timestamp;
        if (_lastTransit != long.MinValue)
        {
            var d = Math.Abs(transit - _lastTransit);
            if (d < rate * 10L)
            {
                _jitter += ((d * 8000.0 / rate) - _jitter) / 16.0;
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
                OnRtcp(buffer, r.ReceivedBytes);
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

        var report = BuildSenderReport();
        var length = report.Length;
        if (_sendSrtp is { } srtp)
        {
            Array.Resize(ref report, length + SrtpContext.RtcpIndexLength + SrtpContext.RtcpTagLength);
            try
            {
                length = srtp.ProtectRtcp(report, length);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
        else if (Protection != MediaProtection.None)
        {
            return;
        }

        try
        {
            if (RtcpMux)
            {
                _rtp.SendTo(report.AsSpan(0, length), SocketFlags.None, remote);
            }
            else
            {
                _rtcp.SendTo(report.AsSpan(0, length), SocketFlags.None, new IPEndPoint(remote.Address, remote.Port + 1));
            }
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
        _dtls?.Dispose();
        _rtp.Dispose();
        _rtcp.Dispose();
        try
        {
            await Task.WhenAll(_rtpLoop, _rtcpLoop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _sendSrtp?.Dispose();
        _receiveSrtp?.Dispose();
        _cts.Dispose();
    }
}
