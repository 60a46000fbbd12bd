using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.AgentConsole.Features.Creditors;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
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
    private static readonly string[] CollectionRoutes =
    [
        "POST /api/creditor/v1/accounts",
        "GET /api/creditor/portal/creditors",
        "GET /api/creditor/portal/figures",
        "GET /api/creditor/portal/accounts",
        "GET /api/creditor/portal/settlements",
        "GET /api/creditor/portal/legal-actions",
        "GET /api/creditor/portal/reports/{file}",
        "GET /api/creditor/portal/arms",
        "GET /api/creditor/portal/arms/curves.csv",
        "GET /api/creditor/portal/arms/touches.csv",
        "GET /api/creditor/portal/arm-tests",
    ];

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

    /// <summary>A route's path with every parameter filled with B's resource: its account, its settlement request. A route
    /// with a parameter not named here fails, so a new kind of resource gets its B value before it ships.</summary>
    private async Task<string> OfBAsync(string pattern)
    {
        var requests = await host.RequestsAsync();
        var path = pattern.Replace("{reference}", Uri.EscapeDataString(host.AccountOfB), StringComparison.Ordinal)
            .Replace("{offerId:guid}", requests.OfferOfB.ToString(), StringComparison.Ordinal);
        Assert.False(path.Contains('{', StringComparison.Ordinal), $"{pattern}: no resource of B for its parameters; add one to {nameof(OfBAsync)}");
        return path;
    }

    [Fact]
    public async Task A_key_and_a_user_of_creditor_A_get_404_for_B_accounts_on_every_route_and_B_itself_does_not()
    {
        // Recall ends B's case, so it runs last: the routes before it see the account open (in legal review, its request waiting).
        var routes = CreditorRoutes().Where(r => r.Pattern.Contains("{reference}", StringComparison.Ordinal))
            .OrderBy(r => r.Pattern.EndsWith("/recall", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(routes);
        foreach (var (method, pattern) in routes)
        {
            var b = await OfBAsync(pattern);
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
            var b = await OfBAsync(pattern);
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

    [Fact]
    public async Task The_portal_lists_of_A_user_hold_A_requests_and_accounts_and_nothing_of_B()
    {
        var requests = await host.RequestsAsync();
        var creditors = await host.UserA.GetFromJsonAsync<JsonElement>("/api/creditor/portal/creditors", Ct);
        Assert.Equal([CreditorApiHost.A], creditors.EnumerateArray().Select(c => c.GetProperty("code").GetString()));

        var settlements = await host.UserA.GetFromJsonAsync<JsonElement>("/api/creditor/portal/settlements", Ct);
        var offers = settlements.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(requests.OfferOfA, offers);
        Assert.DoesNotContain(requests.OfferOfB, offers);

        var legal = await host.UserA.GetFromJsonAsync<JsonElement>("/api/creditor/portal/legal-actions", Ct);
        var references = legal.EnumerateArray().Select(r => r.GetProperty("reference").GetString()).ToList();
        Assert.Contains(host.AccountOfA, references);
        Assert.DoesNotContain(host.AccountOfB, references);

        var own = await host.UserA.GetFromJsonAsync<JsonElement>($"/api/creditor/portal/accounts?q={Uri.EscapeDataString(host.AccountOfA)}", Ct);
        Assert.Contains(host.AccountOfA, own.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("reference").GetString()));
        var other = await host.UserA.GetFromJsonAsync<JsonElement>($"/api/creditor/portal/accounts?q={Uri.EscapeDataString(host.AccountOfB)}", Ct);
        Assert.DoesNotContain(host.AccountOfB, other.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("reference").GetString()));

        var figures = await host.UserA.GetFromJsonAsync<JsonElement>("/api/creditor/portal/figures", Ct);
        Assert.Equal(CreditorApiHost.A, figures.GetProperty("creditor").GetString());
        var csv = await host.UserA.GetStringAsync("/api/creditor/portal/reports/accounts.csv?from=2026-01-01&to=2026-12-31", Ct);
        Assert.Contains(host.AccountOfA, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(host.AccountOfB, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Naming_creditor_B_on_a_portal_route_answers_404_to_A_key_and_user_and_200_to_B()
    {
        var paths = CreditorRoutes().Where(r => r.Method == "GET" && !r.Pattern.Contains("{reference}", StringComparison.Ordinal))
            .Select(r => r.Pattern.Replace("{file}", "accounts.csv", StringComparison.Ordinal) + $"?creditor={CreditorApiHost.B}&from=2026-01-01&to=2026-12-31").ToList();
        Assert.Equal(10, paths.Count);
        foreach (var path in paths)
        {
            foreach (var (who, client) in new[] { ("A's key", host.KeyA), ("A's user", host.UserA) })
            {
                var response = await client.GetAsync(path, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{who}: GET {path} answered {(int)response.StatusCode}, not 404");
            }

            var own = await host.KeyB.GetAsync(path, Ct);
            Assert.True(own.IsSuccessStatusCode, $"B's key: GET {path} answered {(int)own.StatusCode}");
        }
    }

    [Fact]
    public async Task The_creditor_hub_tells_A_user_of_A_requests_only()
    {
        using var login = host.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var signedIn = await login.PostAsJsonAsync("/api/auth/login", new { login = DemoCreditorAccess.Login, password = Features.Auth.DemoUsers.Password }, Ct);
        signedIn.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var heard = new List<string>();
        var ofA = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.Factory.Server.BaseAddress, Shared.Contracts.ConsoleHubs.CreditorPath), o =>
            {
                o.HttpMessageHandlerFactory = _ => host.Factory.Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                o.Headers["Cookie"] = cookie;
            }).Build();
        connection.On<Shared.Contracts.SettlementRequestDto>(nameof(Shared.Contracts.ICreditorClient.SettlementRequest), r =>
        {
            lock (heard)
            {
                heard.Add(r.AccountReference);
            }

            if (r.AccountReference == host.AccountOfA)
            {
                ofA.TrySetResult(r.AccountReference);
            }
        });
        await connection.StartAsync(Ct);

        // B's request is told first, then A's; the connection hears A's and, by then, would have heard B's had it joined B.
        var hub = host.Factory.Services.GetRequiredService<Microsoft.AspNetCore.SignalR.IHubContext<CreditorHub, Shared.Contracts.ICreditorClient>>();
        await using var db = host.Factory.OpenDatabase();
        foreach (var (code, reference) in new[] { (CreditorApiHost.B, host.AccountOfB), (CreditorApiHost.A, host.AccountOfA) })
        {
            var creditor = await db.Creditors.SingleAsync(c => c.Code == code, Ct);
            await hub.Clients.Group(Shared.Contracts.ConsoleHubs.Creditor(creditor.Id.Value)).SettlementRequest(new Shared.Contracts.SettlementRequestDto(
                Guid.NewGuid(), Guid.NewGuid(), reference, "debtor", code, "EUR", 100m, 50m, 50m, 5m, "AwaitingCreditorApproval", new DateOnly(2026, 12, 31),
                null, DateTimeOffset.UnixEpoch, null, null, null, null));
        }

        Assert.Equal(host.AccountOfA, await ofA.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct));
        lock (heard)
        {
            Assert.Equal([host.AccountOfA], heard);
        }
    }

    private static HttpRequestMessage Request(string method, string path, string currency) => new(new HttpMethod(method), path)
    {
        Content = method == "GET" ? null : JsonContent.Create(new { amount = 1, currency, receivedOn = "2026-01-02", reason = "isolation test", approve = false, note = "isolation test" }),
    };
}
