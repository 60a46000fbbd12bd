using System.Net;
using System.Net.WebSockets;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Calls;

/// <summary>An operator's SIP account for the browser phone: the extension, its digest password and the realm.</summary>
public sealed record PhoneAccount(string Extension, string Password, string Realm);

/// <summary>
/// The Dialer's side of the browser phone (DESIGN.md 7): the console accepts a WebSocket at /sip from a signed-in operator
/// and hands it here, where it becomes a SIP over WebSocket flow (RFC 7118) bound to that operator's extension; the page's
/// SIP library registers over it (digest as for any phone) and the Dialer calls it as the operator's nailed-up leg.
/// </summary>
public sealed class BrowserPhones
{
    private readonly TelephonyService _telephony;
    private readonly IOptions<RegistrarOptions> _registrar;

    internal BrowserPhones(TelephonyService telephony, IOptions<RegistrarOptions> registrar)
    {
        _telephony = telephony;
        _registrar = registrar;
    }

    /// <summary>The WebSocket subprotocol clients must ask for (RFC 7118 4.1).</summary>
    public const string Subprotocol = SipTransport.WebSocketSubprotocol;

    /// <summary>The SIP account of <paramref name="extension"/>, or null when the registrar has none for it.</summary>
    public PhoneAccount? AccountFor(string? extension) =>
        extension is not null && _registrar.Value.Users.TryGetValue(extension, out var password)
            ? new PhoneAccount(extension, password, _registrar.Value.Realm)
            : null;

    /// <summary>
    /// True when a phone other than a browser (a desk phone, a softphone such as baresip) holds <paramref name="extension"/>'s
    /// registration. The registrar keeps one binding per extension, so a page that registered too would take the operator's
    /// line from that phone (and the phone would take it back at its next refresh): the page leaves it alone instead.
    /// </summary>
    public bool DeskPhoneRegistered(string? extension) =>
        extension is not null && _telephony.Registrar.TryGetBinding(extension, out var binding) && !binding.Browser;

    /// <summary>Serves SIP over the accepted WebSocket until it closes; REGISTER over it may bind only <paramref name="extension"/>.</summary>
    public Task ServeAsync(WebSocket webSocket, IPEndPoint remote, bool secure, string extension, CancellationToken cancellationToken) =>
        _telephony.UserAgent.Stack.Transport.ServeWebSocketAsync(webSocket, remote, secure, extension, cancellationToken);
}
