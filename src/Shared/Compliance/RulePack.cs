using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance;

/// <summary>What kind of check a rule performs; each kind has its own parameters in the pack.</summary>
public enum RuleKind
{
    /// <summary>Contact only inside per-weekday windows in the debtor's local time, optionally not on public holidays.</summary>
    CallingHours = 1,

    /// <summary>At most N calls about one debt within D consecutive calendar days.</summary>
    CallFrequency = 2,

    /// <summary>No call within D consecutive days after a telephone conversation about the debt (its date is day 1).</summary>
    QuietAfterConversation = 3,

    /// <summary>No repeat call to a number within H hours of an abandoned call to it, unless an operator is guaranteed.</summary>
    AbandonedCallRepeat = 4,

    /// <summary>No repeat call to a number within H hours of an answered call the AMD flagged, unless an operator is guaranteed.</summary>
    AmdRepeat = 5,

    /// <summary>Autodialed calls and texts to certain number kinds need the debtor's prior express consent.</summary>
    AutodialConsent = 6,

    /// <summary>A request to stop all communication about the debt.</summary>
    CeaseCommunication = 7,

    /// <summary>A request not to use one channel, or one number or address on it.</summary>
    OptOut = 8,

    /// <summary>A dispute or legal hold on the account stops contact while active.</summary>
    Hold = 9,

    /// <summary>At most N attempts to one number or address per local calendar day.</summary>
    MaxAttemptsPerNumberPerDay = 10,

    /// <summary>Contact about a debt needs a lawful basis: once nothing is owed, there is no legitimate interest in
    /// contacting the debtor about it (GDPR Art. 6(1)(f), purpose limitation Art. 5(1)(b)).</summary>
    LawfulBasis = 11,

    /// <summary>Third parties are not told about the debt: a number that reached someone else is not used again, and a
    /// written message does not go where another person answered, until the debtor is reached there (GDPR Art. 5(1)(f)).</summary>
    ThirdPartyDisclosure = 12,
}

/// <summary>How binding a rule's source is, so a reader can tell statute from industry practice.</summary>
public enum RuleBasis
{
    Statute = 1,
    Regulation = 2,
    RegulatorGuidance = 3,
    IndustryCode = 4,
    HousePolicy = 5,
}

/// <summary>A jurisdiction's compliance rules, loaded from <c>config/compliance/*.yaml</c>.</summary>
public sealed class RulePack
{
    /// <summary>ISO 3166-1 alpha-2 country whose debtors the pack governs.</summary>
    public required string Jurisdiction { get; init; }

    public required string Name { get; init; }

    /// <summary>The file the pack came from, for messages.</summary>
    public required string File { get; init; }

    /// <summary>Country of the public-holiday calendar (usually the jurisdiction itself).</summary>
    public required string HolidayCalendar { get; init; }

    /// <summary>Campaign-level limits (abandonment rate) that pacing enforces; not evaluated per account.</summary>
    public AbandonmentLimit? Abandonment { get; init; }

    /// <summary>How long a claim can be taken to court and what restarts the period; null when the pack gives none.</summary>
    public Legal.LimitationRule? Limitation { get; init; }

    public required IReadOnlyList<RuleDefinition> Rules { get; init; }

    /// <summary>How a caller may prove to the IVR that they are the debtor before it states the debt; null: it never does,
    /// an operator verifies the caller.</summary>
    public CallerIdentificationRule? CallerIdentification { get; init; }
}

/// <summary>A way a caller proves to the IVR who they are, by keypad.</summary>
public enum CallerIdentificationMethod
{
    /// <summary>The debtor's date of birth as eight digits, day, month, year (DDMMYYYY).</summary>
    DateOfBirth = 1,

    /// <summary>The digits of the account's creditor reference, in order (at least four).</summary>
    Reference = 2,
}

/// <summary>The identification the IVR asks for before it states a balance, with the text that requires it.</summary>
/// <param name="Methods">The methods a caller may use (any one suffices).</param>
/// <param name="Source">Why a caller must be identified before the debt is mentioned (third-party disclosure).</param>
public sealed record CallerIdentificationRule(IReadOnlySet<CallerIdentificationMethod> Methods, string Source);

/// <summary>The abandoned-call rate a campaign must stay within, with its source.</summary>
/// <param name="MaxRate">Abandoned calls over calls answered by a person, as a fraction.</param>
/// <param name="WindowHours">The rolling window over which the rate is measured.</param>
public sealed record AbandonmentLimit(double MaxRate, int WindowHours, string Source);

/// <summary>One rule of a pack: its kind, parameters, the channels it covers and the text it implements.</summary>
public sealed class RuleDefinition
{
    /// <summary>Stable id, for example "us.reg-f.7-in-7".</summary>
    public required string Id { get; init; }

    public required RuleKind Kind { get; init; }

    /// <summary>The text the rule implements, cited precisely enough to look up.</summary>
    public required string Source { get; init; }

    public RuleBasis Basis { get; init; }

    /// <summary>What the pack's author wants a reader to know: where a number is policy rather than law.</summary>
    public string? Note { get; init; }

    /// <summary>The channels the rule applies to; on other channels it reports "not-applicable".</summary>
    public required IReadOnlySet<ContactChannel> Channels { get; init; }

    /// <summary>Calling windows per weekday, in local time, end exclusive; a day absent or empty allows no contact.</summary>
    public IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<TimeWindow>> Windows { get; init; } = new Dictionary<IsoDayOfWeek, IReadOnlyList<TimeWindow>>();

    /// <summary>For calling hours: no contact on the jurisdiction's public holidays.</summary>
    public bool ClosedOnPublicHolidays { get; init; }

    /// <summary>For calling hours: contact only on working days of the holiday calendar (decreed working Saturdays count).</summary>
    public bool WorkingDaysOnly { get; init; }

    /// <summary>For counting rules: the largest number of attempts allowed.</summary>
    public int Max { get; init; }

    /// <summary>For day-based rules: the length of the period in consecutive local calendar days.</summary>
    public int Days { get; init; }

    /// <summary>For repeat rules: the quiet period in hours.</summary>
    public int Hours { get; init; }

    /// <summary>Outcomes that do not count toward a frequency (for example calls never connected).</summary>
    public IReadOnlySet<ContactOutcome> ExcludedOutcomes { get; init; } = new HashSet<ContactOutcome>();

    /// <summary>For consent rules: the phone kinds that need consent.</summary>
    public IReadOnlySet<PhoneKind> PhoneKinds { get; init; } = new HashSet<PhoneKind>();

    /// <summary>For repeat rules: a guaranteed live operator lifts the rule.</summary>
    public bool UnlessOperatorGuaranteed { get; init; }
}

/// <summary>A window of local time [Start, End); End may be midnight at the end of the day.</summary>
public readonly record struct TimeWindow(LocalTime Start, LocalTime End, bool EndsAtMidnight)
{
    /// <summary>True when <paramref name="time"/> falls inside the window.</summary>
    public bool Contains(LocalTime time) => time >= Start && (EndsAtMidnight || time < End);

    public override string ToString() => $"{Start:HH':'mm}-{(EndsAtMidnight ? "24:00" : End.ToString("HH':'mm", null))}";
}
