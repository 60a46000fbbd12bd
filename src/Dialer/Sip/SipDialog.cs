using System.Globalization;
using System.Net;

namespace Collections.Dialer.Sip;

/// <summary>Dialog state (RFC 3261 12): ids, sequence numbers, remote target and route set.</summary>
internal sealed class SipDialog
{
    public required string CallId { get; init; }

    public required string LocalTag { get; init; }

    public required string RemoteTag { get; set; }

    /// <summary>Our From (UAC) or To (UAS) header value, with our tag.</summary>
    public required string LocalParty { get; init; }

    /// <summary>Their To (UAC) or From (UAS) header value, with their tag.</summary>
    public required string RemoteParty { get; set; }

    public required string RemoteTarget { get; set; }

    public List<string> RouteSet { get; init; } = [];

    public long LocalSeq { get; set; }

    public long RemoteSeq { get; set; }

    public SipProtocol Protocol { get; init; }

    /// <summary>An outbound proxy that every request of this dialog goes through (a trunk's proxy), or null.</summary>
    public IPEndPoint? OutboundProxy { get; init; }

    public string Key => KeyOf(CallId, LocalTag);

    public static string KeyOf(string callId, string localTag) => callId + "|" + localTag;

    /// <summary>RFC 3261 12.1.2: the UAC's dialog from a 2xx or 1xx with a To tag; route set is Record-Route reversed.</summary>
    public static SipDialog FromUac(SipRequest invite, SipResponse response, SipProtocol protocol, IPEndPoint? outboundProxy) => new()
    {
        CallId = invite.CallId,
        LocalTag = invite.From.Tag!,
        RemoteTag = response.To.Tag ?? string.Empty,
        LocalParty = invite["From"]!,
        RemoteParty = response["To"]!,
        RemoteTarget = response["Contact"] is { } c ? NameAddress.Parse(c).Uri : invite.Uri,
        RouteSet = response.GetAll("Record-Route").Reverse().ToList(),
        LocalSeq = invite.CSeq.Number,
        Protocol = protocol,
        OutboundProxy = outboundProxy,
    };

    /// <summary>
    /// RFC 3261 12.1.1: the UAS's dialog; route set is Record-Route in order. Over a connection (TCP, TLS, WebSocket) the
    /// dialog's requests go back on the connection the INVITE came on (RFC 5923), not to a new one to the Contact.
    /// </summary>
    public static SipDialog FromUas(SipRequest invite, string localTag, SipProtocol protocol, IPEndPoint? flow = null) => new()
    {
        CallId = invite.CallId,
        LocalTag = localTag,
        RemoteTag = invite.From.Tag ?? string.Empty,
        LocalParty = invite["To"]! + ";tag=" + localTag,
        RemoteParty = invite["From"]!,
        RemoteTarget = invite["Contact"] is { } c ? NameAddress.Parse(c).Uri : invite.From.Uri,
        RouteSet = invite.GetAll("Record-Route").ToList(),
        RemoteSeq = invite.CSeq.Number,
        LocalSeq = Random.Shared.Next(1, 10000),
        Protocol = protocol,
        OutboundProxy = protocol.IsReliable() ? flow : null,
    };

    /// <summary>RFC 3261 12.2.1.1: an in-dialog request with loose routing.</summary>
    public SipRequest CreateRequest(string method, bool newSequence = true)
    {
        if (newSequence && method != "ACK")
        {
            LocalSeq++;
        }

        var firstRoute = RouteSet.Count > 0 ? NameAddress.Parse(RouteSet[0]).Uri : null;
        var strict = firstRoute is not null && SipUri.TryParse(firstRoute, out var ru) && !ru.LooseRouting;
        var request = new SipRequest(method, strict ? firstRoute! : RemoteTarget);
        foreach (var route in strict ? RouteSet.Skip(1).Append($"<{RemoteTarget}>") : RouteSet)
        {
            request.Add("Route", route);
        }

        request.Add("From", LocalParty);
        request.Add("To", RemoteParty);
        request.Add("Call-ID", CallId);
        request.Add("CSeq", $"{LocalSeq.ToString(CultureInfo.InvariantCulture)} {method}");
        return request;
    }

    /// <summary>Where to send in-dialog requests: outbound proxy, first route, or the remote target.</summary>
    public IPEndPoint NextHop()
    {
        if (OutboundProxy is not null)
        {
            return OutboundProxy;
        }

        var uri = RouteSet.Count > 0 ? NameAddress.Parse(RouteSet[0]).Uri : RemoteTarget;
        return SipUri.Parse(uri).ToEndPoint();
    }
}

/// <summary>What a dialog's owner (a call leg) handles once the dialog exists.</summary>
internal interface IDialogHandler
{
    Task OnRequestAsync(ServerTransaction transaction);

    void OnAck(SipRequest ack);

    void OnRetransmitted2xx(SipResponse response);
}
