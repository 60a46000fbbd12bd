using Collections.Scripts.Formatting;
using Collections.Scripts.Model;
using Collections.Scripts.Validation;
using NodaTime;

namespace Collections.Scripts.Runtime;

/// <summary>One call's walk through a script: the current node, its rendered text, the pending action and everything recorded so far.</summary>
public sealed class ScriptRun
{
    private readonly TimeProvider _time;
    private readonly List<ScriptEvent> _events = [];

    private ScriptRun(Script script, string language, ScriptContext context, TimeProvider time)
    {
        Script = script;
        Language = language;
        Context = context;
        _time = time;
        Current = script.FindNode(script.Start.NodeId)!;
    }

    /// <summary>The script being walked.</summary>
    public Script Script { get; }

    /// <summary>The language texts are shown in.</summary>
    public string Language { get; }

    /// <summary>The call's facts the texts are filled from.</summary>
    public ScriptContext Context { get; }

    /// <summary>The node the call is at.</summary>
    public ScriptNode Current { get; private set; }

    /// <summary>True once an answer marked verified was chosen at a verify-right-party node.</summary>
    public bool RightPartyVerified { get; private set; }

    /// <summary>True once an end node was reached.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>The action the operator must complete before moving on (verify-right-party is completed by choosing an answer); null when none.</summary>
    public ScriptActionKind? PendingAction { get; private set; }

    /// <summary>Everything that happened so far, oldest first.</summary>
    public IReadOnlyList<ScriptEvent> Events => _events;

    /// <summary>The current node's text, filled in.</summary>
    public RenderedText Text => TextRenderer.Render(Current.Say.Variants[Language].Text, Context, RightPartyVerified);

    /// <summary>The current node's answers with their labels filled in.</summary>
    public IReadOnlyList<RenderedAnswer> Answers =>
        [.. Current.Answers.Select(a => new RenderedAnswer(a.Id, TextRenderer.Render(a.Label.Variants[Language].Text, Context, RightPartyVerified).Text))];

