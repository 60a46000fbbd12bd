using System.Text.Json;
using System.Net.Http.Json;
using System.Net;
using Collections.Shared.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>The server, not the page, decides what an operator may see: only the account on their current call.</summary>
[Trait("Category", "Integration")]
public sealed class ConsoleAuthorizationTests(KestrelConsoleFixture fixture) : IClassFixture<KestrelConsoleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ConsoleHubs.AgentPath)]
    [InlineData(ConsoleHubs.SupervisorPath)]
    public async Task Negotiate_without_signing_in_is_refused_with_401(string hub)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Console.BaseAddress };
        var response = await anonymous.PostAsync($"{hub}/negotiate?negotiateVersion=1", null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_an_operator_cannot_open_the_supervisor_hub()
    {
        using var client = new HttpClient { BaseAddress = fixture.Console.BaseAddress };
        var wrong = await client.PostAsJsonAsync("/api/auth/login", new { login = "harriet.collins", password = "guess-1234!A" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var (op, _) = await fixture.Console.SignInAsync("maria.gonzalez", Ct);
        using (op)
        {
            var response = await op.PostAsync($"{ConsoleHubs.SupervisorPath}/negotiate?negotiateVersion=1", null, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_supervisor_reads_any_case_timeline_by_reference_and_a_bad_reference_is_named()
    {
        var (http, _) = await fixture.Console.SignInAsync("supervisor", Ct);
        using var _1 = http;
        string reference;
        int instalments;
        await using (var db = fixture.Console.OpenDatabase())
        {
            var plan = await db.InstalmentPlans.Include(p => p.Instalments).OrderBy(p => p.CreatedAt).FirstAsync(Ct);
            reference = await db.Accounts.Where(a => a.Id == plan.AccountId).Select(a => a.CreditorReference).SingleAsync(Ct);
            instalments = plan.Instalments.Count;
        }

        var timeline = await http.GetFromJsonAsync<JsonElement>($"/api/cases/timeline?ref={Uri.EscapeDataString(reference)}", Ct);
        Assert.Equal(reference, timeline.GetProperty("accountRef").GetString());
        Assert.Equal(instalments, timeline.GetProperty("plans")[0].GetProperty("instalments").GetArrayLength());
        Assert.Contains(timeline.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "plan");

        var unknown = await http.GetAsync("/api/cases/timeline?ref=NO-SUCH-REF", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("NO-SUCH-REF", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/cases/timeline", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_legal_queue_is_for_the_legal_role_which_reads_a_queued_case_with_its_limitation_date()
    {
        var (legal, _) = await fixture.Console.SignInAsync("legal", Ct);
        using var _1 = legal;
        var queue = await legal.GetFromJsonAsync<JsonElement>("/api/legal/queue", Ct);
        var inReview = queue.EnumerateArray().Where(r => r.GetProperty("reason").GetString() == "legal-review").ToList();
        Assert.True(inReview.Count > 0, $"no case in legal review on the queue: {queue}");
        Assert.All(inReview, r => Assert.Equal("legal-review", r.GetProperty("phase").GetString()));

        var accountId = inReview[0].GetProperty("accountId").GetGuid();
        var timeline = await legal.GetFromJsonAsync<JsonElement>($"/api/cases/{accountId}/timeline", Ct);
        var limitation = timeline.GetProperty("limitation");
        Assert.False(string.IsNullOrEmpty(limitation.GetProperty("jurisdiction").GetString()), $"timeline without a limitation: {limitation}");
        Assert.True(limitation.GetProperty("lastDay").ValueKind == JsonValueKind.String, $"no last day: {limitation}");

        foreach (var login in new[] { "maria.gonzalez", "supervisor" })
        {
            var (other, _) = await fixture.Console.SignInAsync(login, Ct);
            using (other)
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/legal/queue", Ct)).StatusCode);
            }
        }
    }

    [Fact]
    public async Task An_operator_reads_the_account_on_their_call_and_is_refused_any_other_over_REST_and_the_hub()
    {
        var (http, cookie) = await fixture.Console.SignInAsync("anna.schneider", Ct);
        using var _ = http;
        await using var hub = fixture.Console.Hub(ConsoleHubs.AgentPath, cookie);
        var pop = new TaskCompletionSource<ScreenPopDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<ScreenPopDto>(nameof(IAgentClient.ScreenPop), p => pop.TrySetResult(p));
        await hub.StartAsync(Ct);

        // Not on a call yet: no account at all.
        Guid other;
        await using (var db = fixture.Console.OpenDatabase())
        {
            other = (await db.Accounts.OrderBy(a => a.CreditorReference).Select(a => a.Id).FirstAsync(Ct)).Value;
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/accounts/{other}", Ct)).StatusCode);

        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);
        var call = await pop.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var mine = call.Account.Id;
        if (mine == other)
        {
            await using var db = fixture.Console.OpenDatabase();
            other = (await db.Accounts.Where(a => a.Id != new Collections.Shared.Domain.AccountId(mine)).Select(a => a.Id).FirstAsync(Ct)).Value;
        }

        // The account on the call: allowed (so the refusals below are about the account, not the sign-in).
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/accounts/{mine}", Ct)).StatusCode);
        Assert.Equal(mine, (await hub.InvokeAsync<AccountDto>("OpenAccount", mine, Ct)).Id);

        // The case timeline follows the same rule: the call's own case, with the call that popped it in its history.
        var timeline = await http.GetFromJsonAsync<JsonElement>($"/api/cases/{mine}/timeline", Ct);
        Assert.Equal(call.Account.Reference, timeline.GetProperty("accountRef").GetString());
        Assert.Contains(timeline.GetProperty("history").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "contact" && e.GetProperty("channel").GetString() == "call");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/cases/{other}/timeline", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/cases/timeline?ref={Uri.EscapeDataString(call.Account.Reference)}", Ct)).StatusCode);

        // Another account: refused over REST, and over the hub with a forged id.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/accounts/{other}", Ct)).StatusCode);
        var open = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<AccountDto>("OpenAccount", other, Ct));
        Assert.Contains("only the account on your current call", open.Message);
        var save = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(call.CallId, other, "RefusedToPay", null), Ct));
        Assert.Contains("not the one on this call", save.Message);
        var forgedCall = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<ScriptViewDto>("Choose", Guid.NewGuid(), "speaking", Ct));
        Assert.Contains("not yours", forgedCall.Message);

        await using (var db = fixture.Console.OpenDatabase())
        {
            Assert.False(await db.Dispositions.AnyAsync(d => d.AccountId == new Collections.Shared.Domain.AccountId(other) && d.Code == Collections.Shared.Domain.DispositionCode.RefusedToPay, Ct));
        }

        // "This was a person" on the operator's own call is stored on its ledger row (it measures AMD, AmdMarks); another call,
        // or a mark that is neither person nor machine, is refused, and a call keeps its first mark.
        Assert.Contains("not yours", (await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<AnswerMarkedDto>("MarkAnswer", Guid.NewGuid(), "Person", Ct))).Message);
        Assert.Contains("neither Person nor Machine", (await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<AnswerMarkedDto>("MarkAnswer", call.CallId, "fax", Ct))).Message);
        Assert.Equal(new AnswerMarkedDto(call.CallId, "Person"), await hub.InvokeAsync<AnswerMarkedDto>("MarkAnswer", call.CallId, "person", Ct));
        Assert.Contains("already marked 'Person'", (await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<AnswerMarkedDto>("MarkAnswer", call.CallId, "Machine", Ct))).Message);
        await using (var db = fixture.Console.OpenDatabase())
        {
            var row = await db.ContactAttempts.SingleAsync(c => c.Id == new Collections.Shared.Domain.ContactAttemptId(call.CallId), Ct);
            Assert.Equal(Collections.Shared.Domain.AnswerMark.Person, row.OperatorMark);
        }

        // The real outcome on the real account is saved, and the operator can go ready again.
        var saved = await hub.InvokeAsync<OutcomeSavedDto>("SaveOutcome", new SaveOutcomeDto(call.CallId, mine, "RefusedToPay", "test"), Ct);
        await using (var db = fixture.Console.OpenDatabase())
        {
            Assert.True(await db.Dispositions.AnyAsync(d => d.Id == new Collections.Shared.Domain.DispositionId(saved.DispositionId) && d.AccountId == new Collections.Shared.Domain.AccountId(mine), Ct));
        }

        // Once the operator leaves wrap-up the call is closed, and its account with it.
        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Paused, "test over", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/accounts/{mine}", Ct)).StatusCode);
    }
}

/// <summary>One console for a test class.</summary>
public sealed class KestrelConsoleFixture : IDisposable
{
    public KestrelConsole Console { get; } = new();

    public void Dispose() => Console.Dispose();
}
