using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.Creditors;

/// <summary>Issue 15, item 2: placement, account view, recall, direct payments, idempotency and the rate limit, on the real host.</summary>
public sealed class CreditorPlacementTests(CreditorApiHost host) : IClassFixture<CreditorApiHost>
{
    private const string Path = "/api/creditor/v1/accounts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_accounts_are_placed_bad_items_reported_per_field_and_a_repeated_batch_changes_nothing()
    {
        const int total = 10_000, batch = 1_000;
        var items = Enumerable.Range(0, total).Select(Item).ToList();
        var first = new List<JsonElement>();
        var replies = new List<string>();
        for (var i = 0; i < total; i += batch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(items.Skip(i).Take(batch)) };
            request.Headers.Add("Idempotency-Key", $"bulk-{i}");
            var response = await host.KeyA.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, text);
            replies.Add(text);
            first.AddRange(JsonDocument.Parse(text).RootElement.GetProperty("results").EnumerateArray().Select(e => e.Clone()));
        }

        Assert.Equal(total, first.Count);
        for (var i = 0; i < total; i++)
        {
            var result = first[i];
            Assert.Equal(Ref(i), result.GetProperty("reference").GetString());
            var fields = result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            switch (Bad(i))
            {
                case null:
                    Assert.Equal("created", result.GetProperty("status").GetString());
                    Assert.Empty(fields);
                    break;
                case var expected:
                    Assert.Equal("rejected", result.GetProperty("status").GetString());
                    Assert.Equal(expected, fields);
                    break;
            }
        }

        var good = Enumerable.Range(0, total).Count(i => Bad(i) is null);
        await using (var db = host.Factory.OpenDatabase())
        {
            var placed = db.Accounts.Where(a => a.CreditorReference.StartsWith("API-0"));
            Assert.Equal(good, await placed.CountAsync(Ct));
            // The claim analysis ran at placement: every new account has its case with a strategy and its planned steps.
            Assert.Equal(good, await db.Cases.CountAsync(c => placed.Any(a => a.Id == c.AccountId) && c.StrategyId != null, Ct));
            Assert.Equal(good, await db.CaseSteps.Where(s => db.Cases.Any(c => c.Id == s.CaseId && placed.Any(a => a.Id == c.AccountId))).Select(s => s.CaseId).Distinct().CountAsync(Ct));
        }

        // The same batches again, without an idempotency key: nothing is created or updated.
        for (var i = 0; i < total; i += batch)
        {
            var again = await host.KeyA.PostAsJsonAsync(Path, items.Skip(i).Take(batch), Ct);
            var body = await again.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(0, body.GetProperty("created").GetInt32());
            Assert.Equal(0, body.GetProperty("updated").GetInt32());
            Assert.Equal(Enumerable.Range(i, batch).Count(n => Bad(n) is null), body.GetProperty("unchanged").GetInt32());
        }

        await using (var db = host.Factory.OpenDatabase())
        {
            Assert.Equal(good, await db.Accounts.CountAsync(a => a.CreditorReference.StartsWith("API-0"), Ct));
        }

        // The same batch with the same Idempotency-Key: the first answer again, marked as a replay.
        using (var replay = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(items.Take(batch)) })
        {
            replay.Headers.Add("Idempotency-Key", "bulk-0");
            var response = await host.KeyA.SendAsync(replay, Ct);
            Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(replies[0], await response.Content.ReadAsStringAsync(Ct));
        }

        // The key with another body is refused.
        using (var reused = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(items.Skip(batch).Take(1)) })
        {
            reused.Headers.Add("Idempotency-Key", "bulk-0");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.KeyA.SendAsync(reused, Ct)).StatusCode);
        }

        // A changed item updates its account in place.
        var changed = Item(0);
        changed["principal"] = 999.99m;
        var update = await (await host.KeyA.PostAsJsonAsync(Path, new[] { changed }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("updated", update.GetProperty("results")[0].GetProperty("status").GetString());
        await using (var db = host.Factory.OpenDatabase())
        {
            Assert.Equal(999.99m, await db.Accounts.Where(a => a.CreditorReference == Ref(0)).Select(a => a.Principal).SingleAsync(Ct));
        }

        await The_portal_shows_the_placed_accounts(good);
    }

    // Issue 15, Done when: "the portal shows them". The creditor's user reads the portal's figures and list; the expected
    // figures are computed here from the database, independently of the portal's queries.
    private async Task The_portal_shows_the_placed_accounts(int good)
    {
        int placedCount;
        decimal placedAmount;
        await using (var db = host.Factory.OpenDatabase())
        {
            var ofA = from a in db.Accounts join c in db.Creditors on a.CreditorId equals c.Id where c.Code == CreditorApiHost.A && a.Currency == "EUR" select a;
            placedCount = await ofA.CountAsync(Ct);
            placedAmount = (await ofA.Select(a => new { a.Principal, a.Interest, a.Fees }).ToListAsync(Ct)).Sum(a => a.Principal + a.Interest + a.Fees);
        }

        var figures = await host.UserA.GetFromJsonAsync<JsonElement>($"/api/creditor/portal/figures?creditor={CreditorApiHost.A}", Ct);
        var eur = figures.GetProperty("currencies").EnumerateArray().Single(c => c.GetProperty("currency").GetString() == "EUR");
        Assert.True(placedCount >= good, $"{placedCount} EUR accounts of {CreditorApiHost.A}, fewer than the {good} placed");
        Assert.Equal(placedCount, eur.GetProperty("placedCount").GetInt32());
        Assert.Equal(placedAmount, eur.GetProperty("placedAmount").GetDecimal());
        // This month's placements make a curve of their own.
        var month = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Contains(eur.GetProperty("curves").EnumerateArray(), c => c.GetProperty("placementMonth").GetString() == month);
        Assert.Equal(placedCount, eur.GetProperty("phases").EnumerateArray().Sum(p => p.GetProperty("accounts").GetInt32()));

        // The list: every placed account by its reference prefix, a page at a time, in reference order.
        var goodRefs = Enumerable.Range(0, 10_000).Where(i => Bad(i) is null).Select(Ref).Order(StringComparer.Ordinal).ToList();
        var first = await host.UserA.GetFromJsonAsync<JsonElement>("/api/creditor/portal/accounts?q=API-0&size=100", Ct);
        Assert.Equal(good, first.GetProperty("total").GetInt32());
        Assert.Equal(goodRefs.Take(100), first.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("reference").GetString()));
        var lastPage = (good - 1) / 100;
        var last = await host.UserA.GetFromJsonAsync<JsonElement>($"/api/creditor/portal/accounts?q=API-0&size=100&page={lastPage}", Ct);
        Assert.Equal(goodRefs.Skip(lastPage * 100), last.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("reference").GetString()));

        // By name: the debtors called Family1998 (last names are "Family" and i modulo 1999), in any case.
        var named = Enumerable.Range(0, 10_000).Where(i => Bad(i) is null && i % 1999 == 1998).Select(Ref).ToList();
        var byName = await host.UserA.GetFromJsonAsync<JsonElement>("/api/creditor/portal/accounts?q=family1998", Ct);
        Assert.Equal(named, byName.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("reference").GetString()));
    }

    [Fact]
    public async Task Items_that_are_not_accounts_are_refused_per_field_and_bodies_that_are_not_arrays_whole()
    {
        var response = await host.KeyA.PostAsJsonAsync(Path, new object[]
        {
            "not an object",
            new Dictionary<string, object> { ["account_ref"] = "API-ODD-1", ["debtor_type"] = "consumer", ["last_name"] = "Odd", ["country"] = "DE", ["currency"] = "EUR",
                ["principal"] = 10, ["due_date"] = "2026-01-01", ["princpal"] = 3, ["invoices"] = new[] { new { number = "R-1", issued = "2026-01-01", due = "2026-02-01", amount = -4 } } },
        }, Ct);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results");
        Assert.Equal("item", results[0].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(["princpal", "invoices"], results[1].GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));

        var notArray = await host.KeyA.PostAsJsonAsync(Path, new { account_ref = "x" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        Assert.Contains("JSON array", await notArray.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_account_shows_a_direct_payment_and_a_recall_stops_every_contact_but_keeps_the_record()
    {
        var reference = "API-LIFE-1";
        var item = Item(1);
        item["account_ref"] = reference;
        var placed = await host.KeyA.PostAsJsonAsync(Path, new[] { item }, Ct);
        placed.EnsureSuccessStatusCode();
        var account = await host.KeyA.GetFromJsonAsync<JsonElement>($"{Path}/{reference}", Ct);
        var outstanding = account.GetProperty("balance").GetProperty("outstanding").GetDecimal();
        Assert.Equal("EUR", account.GetProperty("balance").GetProperty("currency").GetString());

        var wrongCurrency = await host.KeyA.PostAsJsonAsync($"{Path}/{reference}/payments", new { amount = 10, currency = "HUF", receivedOn = "2026-11-30" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongCurrency.StatusCode);
        Assert.True((await wrongCurrency.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("currency", out _));
        var bad = await host.KeyA.PostAsJsonAsync($"{Path}/{reference}/payments", new { amount = -1, currency = "EUR", receivedOn = "30.11.2026", method = "barter" }, Ct);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Equal(["amount", "method", "receivedOn"], errors.EnumerateObject().Select(p => p.Name).Order());

        var paid = await host.KeyA.PostAsJsonAsync($"{Path}/{reference}/payments", new { amount = 25.5m, currency = "EUR", receivedOn = "2026-11-30", method = "cash", reference = "till 7" }, Ct);
        var after = await paid.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(outstanding - 25.5m, after.GetProperty("balance").GetProperty("outstanding").GetDecimal());
        Assert.Equal("cash", after.GetProperty("payments")[0].GetProperty("method").GetString());

        var recall = await (await host.KeyA.PostAsJsonAsync($"{Path}/{reference}/recall", new { reason = "settled directly" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(recall.GetProperty("alreadyRecalled").GetBoolean());
        var again = await (await host.KeyA.PostAsync($"{Path}/{reference}/recall", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(again.GetProperty("alreadyRecalled").GetBoolean());
        var view = await host.KeyA.GetFromJsonAsync<JsonElement>($"{Path}/{reference}", Ct);
        Assert.True(view.GetProperty("recalled").GetBoolean());
        Assert.Equal("closed", view.GetProperty("phase").GetString());

        await using var db = host.Factory.OpenDatabase();
        var id = await db.Accounts.Where(a => a.CreditorReference == reference).Select(a => a.Id).SingleAsync(Ct);
        Assert.True(await db.Holds.AnyAsync(h => h.AccountId == id && h.Kind == HoldKind.CreditorRecall && h.Until == null, Ct));
        Assert.False(await db.ScheduledContacts.AnyAsync(c => c.AccountId == id && c.Status == Collections.Shared.Workflow.ScheduledContactStatus.Queued, Ct));
        Assert.False(await db.CaseSteps.AnyAsync(s => db.Cases.Any(c => c.Id == s.CaseId && c.AccountId == id) && s.Status == Collections.Shared.Workflow.CaseStepStatus.Planned, Ct));
        Assert.Equal(1, await db.Payments.CountAsync(p => p.AccountId == id, Ct));

        // Issue 19, item 5: the creditor's writes are changes in the audit trail by its key; the refused payments are not.
        var changes = new List<Collections.Shared.Audit.AuditEntry>();
        for (var i = 0; i < 100 && changes.Count < 3; i++)
        {
            await Task.Delay(100, Ct);
            await using var trail = host.Factory.OpenDatabase();
            changes = await trail.AuditEntries.AsNoTracking().Where(e => e.Action == "change" && e.Subject.Contains(reference)).OrderBy(e => e.Id).ToListAsync(Ct);
        }

        Assert.Equal(
            [($"{Path}/{reference}/payments", "creditor payment report"), ($"{Path}/{reference}/recall", "creditor recall"), ($"{Path}/{reference}/recall", "creditor recall")],
            changes.Select(e => (e.Subject, e.Detail)));
        Assert.All(changes, e => Assert.False(string.IsNullOrEmpty(e.Actor) || e.Actor == "anonymous", e.Actor));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "change" && e.Detail == "creditor placement" && e.Subject.EndsWith(": 1 created, 0 updated, 0 unchanged, 0 rejected"), Ct));
    }

    [Fact]
    public async Task A_key_is_limited_to_its_requests_per_period_and_then_told_to_wait()
    {
        using var client = await host.ClientWithNewKeyAsync(CreditorApiHost.A);
        for (var i = 0; i < CreditorApiHost.Limit; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Path}/NO-SUCH-{i}", Ct)).StatusCode);
        }

        var refused = await client.GetAsync($"{Path}/NO-SUCH-LAST", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        // Another key of the same creditor has its own allowance.
        Assert.Equal(HttpStatusCode.NotFound, (await host.KeyA.GetAsync($"{Path}/NO-SUCH-LAST", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_creditor_API_with_examples()
    {
        var document = await host.KeyA.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var place = document.GetProperty("paths").GetProperty("/api/creditor/v1/accounts").GetProperty("post");
        var example = place.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("INV-2026-0001", example[0].GetProperty("account_ref").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/creditor/v1/accounts/{reference}/recall", out _));
    }

    private static string Ref(int i) => $"API-{i:D6}"; // "API-0..." for every i below 100,000

    /// <summary>The fields a bad item is refused for, or null for a good one (one in a hundred is bad, three kinds).</summary>
    private static string[]? Bad(int i) => (i % 300) switch
    {
        99 => ["phone"],
        199 => ["principal"],
        299 => ["currency", "due_date"],
        _ => null,
    };

    private static Dictionary<string, object> Item(int i)
    {
        var item = new Dictionary<string, object>
        {
            ["account_ref"] = Ref(i),
            ["debtor_type"] = "consumer",
            ["first_name"] = $"Name{i % 97}",
            ["last_name"] = $"Family{i % 1999}",
            ["phone"] = "+49151" + (10_000_000 + i).ToString(CultureInfo.InvariantCulture),
            ["phone_consent"] = i % 2 == 0,
            ["street"] = $"Street {i % 500}",
            ["postal_code"] = "10115",
            ["city"] = "Berlin",
            ["country"] = "DE",
            ["industry"] = "telecom",
            ["currency"] = "EUR",
            ["principal"] = 50 + (i % 4000),
            ["fees"] = 5,
            ["due_date"] = "2026-06-15",
            ["invoices"] = new[] { new { number = $"R-{i}", issued = "2026-05-15", due = "2026-06-15", amount = 50 + (i % 4000) } },
        };
        switch (i % 300)
        {
            case 99:
                item["phone"] = "+49 30";
                break;
            case 199:
                item["principal"] = -5;
                break;
            case 299:
                item["currency"] = "EURO";
                item["due_date"] = "31/05/2026";
                break;
        }

        return item;
    }
}
