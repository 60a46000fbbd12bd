using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Shared.Domain;
using AgentId = Collections.Dialer.Routing.AgentId;

namespace Collections.Dialer.Inbound;

/// <summary>An inbound call from a known debtor put through to an operator: the screen-pop of the matched account with the
/// inbound script stage.</summary>
internal sealed class InboundConnectedCall(AgentId agent, DialTarget target, ContactAttemptId attemptId, ICallLeg leg) : IConnectedCall
{
    private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CampaignId? CampaignId => null;

    public AgentId Agent { get; } = agent;

    public DialTarget Target { get; } = target;

    public ContactAttemptId AttemptId { get; } = attemptId;

    /// <summary>The debtor called us: the scripts' inbound stage (verify the caller before the account is discussed).</summary>
    public string? ScriptStage => "inbound";

    public Task Ended => leg.Ended;

    public Task Refused => _refused.Task;

    public Task HangupAsync() => leg.HangupAsync();

    public void Refuse() => _refused.TrySetResult();
}

/// <summary>An inbound call from a number no one debtor has, put through to an operator: the pop shows the number and the search.</summary>
public interface IUnknownCaller
{
    /// <summary>The operator who took it.</summary>
    AgentId Agent { get; }

    /// <summary>The call's id (no ledger row: no account is known).</summary>
    ContactAttemptId CallId { get; }

    /// <summary>The caller's number, E.164 when it could be read as one.</summary>
    string From { get; }

    /// <summary>Completes when the call ends, by either side.</summary>
    Task Ended { get; }

    /// <summary>The operator hangs up.</summary>
    Task HangupAsync();

    /// <summary>The console could not show the call to the operator: the caller goes back to the queue.</summary>
    void Refuse();
}

/// <summary>The console's side of inbound calls from unknown numbers (the dialer bridge implements it).</summary>
public interface IInboundCallEvents
{
    /// <summary>An unknown caller was put through to an operator: pop the number and the search.</summary>
    void UnknownCallerConnected(IUnknownCaller call);

    /// <summary>The operator behind the dialer's number for an agent (written on the call's row), or null when unknown.</summary>
    Collections.Shared.Domain.AgentId? OperatorOf(AgentId agent);
}

internal sealed class UnknownCaller(AgentId agent, ContactAttemptId callId, string from, ICallLeg leg) : IUnknownCaller
{
    private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AgentId Agent { get; } = agent;

    public ContactAttemptId CallId { get; } = callId;

    public string From { get; } = from;

    public Task Ended => leg.Ended;

    public Task Refused => _refused.Task;

    public Task HangupAsync() => leg.HangupAsync();

    public void Refuse() => _refused.TrySetResult();
}
