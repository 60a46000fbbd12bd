using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.DemoCarrier.Messaging;
using Collections.Dialer.Messaging.Twilio;
using Collections.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Tests.Messaging;

public sealed class TwilioSignatureTests
{
    // The worked example of Twilio's webhook security documentation: this URL, these parameters and the auth token 12345.
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static readonly KeyValuePair<string, string>[] Parameters =
    [
        new("CallSid", "CA1234567890ABCDE"), new("Caller", "+12349013030"), new("Digits", "1234"), new("From", "+12349013030"), new("To", "+18005551212"),
    ];

    [Fact]
    public void Compute_matches_the_documented_example() =>
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TwilioSignature.Compute("12345", Url, Parameters));

    [Fact]
    public void IsValid_refuses_another_url_another_value_another_token_or_no_signature()
    {
        var good = TwilioSignature.Compute("12345", Url, Parameters);
        Assert.True(TwilioSignature.IsValid("12345", Url, Parameters.Reverse(), good));
        Assert.False(TwilioSignature.IsValid("12345", Url.Replace("https", "http"), Parameters, good));
        Assert.False(TwilioSignature.IsValid("12345", Url, [.. Parameters[..4], new("To", "+18005551213")], good));
        Assert.False(TwilioSignature.IsValid("54321", Url, Parameters, good));
        Assert.False(TwilioSignature.IsValid("12345", Url, Parameters, null));
    }
}

public sealed class OptOutKeywordTests
{
    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData(" Stop. ")]
    [InlineData("STOPALL")]
    [InlineData("unsubscribe")]
    [InlineData("Cancel")]
    [InlineData("END")]
    [InlineData("quit")]
    [InlineData("Stopp")]
    [InlineData("ABMELDEN")]
    [InlineData("Leiratkozás")]
    [InlineData("LEIRATKOZAS")]
    [InlineData("atrakstīties")]
    [InlineData("ATRAKSTITIES")]
    [InlineData("Odjava")]
    [InlineData("ndalo")]
    [InlineData("STOP please, no more messages")]
    public void Stop_words_of_every_language_are_opt_outs(string body) => Assert.True(OptOutKeywords.IsOptOut(body));

    [Theory]
    [InlineData("")]
    [InlineData("I will pay on Friday")]
    [InlineData("Please don't stop calling, I lost your number")]
    [InlineData("Bis zum Ende des Monats")]
    [InlineData("Endlich bezahlt")]
    public void Other_text_is_not_an_opt_out(string body) => Assert.False(OptOutKeywords.IsOptOut(body));
}

[Trait("Category", "Integration")]
public sealed class TwilioClientTests
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";
    private const string Token = "secret-token";

    [Fact]
    public async Task Twilio_error_answers_become_typed_exceptions_and_are_not_retried()
    {
        await using var server = await FakeTwilioServer.StartAsync(Sid, Token);
        var client = Client(server, Token);
        var wrongToken = Client(server, "wrong");

        var invalidTo = await Assert.ThrowsAsync<TwilioApiException>(() => client.CreateAsync(new TwilioSendRequest("12345", "+4930555000", "hi"), null, null, TestContext.Current.CancellationToken));
        var noBody = await Assert.ThrowsAsync<TwilioApiException>(() => client.CreateAsync(new TwilioSendRequest("+4915112345678", "+4930555000", null), null, null, TestContext.Current.CancellationToken));
        var denied = await Assert.ThrowsAsync<TwilioApiException>(() => wrongToken.CreateAsync(new TwilioSendRequest("+4915112345678", "+4930555000", "hi"), null, null, TestContext.Current.CancellationToken));
        var missing = await Assert.ThrowsAsync<TwilioApiException>(() => client.FetchAsync("SM00000000000000000000000000000000", TestContext.Current.CancellationToken));

        Assert.Equal((21211, TwilioErrorKind.InvalidRequest), (invalidTo.Code, invalidTo.Kind));
        Assert.Equal("https://www.twilio.com/docs/errors/21211", invalidTo.MoreInfo);
        Assert.Equal((21602, TwilioErrorKind.InvalidRequest), (noBody.Code, noBody.Kind));
        Assert.Equal((20003, TwilioErrorKind.Authentication), (denied.Code, denied.Kind));
        Assert.Equal((20404, TwilioErrorKind.NotFound), (missing.Code, missing.Kind));
        Assert.Equal(3, server.CreateRequests);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_429_is_retried_and_a_created_message_can_be_fetched_and_listed()
    {
        await using var server = await FakeTwilioServer.StartAsync(Sid, Token);
        server.InjectFault(FakeTwilioFault.RateLimited);
        var client = Client(server, Token);

        var created = await client.CreateAsync(new TwilioSendRequest("whatsapp:+4915112345678", "whatsapp:+4930555001", null, ContentSid: "HX00", ContentVariables: "{\"1\":\"Max\"}"), null, null, TestContext.Current.CancellationToken);
        var fetched = await client.FetchAsync(created.Sid, TestContext.Current.CancellationToken);
        var listed = await client.ListAsync("whatsapp:+4915112345678", "whatsapp:+4930555001", pageSize: 1, maxPages: 3, TestContext.Current.CancellationToken);

        Assert.Equal(2, server.CreateRequests);
        Assert.Equal(created.Sid, fetched.Sid);
        Assert.Equal("whatsapp:+4915112345678", fetched.To);
        Assert.NotNull(created.CreatedAt);
        Assert.Equal(created.Sid, Assert.Single(listed).Sid);
    }

    private static TwilioMessagesClient Client(FakeTwilioServer server, string token) => new(
        new HttpClient(),
        Options.Create(new TwilioOptions { Enabled = true, BaseUrl = server.BaseUrl.AbsoluteUri, AccountSid = Sid, AuthToken = token, SmsFrom = "+4930555000", InitialBackoff = TimeSpan.Zero }),
        TimeProvider.System,
        NullLogger<TwilioMessagesClient>.Instance);
}
