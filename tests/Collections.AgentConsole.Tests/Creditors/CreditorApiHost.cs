using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collections.AgentConsole.Features.Creditors;
using Collections.AgentConsole.Tests.Hosting;
using Collections.Shared.Creditors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.AgentConsole.Tests.Creditors;

/// <summary>The real host (TestServer) with the demo's creditors, no dialing and no demo process: creditor A is TELCO-DE (its
/// demo user "creditor" and a key), creditor B is UTIL-HU (a key). A key may make 300 requests (refilled at one a day), so
/// the rate-limit test reaches the limit whatever the machine's speed; webhooks run every second, retried after one.</summary>
public sealed class CreditorApiHost : IAsyncLifetime
{
    public const string A = DemoCreditorAccess.Creditor;
    public const string B = "UTIL-HU";
    public const int Limit = 300;

    public ConsoleFactory Factory { get; } = new(
        ("Collections:Demo:Process", "false"),
        ("Collections:Demo:Calls:Enabled", "false"),
        ("Collections:Dialing:InProcess", "false"),
        ("Collections:Outreach:Dispatch:Enabled", "false"),
        // The placed cases are the workflow's to work; these tests look at placement, not at the steps that follow.
        ("Collections:Scheduling:Sweep:Enabled", "false"),
        // The bucket refills continuously (one token a day here), so no test's verdict depends on how fast the machine is.
        ("Collections:CreditorApi:RequestsPerPeriod", "1"),
        ("Collections:CreditorApi:PeriodSeconds", "86400"),
        ("Collections:CreditorApi:Burst", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Collections:CreditorApi:Webhooks:IntervalSeconds", "1"),
        ("Collections:CreditorApi:Webhooks:RetryBaseSeconds", "1"));

    public HttpClient KeyA { get; private set; } = null!;
    public HttpClient KeyB { get; private set; } = null!;
    public HttpClient UserA { get; private set; } = null!;

    /// <summary>A demo account of A, and one of B.</summary>
    public string AccountOfA { get; private set; } = "";
    public string AccountOfB { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        UserA = Factory.CreateClient();
        var login = await UserA.PostAsJsonAsync("/api/auth/login", new { login = DemoCreditorAccess.Login, password = Features.Auth.DemoUsers.Password }, ct);
        login.EnsureSuccessStatusCode();
        KeyA = await ClientWithNewKeyAsync(A);
        KeyB = await ClientWithNewKeyAsync(B);
        await using var db = Factory.OpenDatabase();
        AccountOfA = await (from a in db.Accounts join c in db.Creditors on a.CreditorId equals c.Id where c.Code == A orderby a.CreditorReference select a.CreditorReference).FirstAsync(ct);
        AccountOfB = await (from a in db.Accounts join c in db.Creditors on a.CreditorId equals c.Id where c.Code == B orderby a.CreditorReference select a.CreditorReference).FirstAsync(ct);
    }

    private Task<PortalRequests>? _requests;

    /// <summary>Settlement and legal-action requests on <see cref="AccountOfA"/> and <see cref="AccountOfB"/> (made once): both
    /// creditors decide settlements beyond 5 % themselves and consent to legal action, and both accounts are in legal review
    /// with a filing awaiting the creditor's consent and a settlement request of half the balance waiting.</summary>
    public Task<PortalRequests> RequestsAsync() => _requests ??= MakeRequestsAsync();

    private async Task<PortalRequests> MakeRequestsAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = Factory.OpenDatabase();
        var offers = new List<Guid>();
        foreach (var (code, reference) in new[] { (A, AccountOfA), (B, AccountOfB) })
        {
            var creditor = await db.Creditors.SingleAsync(c => c.Code == code, ct);
            creditor.Policy.MaxSettlementDiscountPercent = 5m;
            creditor.Policy.SettlementApproval = Shared.Domain.SettlementApproval.Creditor;
            creditor.Policy.LegalActionNeedsConsent = true;
            var account = await db.Accounts.SingleAsync(a => a.CreditorId == creditor.Id && a.CreditorReference == reference, ct);
            var @case = await db.Cases.SingleAsync(c => c.AccountId == account.Id, ct);
            @case.Phase = Shared.Domain.CasePhase.LegalReview;
            await db.SaveChangesAsync(ct);
            var workflow = Factory.Services.GetRequiredService<Shared.Workflow.WorkflowRunner>().For(db);
            // The legal team files, which asks the creditor's consent (its policy says so): the legal-action request.
            var filing = await workflow.Cases.DecideLegalAsync(account.Id, Shared.Legal.LegalDecision.File, Shared.Legal.LegalFiling.PaymentOrder, "legal:test", null, ct);
            Assert.Equal("consent-requested", filing.Outcome);
            var offer = await workflow.Settlements.OfferAsync(account.Id, decimal.Round(account.Balance.Amount / 2, 2), ct);
            Assert.Equal(Shared.Workflow.SettlementStatus.AwaitingCreditorApproval, offer.Status);
            offers.Add(offer.Id);
        }

        return new PortalRequests(offers[0], offers[1]);
    }

    /// <summary>A client carrying a new key of <paramref name="creditor"/>.</summary>
    public async Task<HttpClient> ClientWithNewKeyAsync(string creditor)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<CreditorKeys>().CreateAsync(creditor);
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key!.Key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        KeyA?.Dispose();
        KeyB?.Dispose();
        UserA?.Dispose();
        await Factory.DisposeAsync();
        File.Delete(Factory.DatabasePath);
    }
}

/// <summary>The settlement requests <see cref="CreditorApiHost.RequestsAsync"/> made.</summary>
public sealed record PortalRequests(Guid OfferOfA, Guid OfferOfB);
