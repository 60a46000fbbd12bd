using Collections.AgentConsole.Features.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>Issue 16, "Done when" 1, in a real browser (Debian's Chromium): a case walks strategy -> legal review -> checklist
/// -> filing with the creditor's consent. The strategy's legal-review step moves a demo case into legal review; the legal user
/// sees it on the legal page with its checklist and files a payment order; the creditor's policy asks for consent, so the
/// request waits in the portal, where the creditor approves it with a comment; the case is filed (database and page). The
/// legal page's screenshot is left in artifacts/ (copied to docs/legal-review.png).</summary>
[Trait("Category", "Integration")]
public sealed class LegalReviewBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Strategy_puts_a_case_in_legal_review_the_legal_user_files_and_the_creditor_consents_in_the_portal()
    {
        using var console = new KestrelConsole();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        var viewport = new ViewportSize { Width = 1400, Height = 1000 };

        // The legal user signs in first (the console is up and its demo data in place) and lands on the legal page.
        var legalContext = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = viewport });
        var legal = await legalContext.NewPageAsync();
        await SignInAsync(legal, Features.Auth.DemoUsers.LegalLogin);
        await legal.WaitForURLAsync("**/legal.html");
        await Expect(legal.Locator("body")).ToHaveAttributeAsync("data-ready", "true");

        // A demo case of the portal's creditor whose strategy's next due step could be its legal-review step: no promise or plan
        // holding the strategy, and no other step due within two days (so nothing moves it on while the test runs).
        var now = Instant.FromDateTimeOffset(console.Clock.GetUtcNow());
        var soon = now + Duration.FromDays(2);
        CaseId caseId;
        AccountId accountId;
        string reference;
        CaseId otherCase;
        string otherReference;
        await using (var db = console.OpenDatabase())
        {
            var creditor = await db.Creditors.SingleAsync(c => c.Code == DemoCreditorAccess.Creditor, Ct);
            var candidates = await (from c in db.Cases
                                    join a in db.Accounts on c.AccountId equals a.Id
                                    where a.CreditorId == creditor.Id && c.ClosedAt == null && c.Phase != CasePhase.LegalReview && c.Phase != CasePhase.Closed
                                          && a.Principal + a.Interest + a.StatutoryInterest + a.Fees - a.Paid >= 100m
                                          && db.CaseSteps.Any(s => s.CaseId == c.Id && s.StepKey == "legal-review" && s.Status == CaseStepStatus.Planned)
                                          && !db.CaseSteps.Any(s => s.CaseId == c.Id && s.StepKey != "legal-review" && s.Status == CaseStepStatus.Planned && s.DueAt < soon)
                                          && !db.Promises.Any(p => p.AccountId == a.Id && p.Status == PromiseStatus.Pending)
                                          && !db.InstalmentPlans.Any(p => p.AccountId == a.Id && p.Status == InstalmentPlanStatus.Active)
                                          && !db.Holds.Any(h => h.AccountId == a.Id)
                                    orderby a.CreditorReference
                                    select new { c.Id, AccountId = a.Id, a.CreditorReference }).ToListAsync(Ct);
            Assert.True(candidates.Count > 0, $"no demo case of {DemoCreditorAccess.Creditor} has a planned legal-review step and nothing else due");
            Assert.True(candidates.Count > 1, $"one demo case of {DemoCreditorAccess.Creditor} only fits, the supervisor's part needs a second");
            (caseId, accountId, reference) = (candidates[0].Id, candidates[0].AccountId, candidates[0].CreditorReference);
            (otherCase, otherReference) = (candidates[1].Id, candidates[1].CreditorReference);

            // The creditor's terms ask for consent to legal action (`creditor terms set --legal-consent true`), and the
            // strategy's legal-review step has come due.
            creditor.Policy.LegalActionNeedsConsent = true;
            var step = await db.CaseSteps.SingleAsync(s => s.CaseId == caseId && s.StepKey == "legal-review", Ct);
            step.DueAt = now - Duration.FromMinutes(1);
            await db.SaveChangesAsync(Ct);
        }

        // The strategy runs the step, as the scheduler does when it comes due.
        var run = await console.Services.GetRequiredService<WorkflowRunner>().RunAsync(WorkItem.ForStep(caseId, "legal-review", now - Duration.FromMinutes(1)), Ct);
        Assert.True(run.Outcome == "done", $"the legal-review step of {reference} ended '{run.Outcome}', not done");
        await using (var db = console.OpenDatabase())
        {
            var phase = await db.Cases.Where(c => c.Id == caseId).Select(c => c.Phase).SingleAsync(Ct);
            Assert.True(phase == CasePhase.LegalReview, $"{reference} is in phase {phase} after its legal-review step");
        }

        // The legal page lists it; its checklist is computed from the record; filing needs the creditor's consent.
        await legal.ReloadAsync();
        await Expect(legal.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        var row = legal.Locator($"#queue tr.case[data-reference='{reference}']");
        await Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("legal-review"));
        await row.Locator("button.review").ClickAsync();
        await Expect(legal.Locator("#sheet")).ToHaveAttributeAsync("data-account", accountId.Value.ToString());
        await Expect(legal.Locator("#checklist tr.check")).ToHaveCountAsync(7);
        foreach (var key in new[] { "claim-documented", "address-current", "not-deceased", "not-insolvent", "acknowledgements", "limitation", "cost" })
        {
            await Expect(legal.Locator($"#checklist tr[data-key='{key}'] td").Nth(2)).Not.ToBeEmptyAsync();
        }

        // DE: a payment order's court fee on the claim (GKG KV Nr. 1100) is priced from the shipped table.
        await Expect(legal.Locator("#checklist tr[data-key='cost'] td").Nth(2)).ToContainTextAsync("court fee");
        await Expect(legal.Locator("#consent")).ToHaveAttributeAsync("data-status", "required");
        await legal.Locator("#decision").SelectOptionAsync("file");
        await legal.Locator("#filing").SelectOptionAsync("payment-order");
        await legal.Locator("#note").FillAsync("invoices and the final demand are on file");
        await legal.Locator("#btn-decide").ClickAsync();
        await Expect(legal.Locator("#consent")).ToHaveAttributeAsync("data-status", "awaiting");
        await Expect(legal.Locator("#message")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("error"));
        await legal.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "legal-review.png"), FullPage = true });

        // The creditor sees the request in the portal and approves it with a comment (the note prompt is answered).
        var creditorContext = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = viewport });
        var portal = await creditorContext.NewPageAsync();
        portal.Dialog += async (_, dialog) => await dialog.AcceptAsync("agreed: file the payment order");
        await SignInAsync(portal, DemoCreditorAccess.Login);
        await portal.WaitForURLAsync("**/portal.html");
        await portal.GotoAsync($"/portal.html?creditor={DemoCreditorAccess.Creditor}");
        await Expect(portal.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        var request = portal.Locator("#legal tr.legal", new() { HasText = reference });
        await Expect(request).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("awaiting"));
        await Expect(request.Locator(".filing")).ToHaveTextAsync("Payment order");
        await request.Locator("button.approve").ClickAsync();
        await Expect(request.Locator(".status")).ToHaveAttributeAsync("data-status", "approved");

        // Filed: in the database, with who decided and when on the case's steps, and on the legal page.
        await using (var db = console.OpenDatabase())
        {
            var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, Ct);
            var consent = await db.LegalActionConsents.AsNoTracking().SingleAsync(k => k.CaseId == caseId, Ct);
            var steps = await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == caseId && s.StepKey.StartsWith("legal-") && s.StepKey.Contains("@")).Select(s => s.Note).ToListAsync(Ct);
            Assert.True(@case.Phase == CasePhase.Filed, $"{reference} is in phase {@case.Phase} after the creditor's approval; legal steps: {string.Join(" | ", steps)}");
            Assert.Equal((true, "payment-order", $"creditor:{DemoCreditorAccess.Login}", "agreed: file the payment order"), (consent.Approved!.Value, consent.Filing, consent.DecidedBy, consent.Note));
            Assert.Contains($"legal:{Features.Auth.DemoUsers.LegalLogin} asks the creditor's consent to a payment-order: invoices and the final demand are on file", steps);
            Assert.Contains($"legal:{Features.Auth.DemoUsers.LegalLogin} filed a payment-order with the creditor's consent", steps);
        }

        await legal.GotoAsync($"/legal.html?account={accountId.Value}");
        await Expect(legal.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(legal.Locator("#sheet-phase")).ToHaveAttributeAsync("data-phase", "filed");
        await Expect(legal.Locator("#consent")).ToHaveAttributeAsync("data-status", "approved");
        await Expect(legal.Locator("#decide")).ToBeHiddenAsync();
        await Expect(legal.Locator($"#queue tr.case[data-reference='{reference}']")).ToHaveCountAsync(0);

        // A supervisor puts another case into legal review from the case page; it reaches the legal queue.
        var supervisorContext = await browser.NewContextAsync(new() { BaseURL = console.BaseAddress.ToString(), ViewportSize = viewport });
        var supervisor = await supervisorContext.NewPageAsync();
        supervisor.Dialog += async (_, dialog) => await dialog.AcceptAsync("third broken promise");
        await SignInAsync(supervisor, Features.Auth.DemoUsers.SupervisorLogin);
        await supervisor.WaitForURLAsync("**/wallboard.html");
        await supervisor.GotoAsync($"/case.html?ref={Uri.EscapeDataString(otherReference)}");
        await Expect(supervisor.Locator("#btn-legal-review")).ToBeVisibleAsync();
        await supervisor.Locator("#btn-legal-review").ClickAsync();
        await Expect(supervisor.Locator("#message")).ToHaveTextAsync("Legal review requested.");
        await Expect(supervisor.Locator("#btn-legal-review")).ToBeHiddenAsync();
        await using (var db = console.OpenDatabase())
        {
            var phase = await db.Cases.Where(c => c.Id == otherCase).Select(c => c.Phase).SingleAsync(Ct);
            var notes = await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == otherCase && s.StepKey.StartsWith("legal-review-requested@")).Select(s => s.Note).ToListAsync(Ct);
            Assert.True(phase == CasePhase.LegalReview, $"{otherReference} is in phase {phase} after the supervisor's request; legal steps: {string.Join(" | ", notes)}");
            Assert.Equal(["supervisor:supervisor asks for legal review: third broken promise"], notes);
        }

        await legal.GotoAsync("/legal.html");
        await Expect(legal.Locator($"#queue tr.case[data-reference='{otherReference}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("legal-review"));
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync("/");
        await page.Locator("#login").FillAsync(login);
        await page.Locator("#password").FillAsync(Features.Auth.DemoUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
