using Collections.Dialer.Calls;
using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Microsoft.Extensions.Logging;
using AgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Campaigns;

/// <summary>What an operator decided about an account shown before the dial (preview dialing).</summary>
/// <param name="Dial">True when the operator pressed dial.</param>
/// <param name="Operator">The operator who decided (written on the ledger row of the dial).</param>
/// <param name="Reason">Why the account was skipped ("wrong number on file", "timed out"); null when dialed.</param>
public sealed record PreviewAnswer(bool Dial, Collections.Shared.Domain.AgentId? Operator, string? Reason)
{
    /// <summary>The account is not dialed now, for <paramref name="reason"/>.</summary>
    public static PreviewAnswer Skip(string reason) => new(false, null, reason);
}

/// <summary>
/// The operator's side of calls an operator places themselves (the console implements it): a preview campaign's account shown
/// before the dial, with the operator's dial or skip; the dial reserved for the operator under its ledger row; and a dial that
/// reached nobody (busy, no answer, refused by compliance), which the operator is told about.
/// </summary>
public interface IOperatorDesk
{
    /// <summary>Shows <paramref name="target"/> to <paramref name="agent"/> (the screen-pop before the dial) and waits for their
    /// dial or skip, or the countdown's end (a skip).</summary>
    Task<PreviewAnswer> PreviewAsync(AgentId agent, Campaign campaign, DialTarget target, CancellationToken cancellationToken);

    /// <summary>The dial's ledger row is committed: the operator is reserved for the call under <paramref name="attempt"/>;
    /// false when they left in the meantime (the call is then not placed).</summary>
    bool Dialing(AgentId agent, ContactAttemptId attempt);

    /// <summary>The operator's dial reached nobody: <paramref name="outcome"/> is refused, busy, no-answer or failed; the
    /// compliance decision when refused (the operator sees why, as <c>explain</c> would say it).</summary>
    void NotConnected(AgentId agent, ContactAttemptId? attempt, string outcome, ComplianceDecision? refusal);
}

/// <summary>How an operator's call ended.</summary>
internal sealed record OperatorCallResult(ContactOutcome Outcome, int Status, TimeSpan Talk)
{
    /// <summary>The outcome's word, as the <c>campaign run</c> verb and the operator's page use it.</summary>
    public string Name => Outcome switch
    {
        ContactOutcome.Answered => "answered",
        ContactOutcome.Busy => "busy",
        ContactOutcome.NoAnswer => "no-answer",
        _ => "failed",
    };
}

