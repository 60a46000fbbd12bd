using System.Net;
using System.Net.Sockets;
using Collections.Dialer.Media.Audio;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Sip;
using Collections.Dialer.Trunks;
using Microsoft.Extensions.Logging;

namespace Collections.Dialer.Calls;

/// <summary>Input of one test call (the dial verb).</summary>
internal sealed record DialRequest(
    string Uri,
    TimeSpan Duration,
    TimeSpan RingTimeout,
    TrunkOptions? Trunk = null,
    string? PlayPath = null,
    string? RecordPath = null,
    IAnswerClassifier? Classifier = null,
    string? Username = null,
    string? Password = null);

/// <summary>
/// The dial verb's output line (DESIGN.md section 5); field names are part of the contract. <c>cause</c> (why the call failed:
/// TLS refused, encryption not agreed) and <c>media</c> (the SRTP that protected it) appear only when there is something to say.
/// </summary>
internal sealed record DialResult(
    int Status,
    bool Answered,
    long AnswerMs,
    string? Amd,
    long RtpSent,
    long RtpReceived,
    string HangupBy,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Cause = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Media = null);

/// <summary>Places one call on its own user agent, keeps it up for the duration, and reports what happened.</summary>
internal static class DialRunner
{
    public static async Task<DialResult> RunAsync(DialRequest request, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var target = SipUri.Parse(request.Uri);
        var route = request.Trunk is { } trunk ? TrunkRoute.From("dial", trunk) : null;
        var nextHop = route?.Proxy ?? target.ToEndPoint();
        var codecs = (request.Trunk?.Codecs ?? ["PCMU", "PCMA"]).Select(AudioCodec.ByName).OfType<AudioCodec>().ToList();
        short[]? prompt = null;
        if (request.PlayPath is not null)
        {
            var wav = WavFile.Read(request.PlayPath);
            if (!wav.IsTelephonyMono)
            {
                throw new WavFormatException($"{request.PlayPath}: prompts must be 8 kHz mono.");
            }

            prompt = wav.Samples;
        }

        await using var ua = new SipUserAgent(time, logger);
        ua.Start(LocalAddressFor(nextHop.Address));
        route?.Prepare(ua.Stack.Transport);
        var call = new SipCallLeg(ua, route?.Call(request.Uri, request.RingTimeout, request.Username, request.Password)
            ?? new OutboundCallRequest(request.Uri, nextHop, target.Protocol, "collections", request.RingTimeout, codecs, request.Username, request.Password), logger);
        await using (call.ConfigureAwait(false))
        {
            CallMedia? media = null;
            call.MediaStarted += leg =>
            {
                if (media is null && leg.Media is not null)
                {
                    media = new CallMedia(leg.Media, time, prompt, request.RecordPath, request.Classifier);
                    media.Start();
                }

                if (media is not null && leg.Answered)
                {
                    // The detector hears only the callee's answer, not early media, and times its verdict from the 200 OK.
                    media.AmdArmed = true;
                    request.Classifier?.Answered();
                }
            };
            await call.PlaceAsync(ct).ConfigureAwait(false);
            if (call.Answered)
            {
                var deadline = Task.Delay(request.Duration, time, ct);
                try
                {
                    await Task.WhenAny(deadline, call.Ended).ConfigureAwait(false);
                }
                finally
                {
                    await call.HangupAsync().ConfigureAwait(false);
                }
            }

            string? amd = null;
            if (media is not null)
            {
                await media.DisposeAsync().ConfigureAwait(false);
                amd = request.Classifier is null ? null : media.AmdVerdict;
            }

            return new DialResult(
                call.FinalStatus,
                call.Answered,
                (long)(call.AnswerDelay?.TotalMilliseconds ?? 0),
                amd,
                call.Media?.PacketsSent ?? 0,
                call.Media?.PacketsReceived ?? 0,
                call.HangupBy == HangupParty.Local ? "local" : "remote",
                call.FailureCause,
                call.MediaSecurity.StartsWith("SRTP", StringComparison.Ordinal) ? call.MediaSecurity : null);
        }
    }

    /// <summary>The local address the OS would use to reach <paramref name="remote"/> (loopback for loopback).</summary>
    public static IPAddress LocalAddressFor(IPAddress remote)
    {
        if (IPAddress.IsLoopback(remote))
        {
            return IPAddress.Loopback;
        }

        using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(remote, 9);
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}
