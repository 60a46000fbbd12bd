using System.ComponentModel.DataAnnotations;
using Collections.Shared.Domain;

namespace Collections.Dialer.Hopper;

/// <summary>When to call an account again after an attempt ended with one outcome, and on which number.</summary>
public sealed class RetryRule
{
    /// <summary>Time from the end of the attempt until the account may be dialed again.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Dial the same number again (busy: the debtor is there); false moves on to the next number in priority order.</summary>
    public bool SameNumber { get; set; }
}

/// <summary>Hopper settings, bound from <c>Collections:Hopper</c>.</summary>
public sealed class HopperOptions : IValidatableObject
{
    public const string Section = "Collections:Hopper";

    /// <summary>How long a claim holds before another node may take the account; the holder renews it during a call.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Priority added for a case's strategy id (higher is called first); strategies not listed count 0.</summary>
    public Dictionary<string, int> StrategyPriorities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Priority added for a queued call's purpose (its stable text, <see cref="ContactPurposes.Text"/>): a callback an
    /// operator promised first, then the reminder before an instalment, then follow-ups of broken promises and missed
    /// instalments, then the strategies' own calls (not listed: 0).</summary>
    public Dictionary<string, int> PurposePriorities { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["callback"] = 30,
        ["pre-instalment"] = 20,
        ["promise-follow-up"] = 10,
        ["instalment-follow-up"] = 10,
    };

    /// <summary>How long a queued call is put back when the compliance engine refuses it at dial time and no rule says when
    /// it will allow it (consent missing, a hold): the entry is tried again then, until it expires.</summary>
    public TimeSpan RefusalDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Retry delays by how the account's last call ended. Busy sooner than no answer (the line was in use).</summary>
    public Dictionary<ContactOutcome, RetryRule> Retry { get; set; } = new()
    {
        [ContactOutcome.Busy] = new() { Delay = TimeSpan.FromMinutes(15), SameNumber = true },
        [ContactOutcome.NoAnswer] = new() { Delay = TimeSpan.FromHours(2), SameNumber = false },
        [ContactOutcome.Machine] = new() { Delay = TimeSpan.FromHours(4), SameNumber = false },
        [ContactOutcome.Failed] = new() { Delay = TimeSpan.FromHours(1), SameNumber = false },
        // Ofcom: no repeat call within 72 h of an abandoned call without a guaranteed operator; the pack enforces it per
        // number, this keeps the account out of the hopper meanwhile instead of refusing it on every pass.
        [ContactOutcome.Abandoned] = new() { Delay = TimeSpan.FromHours(72), SameNumber = true },
        // A conversation normally moves the case's next step; this stops an immediate re-dial when the agent did not.
        [ContactOutcome.Answered] = new() { Delay = TimeSpan.FromHours(24), SameNumber = true },
        // A pending row older than its call means a node crashed mid-call: the debtor may have been reached.
        [ContactOutcome.Pending] = new() { Delay = TimeSpan.FromHours(1), SameNumber = true },
        // Closed after its node died (LedgerReconciler): a person may have answered into silence, so Ofcom's 72 h after an
        // abandoned call is kept rather than guessed away.
        [ContactOutcome.Lost] = new() { Delay = TimeSpan.FromHours(72), SameNumber = true },
        [ContactOutcome.Cancelled] = new() { Delay = TimeSpan.Zero, SameNumber = true },
    };

    /// <summary>Accounts read per database page while looking for callable ones.</summary>
    [Range(10, 10_000)]
    public int PageSize { get; set; } = 200;

    /// <summary>Callable accounts ranked per requested one, so the best-hour ordering has a choice.</summary>
    [Range(1, 20)]
    public int OverFetch { get; set; } = 2;

    /// <summary>At most this many due accounts are examined per fill, so a campaign of stale accounts cannot stall a node.</summary>
    [Range(10, 1_000_000)]
    public int MaxScan { get; set; } = 5_000;

    /// <summary>How far back the ledger is read to learn contact rates by hour of week.</summary>
    public TimeSpan LearningWindow { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long learned population rates are reused before the ledger is read again.</summary>
    public TimeSpan LearningRefresh { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Pseudo-attempts of the overall rate given to each hour-of-week bucket of the population (the prior).</summary>
    [Range(0.1, 10_000)]
    public double PopulationPriorStrength { get; set; } = 20;

    /// <summary>Pseudo-attempts of the population's bucket rate given to each debtor's bucket.</summary>
    [Range(0.1, 10_000)]
    public double DebtorPriorStrength { get; set; } = 4;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [nameof(LeaseDuration)]);
        }

        foreach (var purpose in PurposePriorities.Keys.Where(k => !ContactPurposes.TryParse(k.ToLowerInvariant(), out _)))
        {
            yield return new ValidationResult(
                $"'{purpose}' is not a contact purpose (one of {string.Join(", ", Enum.GetValues<ContactPurpose>().Select(p => p.Text()))})",
                [$"{nameof(PurposePriorities)}:{purpose}"]);
        }

        if (RefusalDelay <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [nameof(RefusalDelay)]);
        }

        foreach (var (outcome, rule) in Retry)
        {
            if (rule.Delay < TimeSpan.Zero)
            {
                yield return new ValidationResult($"{outcome}: the delay must not be negative", [$"{nameof(Retry)}:{outcome}:{nameof(RetryRule.Delay)}"]);
            }
        }

        if (LearningWindow <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive", [nameof(LearningWindow)]);
        }
    }

    /// <summary>The rule for <paramref name="outcome"/>; outcomes not listed retry at once on the next number.</summary>
    public RetryRule RetryFor(ContactOutcome outcome) => Retry.TryGetValue(outcome, out var rule) ? rule : new RetryRule();

    /// <summary>The priority of a queued call's purpose (0 when not listed).</summary>
    public int PriorityOf(ContactPurpose purpose) => PurposePriorities.TryGetValue(purpose.Text(), out var priority) ? priority : 0;
}
