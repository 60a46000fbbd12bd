using System.Runtime.CompilerServices;
using Collections.Dialer.Amd;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.Hopper;
using Collections.Dialer.Inbound;
using Collections.Shared.Compliance;
using Collections.Shared.Contracts;
using Collections.Shared.Domain;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>The single-node composition (DESIGN.md 6): the Dialer's services in the console's process. Telephony starts the
/// demo carrier when no trunk is configured (<c>Dialer:Trunks</c>), so the main job places real SIP calls with no
/// configuration; the hopper feeds the campaign runner, and the runner's agents are the operators on the floor.
/// <c>Collections:Dialing:InProcess=false</c> leaves the dialer out (a console-only node).</summary>
public static class DialingSetup
{
    public const string InProcessKey = "Collections:Dialing:InProcess";

    public static IHostApplicationBuilder AddDialing(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(InProcessKey, defaultValue: true))
        {
            builder.Services.AddSingleton<NoDialerOnThisNode>();
            builder.Services.AddSingleton<ICallEvents>(sp => sp.GetRequiredService<NoDialerOnThisNode>());
            builder.Services.AddSingleton<ICampaignControl>(sp => sp.GetRequiredService<NoDialerOnThisNode>());
            return builder;
        }

        builder.AddCompliance();
        builder.AddLedgerReconciliation();
        // A call whose node died comes back to its operator on this node, to save its outcome.
        builder.Services.AddSingleton<Calls.OrphanedCalls>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Calls.OrphanedCalls>());
        builder.AddAmd();
        builder.AddTelephony();
        builder.AddHopper();
        builder.Services.AddSingleton<DialerBridge>();
        builder.Services.AddSingleton<IAgentPool>(sp => sp.GetRequiredService<DialerBridge>());
        builder.Services.AddSingleton<ICampaignCallEvents>(sp => sp.GetRequiredService<DialerBridge>());
        builder.Services.AddSingleton<ICallEvents>(sp => sp.GetRequiredService<DialerBridge>());
        builder.Services.AddSingleton<IInboundCallEvents>(sp => sp.GetRequiredService<DialerBridge>());
        builder.Services.AddSingleton<OperatorDesk>();
        builder.Services.AddSingleton<IOperatorDesk>(sp => sp.GetRequiredService<OperatorDesk>());
        builder.AddCampaignRunner();
        builder.AddManualDialing();
        // Debtors calling back (issue 17): the DIDs under Dialer:Inbound, their IVR, queue and voicemail.
        builder.AddInbound();
        builder.Services.AddHostedService<OperatorPhones>();
        return builder;
    }
}

/// <summary>A console node without the dialer: no call ever arrives and no campaign has lines here.</summary>
internal sealed class NoDialerOnThisNode : ICallEvents, ICampaignControl
{
    public async IAsyncEnumerable<CallEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        yield break;
    }

    public Task HangUpAsync(ContactAttemptId callId, CancellationToken cancellationToken) => Task.CompletedTask;

    public IReadOnlyList<CampaignLines> Lines() => [];

    public void Apply(Campaign campaign)
    {
    }
}
