using Collections.Scripts.Model;
using NodaTime;

namespace Collections.Scripts.Runtime;

/// <summary>Something that happened while a script ran, in the order it happened.</summary>
/// <param name="At">When it happened, from the run's clock.</param>
/// <param name="NodeId">The node the run was at.</param>
public abstract record ScriptEvent(DateTimeOffset At, string NodeId);

/// <summary>The run arrived at a node.</summary>
public sealed record NodeEntered(DateTimeOffset At, string NodeId) : ScriptEvent(At, NodeId);

/// <summary>The operator chose one of the node's answers.</summary>
public sealed record AnswerChosen(DateTimeOffset At, string NodeId, string AnswerId) : ScriptEvent(At, NodeId);

/// <summary>The person on the line was confirmed to be the debtor, or was not.</summary>
public sealed record RightPartyChecked(DateTimeOffset At, string NodeId, bool Verified) : ScriptEvent(At, NodeId);

/// <summary>The debtor promised to pay an amount by a date.</summary>
public sealed record PromiseRecorded(DateTimeOffset At, string NodeId, ScriptMoney Amount, LocalDate Date) : ScriptEvent(At, NodeId);

/// <summary>The debtor agreed an instalment plan inside the creditor's policy.</summary>
public sealed record InstalmentPlanAgreed(DateTimeOffset At, string NodeId, InstalmentPlanProposal Plan) : ScriptEvent(At, NodeId);

/// <summary>The debtor agreed a settlement inside the creditor's consent.</summary>
public sealed record SettlementAgreed(DateTimeOffset At, string NodeId, ScriptMoney Amount, LocalDate PayBy) : ScriptEvent(At, NodeId);

/// <summary>A call-back was agreed, at a time local to the debtor.</summary>
public sealed record CallbackScheduled(DateTimeOffset At, string NodeId, LocalDateTime When, string? Note) : ScriptEvent(At, NodeId);

/// <summary>The debtor disputes the debt.</summary>
public sealed record DisputeFlagged(DateTimeOffset At, string NodeId, string Reason) : ScriptEvent(At, NodeId);

/// <summary>The debtor was recognised as being in a vulnerable situation.</summary>
public sealed record VulnerabilityFlagged(DateTimeOffset At, string NodeId, string Reason) : ScriptEvent(At, NodeId);

/// <summary>The call was handed over to a supervisor.</summary>
public sealed record HandedOverToSupervisor(DateTimeOffset At, string NodeId, string Reason) : ScriptEvent(At, NodeId);

/// <summary>An offer, promise or call-back the node asked for was not agreed.</summary>
public sealed record ActionDeclined(DateTimeOffset At, string NodeId, ScriptActionKind Action, string Reason) : ScriptEvent(At, NodeId);

/// <summary>The script reached an end node.</summary>
public sealed record CallEnded(DateTimeOffset At, string NodeId) : ScriptEvent(At, NodeId);

/// <summary>A monthly instalment plan as proposed to the debtor.</summary>
/// <param name="Instalments">How many instalments.</param>
/// <param name="InstalmentAmount">Each instalment's amount; the last may be smaller.</param>
/// <param name="FirstDueDate">When the first instalment falls due; the others follow monthly.</param>
public sealed record InstalmentPlanProposal(int Instalments, ScriptMoney InstalmentAmount, LocalDate FirstDueDate);

/// <summary>Whether an action was accepted, and why not when it was refused.</summary>
public sealed record ActionResult(bool Accepted, string? Reason)
{
    /// <summary>The action was recorded.</summary>
    public static readonly ActionResult Ok = new(true, null);

    /// <summary>The action was refused for <paramref name="reason"/>; nothing was recorded.</summary>
    public static ActionResult Refused(string reason) => new(false, reason);
}
