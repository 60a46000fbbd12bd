using System.Net.Http.Json;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Legal.Evidence;
using Collections.Dialer.Messaging;
using Collections.Shared.Cases;
using Collections.Shared.Domain;
using Collections.Shared.FieldVisits;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Issue 16, field visits, in a real browser (Debian's Chromium) on a phone-sized screen: a supervisor sends the
/// field agent to a case; the agent finds it on the day's route, records that the debtor was met, paid cash and signed an
/// acknowledgement of debt drawn on the touchscreen, and saves while the phone is offline; the outcome is kept on the phone
/// and arrives exactly once when the connection returns, also when the page is reloaded and the same outcome is sent
/// again. The signature lands in the evidence pack. Screenshots are left in artifacts/ (copied to docs/).</summary>
[Trait("Category", "Integration")]
public sealed class FieldVisitBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_visit_with_a_drawn_signature_saved_offline_arrives_once_after_reconnecting()
    {
        var state = new PageState();
        await state.RunAsync(() => RunAsync(state));
    }

    private static async Task RunAsync(PageState state)
    {
        using var console = new KestrelConsole();
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);

        // The case the supervisor sends the field agent to: an open German case the demo has not planned a visit for.
        Guid accountId;
        string reference;
        await using (var db = console.OpenDatabase())
        {
            var planned = await db.ScheduledContacts.Where(c => c.Channel == ContactChannel.Visit).Select(c => c.AccountId).ToListAsync(Ct);
            var candidate = await (from c in db.Cases
                                   join a in db.Accounts on c.AccountId equals a.Id
                                   join ad in db.Addresses on a.DebtorId equals ad.DebtorId
                                   where c.ClosedAt == null && ad.ValidUntil == null && ad.Country == "DE" && !planned.Contains(a.Id)
                                   orderby a.CreditorReference
                                   select new { a.Id, a.CreditorReference }).FirstAsync(Ct);
            (accountId, reference) = (candidate.Id.Value, candidate.CreditorReference);
        }

        // Only supervisors send agents; a field agent cannot.
        var (fieldApi, _) = await console.SignInAsync(DemoUsers.FieldAgentLogin, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden,
            (await fieldApi.PostAsJsonAsync("/api/visits/schedule", new { accountId, day = DateOnly.FromDateTime(console.Clock.GetUtcNow().UtcDateTime) }, Ct)).StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);

        // The supervisor's action on the case page: send the field agent there today to get an acknowledgement of debt.
        var today = DateOnly.FromDateTime(console.Clock.GetUtcNow().UtcDateTime);
        var desk = state.Watch("supervisor", await (await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString() })).NewPageAsync());
        await SignInAsync(desk, DemoUsers.SupervisorLogin);
        await desk.WaitForURLAsync("**/wallboard.html");
        await desk.GotoAsync($"/case.html?ref={Uri.EscapeDataString(reference)}");
        await Assertions.Expect(desk.Locator("#send-visit")).ToBeVisibleAsync();
        await desk.Locator("#send-visit-form input[name=day]").FillAsync(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await desk.Locator("#send-visit-form select[name=askFor]").SelectOptionAsync("acknowledgement");
        await desk.Locator("#send-visit-form button[type=submit]").ClickAsync();
        await Assertions.Expect(desk.Locator("#send-visit-result")).ToHaveAttributeAsync("data-state", "sent");
        await desk.Locator("#send-visit").ScreenshotAsync(new() { Path = Path.Combine(artifacts, "field-visits-send.png") });
        Guid visitId;
        await using (var db = console.OpenDatabase())
        {
            visitId = (await db.ScheduledContacts.SingleAsync(c => c.AccountId == new AccountId(accountId) && c.Channel == ContactChannel.Visit, Ct)).Id;
        }

        // A phone: 390 x 844 CSS pixels, touch, mobile layout.
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = console.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = state.Watch("field agent", await context.NewPageAsync());
        await SignInAsync(page, DemoUsers.FieldAgentLogin);
        await page.WaitForURLAsync("**/visits.html");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");

        // The route: grouped by town and postcode; the visit with the debtor, the claim and what to ask for.
        var card = page.Locator($"article.visit[data-visit-id='{visitId}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-reference", reference);
        await Assertions.Expect(card.Locator(".chip[data-ask='acknowledgement']")).ToBeVisibleAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-allowed", "true");
        Assert.True(await page.Locator("section.visit-group").CountAsync() >= 2, "the demo's visits should make a route over several towns");
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "field-visits-route.png"), FullPage = true });

        await card.Locator(".btn-record").ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToBeVisibleAsync();
        await page.Locator("input[name=result][value=met]").CheckAsync();
        await page.Locator("input[name=paymentAmount]").FillAsync("20");
        await page.Locator("input[name=receipt]").FillAsync("R-77");
        await page.Locator("input[name=acknowledge]").CheckAsync();
        var canvas = page.Locator("#signature");
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("the signature box has no size");
        // A signature: one stroke down and across, as a finger draws it (pointer events).
        await page.Mouse.MoveAsync(box.X + 20, box.Y + box.Height * 0.7f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.3f, box.Y + box.Height * 0.2f, new() { Steps = 8 });
        await page.Mouse.MoveAsync(box.X + box.Width * 0.55f, box.Y + box.Height * 0.8f, new() { Steps = 8 });
        await page.Mouse.MoveAsync(box.X + box.Width - 20, box.Y + box.Height * 0.3f, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-signed", "true");
        var acknowledged = await page.Locator("#ack-text").InnerTextAsync();
        Assert.Contains(reference, acknowledged, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "field-visits-signature.png"), FullPage = true });

        // No connection at the door: the outcome is kept on the phone.
        await context.SetOfflineAsync(true);
        await Assertions.Expect(page.Locator("#net")).ToHaveAttributeAsync("data-online", "false");
        await page.Locator("#btn-save").ClickAsync();
        await Assertions.Expect(page.Locator("#outbox-count")).ToHaveAttributeAsync("data-count", "1");
        await Assertions.Expect(page.Locator("#outbox-items li[data-state='pending']")).ToHaveCountAsync(1);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-done", "true");
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "field-visits-offline.png"), FullPage = true });
        Assert.Equal(0, await OutcomesAsync(console, accountId));

        // The connection returns: the outbox sends it, and the server has it once.
        await context.SetOfflineAsync(false);
        await Assertions.Expect(page.Locator("#net")).ToHaveAttributeAsync("data-online", "true");
        await Assertions.Expect(page.Locator("#outbox-count")).ToHaveAttributeAsync("data-count", "0");
        await Assertions.Expect(page.Locator("#outbox")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "field-visits-sent.png"), FullPage = true });
        Assert.Equal(1, await OutcomesAsync(console, accountId));

        // The same outcome again (a reload sends whatever is kept; a retry after a lost answer sends the same key): still once.
        string key;
        await using (var db = console.OpenDatabase())
        {
            key = (await db.FieldVisitOutcomes.SingleAsync(o => o.AccountId == new AccountId(accountId), Ct)).IdempotencyKey;
        }

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(page.Locator($"article.visit[data-visit-id='{visitId}']")).ToHaveCountAsync(0);
        var replay = await page.APIRequest.PostAsync("/api/visits/outcomes", new()
        {
            DataObject = new { idempotencyKey = key, visitId, accountId, result = "met", visitedAt = console.Clock.GetUtcNow() },
        });
        Assert.True(replay.Status == 200, $"the same outcome sent again was answered {replay.Status}: {await replay.TextAsync()}");
        Assert.Contains("\"duplicate\":true", await replay.TextAsync(), StringComparison.Ordinal);

        await using (var db = console.OpenDatabase())
        {
            var id = new AccountId(accountId);
            var outcome = await db.FieldVisitOutcomes.SingleAsync(o => o.AccountId == id, Ct);
            Assert.Equal((VisitResult.Met, DemoUsers.FieldAgentLogin, visitId), (outcome.Result, outcome.Agent, outcome.ScheduledContactId));
            var acknowledgement = await db.DebtAcknowledgements.SingleAsync(a => a.AccountId == id, Ct);
            Assert.Equal((acknowledged, DemoUsers.FieldAgentLogin, ContactChannel.Visit), (acknowledgement.Text, acknowledgement.RecordedBy, acknowledgement.Channel));
            Assert.True(acknowledgement.SignaturePng is [0x89, 0x50, 0x4E, 0x47, ..] && acknowledgement.SignaturePng.Length > 1000,
                $"the signature should be the drawn PNG, got {acknowledgement.SignaturePng?.Length ?? 0} bytes");
            var payment = await db.Payments.SingleAsync(p => p.AccountId == id && p.Reference == "R-77", Ct);
            Assert.Equal((20m, PaymentMethod.Cash), (payment.Amount, payment.Method));
            var task = await db.ScheduledContacts.SingleAsync(c => c.Id == visitId, Ct);
            Assert.Equal(ScheduledContactStatus.Done, task.Status);
            Assert.Equal(1, await db.ContactAttempts.CountAsync(a => a.AccountId == id && a.Channel == ContactChannel.Visit, Ct));

            // The evidence pack carries the acknowledgement with its signature image.
            var collector = new EvidenceCollector(console.Services.GetRequiredService<ICollectionsDbContextFactory>(), console.Services.GetRequiredService<CaseTimelineQuery>(),
                null, null, new AgencyDetails(), new EvidenceSources(Path.Combine(console.OutreachFolder, "print-queue"), null), console.Clock);
            var files = await collector.CollectAsync(id, ct: Ct) ?? throw new InvalidOperationException("no evidence for the account");
            var signature = Assert.Single(files, f => f.Path == $"acknowledgements/{acknowledgement.Id:D}.png");
            Assert.Equal(acknowledgement.SignaturePng, signature.Content);
        }
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(login);
        await page.Locator("#password").FillAsync(DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
    }

    private static async Task<int> OutcomesAsync(KestrelConsole console, Guid accountId)
    {
        await using var db = console.OpenDatabase();
        return await db.FieldVisitOutcomes.CountAsync(o => o.AccountId == new AccountId(accountId), Ct);
    }
}
