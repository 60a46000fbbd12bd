using System.Net;
using Collections.Dialer.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Dialer.Tests.Sip;

public sealed class RegistrarTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly SipUserAgent _server;
    private readonly SipUserAgent _phone;
    private readonly Registrar _registrar;

    public RegistrarTests()
    {
        _registrar = new Registrar(new RegistrarOptions { Realm = "collections", Users = { ["1001"] = "agent-pw" }, MinExpires = 60, MaxExpires = 600 }, _time);
        _server = new SipUserAgent(_time) { Register = _registrar.HandleAsync };
        _server.Start(IPAddress.Loopback);
        _phone = new SipUserAgent(_time);
        _phone.Start(IPAddress.Loopback);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _phone.DisposeAsync();
        await _server.DisposeAsync();
    }

    private string RegistrarUri => $"sip:127.0.0.1:{_server.Stack.Transport.UdpEndPoint.Port}";

    [Fact]
    public void Digest_Md5WithQop_MatchesRfc2617Example()
    {
        var r = DigestAuth.Response("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");
        Assert.Equal("6629fae49393a05397450978507c4ef1", r);
    }

    [Fact]
    public void Digest_Sha256WithQop_MatchesRfc7616Example()
    {
        var r = DigestAuth.Response("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Equal("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", r);
    }

    [Fact]
    public void Digest_ChoosesSha256WhenOffered()
    {
        var c = DigestAuth.Choose(["Digest realm=\"r\", nonce=\"n\", algorithm=MD5", "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256", "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"]);
        Assert.Equal("SHA-256", c!.Algorithm);
    }

    [Fact]
    public async Task Register_WithPassword_IsChallengedThenBound_AndRefreshedBeforeExpiry()
    {
        var registered = 0;
        _registrar.Registered += _ => Interlocked.Increment(ref registered);
        await using var client = new RegistrationClient(_phone, RegistrarUri, SipProtocol.Udp, "1001", "agent-pw", 3600);
        Assert.Equal(200, await client.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromSeconds(600), client.GrantedExpiry); // capped at MaxExpires
        Assert.True(_registrar.TryGetBinding("1001", out var binding));
        Assert.Equal(_phone.Stack.Transport.UdpEndPoint, binding.Source);
        Assert.Equal(1, registered);

        // Refresh at 80 % of the granted 600 s.
        _time.Advance(TimeSpan.FromSeconds(479));
        Assert.Equal(1, Volatile.Read(ref registered));
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 500 && Volatile.Read(ref registered) < 2; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, Volatile.Read(ref registered));
    }

    [Fact]
    public async Task Register_WithWrongPassword_EndsWith401_AndNoBinding()
    {
        await using var client = new RegistrationClient(_phone, RegistrarUri, SipProtocol.Udp, "1001", "nope", 300);
        Assert.Equal(401, await client.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(_registrar.TryGetBinding("1001", out _));
    }

    [Fact]
    public async Task Register_TooBrief_Gets423_AndBindingExpires()
    {
        await using (var brief = new RegistrationClient(_phone, RegistrarUri, SipProtocol.Udp, "1001", "agent-pw", 10))
        {
            Assert.Equal(423, await brief.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        }

        var client = new RegistrationClient(_phone, RegistrarUri, SipProtocol.Udp, "1001", "agent-pw", 120);
        Assert.Equal(200, await client.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await client.DisposeAsync(); // no refresh from now on
        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.True(_registrar.TryGetBinding("1001", out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_registrar.TryGetBinding("1001", out _));
    }

    [Fact]
    public async Task Register_UnknownExtension_Gets401LikeAWrongPassword()
    {
        // Issue 19 finding 3: a 404 for unknown extensions told a guesser which ones exist.
        await using var client = new RegistrationClient(_phone, RegistrarUri, SipProtocol.Udp, "9999", "x", 300);
        Assert.Equal(401, await client.RegisterAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OptionsKeepAlive_AnsweredPeerIsReachable_SilentPeerTimesOutOnTimerF()
    {
        await using var alive = new OptionsKeepAlive(_phone, RegistrarUri, SipProtocol.Udp, TimeSpan.FromSeconds(30));
        Assert.Equal(200, await alive.PingAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(alive.Reachable);

        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var dead = new OptionsKeepAlive(_phone, $"sip:127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}", SipProtocol.Udp, TimeSpan.FromHours(1));
        var ping = dead.PingAsync();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(408, await ping.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(dead.Reachable);
    }
}
