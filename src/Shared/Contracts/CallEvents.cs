using Collections.Shared.Domain;

namespace Collections.Shared.Contracts;

/// <summary>Something the dialer reports about a call that concerns an operator.</summary>
/// <param name="CallId">The call: its contact-ledger row, written before the dial left (one identity for a call everywhere).</param>
/// <param name="AgentId">The operator the call is (or was) bridged to.</param>
/// <param name="At">When it happened, from the dialer's clock.</param>
public abstract record CallEvent(ContactAttemptId CallId, AgentId AgentId, DateTimeOffset At);

/// <summary>A debtor's call was answered by a person and bridged to the operator's leg: the moment of the screen-pop.</summary>
/// <param name="AccountId">The account the call is about.</param>
/// <param name="CampaignId">The campaign that placed it; null for a manual or inbound call.</param>
/// <param name="ScheduledContactId">The queue entry (scheduled_contacts) the call carries out: why it was made and which
/// script stage it needs; null for a call not queued (manual, inbound).</param>
/// <param name="ScriptStage">The script stage for a call with no queue entry that needs one of its own ("inbound": the debtor
/// called us); null for the entry's stage or a first contact.</param>
/// <param name="AmdMachine">AMD called the call MACHINE and the campaign passed it on: the operator is asked what answered.</param>
public sealed record CallConnected(ContactAttemptId CallId, AgentId AgentId, AccountId AccountId, CampaignId? CampaignId, DateTimeOffset At, Guid? ScheduledContactId = null, string? ScriptStage = null, bool AmdMachine = false)
    : CallEvent(CallId, AgentId, At);

/// <summary>A call to one of our inbound numbers from a number no debtor has (or several have) was put through to the operator:
/// the pop shows the caller's number and the account search.</summary>
/// <param name="From">The caller's number (E.164 when it could be read as one).</param>
public sealed record UnknownCallerConnected(ContactAttemptId CallId, AgentId AgentId, string From, DateTimeOffset At) : CallEvent(CallId, AgentId, At);

/// <summary>The debtor's leg ended (either side hung up); the operator's nailed-up leg stays.</summary>
/// <param name="ByDebtor">True when the debtor hung up, false when the operator did.</param>
public sealed record CallDisconnected(ContactAttemptId CallId, AgentId AgentId, bool ByDebtor, DateTimeOffset At) : CallEvent(CallId, AgentId, At);

/// <summary>The dialer's side of the console: a stream of call events for operators, and the few commands the console sends back.
/// The demo carrier implements it in-process; the SIP dialer implements the same interface.</summary>
public interface ICallEvents
{
    /// <summary>Every call event from now on, in order, until <paramref name="cancellationToken"/> fires; one reader at a time.</summary>
    IAsyncEnumerable<CallEvent> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Asks the dialer to hang up the debtor's leg of <paramref name="callId"/>; a <see cref="CallDisconnected"/> follows.</summary>
    Task HangUpAsync(ContactAttemptId callId, CancellationToken cancellationToken);

    /// <summary>The console could not show <paramref name="callId"/> to its operator (they are no longer ready, or the account is
    /// unknown): the person was not connected to a live operator. The dialer ends the call as abandoned, with the information
    /// message where the rules require it; a <see cref="CallDisconnected"/> follows. Dialers without that notion hang up.</summary>
    Task RefuseAsync(ContactAttemptId callId, CancellationToken cancellationToken) => HangUpAsync(callId, cancellationToken);
}

/// <summary>What the console tells the dialer about operators: who is ready to take a call, longest idle first.</summary>
public interface IAgentAvailability
{
    /// <summary>Operators in the Ready state, longest idle first (the dialer bridges a call to the first that speaks the debtor's language).</summary>
    IReadOnlyList<ReadyAgent> ReadyAgents();

    /// <summary>Reserves a ready operator for a call about to be bridged; false when they are no longer ready.</summary>
    bool TryReserve(AgentId agentId, ContactAttemptId callId);
}

/// <summary>An operator ready for a call.</summary>
/// <param name="AgentId">The operator.</param>
/// <param name="Languages">Languages they speak (BCP 47).</param>
/// <param name="ReadySince">When they became ready.</param>
public sealed record ReadyAgent(AgentId AgentId, IReadOnlyList<string> Languages, DateTimeOffset ReadySince);

/// <summary>A campaign's live line counts and pacing as the dialer sees them.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Dialing">Lines being dialed (INVITE sent, no answer yet, not ringing).</param>
/// <param name="Ringing">Lines ringing at the debtor's end.</param>
/// <param name="Waiting">Answered calls waiting for an operator.</param>
/// <param name="PacingMode">preview, progressive, predictive or ratio.</param>
/// <param name="Ratio">Lines dialed per ready operator right now.</param>
public sealed record CampaignLines(CampaignId CampaignId, int Dialing, int Ringing, int Waiting, string PacingMode, double Ratio);

/// <summary>The dialer's live view of its campaigns and the commands a supervisor gives them.</summary>
public interface ICampaignControl
{
    /// <summary>Line counts and pacing of every campaign the dialer runs.</summary>
    IReadOnlyList<CampaignLines> Lines();

    /// <summary>Applies a campaign's settings (status, mode, lines per agent, target abandonment) saved by a supervisor.</summary>
    void Apply(Campaign campaign);
}
