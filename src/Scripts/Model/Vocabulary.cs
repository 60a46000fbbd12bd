namespace Collections.Scripts.Model;

/// <summary>The industry a script is written for; <see cref="Generic"/> scripts serve any industry as a fallback.</summary>
public enum Industry
{
    /// <summary>Mobile, fixed-line and broadband services.</summary>
    Telecom,

    /// <summary>Electricity, gas, water and district heating.</summary>
    Utilities,

    /// <summary>Consumer loans, credit cards and hire purchase.</summary>
    ConsumerCredit,

    /// <summary>Unpaid invoices between businesses.</summary>
    B2BTradeCredit,

    /// <summary>Hospital, clinic and dental bills.</summary>
    Healthcare,

    /// <summary>Goods bought from a shop on credit or on account (furniture, appliances, mail order).</summary>
    Retail,

    /// <summary>Rent and rental agreements (flats, equipment, vehicles).</summary>
    Rental,

    /// <summary>Any industry: used when no industry-specific script exists.</summary>
    Generic,
}

/// <summary>Whether the debtor is a person or a business.</summary>
public enum DebtorType
{
    /// <summary>A natural person (consumer protection law applies, e.g. FDCPA, EU Consumer Credit Directive).</summary>
    Consumer,

    /// <summary>A company or sole trader owing as a business.</summary>
    Business,
}

/// <summary>The point in a case's life at which the call takes place.</summary>
public enum ScriptStage
{
    /// <summary>The first call about this debt.</summary>
    FirstContact,

    /// <summary>A call after a promise to pay was not kept.</summary>
    BrokenPromise,

    /// <summary>A reminder call shortly before an agreed instalment falls due.</summary>
    PreInstalmentReminder,

    /// <summary>The debtor calls in.</summary>
    Inbound,

    /// <summary>A reminder call after the written reminder went unanswered (seed 000's second phase, seed 001's first reminder).</summary>
    Reminder,

    /// <summary>A call after an instalment of an agreed plan did not arrive (seed 004: late or missed payments flagged at once).</summary>
    MissedInstalment,

    /// <summary>A call offering to close the account with a reduced one-off payment the creditor agreed to (seed 001).</summary>
    Settlement,
}

/// <summary>What a script node makes the operator do besides speaking.</summary>
public enum ScriptActionKind
{
    /// <summary>Confirm the person on the line is the debtor before anything about the debt is said (FDCPA 15 U.S.C. 1692c(b)).</summary>
    VerifyRightParty,

    /// <summary>Record a promise to pay an amount by a date.</summary>
    RecordPromise,

    /// <summary>Offer an instalment plan inside the creditor's policy.</summary>
    OfferInstalmentPlan,

    /// <summary>Offer a settlement inside the creditor's consent.</summary>
    OfferSettlement,

    /// <summary>Agree a time to call back.</summary>
    ScheduleCallback,

    /// <summary>Record that the debtor disputes the debt (collection pauses, FDCPA 1692g(b)).</summary>
    FlagDispute,

    /// <summary>Record that the debtor is in a vulnerable situation.</summary>
    FlagVulnerable,

    /// <summary>Hand the call over to a supervisor.</summary>
    HandOverToSupervisor,

    /// <summary>End the call.</summary>
    End,
}

/// <summary>The spellings used in script files for the script vocabulary (kebab-case).</summary>
public static class ScriptVocabulary
{
    private static readonly Dictionary<string, Industry> Industries = new(StringComparer.Ordinal)
    {
        ["telecom"] = Industry.Telecom,
        ["utilities"] = Industry.Utilities,
        ["consumer-credit"] = Industry.ConsumerCredit,
        ["b2b-trade-credit"] = Industry.B2BTradeCredit,
        ["healthcare"] = Industry.Healthcare,
        ["retail"] = Industry.Retail,
        ["rental"] = Industry.Rental,
        ["generic"] = Industry.Generic,
    };

    private static readonly Dictionary<string, DebtorType> DebtorTypes = new(StringComparer.Ordinal)
    {
        ["consumer"] = DebtorType.Consumer,
        ["business"] = DebtorType.Business,
    };

    private static readonly Dictionary<string, ScriptStage> Stages = new(StringComparer.Ordinal)
    {
        ["first-contact"] = ScriptStage.FirstContact,
        ["broken-promise"] = ScriptStage.BrokenPromise,
        ["pre-instalment-reminder"] = ScriptStage.PreInstalmentReminder,
        ["inbound"] = ScriptStage.Inbound,
        ["reminder"] = ScriptStage.Reminder,
        ["missed-instalment"] = ScriptStage.MissedInstalment,
        ["settlement"] = ScriptStage.Settlement,
    };

    private static readonly Dictionary<string, ScriptActionKind> Actions = new(StringComparer.Ordinal)
    {
        ["verify-right-party"] = ScriptActionKind.VerifyRightParty,
        ["record-promise"] = ScriptActionKind.RecordPromise,
        ["offer-instalment-plan"] = ScriptActionKind.OfferInstalmentPlan,
        ["offer-settlement"] = ScriptActionKind.OfferSettlement,
        ["schedule-callback"] = ScriptActionKind.ScheduleCallback,
        ["flag-dispute"] = ScriptActionKind.FlagDispute,
        ["flag-vulnerable"] = ScriptActionKind.FlagVulnerable,
        ["hand-over-to-supervisor"] = ScriptActionKind.HandOverToSupervisor,
        ["end"] = ScriptActionKind.End,
    };

    /// <summary>Every industry spelling accepted in a script file.</summary>
    public static IReadOnlyCollection<string> IndustryNames => Industries.Keys;

    /// <summary>Every debtor type spelling accepted in a script file.</summary>
    public static IReadOnlyCollection<string> DebtorTypeNames => DebtorTypes.Keys;

    /// <summary>Every stage spelling accepted in a script file.</summary>
    public static IReadOnlyCollection<string> StageNames => Stages.Keys;

    /// <summary>Every action spelling accepted in a script file.</summary>
    public static IReadOnlyCollection<string> ActionNames => Actions.Keys;

    /// <summary>Parses an industry spelling such as <c>consumer-credit</c>.</summary>
    public static bool TryParseIndustry(string text, out Industry value) => Industries.TryGetValue(text, out value);

    /// <summary>Parses a debtor type spelling such as <c>business</c>.</summary>
    public static bool TryParseDebtorType(string text, out DebtorType value) => DebtorTypes.TryGetValue(text, out value);

    /// <summary>Parses a stage spelling such as <c>broken-promise</c>.</summary>
    public static bool TryParseStage(string text, out ScriptStage value) => Stages.TryGetValue(text, out value);

    /// <summary>Parses an action spelling such as <c>record-promise</c>.</summary>
    public static bool TryParseAction(string text, out ScriptActionKind value) => Actions.TryGetValue(text, out value);

    /// <summary>The file spelling of an industry.</summary>
    public static string Name(Industry value) => Industries.First(p => p.Value == value).Key;

    /// <summary>The file spelling of a debtor type.</summary>
    public static string Name(DebtorType value) => DebtorTypes.First(p => p.Value == value).Key;

    /// <summary>The file spelling of a stage.</summary>
    public static string Name(ScriptStage value) => Stages.First(p => p.Value == value).Key;

    /// <summary>The file spelling of an action.</summary>
    public static string Name(ScriptActionKind value) => Actions.First(p => p.Value == value).Key;
}
