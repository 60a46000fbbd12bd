using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.AgentConsole.Features.Creditors;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.AgentConsole.Tests.Creditors;

/// <summary>Issue 15, item 5: a creditor's key and user reach their own creditor's accounts only. The routes are enumerated
/// from the host, so a creditor route added later is checked without anyone adding it here.</summary>
public sealed class CreditorIsolationTests(CreditorApiHost host) : IClassFixture<CreditorApiHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The routes that name no account: each has its own cross-creditor check below. A new one fails
    /// <see cref="Every_creditor_route_is_behind_the_creditor_filter"/> until it gets one.</summary>
    private static readonly string[] CollectionRoutes = ["POST /api/creditor/v1/accounts"];

    private IReadOnlyList<(string Method, string Pattern)> CreditorRoutes() =>
    [
        .. host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("api/creditor", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/')))),
    ];

    [Fact]
    public void Every_creditor_route_is_behind_the_creditor_filter()
    {
        var endpoints = host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("api/creditor", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(endpoints.Count >= 4, $"expected the creditor API's routes, found {endpoints.Count}");
        Assert.All(endpoints, e => Assert.NotNull(e.Metadata.GetMetadata<CreditorScopedMetadata>()));
        var withoutAccount = CreditorRoutes().Where(r => !r.Pattern.Contains("{reference}", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Pattern}");
        Assert.Equal(CollectionRoutes.Order(), withoutAccount.Order());
    }

    [Fact]
    public async Task A_key_and_a_user_of_creditor_A_get_404_for_B_accounts_on_every_route_and_B_itself_does_not()
    {
        var routes = CreditorRoutes().Where(r => r.Pattern.Contains("{reference}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(routes);
        foreach (var (method, pattern) in routes)
        {
            var b = pattern.Replace("{reference}", Uri.EscapeDataString(host.AccountOfB), StringComparison.Ordinal);
            foreach (var (who, client) in new[] { ("A's key", host.KeyA), ("A's user", host.UserA) })
            {
                foreach (var path in new[] { b, $"{b}?creditor={CreditorApiHost.B}" })
                {
                    var response = await client.SendAsync(Request(method, path, "HUF"), Ct);
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{who}: {method} {path} answered {(int)response.StatusCode}, not 404");
                }
            }
        }

        // The same requests by B's own key reach the account: the 404s above are the filter's, not a broken route.
        foreach (var (method, pattern) in routes)
        {
            var b = pattern.Replace("{reference}", Uri.EscapeDataString(host.AccountOfB), StringComparison.Ordinal);
            var response = await host.KeyB.SendAsync(Request(method, b, "HUF"), Ct);
            Assert.True(response.IsSuccessStatusCode, $"B's key: {method} {b} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }

    [Fact]
    public async Task A_cannot_place_into_B_and_B_account_is_left_as_it_was()
    {
        decimal before;
        await using (var db = host.Factory.OpenDatabase())
        {
            before = await (from a in db.Accounts join c in db.Creditors on a.CreditorId equals c.Id
                            where c.Code == CreditorApiHost.B && a.CreditorReference == host.AccountOfB select a.Principal).SingleAsync(Ct);
        }

        foreach (var client in new[] { host.KeyA, host.UserA })
        {
            var response = await client.PostAsJsonAsync("/api/creditor/v1/accounts", new[]
            {
                new Dictionary<string, object> { ["creditor"] = CreditorApiHost.B, ["account_ref"] = host.AccountOfB, ["debtor_type"] = "consumer", ["last_name"] = "Takeover",
                    ["country"] = "HU", ["currency"] = "HUF", ["principal"] = 1, ["due_date"] = "2026-01-01" },
            }, Ct);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var result = body.GetProperty("results")[0];
            Assert.Equal("rejected", result.GetProperty("status").GetString());
            Assert.Equal("creditor", result.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        await using (var db = host.Factory.OpenDatabase())
        {
            Assert.Equal(before, await (from a in db.Accounts join c in db.Creditors on a.CreditorId equals c.Id
                                        where c.Code == CreditorApiHost.B && a.CreditorReference == host.AccountOfB select a.Principal).SingleAsync(Ct));
        }
    }

    [Fact]
    public async Task Without_a_creditor_the_API_refuses_anonymous_callers_bad_keys_and_agency_staff()
    {
        using var anonymous = host.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/creditor/v1/accounts/{host.AccountOfA}", Ct)).StatusCode);

        using var forged = host.Factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "ck_0123456789abcdef.not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync($"/api/creditor/v1/accounts/{host.AccountOfA}", Ct)).StatusCode);

        using var supervisor = host.Factory.CreateClient();
        (await supervisor.PostAsJsonAsync("/api/auth/login", new { login = "supervisor", password = Features.Auth.DemoUsers.Password }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.GetAsync($"/api/creditor/v1/accounts/{host.AccountOfA}", Ct)).StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path, string currency) => new(new HttpMethod(method), path)
    {
        Content = method == "GET" ? null : JsonContent.Create(new { amount = 1, currency, receivedOn = "2026-01-02", reason = "isolation test" }),
    };
}
