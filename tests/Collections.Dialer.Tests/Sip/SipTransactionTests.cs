using System.Net;
using System.Net.Sockets;

using Collections.Dialer.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Sip;

/// <summary>RFC 3261 17.1 and 17.2 timers, driven by a fake clock against a raw UDP peer on loopback.</summary>
public sealed class SipTransactionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly SipStack _stack;
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public SipTransactionTests()
    {
        _stack = new SipStack(_time);
        _stack.Start(IPAddress.Loopback);
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _peer.Dispose();
        await _stack.DisposeAsync();
    }

    private IPEndPoint PeerEndPoint => (IPEndPoint)_peer.LocalEndPoint!;

    private static SipRequest NewRequest(string method)
    {
        var r = new SipRequest(method, "sip:debtor@127.0.0.1");
        r.Add("From", "<sip:dialer@127.0.0.1>;tag=" + SipStack.NewTag());
        r.Add("To", "<sip:debtor@127.0.0.1>");
        r.Add("Call-ID", SipStack.NewCallId());
        r.Add("CSeq", "1 " + method);
        return r;
    }

    private async Task<SipMessage> ReceiveAsync()
    {
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var r = await _peer.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        Assert.True(SipParser.TryParse(buffer.AsSpan(0, r.ReceivedBytes), out var m, out var error), error);
        return m!;
    }

    private int Pending => _peer.Available;

    private async Task<int> DrainAsync()
    {
        // Sends are asynchronous: wait until the datagram we expect is there (bounded), then count.
        var n = 0;
        // Bounded generously: on a loaded two-core machine the send can lag the fake clock's advance by far more than 0.5 s.
        for (var i = 0; i < 500 && _peer.Available == 0; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        while (_peer.Available > 0)
        {
            await ReceiveAsync();
            n++;
        }

        return n;
    }

    [Fact]
    public async Task InviteClient_WithoutResponse_RetransmitsOnTimerA_ThenTimerBGives408()
    {
        var tx = _stack.SendRequest(NewRequest("INVITE"), SipProtocol.Udp, PeerEndPoint);
        Assert.Equal(1, await DrainAsync());

        // Timer A: T1, 2*T1, 4*T1, ... after the first send (0.5 s, 1.5 s, 3.5 s, 7.5 s, 15.5 s, 31.5 s).
        var schedule = new[] { 0.5, 1.0, 2.0, 4.0, 8.0, 16.0 };
        foreach (var step in schedule)
        {
            _time.Advance(TimeSpan.FromSeconds(step) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, Pending);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, await DrainAsync());
        }

        Assert.False(tx.Final.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.5)); // 32 s = 64*T1: Timer B
        var final = await tx.Final.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(408, final.StatusCode);
        Assert.Equal(0, _stack.ActiveTransactions);
    }

    [Fact]
    public async Task InviteClient_ProvisionalStopsRetransmission_BusyIsAckedOnItsBranch()
    {
        var tx = _stack.SendRequest(NewRequest("INVITE"), SipProtocol.Udp, PeerEndPoint);
        var invite = (SipRequest)await ReceiveAsync();
        var provisional = new List<int>();
        tx.Provisional += r => provisional.Add(r.StatusCode);
        await _peer.SendToAsync(SipResponse.For(invite, 180, toTag: "t1").ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        await WaitUntil(() => provisional.Count == 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await DrainAsync());

        await _peer.SendToAsync(SipResponse.For(invite, 486, toTag: "t1").ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        var final = await tx.Final.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(486, final.StatusCode);
        var ack = Assert.IsType<SipRequest>(await ReceiveAsync());
        Assert.Equal("ACK", ack.Method);
        Assert.Equal(invite.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal("t1", ack.To.Tag);

        // A retransmitted 486 in Completed is answered with the same ACK; Timer D (32 s) then ends the transaction.
        await _peer.SendToAsync(SipResponse.For(invite, 486, toTag: "t1").ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        Assert.Equal("ACK", ((SipRequest)await ReceiveAsync()).Method);
        Assert.Equal(1, _stack.ActiveTransactions);
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(0, _stack.ActiveTransactions);
    }

    [Fact]
    public async Task NonInviteClient_RetransmitsOnTimerE_CappedAtT2_ThenTimerF()
    {
        var tx = _stack.SendRequest(NewRequest("OPTIONS"), SipProtocol.Udp, PeerEndPoint);
        Assert.Equal(1, await DrainAsync());
        // Timer E: 0.5, 1, 2, 4, 4, 4 ... seconds between sends (min(2^n*T1, T2)).
        foreach (var step in new[] { 0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0 })
        {
            _time.Advance(TimeSpan.FromSeconds(step));
            Assert.Equal(1, await DrainAsync());
        }

        Assert.False(tx.Final.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(32 - 27.5)); // Timer F at 64*T1
        Assert.Equal(408, (await tx.Final.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task InviteServer_RetransmitsErrorOnTimerG_UntilAck_AndTimerHWithoutAck()
    {
        SipRequest? got = null;
        ServerTransaction? server = null;
        _stack.RequestReceived = tx =>
        {
            server = tx;
            got = tx.Request;
            tx.Respond(SipResponse.For(tx.Request, 486, toTag: "x"));
            return Task.CompletedTask;
        };
        var invite = NewRequest("INVITE");
        invite.Add("Via", "SIP/2.0/UDP 127.0.0.1:" + PeerEndPoint.Port + ";branch=z9hG4bKserver1");
        await _peer.SendToAsync(invite.ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        // RFC 3261 17.2.1: no 100 Trying when the TU answers at once.
        Assert.Equal(486, ((SipResponse)await ReceiveAsync()).StatusCode);

        foreach (var step in new[] { 0.5, 1.0, 2.0, 4.0, 4.0 })
        {
            _time.Advance(TimeSpan.FromSeconds(step));
            Assert.Equal(1, await DrainAsync());
        }

        _time.Advance(TimeSpan.FromSeconds(32 - 11.5)); // Timer H at 64*T1
        await WaitUntil(() => server!.State == TransactionState.Terminated);
        Assert.NotNull(got);
    }

    private static IPEndPoint PeerEndPointOf(SipStack stack) => stack.Transport.UdpEndPoint;

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task InviteServer_CancelWhileProceeding_Answers200AndRaisesCancelled()
    {
        var cancelled = new TaskCompletionSource();
        _stack.RequestReceived = tx =>
        {
            tx.Cancelled += () =>
            {
                tx.Respond(SipResponse.For(tx.Request, 487, toTag: "c"));
                cancelled.TrySetResult();
            };
            tx.Respond(SipResponse.For(tx.Request, 180, toTag: "c"));
            return Task.CompletedTask;
        };
        var invite = NewRequest("INVITE");
        invite.Add("Via", "SIP/2.0/UDP 127.0.0.1:" + PeerEndPoint.Port + ";branch=z9hG4bKcancel1");
        await _peer.SendToAsync(invite.ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        Assert.Equal(180, ((SipResponse)await ReceiveAsync()).StatusCode);
        var cancel = new SipRequest("CANCEL", invite.Uri);
        foreach (var h in invite.Headers)
        {
            cancel.Add(h.Name, h.Name == "CSeq" ? "1 CANCEL" : h.Value);
        }

        await _peer.SendToAsync(cancel.ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var codes = new[] { (SipResponse)await ReceiveAsync(), (SipResponse)await ReceiveAsync() }
            .Select(r => $"{r.StatusCode} {r.CSeq.Method}").Order().ToArray();
        Assert.Equal(["200 CANCEL", "487 INVITE"], codes);
        
    }

    [Fact]
    public async Task Cancel_BeforeAnyProvisional_IsHeldUntilOneArrives()
    {
        var tx = _stack.SendRequest(NewRequest("INVITE"), SipProtocol.Udp, PeerEndPoint);
        var invite = (SipRequest)await ReceiveAsync();
        Assert.Null(tx.Cancel()); // RFC 3261 9.1: no CANCEL before a provisional response
        Assert.Equal(0, await DrainAsync());
        await _peer.SendToAsync(SipResponse.For(invite, 180, toTag: "r").ToBytes(), PeerEndPointOf(_stack), TestContext.Current.CancellationToken);
        var cancel = Assert.IsType<SipRequest>(await ReceiveAsync());
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal(invite.TopVia!.Branch, cancel.TopVia!.Branch);
        Assert.Equal(new CSeq(invite.CSeq.Number, "CANCEL"), cancel.CSeq);
    }
}
