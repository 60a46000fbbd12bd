using System.Net;
using System.Text;
using Collections.AgentConsole.Features.Webhooks;

namespace Collections.AgentConsole.Tests.Messaging;

/// <summary>
/// Hostile bodies at the Twilio webhooks (issue 19, finding 6): the form was read before the signature was checked, so a
/// 10 MB value, 5,000 keys, a 3,000-character key or a garbage multipart body ended in a 500 (InvalidDataException).
/// </summary>
public sealed class WebhookLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The shape of a signature (base64 of 20 bytes) that matches nothing: gets the body read up to the form limits.</summary>
    private static readonly string FakeSignature = Convert.ToBase64String(new byte[20]);

    private static async Task<HttpStatusCode> PostAsync(MessagingHost host, Uri url, HttpContent content, bool signed = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (signed)
        {
            request.Headers.Add("X-Twilio-Signature", FakeSignature);
        }

        using var response = await host.Client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static FormUrlEncodedContent Form(IEnumerable<KeyValuePair<string, string>> fields) => new(fields);

    private static IEnumerable<KeyValuePair<string, string>> Callback(params KeyValuePair<string, string>[] extra) =>
        [new("MessageSid", "SM0123"), new("MessageStatus", "delivered"), .. extra];

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    [Fact]
    public async Task Oversized_and_malformed_forms_get_400_or_413_never_500()
    {
        await using var host = await MessagingHost.StartAsync();
        foreach (var url in new[] { host.StatusUrl, host.InboundUrl })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(host, url, Form(Callback(Pair("Body", new string('x', 10 * 1024 * 1024))))));
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, url, Form(Callback([.. Enumerable.Range(0, 5000).Select(i => new KeyValuePair<string, string>($"k{i}", "v"))]))));
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, url, Form(Callback(Pair(new string('k', 3000), "v")))));
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, url, Form(Callback(Pair("Body", new string('x', 20 * 1024))))));

            var garbage = new ByteArrayContent(Encoding.ASCII.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\n\0\0garbage"));
            garbage.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(host, url, garbage));
        }
    }

    [Fact]
    public async Task Unsigned_requests_are_refused_before_their_form_is_read()
    {
        await using var host = await MessagingHost.StartAsync();
        // Within the size limit but unsigned: 403 without parsing 5,000 keys; over it: 413 from Content-Length alone.
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(host, host.StatusUrl, Form(Callback([.. Enumerable.Range(0, 5000).Select(i => new KeyValuePair<string, string>($"k{i}", "v"))])), signed: false));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(host, host.StatusUrl, Form(Callback(Pair("Body", new string('x', TwilioWebhooksApi.MaxBodyBytes)))), signed: false));
    }
}
