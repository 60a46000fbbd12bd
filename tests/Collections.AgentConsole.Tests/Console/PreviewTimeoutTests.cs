using Collections.Shared.Contracts;
using Collections.Shared.Domain;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.AgentConsole.Tests.Console;

/// <summary>A preview nobody answers (issue 17): when the countdown lapses the account goes back undialed and the operator is
/// paused, so an absent operator is offered nothing more. Over the operator's hub, as the page talks to it.</summary>
[Trait("Category", "Integration")]
public sealed class PreviewTimeoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lapsed_preview_pauses_the_operator_and_dials_nothing()
    {
        using var console = new KestrelConsole(("Collections:Console:PreviewSeconds", "5"));
        await using (var db = console.OpenDatabase())
        {
            // Only the demo's preview campaign runs (saved, then applied to the dialer, as the wallboard does).
            var campaigns = await db.Campaigns.ToListAsync(Ct);
            foreach (var campaign in campaigns)
            {
                campaign.Status = campaign.Mode == DialMode.Preview ? CampaignStatus.Running : CampaignStatus.Paused;
            }

            await db.SaveChangesAsync(Ct);
            foreach (var campaign in campaigns)
            {
                console.Services.GetRequiredService<ICampaignControl>().Apply(campaign);
            }
        }

        var (http, cookie) = await console.SignInAsync("harriet.collins", Ct);
        using var _ = http;
        await using var hub = console.Hub(ConsoleHubs.AgentPath, cookie);
        var preview = new TaskCompletionSource<PreviewDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lapsed = new TaskCompletionSource<DialStatusDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var paused = new TaskCompletionSource<AgentStatusDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<PreviewDto>(nameof(IAgentClient.Preview), p => preview.TrySetResult(p));
        hub.On<DialStatusDto>(nameof(IAgentClient.DialStatus), s => { if (s.Status == "timed-out") { lapsed.TrySetResult(s); } });
        hub.On<AgentStatusDto>(nameof(IAgentClient.StateChanged), s => { if (s.State == AgentState.Paused) { paused.TrySetResult(s); } });
        await hub.StartAsync(Ct);
        var since = NodaTime.Instant.FromDateTimeOffset(console.Clock.GetUtcNow());
        await hub.InvokeAsync<AgentStatusDto>("SetState", AgentState.Ready, null, Ct);

        var shown = await preview.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);
        var status = await lapsed.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);
        Assert.Equal(shown.OfferId, status.OfferId);
        var pause = await paused.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("Preview timed out", pause.PauseReason);

        // The lapsed offer can no longer be dialed, and nothing was dialed for the account.
        var late = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("DialPreview", shown.OfferId, Ct));
        Assert.Contains("no longer open", late.Message, StringComparison.Ordinal);
        await using (var db = console.OpenDatabase())
        {
            Assert.False(await db.ContactAttempts.AnyAsync(c => c.AccountId == new AccountId(shown.Account.Id) && c.StartedAt >= since, Ct));
        }
    }
}
