using System.Net;
using System.Net.Sockets;
using System.Text;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Sip;

/// <summary>
/// What a SIP endpoint holds for strangers (issue 19, finding 2): refusals are stateless (RFC 3261 8.2.7) so they draw one
/// response and keep nothing; size (RFC 3261 21.5.11), header count, transactions and dialogs per source are bounded.
/// </summary>
public sealed class SipLimitsTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public SipLimitsTests() => _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public ValueTask DisposeAsync()
    {
        _peer.Dispose();
        return ValueTask.CompletedTask;
    }

    private int PeerPort => ((IPEndPoint)_peer.LocalEndPoint!).Port;

    private SipRequest NewRequest(string method, string branch)
    {
        var r = new SipRequest(method, "sip:1001@127.0.0.1");
        r.Add("Via", $"SIP/2.0/UDP 127.0.0.1:{PeerPort};branch=z9hG4bK{branch}");
        r.Add("From", "<sip:stranger@127.0.0.1>;tag=" + SipStack.NewTag());
        r.Add("To", "<sip:1001@127.0.0.1>");
        r.Add("Call-ID", SipStack.NewCallId());
        r.Add("CSeq", "1 " + method);
        return r;
    }

    private async Task SendAsync(SipMessage message, IPEndPoint to) =>
        await _peer.SendToAsync(message.ToBytes(), to, TestContext.Current.CancellationToken);

    private async Task<SipResponse> ReceiveAsync()
    {
        var buffer = new byte[65536];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        var r = await _peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        Assert.True(SipParser.TryParse(buffer.AsSpan(0, r.ReceivedBytes), out var m, out var error), error);
        return Assert.IsType<SipResponse>(m);
    }

    [Fact]
    public async Task InviteNobodyAccepts_IsAnsweredOnce_AndNothingIsHeldOrRetransmitted()
    {
        // Finding 2: the refused INVITE drew 100 + 480 + eleven timer-G retransmissions and was held for 32 s.
        await using var ua = new SipUserAgent(_time);
        ua.Start(IPAddress.Loopback);
        var invite = NewRequest("INVITE", "stranger1");
        await SendAsync(invite, ua.Stack.Transport.UdpEndPoint);

        var first = await ReceiveAsync();
        Assert.Equal(480, first.StatusCode);
        Assert.Equal(0, ua.Stack.ActiveTransactions);

        for (var i = 0; i < 80; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5)); // past timer H (64*T1 = 32 s)
        }

        // Anything timer G sent went out during Advance, before this marker request: the next answer must be the marker's.
        await SendAsync(NewRequest("OPTIONS", "marker"), ua.Stack.Transport.UdpEndPoint);
        var next = await ReceiveAsync();
        Assert.Equal("OPTIONS", next.CSeq.Method);
        Assert.Equal(200, next.StatusCode);
    }

    [Fact]
    public async Task RetransmittedRefusedInvite_IsAnsweredOncePerCopy()
    {
        await using var ua = new SipUserAgent(_time);
        ua.Start(IPAddress.Loopback);
        var invite = NewRequest("INVITE", "stranger2");
        await SendAsync(invite, ua.Stack.Transport.UdpEndPoint);
        await SendAsync(invite, ua.Stack.Transport.UdpEndPoint);
        Assert.Equal(480, (await ReceiveAsync()).StatusCode);
        Assert.Equal(480, (await ReceiveAsync()).StatusCode);
        await SendAsync(NewRequest("OPTIONS", "marker2"), ua.Stack.Transport.UdpEndPoint);
        Assert.Equal("OPTIONS", (await ReceiveAsync()).CSeq.Method);
    }

    [Fact]
    public async Task RequestOverMaxMessageBytes_Gets513_AndIsNotHeld()
    {
        await using var ua = new SipUserAgent(_time, limits: new SipLimits { MaxMessageBytes = 16 * 1024 });
        var seen = 0;
        ua.IncomingCall = tx =>
        {
            Interlocked.Increment(ref seen);
            return Task.CompletedTask;
        };
        ua.Start(IPAddress.Loopback);
        var invite = NewRequest("INVITE", "big");
        invite.Add("Content-Type", "application/sdp");
        invite.Body = Encoding.ASCII.GetBytes("v=0\r\n" + string.Concat(Enumerable.Repeat("a=x-padding:" + new string('x', 100) + "\r\n", 200)));
        await SendAsync(invite, ua.Stack.Transport.UdpEndPoint);

        var response = await ReceiveAsync();
        Assert.Equal(513, response.StatusCode); // RFC 3261 21.5.11 Message Too Large
        Assert.Equal(0, seen);
        Assert.Equal(0, ua.Stack.ActiveTransactions);
    }

    [Fact]
    public async Task RequestWithTooManyHeaders_Gets400_AndIsNotHeld()
    {
        await using var ua = new SipUserAgent(_time, limits: new SipLimits { MaxHeaders = 20 });
        ua.IncomingCall = _ => Task.CompletedTask;
        ua.Start(IPAddress.Loopback);
        var invite = NewRequest("INVITE", "headers");
        for (var i = 0; i < 30; i++)
        {
            invite.Add("X-Junk-" + i, "x");
        }

        await SendAsync(invite, ua.Stack.Transport.UdpEndPoint);
        var response = await ReceiveAsync();
        Assert.Equal(400, response.StatusCode);
        Assert.Contains("header", response.Reason, StringComparison.Ordinal);
        Assert.Equal(0, ua.Stack.ActiveTransactions);
    }

    [Fact]
    public async Task TransactionsBeyondPerSourceLimit_Get503WithRetryAfter_AndATrustedPeerIsStillServed()
    {
        await using var stack = new SipStack(_time, limits: new SipLimits { MaxTransactionsPerSource = 2 });
        stack.RequestReceived = _ => Task.CompletedTask; // holds every INVITE unanswered (100 Trying only)
        stack.Start(IPAddress.Loopback);

        await SendAsync(NewRequest("INVITE", "a1"), stack.Transport.UdpEndPoint);
        Assert.Equal(100, (await ReceiveAsync()).StatusCode);
        await SendAsync(NewRequest("INVITE", "a2"), stack.Transport.UdpEndPoint);
        Assert.Equal(100, (await ReceiveAsync()).StatusCode);
        await SendAsync(NewRequest("INVITE", "a3"), stack.Transport.UdpEndPoint);
        var refused = await ReceiveAsync();
        Assert.Equal(503, refused.StatusCode);
        Assert.Equal("30", refused["Retry-After"]);
        Assert.Equal(2, stack.ActiveTransactions);
        Assert.Equal(1, stack.Refused);

        // The carrier's proxy carries every call: trusted, it is not counted.
        stack.Trust((IPEndPoint)_peer.LocalEndPoint!);
        await SendAsync(NewRequest("INVITE", "a4"), stack.Transport.UdpEndPoint);
        Assert.Equal(100, (await ReceiveAsync()).StatusCode);
        Assert.Equal(3, stack.ActiveTransactions);
    }

    [Fact]
    public async Task TransactionsBeyondGlobalCap_Get503()
    {
        await using var stack = new SipStack(_time, limits: new SipLimits { MaxTransactions = 1, MaxTransactionsPerSource = 10 });
        stack.RequestReceived = _ => Task.CompletedTask;
        stack.Start(IPAddress.Loopback);

        await SendAsync(NewRequest("INVITE", "g1"), stack.Transport.UdpEndPoint);
        Assert.Equal(100, (await ReceiveAsync()).StatusCode);
        await SendAsync(NewRequest("INVITE", "g2"), stack.Transport.UdpEndPoint);
        Assert.Equal(503, (await ReceiveAsync()).StatusCode);
        Assert.Equal(1, stack.ActiveTransactions);
    }

    [Fact]
    public async Task DialogsBeyondPerSourceLimit_NextInviteGets503()
    {
        await using var ua = new SipUserAgent(_time, limits: new SipLimits { MaxDialogsPerSource = 1 });
        ua.IncomingCall = tx =>
        {
            var tag = SipStack.NewTag();
            var dialog = SipDialog.FromUas(tx.Request, tag, tx.Protocol);
            ua.AddDialog(dialog.Key, new SilentDialog(), tx.Remote);
            tx.Respond(SipResponse.For(tx.Request, 180, toTag: tag));
            return Task.CompletedTask;
        };
        ua.Start(IPAddress.Loopback);

        await SendAsync(NewRequest("INVITE", "d1"), ua.Stack.Transport.UdpEndPoint);
        Assert.Equal(180, (await ReceiveAsync()).StatusCode);
        await SendAsync(NewRequest("INVITE", "d2"), ua.Stack.Transport.UdpEndPoint);
        Assert.Equal(503, (await ReceiveAsync()).StatusCode);
        Assert.Equal(1, ua.DialogCount);
    }

    private sealed class SilentDialog : IDialogHandler
    {
        public Task OnRequestAsync(ServerTransaction transaction) => Task.CompletedTask;

        public void OnAck(SipRequest ack)
        {
        }

        public void OnRetransmitted2xx(SipResponse response)
        {
        }
    }
}
