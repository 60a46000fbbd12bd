using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Tests.Console;
using Collections.Shared.Audit;
using Collections.Shared.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Security;

/// <summary>Issue 19, item 5: changes of a debtor's data made through the console are in the hash-chained audit trail with who,
/// which kind, which account and from where; the administrators' page lists, filters, pages, verifies and exports the trail,
/// its own reading is recorded, and everyone else is refused.</summary>
[Trait("Category", "Integration")]
public sealed class AuditPageTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changes_are_recorded_with_who_which_kind_which_account_and_from_where_and_refused_ones_are_not()
    {
        // The payment file the administrator booked when the fixture started: one entry with the file's counts.
        var import = await fixture.WaitForEntryAsync(e => e.Action == "change" && e.Detail == "payment import", Ct);
        Assert.Equal(("admin", "127.0.0.1"), (import.Actor, import.From));
        Assert.Equal("payment file audit-payments.csv (csv): 1 rows, 1 booked, 0 unmatched, 0 rejected, 0 duplicates", import.Subject);

        var (legal, _) = await fixture.Console.SignInAsync("legal", Ct);
        var (supervisor, _) = await fixture.Console.SignInAsync("supervisor", Ct);
        using (legal)
        using (supervisor)
        {
            var queue = await legal.GetFromJsonAsync<JsonElement>("/api/legal/queue", Ct);
            var accountId = queue.EnumerateArray().First(r => r.GetProperty("reason").GetString() == "legal-review").GetProperty("accountId").GetGuid();
            var decision = $"/api/legal/cases/{accountId}/decision";

            // Refused: nothing changed, nothing recorded.
            Assert.Equal(HttpStatusCode.BadRequest, (await legal.PostAsJsonAsync(decision, new { decision = "shred" }, Ct)).StatusCode);
            var back = await legal.PostAsJsonAsync(decision, new { decision = "return-to-amicable", note = "debtor offered a plan" }, Ct);
            Assert.True(back.IsSuccessStatusCode, await back.Content.ReadAsStringAsync(Ct));
            var review = await supervisor.PostAsJsonAsync($"/api/legal/cases/{accountId}/review", new { note = "plan not kept" }, Ct);
            Assert.True(review.IsSuccessStatusCode, await review.Content.ReadAsStringAsync(Ct));

            var decided = await fixture.WaitForEntryAsync(e => e.Action == "change" && e.Subject == decision, Ct);
            Assert.Equal(("legal", "legal decision: return-to-amicable", "127.0.0.1"), (decided.Actor, decided.Detail, decided.From));
            var reviewed = await fixture.WaitForEntryAsync(e => e.Action == "change" && e.Subject == $"/api/legal/cases/{accountId}/review", Ct);
            Assert.Equal(("supervisor", "legal review request"), (reviewed.Actor, reviewed.Detail));
            Assert.True(reviewed.Id > decided.Id);
            await using var db = fixture.Console.OpenDatabase();
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Subject == decision, Ct));
        }
    }

    [Fact]
    public async Task The_trail_is_listed_newest_first_filtered_by_actor_subject_action_and_day_and_paged_and_reading_it_is_recorded()
    {
        var trail = fixture.Console.Services.GetRequiredService<AuditTrail>();
        var ids = new List<long>();
        foreach (var (action, subject) in new[] { ("read", "account:LIST-1"), ("change", "account:LIST-1"), ("read", "account:LIST-2") })
        {
            ids.Add(await trail.RecordAsync("list-test", action, subject, action == "read" ? "case timeline" : "call outcome PromiseToPay: promise", "10.1.2.3", Ct));
        }

        var (admin, _) = await fixture.Console.SignInAsync("admin", Ct);
        using var _1 = admin;
        var all = await admin.GetFromJsonAsync<AuditPage>("/api/audit?actor=list-test", Ct);
        Assert.Equal(3, all!.Total);
        Assert.Equal(ids.AsEnumerable().Reverse(), all.Items.Select(i => i.Id));
        Assert.Equal(("list-test", "10.1.2.3"), (all.Items[0].Actor, all.Items[0].From));

        var changes = await admin.GetFromJsonAsync<AuditPage>("/api/audit?actor=list-test&action=change", Ct);
        Assert.Equal([ids[1]], changes!.Items.Select(i => i.Id));
        var first = await admin.GetFromJsonAsync<AuditPage>("/api/audit?actor=list-test&subject=LIST-1", Ct);
        Assert.Equal([ids[1], ids[0]], first!.Items.Select(i => i.Id));
        var day = all.Items[0].At[..10];
        var thatDay = await admin.GetFromJsonAsync<AuditPage>($"/api/audit?actor=list-test&from={day}&to={day}", Ct);
        Assert.Equal(3, thatDay!.Total);
        var dayBefore = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await admin.GetFromJsonAsync<AuditPage>($"/api/audit?actor=list-test&to={dayBefore}", Ct))!.Total);
        var page2 = await admin.GetFromJsonAsync<AuditPage>("/api/audit?actor=list-test&pageSize=2&page=2", Ct);
        Assert.Equal([ids[0]], page2!.Items.Select(i => i.Id));
        Assert.Equal(3, page2.Total);

        foreach (var (query, field) in new[] { ("action=delete", "action"), ("from=yesterday", "from"), ("from=2026-12-04&to=2026-12-01", "to"), ("pageSize=500", "pageSize") })
        {
            var bad = await admin.GetAsync($"/api/audit?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct));
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
        }

        // Reading the trail is a read like any other: the administrator's look is itself in it.
        var look = await fixture.WaitForEntryAsync(e => e.Actor == "admin" && e.Action == "read" && e.Subject == "/api/audit?actor=list-test&action=change", Ct);
        Assert.Equal("audit trail", look.Detail);
    }

    [Fact]
    public async Task An_operators_account_search_is_a_read_in_the_trail_named_by_what_was_searched()
    {
        var (op, cookie) = await fixture.Console.SignInAsync("harriet.collins", Ct);
        using var _1 = op;
        await using var hub = fixture.Console.Hub(Collections.Shared.Contracts.ConsoleHubs.AgentPath, cookie);
        await hub.StartAsync(Ct);

        var hits = await Microsoft.AspNetCore.SignalR.Client.HubConnectionExtensions.InvokeAsync<JsonElement>(hub, "Search", "Schneider", Ct);

        var read = await fixture.WaitForEntryAsync(e => e.Actor == "harriet.collins" && e.Subject == "search:Schneider", Ct);
        Assert.Equal(("read", $"operator search ({hits.GetArrayLength()} found)", "127.0.0.1"), (read.Action, read.Detail, read.From));
    }

    [Fact]
    public async Task Only_administrators_read_verify_or_export_the_trail()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Console.BaseAddress };
        foreach (var path in new[] { "/api/audit", "/api/audit/verify", "/api/audit/export.csv" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path, Ct)).StatusCode);
            foreach (var login in new[] { "harriet.collins", "supervisor", "legal", "field" })
            {
                var (client, _) = await fixture.Console.SignInAsync(login, Ct);
                using (client)
                {
                    Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path, Ct)).StatusCode);
                }
            }

            var (admin, _) = await fixture.Console.SignInAsync("admin", Ct);
            using (admin)
            {
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(path, Ct)).StatusCode);
            }
        }
    }

    [Fact]
    public async Task The_export_is_CSV_of_the_filtered_entries_with_spreadsheet_formulas_neutralised_and_is_recorded()
    {
        var trail = fixture.Console.Services.GetRequiredService<AuditTrail>();
        var id = await trail.RecordAsync("csv-test", "read", "=HYPERLINK(\"http://evil.example/\",\"click\")", "case timeline", null, Ct);
        var (admin, _) = await fixture.Console.SignInAsync("admin", Ct);
        using var _1 = admin;

        var response = await admin.GetAsync("/api/audit/export.csv?actor=csv-test", Ct);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,actor,action,subject,detail,from", lines[0]);
        var line = Assert.Single(lines[1..]);
        Assert.StartsWith($"{id},", line, StringComparison.Ordinal);
        Assert.Contains(",csv-test,read,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\",case timeline,", line, StringComparison.Ordinal);
        await fixture.WaitForEntryAsync(e => e.Actor == "admin" && e.Detail == "audit trail export" && e.Subject == "/api/audit/export.csv?actor=csv-test", Ct);
    }

    [Fact]
    public async Task Verifying_on_demand_names_the_last_entries_removed_through_the_anchor()
    {
        var (admin, _) = await fixture.Console.SignInAsync("admin", Ct);
        using var _1 = admin;
        var trail = fixture.Console.Services.GetRequiredService<AuditTrail>();
        await trail.RecordAsync("verify-test", "read", "account:V-1", "case timeline", null, Ct);
        var last = await trail.RecordAsync("verify-test", "read", "account:V-2", "case timeline", null, Ct);

        var intact = await admin.GetFromJsonAsync<AuditVerifyDto>("/api/audit/verify", Ct);
        Assert.True(intact!.Intact, intact.Reason);
        Assert.True(intact.AnchoredEntry >= last, $"anchored {intact.AnchoredEntry}, last {last}");
        Assert.Equal($"{fixture.Console.DatabasePath}.audit-anchor.json", intact.Anchor);

        // Someone removes the last two entries: the shorter chain is valid in itself, the anchor outside the database is not met.
        await using var db = fixture.Console.OpenDatabase();
        var removed = await db.AuditEntries.AsNoTracking().Where(e => e.Id > intact.Entries - 2).OrderBy(e => e.Id).ToListAsync(Ct);
        var keep = intact.Entries - 2;
        await db.Database.ExecuteSqlAsync($"DELETE FROM audit_entries WHERE id > {keep}", Ct);
        try
        {
            var cut = await admin.GetFromJsonAsync<AuditVerifyDto>("/api/audit/verify", Ct);
            Assert.False(cut!.Intact);
            Assert.Equal(intact.Entries - 1, cut.BrokenEntry);
            Assert.Contains($"entries after {intact.Entries - 2} are missing", cut.Reason, StringComparison.Ordinal);
        }
        finally
        {
            // Put them back, so the other tests of this console find an intact trail.
            db.AuditEntries.AddRange(removed);
            await db.SaveChangesAsync(Ct);
        }

        Assert.True((await admin.GetFromJsonAsync<AuditVerifyDto>("/api/audit/verify", Ct))!.Intact);
    }

    [Fact]
    public async Task The_administrator_opens_the_audit_page_from_the_wallboard_filters_it_and_verifies_the_chain()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: test.sh installs Debian's chromium package");
        Assertions.SetDefaultExpectTimeout(20_000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        });
        var context = await browser.NewContextAsync(new() { BaseURL = fixture.Console.BaseAddress.ToString(), ViewportSize = new() { Width = 1500, Height = 820 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync("admin");
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
        await page.WaitForURLAsync("**/wallboard.html");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await page.WaitForURLAsync("**/audit.html**");
        await Assertions.Expect(page.Locator("#audit tbody tr").First).ToBeVisibleAsync();
        await page.Locator("select[name=action]").SelectOptionAsync("change");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit tbody tr[data-action=read]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#audit tbody tr[data-action=change]").First).ToBeVisibleAsync();
        Assert.Contains("action=change", page.Url);
        Assert.Equal("/api/audit/export.csv?action=change", await page.Locator("#export").GetAttributeAsync("href"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verification")).ToContainTextAsync("Chain intact");
        await Assertions.Expect(page.Locator("#verification")).ToHaveAttributeAsync("data-intact", "true");
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "audit-page.png") });

        // The page's own reading is in the trail it shows.
        await fixture.WaitForEntryAsync(e => e.Actor == "admin" && e.Subject.StartsWith("/api/audit?action=change"), Ct);
    }
}

