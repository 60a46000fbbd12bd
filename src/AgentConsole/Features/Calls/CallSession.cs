using Collections.Scripts.Runtime;
using Collections.Shared.Domain;

namespace Collections.AgentConsole.Features.Calls;

/// <summary>One debtor call bridged to an operator: the account it is about and the script run the operator walks.
/// Hub calls of one operator arrive concurrently from several tabs, so every use of <see cref="Script"/> holds <see cref="Gate"/>.</summary>
public sealed class CallSession(ContactAttemptId callId, AgentId agentId, AccountId accountId, CampaignId? campaignId, DateTimeOffset connectedAt)
{
    /// <summary>The call: its contact-ledger row.</summary>
    public ContactAttemptId CallId { get; } = callId;

    public AgentId AgentId { get; } = agentId;

    public AccountId AccountId { get; } = accountId;

    public CampaignId? CampaignId { get; } = campaignId;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    public object Gate { get; } = new();

    public ScriptRun? Script { get; set; }

    /// <summary>The script stage the call was made for ("pre-instalment-reminder"); a callback agreed on it keeps it.</summary>
    public string? ScriptStage { get; set; }

    /// <summary>The queue entry the call carried out, or null.</summary>
    public Guid? ScheduledContactId { get; set; }

    public NodaTime.DateTimeZone? DebtorZone { get; set; }

    /// <summary>For an inbound call from a number no one debtor has: the caller's number (the session has no account).</summary>
    public string? UnknownCaller { get; set; }

    /// <summary>The debtor's leg has ended.</summary>
    public bool Disconnected { get; set; }

    /// <summary>The outcome has been saved; the operator may go ready again.</summary>
    public bool OutcomeSaved { get; set; }
}
