using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>What kind of timed work the workflow asks its scheduler to run.</summary>
public enum WorkKind
{
    /// <summary>Run one step of a case's plan.</summary>
    CaseStep = 1,

    /// <summary>Decide whether a promise to pay was kept.</summary>
    PromiseCheck = 2,

    /// <summary>Queue the reminder call and message before an instalment falls due.</summary>
    InstalmentReminder = 3,

    /// <summary>Decide whether an instalment was paid.</summary>
    InstalmentCheck = 4,
}

/// <summary>Timed work: the scheduler (Quartz) fires it at <see cref="At"/>; its key makes scheduling it twice a no-op.</summary>
/// <param name="Kind">What to run.</param>
/// <param name="Key">The business key: "case-id/step-key" or a promise or instalment id.</param>
/// <param name="At">When it is due.</param>
public sealed record WorkItem(WorkKind Kind, string Key, Instant At)
{
    /// <summary>Unique name of the work; for case steps it includes the due time, so a step moved to a new time is new work
    /// while the stale trigger, when it fires, finds the step not yet due and does nothing.</summary>
    public string Name => Kind == WorkKind.CaseStep ? $"{Kind}:{Key}@{At.ToUnixTimeSeconds()}" : $"{Kind}:{Key}";

    /// <summary>Work for the step <paramref name="stepKey"/> of case <paramref name="caseId"/>.</summary>
    public static WorkItem ForStep(CaseId caseId, string stepKey, Instant at) => new(WorkKind.CaseStep, $"{caseId}/{stepKey}", at);

    /// <summary>Splits a case-step key into case id and step key.</summary>
    public static (CaseId CaseId, string StepKey) ParseStepKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && Guid.TryParse(key[..slash], out var id)
            ? (new CaseId(id), key[(slash + 1)..])
            : throw new FormatException($"'{key}' is not a case-step key (case-id/step-key).");
    }
}
