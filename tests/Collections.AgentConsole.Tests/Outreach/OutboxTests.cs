using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.AgentConsole.Features.Outbox;
using Collections.AgentConsole.Tests.Console;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using NodaTime;

namespace Collections.AgentConsole.Tests.Outreach;

/// <summary>The supervisors' outbox over what the main job's dispatcher really sent to demo debtors through the demo
/// messaging provider and the print queue: the API with its filters, paging and roles, and the page in Chromium.</summary>
[Trait("Category", "Integration")]
public sealed class OutboxTests(OutboxFixture fixture) : IClassFixture<OutboxFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_outbox_lists_every_message_and_letter_with_status_purpose_account_and_provider_id()
    {
        var (client, _) = await fixture.Console.SignInAsync("supervisor", Ct);
        using var signedIn = client;

        var all = await client.GetFromJsonAsync<OutboxPage>("/api/outbox?pageSize=200", Ct);

        Assert.NotNull(all);
        await using var db = fixture.Console.OpenDatabase();
        Assert.Equal(await db.OutboundMessages.CountAsync(Ct), all.Total);
        var sms = all.Items.Where(i => i.Channel == "sms" && i.Status != "refused").ToList();
        Assert.NotEmpty(sms);
        Assert.All(sms, i =>
        {
            Assert.Contains(i.Status, new[] { "delivered", "undelivered" });
            Assert.StartsWith("SM", i.ProviderId);
            Assert.Equal("reminder", i.Purpose);
            Assert.StartsWith("+", i.To);
        });
        var letters = all.Items.Where(i => i.Channel == "letter").ToList();
        Assert.Equal(fixture.Letters, letters.Count);
        Assert.All(letters, l => Assert.Equal(("sent", $"/api/outbox/{l.Id}/document"), (l.Status, l.Document)));
        Assert.Contains(all.Items, i => i.Channel == "email" && i.Status == "sent");
        Assert.Contains(all.Items, i => i.Channel == "whatsapp");
        var refused = Assert.Single(all.Items, i => i.Status == "refused");
        Assert.Contains("de.opt-out", refused.Error);
        Assert.Equal(all.Items.OrderByDescending(i => i.CreatedAt).Select(i => i.Id), all.Items.Select(i => i.Id));

        var onlyLetters = await client.GetFromJsonAsync<OutboxPage>("/api/outbox?channel=letter", Ct);
        Assert.Equal(letters.Select(l => l.Id).Order(), onlyLetters!.Items.Select(l => l.Id).Order());
        var delivered = await client.GetFromJsonAsync<OutboxPage>("/api/outbox?status=delivered&pageSize=200", Ct);
        Assert.All(delivered!.Items, i => Assert.Equal("delivered", i.Status));
        Assert.Equal(all.Items.Count(i => i.Status == "delivered"), delivered.Total);
        var reference = letters[0].AccountRef;
        var ofAccount = await client.GetFromJsonAsync<OutboxPage>($"/api/outbox?account={Uri.EscapeDataString(reference)}", Ct);
        Assert.All(ofAccount!.Items, i => Assert.Equal(reference, i.AccountRef));
        Assert.Equal(all.Items.Count(i => i.AccountRef == reference), ofAccount.Total);

        var first = await client.GetFromJsonAsync<OutboxPage>("/api/outbox?pageSize=2&page=1", Ct);
        var second = await client.GetFromJsonAsync<OutboxPage>("/api/outbox?pageSize=2&page=2", Ct);
        Assert.Equal(all.Items.Take(4).Select(i => i.Id), first!.Items.Concat(second!.Items).Select(i => i.Id));
    }

    [Theory]
    [InlineData("channel=fax", "channel")]
    [InlineData("status=lost", "status")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task A_bad_filter_is_refused_with_400_naming_the_field(string query, string field)
    {
        var (client, _) = await fixture.Console.SignInAsync("supervisor", Ct);
        using var signedIn = client;

        var response = await client.GetAsync($"/api/outbox?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Only_supervisors_and_administrators_read_the_outbox_and_open_a_letter_as_its_PDF()
    {
        await using var db = fixture.Console.OpenDatabase();
        var letter = await db.OutboundMessages.FirstAsync(m => m.Channel == ContactChannel.Letter, Ct);
        var document = $"/api/outbox/{letter.Id.Value}/document";
        var (supervisor, _) = await fixture.Console.SignInAsync("supervisor", Ct);
        var (admin, _) = await fixture.Console.SignInAsync("admin", Ct);
        var (op, _) = await fixture.Console.SignInAsync("harriet.collins", Ct);
        using var anonymous = new HttpClient { BaseAddress = fixture.Console.BaseAddress };
        using (supervisor)
        using (admin)
        using (op)
        {
            var pdf = await supervisor.GetAsync(document, Ct);
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync(Ct))[..5]);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(document, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/outbox", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/outbox", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync(document, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(document, Ct)).StatusCode);
            var sms = await db.OutboundMessages.FirstAsync(m => m.Channel == ContactChannel.Sms, Ct);
            Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/outbox/{sms.Id.Value}/document", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task The_supervisor_opens_the_outbox_from_the_wallboard_filters_it_and_opens_a_letter()
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
        await page.Locator("#login").FillAsync("supervisor");
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
        await page.WaitForURLAsync("**/wallboard.html");

        await page.GetByRole(AriaRole.Link, new() { Name = "Outbox" }).ClickAsync();
        await page.WaitForURLAsync("**/outbox.html**");
        await using var db = fixture.Console.OpenDatabase();
        var total = await db.OutboundMessages.CountAsync(Ct);
        await Expect(page.Locator("#outbox tbody tr")).ToHaveCountAsync(Math.Min(total, 50));
        await Expect(page.Locator("#total")).ToHaveTextAsync($"{total} messages and letters");
        await Expect(page.Locator("#outbox tbody tr[data-status=delivered]").First).ToBeVisibleAsync();
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "console-outbox.png") });

        await page.Locator("select[name=channel]").SelectOptionAsync("letter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.Locator("#outbox tbody tr")).ToHaveCountAsync(fixture.Letters);
        await Expect(page.Locator("#outbox tbody tr[data-channel=sms]")).ToHaveCountAsync(0);
        Assert.Contains("channel=letter", page.Url);
        var href = await page.Locator("#outbox tbody a.pdf").First.GetAttributeAsync("href");
        var pdf = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

/// <summary>One console (Kestrel, demo data and users, the demo messaging provider, no dialer) whose dispatcher has carried
/// out SMS, WhatsApp, e-mail and letter entries for demo debtors, each closed before the tests read the outbox.</summary>
public sealed class OutboxFixture : IAsyncLifetime
{
    public KestrelConsole Console { get; } = new(
        ("Collections:Dialing:InProcess", "false"),
        // Only the entries queued below are worked: the outbox's counts are the test's own.
        ("Collections:Demo:Process", "false"),
        ("Collections:Outreach:DemoMessaging:StatusInterval", "00:00:00.100"),
        ("Collections:Outreach:DemoMessaging:ReplyDelay", "00:00:00.500"),
        ("Collections:Outreach:Dispatch:PollInterval", "00:00:00.100"));

    /// <summary>How many letters were queued (each is handed to the print queue).</summary>
    public int Letters { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = new List<Guid>();
        await using (var db = Console.OpenDatabase())
        {
            // Debtors whose mobile has consent and who live where the number is, by country (their rule pack and language).
            var debtors = await db.Debtors.AsNoTracking().Include(d => d.Phones).Include(d => d.Addresses)
                .Where(d => d.Phones.Any(p => p.Kind == PhoneKind.Mobile && p.AutodialConsent))
                .ToListAsync(ct);
            var accounts = await db.Accounts.AsNoTracking().ToListAsync(ct);
            AccountId[] Of(string country, int count, bool email = false)
            {
                var found = debtors.Where(d => d.CurrentAddress?.Country == country && (!email || d.Email is not null)
                        && d.Phones.Any(p => p.Kind == PhoneKind.Mobile && p.AutodialConsent && p.Region == country))
                    .Select(d => accounts.First(a => a.DebtorId == d.Id).Id).Take(count).ToArray();
                return found.Length == count ? found : throw new InvalidOperationException($"the demo data has {found.Length} debtors in {country} with a consenting mobile{(email ? " and an e-mail" : "")}, the test needs {count}");
            }

            var german = Of("DE", 5);
            var hungarian = Of("HU", 2);
            var american = Of("US", 1);
            var mail = Of("DE", 1, email: true).Concat(Of("HU", 1, email: true)).ToArray();
            var now = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(30);
            void Queue(AccountId account, ContactChannel channel, string template)
            {
                var entry = new ScheduledContact
                {
                    AccountId = account, Channel = channel, Campaign = channel == ContactChannel.Letter ? "letters" : "reminder-messages", Template = template,
                    DueAt = now, NextAttemptAt = now, Reason = "outbox-test", IdempotencyKey = $"outbox-test:{Guid.NewGuid():N}",
                    Status = ScheduledContactStatus.Queued, CreatedAt = now, Purpose = ContactPurpose.Reminder,
                };
                db.ScheduledContacts.Add(entry);
                entries.Add(entry.Id);
            }

            // The fifth German debtor texted STOP earlier: the outbox shows the refusal and the rule.
            var stopped = debtors.Single(d => d.Id == accounts.First(a => a.Id == german[4]).DebtorId);
            db.OptOuts.Add(new OptOut { DebtorId = stopped.Id, Channel = ContactChannel.Sms, At = now, Source = "sms:STOPP" });
            foreach (var account in german.Concat(hungarian))
            {
                Queue(account, ContactChannel.Sms, "first-reminder");
            }

            Queue(mail[0], ContactChannel.Email, "first-reminder");
            Queue(mail[1], ContactChannel.Email, "first-reminder");
            Queue(german[1], ContactChannel.WhatsApp, "first-reminder");
            Queue(german[2], ContactChannel.Letter, "first-reminder");
            Queue(american[0], ContactChannel.Letter, "second-reminder");
            Queue(hungarian[0], ContactChannel.Letter, "final-demand-service-suspension-warning");
            Letters = 3;
            await db.SaveChangesAsync(ct);
        }

        // Bounded wait (two minutes) until the dispatcher closed every entry and the provider reported every message's end.
        for (var i = 0; i < 1200; i++)
        {
            await using var db = Console.OpenDatabase();
            var open = await db.ScheduledContacts.CountAsync(c => entries.Contains(c.Id) && c.Status != ScheduledContactStatus.Done && c.Status != ScheduledContactStatus.Cancelled && c.Status != ScheduledContactStatus.Failed, ct);
            var travelling = await db.OutboundMessages.CountAsync(m => m.State == OutboundMessageState.Accepted || m.State == OutboundMessageState.Sending || (m.Channel != ContactChannel.Email && m.Channel != ContactChannel.Letter && m.State == OutboundMessageState.Sent), ct);
            if (open == 0 && travelling == 0)
            {
                return;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException("the dispatcher did not close every queued entry within two minutes");
    }

    public ValueTask DisposeAsync()
    {
        Console.Dispose();
        return ValueTask.CompletedTask;
    }
}