    /// <summary>Starts walking <paramref name="script"/> in <paramref name="language"/>; the script must be valid.</summary>
    /// <exception cref="ArgumentException">The script has problems or does not offer the language.</exception>
    public static ScriptRun Start(Script script, string language, ScriptContext context, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(time);
        var problems = ScriptValidator.Validate(script);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"script '{script.Id}' is not valid: {problems[0].Error} (line {problems[0].Line})", nameof(script));
        }

        if (!script.Languages.Contains(language, StringComparer.Ordinal))
        {
            throw new ArgumentException($"script '{script.Id}' has no '{language}' texts", nameof(language));
        }

        var run = new ScriptRun(script, language, context, time);
        run.Enter(run.Current);
        return run;
    }

    /// <summary>Follows the answer <paramref name="answerId"/> of the current node.</summary>
    public void Choose(string answerId)
    {
        EnsureCanMove();
        var answer = Current.Answers.FirstOrDefault(a => string.Equals(a.Id, answerId, StringComparison.Ordinal))
            ?? throw new ArgumentException($"node '{Current.Id}' has no answer '{answerId}'", nameof(answerId));
        Record(new AnswerChosen(Now, Current.Id, answer.Id));
        if (Current.Action == ScriptActionKind.VerifyRightParty)
        {
            RightPartyVerified |= answer.Verifies;
            Record(new RightPartyChecked(Now, Current.Id, answer.Verifies));
        }

        Enter(Script.FindNode(answer.Next.NodeId)!);
    }

    /// <summary>Moves on from a node without answers to its next node.</summary>
    public void Continue()
    {
        EnsureCanMove();
        var next = Current.Next ?? throw new InvalidOperationException($"node '{Current.Id}' has answers: choose one");
        Enter(Script.FindNode(next.NodeId)!);
    }

    /// <summary>Records the debtor's promise to pay <paramref name="amount"/> by <paramref name="date"/>.</summary>
    public ActionResult RecordPromise(ScriptMoney amount, LocalDate date)
    {
        Expect(ScriptActionKind.RecordPromise);
        var today = Today;
        if (Check(amount) is { } wrong)
        {
            return ActionResult.Refused(wrong);
        }

        if (date < today)
        {
            return ActionResult.Refused("the promised date is in the past");
        }

        if (Context.MaxDaysToPromise is { } max && date > today.PlusDays(max))
        {
            return ActionResult.Refused($"a promise may fall at most {max} days from today");
        }

        return Complete(new PromiseRecorded(Now, Current.Id, amount, date));
    }

    /// <summary>Records an instalment plan if it is inside the creditor's policy.</summary>
    public ActionResult OfferInstalmentPlan(InstalmentPlanProposal plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Expect(ScriptActionKind.OfferInstalmentPlan);
        if (Context.InstalmentPolicy is not { } policy)
        {
            return ActionResult.Refused("the creditor allows no instalment plans for this account");
        }

        if (Check(plan.InstalmentAmount) is { } wrong)
        {
            return ActionResult.Refused(wrong);
        }

        var balance = Context.Balance.Amount;
        var each = plan.InstalmentAmount.Amount;
        if (plan.Instalments < 2 || plan.Instalments > policy.MaxInstalments)
        {
            return ActionResult.Refused($"the creditor allows 2 to {policy.MaxInstalments} instalments");
        }

        if (each < policy.MinimumInstalment)
        {
            return ActionResult.Refused($"an instalment must be at least {MoneyFormatter.Format(Context.Balance with { Amount = policy.MinimumInstalment }, Context.Culture)}");
        }

        if (each * plan.Instalments < balance)
        {
            return ActionResult.Refused("the instalments do not cover the balance");
        }

        if (each * (plan.Instalments - 1) >= balance)
        {
            return ActionResult.Refused("the plan has more instalments than the balance needs");
        }

        var today = Today;
        if (plan.FirstDueDate < today || plan.FirstDueDate > today.PlusDays(policy.MaxDaysToFirstInstalment))
        {
            return ActionResult.Refused($"the first instalment must fall within {policy.MaxDaysToFirstInstalment} days from today");
        }

        return Complete(new InstalmentPlanAgreed(Now, Current.Id, plan));
    }

    /// <summary>Records a settlement for less than the balance if it is inside the creditor's consent.</summary>
    public ActionResult OfferSettlement(ScriptMoney amount, LocalDate payBy)
    {
        Expect(ScriptActionKind.OfferSettlement);
        if (Context.SettlementConsent is not { } consent)
        {
            return ActionResult.Refused("the creditor has not consented to a settlement for this account");
        }

        if (Check(amount) is { } wrong)
        {
            return ActionResult.Refused(wrong);
        }

        var floor = Math.Round(Context.Balance.Amount * consent.MinimumPercent / 100m, 2, MidpointRounding.AwayFromZero);
        if (amount.Amount < floor)
        {
            return ActionResult.Refused($"the creditor accepts no less than {consent.MinimumPercent}% of the balance ({MoneyFormatter.Format(Context.Balance with { Amount = floor }, Context.Culture)})");
        }

        if (payBy < Today || (consent.PayByLatest is { } latest && payBy > latest))
        {
            return ActionResult.Refused("the settlement's pay-by date is outside the creditor's consent");
        }

        return Complete(new SettlementAgreed(Now, Current.Id, amount, payBy));
    }

    /// <summary>Records a call-back at <paramref name="when"/>, local to the debtor.</summary>
    public ActionResult ScheduleCallback(LocalDateTime when, string? note)
    {
        Expect(ScriptActionKind.ScheduleCallback);
        var now = Instant.FromDateTimeOffset(_time.GetUtcNow()).InZone(Context.TimeZone).LocalDateTime;
        if (when <= now)
        {
            return ActionResult.Refused("the call-back time is not in the future");
        }

        return Complete(new CallbackScheduled(Now, Current.Id, when, note));
    }

    /// <summary>Records that the debtor disputes the debt.</summary>
    public ActionResult FlagDispute(string reason) =>
        Reasoned(ScriptActionKind.FlagDispute, reason, r => new DisputeFlagged(Now, Current.Id, r));

    /// <summary>Records that the debtor is in a vulnerable situation.</summary>
    public ActionResult FlagVulnerable(string reason) =>
        Reasoned(ScriptActionKind.FlagVulnerable, reason, r => new VulnerabilityFlagged(Now, Current.Id, r));

    /// <summary>Records the hand-over to a supervisor.</summary>
    public ActionResult HandOverToSupervisor(string reason) =>
        Reasoned(ScriptActionKind.HandOverToSupervisor, reason, r => new HandedOverToSupervisor(Now, Current.Id, r));

    /// <summary>Records that the promise, offer or call-back the node asks for was not agreed, and unlocks the way on.</summary>
    public ActionResult Decline(string reason)
    {
        if (PendingAction is not (ScriptActionKind.RecordPromise or ScriptActionKind.OfferInstalmentPlan or ScriptActionKind.OfferSettlement or ScriptActionKind.ScheduleCallback))
        {
            throw new InvalidOperationException($"nothing to decline at node '{Current.Id}' (pending: {Describe(PendingAction)})");
        }

        return Reasoned(PendingAction.Value, reason, r => new ActionDeclined(Now, Current.Id, PendingAction.Value, r));
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private LocalDate Today => Instant.FromDateTimeOffset(_time.GetUtcNow()).InZone(Context.TimeZone).Date;

    private string? Check(ScriptMoney amount)
    {
        if (!string.Equals(amount.Currency, Context.Balance.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return $"the amount must be in {Context.Balance.Currency}, the account's currency";
        }

        if (amount.Amount <= 0)
        {
            return "the amount must be positive";
        }

        return amount.Amount > Context.Balance.Amount ? "the amount is more than the balance" : null;
    }

    private ActionResult Reasoned(ScriptActionKind kind, string reason, Func<string, ScriptEvent> make)
    {
        Expect(kind);
        return string.IsNullOrWhiteSpace(reason) ? ActionResult.Refused("give a reason") : Complete(make(reason.Trim()));
    }

    private ActionResult Complete(ScriptEvent recorded)
    {
        Record(recorded);
        PendingAction = null;
        return ActionResult.Ok;
    }

    private void Expect(ScriptActionKind kind)
    {
        if (PendingAction != kind)
        {
            throw new InvalidOperationException($"node '{Current.Id}' does not ask for {ScriptVocabulary.Name(kind)} (pending: {Describe(PendingAction)})");
        }
    }

    private void EnsureCanMove()
    {
        if (IsFinished)
        {
            throw new InvalidOperationException("the script has ended");
        }

        if (PendingAction is { } pending && pending != ScriptActionKind.VerifyRightParty)
        {
            throw new InvalidOperationException($"complete or decline {ScriptVocabulary.Name(pending)} at node '{Current.Id}' first");
        }
    }

    private void Enter(ScriptNode node)
    {
        Current = node;
        Record(new NodeEntered(Now, node.Id));
        PendingAction = node.Action == ScriptActionKind.End ? null : node.Action;
        if (node.Action == ScriptActionKind.End)
        {
            IsFinished = true;
            Record(new CallEnded(Now, node.Id));
        }
    }

    private void Record(ScriptEvent e) => _events.Add(e);

    private static string Describe(ScriptActionKind? kind) => kind is { } k ? ScriptVocabulary.Name(k) : "none";
}

/// <summary>An answer as the operator sees it: its id and its filled-in label.</summary>
public sealed record RenderedAnswer(string Id, string Label);
