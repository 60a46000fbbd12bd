using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Workflow.Strategies;

/// <summary>A collection strategy from <c>config/strategies</c>: when it applies and the ordered steps it plans.</summary>
/// <param name="Id">Unique id, stored on the case.</param>
/// <param name="Name">Human name.</param>
/// <param name="Priority">Lower wins when several strategies match a claim.</param>
/// <param name="When">The claim-analysis rule that selects it.</param>
/// <param name="Steps">Steps in order.</param>
/// <param name="File">File it was read from, for messages.</param>
public sealed record Strategy(string Id, string Name, int Priority, StrategyRule When, IReadOnlyList<StrategyStep> Steps, string File)
{
    /// <summary>The arm every case is in when the strategy has no challengers, and the arm challengers are compared with.</summary>
    public const string Champion = "champion";

    /// <summary>The challengers (champion/challenger test): each takes its share of new cases and plans its own steps.</summary>
    public IReadOnlyList<StrategyArm> Challengers { get; init; } = [];

    /// <summary>Mixed into the hash that assigns a case to an arm; a new seed starts a new test with a fresh draw.</summary>
    public string ArmSeed { get; init; } = string.Empty;

    /// <summary>The arms in order: the champion (the strategy's own steps, the share the challengers leave), then the challengers.</summary>
    public IReadOnlyList<StrategyArm> Arms => [new StrategyArm(Champion, 100m - Challengers.Sum(c => c.SharePercent), Steps), .. Challengers];

    /// <summary>The steps of <paramref name="arm"/>; null or an arm no longer configured (a stopped challenger) gives the
    /// champion's, so a case whose arm was removed carries on with the champion's plan for steps it has not run.</summary>
    public IReadOnlyList<StrategyStep> StepsOf(string? arm) =>
        arm is null or Champion ? Steps : Challengers.FirstOrDefault(c => c.Id == arm)?.Steps ?? Steps;
}

/// <summary>One arm of a champion/challenger test on a strategy.</summary>
/// <param name="Id">Arm id, stored on the case ("champion", "sms-first").</param>
/// <param name="SharePercent">Percent of new cases assigned to the arm.</param>
/// <param name="Steps">The arm's steps.</param>
public sealed record StrategyArm(string Id, decimal SharePercent, IReadOnlyList<StrategyStep> Steps);

/// <summary>What a claim must look like for a strategy to apply; an empty list or a null bound means "any".</summary>
public sealed record StrategyRule(
    IReadOnlySet<Industry> Industries,
    IReadOnlySet<DebtorKind> DebtorTypes,
    decimal? MinBalance,
    decimal? MaxBalance,
    int? MinDaysPastDue,
    int? MaxDaysPastDue,
    IReadOnlySet<string> AnyRiskFlags,
    IReadOnlySet<string> NoRiskFlags,
    int? MinBrokenPromises,
    int? MaxBrokenPromises)
{
    /// <summary>True when <paramref name="claim"/> satisfies every condition.</summary>
    public bool Matches(ClaimFacts claim) =>
        (Industries.Count == 0 || Industries.Contains(claim.Industry))
        && (DebtorTypes.Count == 0 || DebtorTypes.Contains(claim.DebtorKind))
        && (MinBalance is null || claim.Balance >= MinBalance)
        && (MaxBalance is null || claim.Balance <= MaxBalance)
        && (MinDaysPastDue is null || claim.DaysPastDue >= MinDaysPastDue)
        && (MaxDaysPastDue is null || claim.DaysPastDue <= MaxDaysPastDue)
        && (AnyRiskFlags.Count == 0 || AnyRiskFlags.Overlaps(claim.RiskFlags))
        && !NoRiskFlags.Overlaps(claim.RiskFlags)
        && (MinBrokenPromises is null || claim.BrokenPromises >= MinBrokenPromises)
        && (MaxBrokenPromises is null || claim.BrokenPromises <= MaxBrokenPromises);
}

/// <summary>From what a step's delay is counted.</summary>
public enum StepAnchor
{
    /// <summary>The previous step's due moment (the first step: the due date).</summary>
    Previous = 0,

    /// <summary>The account's due date.</summary>
    DueDate = 1,
}

/// <summary>One step of a strategy.</summary>
/// <param name="Id">Step id, unique within the strategy.</param>
/// <param name="Phase">The phase the case enters when the step runs.</param>
/// <param name="Channel">Channel, or null for a step that only changes the phase.</param>
/// <param name="Campaign">Campaign the contact is queued to.</param>
/// <param name="ScriptStage">Script stage the call or message uses.</param>
/// <param name="Template">Letter or message template ("final-demand-suspension-warning").</param>
/// <param name="Anchor">From what <paramref name="Days"/> or <paramref name="WorkingDays"/> count.</param>
/// <param name="Days">Calendar days after (negative: before) the anchor.</param>
/// <param name="WorkingDays">Working days of the debtor's country after the anchor (used instead of Days when set).</param>
/// <param name="Time">Local time of day in the debtor's zone.</param>
/// <param name="OnWorkingDay">Move the date forward to a working day of the debtor's country.</param>
/// <param name="Condition">Checked when the step is due; unmet means the step is skipped.</param>
/// <param name="RepeatEveryDays">Hibernation: the step plans its own re-check this many days later.</param>
public sealed record StrategyStep(
    string Id,
    CasePhase Phase,
    ContactChannel? Channel,
    string? Campaign,
    string? ScriptStage,
    string? Template,
    StepAnchor Anchor,
    int Days,
    int? WorkingDays,
    LocalTime Time,
    bool OnWorkingDay,
    StepCondition Condition,
    int? RepeatEveryDays);

/// <summary>A condition on a step, checked when it falls due.</summary>
/// <param name="MinBalance">Skip when the balance is below.</param>
/// <param name="AnyRiskFlags">Run only when one of these flags is raised (empty: no condition).</param>
/// <param name="NoRiskFlags">Skip when one of these flags is raised.</param>
/// <param name="CreditorAllows">"sms", "whatsapp" or "automated-dialing": the creditor's consent the step needs.</param>
public sealed record StepCondition(decimal? MinBalance, IReadOnlySet<string> AnyRiskFlags, IReadOnlySet<string> NoRiskFlags, string? CreditorAllows)
{
    /// <summary>No condition.</summary>
    public static StepCondition None { get; } = new(null, new HashSet<string>(), new HashSet<string>(), null);
}

/// <summary>What the claim analysis looks at.</summary>
/// <param name="Industry">Industry of the claim.</param>
/// <param name="DebtorKind">Consumer or business.</param>
/// <param name="Balance">Outstanding balance.</param>
/// <param name="DaysPastDue">Days since the due date (negative before it).</param>
/// <param name="RiskFlags">Flags raised from the account's history.</param>
/// <param name="BrokenPromises">Promises broken so far.</param>
public sealed record ClaimFacts(Industry Industry, DebtorKind DebtorKind, decimal Balance, int DaysPastDue, IReadOnlySet<string> RiskFlags, int BrokenPromises);