/// <summary>One console (Kestrel, demo data and users, no dialer, no demo process) on which the administrator booked one
/// payment file before the tests, so the trail holds a change from the start.</summary>
public sealed class AuditFixture : IAsyncLifetime
{
    public KestrelConsole Console { get; } = new(("Collections:Dialing:InProcess", "false"), ("Collections:Demo:Process", "false"));

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        string reference;
        await using (var db = Console.OpenDatabase())
        {
            reference = await db.Accounts.Where(a => a.Currency == "EUR").OrderBy(a => a.CreditorReference).Select(a => a.CreditorReference).FirstAsync(ct);
        }

        var (admin, _) = await Console.SignInAsync("admin", ct);
        using (admin)
        {
            using var content = new MultipartFormDataContent();
            content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes($"received_on,amount,currency,reference\n2026-11-30,10.00,EUR,{reference}\n")), "file", "audit-payments.csv");
            var response = await admin.PostAsync("/api/payments/import", content, ct);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The newest entry matching <paramref name="match"/>, waiting up to ten seconds for the trail's writer.</summary>
    public async Task<AuditEntry> WaitForEntryAsync(System.Linq.Expressions.Expression<Func<AuditEntry, bool>> match, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var db = Console.OpenDatabase();
            if (await db.AuditEntries.AsNoTracking().Where(match).OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct) is { } entry)
            {
                return entry;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"no audit entry matching {match} within ten seconds");
    }

    public ValueTask DisposeAsync()
    {
        Console.Dispose();
        return ValueTask.CompletedTask;
    }
}