/// <summary>
/// A call an operator placed (a preview campaign's dial, a manual dial), from its committed ledger row to the end: the INVITE
/// with the ring timeout, and on answer the debtor bridged straight into the operator's leg with the screen-pop. No answering
/// machine detection and no wait for an agent: the operator who dialed is on the line, so the call cannot be abandoned
/// (Ofcom's 2016 persistent-misuse statement and FTC TSR 16 CFR 310.4(b)(4) concern calls with no live operator; the compliance
/// engine judges these calls as not autodialed with an operator guaranteed, <see cref="CampaignContext.Manual"/>).
/// </summary>
internal static partial class OperatorCall
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    /// <summary>Runs the call; the ledger row ends with the call's outcome. Never throws but on cancellation of the dial.</summary>
    public static async Task<OperatorCallResult> RunAsync(
        OperatorCallContext d, AgentId agent, CampaignId? campaign, DialTarget target, ContactAttemptId attempt, TimeSpan ringTimeout,
        Action<CallState>? progress, CancellationToken ct)
    {
        SipCallLeg leg;

        // At least 15 s or four rings before giving up (FTC TSR safe harbor 16 CFR 310.4(b)(4)(ii)): CANCEL, then 487.
        using (var ring = new CancellationTokenSource(ringTimeout, d.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ring.Token, ct))
        {
            try
            {
                leg = await d.Calls.PlaceAsync(target.Number, progress, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await d.Ledger.CompleteAsync(attempt, new ContactResult(ContactOutcome.Cancelled), CancellationToken.None).ConfigureAwait(false);
                d.Desk?.NotConnected(agent, attempt, "failed", null);
                return new OperatorCallResult(ContactOutcome.Cancelled, 0, TimeSpan.Zero);
            }
        }

        await using (leg.ConfigureAwait(false))
        {
            if (!leg.Answered)
            {
                var outcome = Unanswered(leg.FinalStatus);
                await d.Ledger.CompleteAsync(attempt, new ContactResult(outcome), CancellationToken.None).ConfigureAwait(false);
                var result = new OperatorCallResult(outcome, leg.FinalStatus, TimeSpan.Zero);
                d.Desk?.NotConnected(agent, attempt, result.Name, null);
                return result;
            }

            var connectedAt = d.Time.GetUtcNow();

            // Answered and put through at once: the row says so now, so a node that dies mid-conversation leaves it closed as
            // the conversation it was (issue 19, finding 1), as for a campaign's call.
            var agentLeg = d.Phones?.Bridge(agent, leg, d.Recording?.TargetFor(attempt.Value));
            if (d.Phones is not null && agentLeg is null)
            {
                LogNoLine(d.Logger, agent.Value);
            }

            // Written beside the conversation, not before the bridge (the debtor does not wait on the database).
            var marked = d.Ledger.ConnectedAsync(attempt, amdFlagged: false, CancellationToken.None);
            await ConverseAsync(d, new ConnectedCall(campaign, agent, target, attempt, leg), agentLeg, ct).ConfigureAwait(false);
            await marked.ConfigureAwait(false);
            var talk = d.Time.GetUtcNow() - connectedAt;
            await d.Ledger.CompleteAsync(attempt, new ContactResult(ContactOutcome.Answered), CancellationToken.None).ConfigureAwait(false);
            return new OperatorCallResult(ContactOutcome.Answered, leg.FinalStatus, talk);
        }
    }

    /// <summary>How an unanswered INVITE ends in the ledger by its final status: 486 Busy Here and 600 Busy Everywhere are
    /// busy; 408 Request Timeout, 480 Temporarily Unavailable and 487 Request Terminated (our CANCEL at the ring timeout) are no
    /// answer (RFC 3261 21.4, 21.6); anything else failed.</summary>
    public static ContactOutcome Unanswered(int finalStatus) => finalStatus switch
    {
        486 or 600 => ContactOutcome.Busy,
        408 or 480 or 487 => ContactOutcome.NoAnswer,
        _ => ContactOutcome.Failed,
    };

    /// <summary>
    /// The conversation of a connected call: the screen-pop goes out (<see cref="ICampaignCallEvents.Connected"/>) and the call
    /// lasts until either side hangs up (the operator putting the phone down ends it for the debtor too). Returns true when the
    /// console refused the call (the operator left in the instant it arrived) while the debtor was still on the line.
    /// </summary>
    public static async Task<bool> ConverseAsync(OperatorCallContext d, ConnectedCall connected, SipCallLeg? agentLeg, CancellationToken ct)
    {
        var leg = connected.Leg;
        // The leg the debtor was bridged into, captured at the bridge: the agent's slot forgets a leg the moment it ends, so a
        // phone put down before this line runs would otherwise leave the debtor on the line.
        var agentHangup = agentLeg?.Ended ?? Never;
        d.Events.Connected(connected);
        try
        {
            var first = await Task.WhenAny(leg.Ended, connected.Refused, agentHangup).WaitAsync(ct).ConfigureAwait(false);
            if (first == connected.Refused && leg.State == CallState.Answered)
            {
                d.Phones?.Unbridge(connected.Agent);
                return true;
            }

            if (first == agentHangup && !leg.Ended.IsCompleted)
            {
                LogAgentHungUp(d.Logger, connected.Agent.Value);
                await leg.HangupAsync().ConfigureAwait(false);
            }

            await leg.Ended.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await leg.HangupAsync().ConfigureAwait(false);
        }

        return false;
    }

    [LoggerMessage(EventId = 8130, Level = LogLevel.Warning, Message = "Operator call: agent {Agent} has no phone line up; the call is connected without audio")]
    private static partial void LogNoLine(ILogger logger, int agent);

    [LoggerMessage(EventId = 8131, Level = LogLevel.Information, Message = "Operator call: agent {Agent}'s phone hung up; the debtor's leg is ended too")]
    private static partial void LogAgentHungUp(ILogger logger, int agent);
}

/// <summary>What an operator's call needs: telephony, the ledger, the operators' legs, the console.</summary>
internal sealed record OperatorCallContext(
    IOutboundCalls Calls,
    ContactLedger Ledger,
    ICampaignCallEvents Events,
    IOperatorDesk? Desk,
    TimeProvider Time,
    ILogger Logger,
    AgentPhones? Phones,
    RecordingOptions? Recording);

/// <summary>A debtor call connected to an agent (the screen-pop), with the means to end it.</summary>
internal sealed class ConnectedCall(CampaignId? campaignId, AgentId agent, DialTarget target, ContactAttemptId attemptId, ICallLeg leg) : IConnectedCall
{
    private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CampaignId? CampaignId { get; } = campaignId;

    public AgentId Agent { get; } = agent;

    public DialTarget Target { get; } = target;

    public ContactAttemptId AttemptId { get; } = attemptId;

    public bool AmdMachine { get; init; }

    public ICallLeg Leg { get; } = leg;

    public Task Ended => Leg.Ended;

    public Task Refused => _refused.Task;

    public Task HangupAsync() => Leg.HangupAsync();

    public void Refuse() => _refused.TrySetResult();
}
