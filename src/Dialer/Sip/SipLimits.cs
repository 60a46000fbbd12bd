using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Sip;

/// <summary>
/// What one SIP endpoint holds for others, bound from <c>Dialer:Sip:Limits</c>: message size, header count, server
/// transactions per source address and in all, and dialogs per source. Sources the stack trusts (the configured trunk,
/// the built-in demo carrier and phone) are not counted; everyone else is.
/// </summary>
internal sealed class SipLimits
{
    /// <summary>
    /// Largest request accepted, in bytes. A request over it is answered 513 Message Too Large (RFC 3261 21.5.11) and
    /// forgotten (responses to our own requests are not limited below the parser's 64 KB). A normal INVITE with SDP is 1-3 KB, a WebRTC one with ICE candidates and fingerprints 4-8 KB.
    /// </summary>
    [Range(1024, SipParser.MaxMessageSize)]
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    /// <summary>Most header fields in one message (a request over it is answered 400); SIP messages carry 10 to 30.</summary>
    [Range(16, SipParser.MaxHeaders)]
    public int MaxHeaders { get; set; } = 100;

    /// <summary>Server transactions one source address may hold at once; a new request beyond it is answered 503 and not kept.</summary>
    [Range(1, 100_000)]
    public int MaxTransactionsPerSource { get; set; } = 64;

    /// <summary>Server transactions held at once from all untrusted sources together; beyond it, 503 and not kept.</summary>
    [Range(1, 1_000_000)]
    public int MaxTransactions { get; set; } = 4096;

    /// <summary>Dialogs one source address may have open with us from INVITEs it sent; the next INVITE gets 503.</summary>
    [Range(1, 100_000)]
    public int MaxDialogsPerSource { get; set; } = 16;

    /// <summary>Retry-After (RFC 3261 20.33) on the 503s these limits cause, in seconds.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>Our own user agents on loopback (demo carrier, demo phone, tests) receive every call the dialer places.</summary>
    public static SipLimits Internal => new()
    {
        MaxMessageBytes = SipParser.MaxMessageSize,
        MaxHeaders = SipParser.MaxHeaders,
        MaxTransactionsPerSource = 1_000_000,
        MaxTransactions = 1_000_000,
        MaxDialogsPerSource = 1_000_000,
    };
}
