using Collections.Shared.Creditors;
using Collections.Shared.Domain;
using Collections.Shared.Legal;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Workflow;

/// <summary>
/// The legal review's writes (issue 16): the legal team's decisions, the creditor's answer to a filing that needs its consent
/// (<see cref="CreditorPolicy.LegalActionNeedsConsent"/>), and the creditor's request for legal review. Each is one
/// SaveChanges (one transaction) on the case, its steps and the consent row, and each leaves a done step on the case's
/// plan saying what was decided, by whom and why, which the case timeline shows with its time.
/// </summary>
public sealed partial class CaseWorkflow
{
    /// <summary>The step-key prefix of the legal review's event steps.</summary>
    public const string LegalStepPrefix = "legal-";

    /// <summary>Records the legal team's <paramref name="decision"/> on the case of <paramref name="accountId"/>.
    /// <paramref name="by"/> is "legal:" and the login. Throws <see cref="LegalDecisionRefusedException"/> when the rules refuse it.</summary>
    public async Task<LegalDecisionResult> DecideLegalAsync(AccountId accountId, LegalDecision decision, LegalFiling? filing, string by, string? note, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var now = Now;
        var state = await AccountState.LoadAsync(db, accountId, ct);
        var @case = state.Case ?? throw new LegalDecisionRefusedException("the account has no case");
        if (@case.Phase != CasePhase.LegalReview)
        {
            throw new LegalDecisionRefusedException($"the case is not in legal review (phase {@case.Phase})");
        }

        note = Clean(note);
        var consent = await db.LegalActionConsents.SingleOrDefaultAsync(k => k.CaseId == @case.Id, ct);
        var awaiting = consent is { RequestedAt: not null, Approved: null };
        var steps = state.Steps;
        IReadOnlyList<WorkItem> work = [];
        string outcome;
        switch (decision)
        {
            case LegalDecision.File:
                var kind = filing ?? throw new LegalDecisionRefusedException("filing: court-claim or payment-order is required to file");
                if (awaiting)
                {
                    throw new LegalDecisionRefusedException("the creditor's consent to filing is awaited");
                }

                if (state.Context.Creditor.Policy.LegalActionNeedsConsent)
                {
                    // The creditor's policy asks for consent (creditor terms, `creditor terms set --legal-consent true`): the
                    // request waits in its portal; only its approval files (AnswerLegalConsentAsync).
                    if (consent is null)
                    {
                        consent = new LegalActionConsent { CaseId = @case.Id, AccountId = accountId };
                        db.LegalActionConsents.Add(consent);
                    }

                    (consent.Filing, consent.RequestedBy, consent.RequestedAt, consent.RequestNote) = (kind.Text(), by, now, note);
                    (consent.Approved, consent.DecidedBy, consent.DecidedAt, consent.Note) = (null, null, null, null);
                    steps.Add(AddEventStep(@case, steps, LegalKey("consent-asked", now), CasePhase.LegalReview, now, Why(by, $"asks the creditor's consent to a {kind.Text()}", note)));
                    outcome = "consent-requested";
                }
                else
                {
                    EnterFiled(@case, steps, kind, now, Why(by, $"filed a {kind.Text()}", note));
                    outcome = "filed";
                }

                break;
            case LegalDecision.ReturnToAmicable:
                if (note is null)
                {
                    throw new LegalDecisionRefusedException("note: say why the case goes back to amicable collection");
                }

                Withdraw(consent, awaiting);
                // Back to the phone: a follow-up call is queued now and the case's remaining planned steps go on.
                var key = LegalKey("returned", now);
                work = FollowUp(state, key, "first-contact", ContactPurpose.FirstContact, now);
                steps.Single(s => s.StepKey == key).Note = Trim(Why(by, "returned to amicable collection", note));
                outcome = "returned-to-amicable";
                break;
            case LegalDecision.CloseUncollectable:
                Withdraw(consent, awaiting);
                steps.Add(AddEventStep(@case, steps, LegalKey("uncollectable", now), CasePhase.Closed, now, Why(by, "closed as uncollectable", note)));
                Close(@case, steps, now, "closed as uncollectable in legal review");
                outcome = "closed-uncollectable";
                break;
            case LegalDecision.ReturnToCreditor:
                Withdraw(consent, awaiting);
                steps.Add(AddEventStep(@case, steps, LegalKey("to-creditor", now), CasePhase.Closed, now, Why(by, "returned to the creditor", note)));
                Close(@case, steps, now, "returned to the creditor from legal review");
                outcome = "returned-to-creditor";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision, null);
        }

        await db.SaveChangesAsync(ct);
        return new(outcome, @case.Phase, work);
    }

    /// <summary>Records the creditor's answer to the filing awaiting its consent: approved, the case is filed; refused, it
    /// stays in legal review (on the legal queue) with the creditor's comment. <paramref name="by"/> is "creditor:" and the
    /// login, or "key:" and the key id.</summary>
    public async Task<LegalDecisionResult> AnswerLegalConsentAsync(AccountId accountId, bool approve, string by, string? note, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var now = Now;
        var state = await AccountState.LoadAsync(db, accountId, ct);
        var @case = state.Case;
        var consent = @case is null ? null : await db.LegalActionConsents.SingleOrDefaultAsync(k => k.CaseId == @case.Id, ct);
        if (@case is null || @case.Phase != CasePhase.LegalReview || consent is not { RequestedAt: not null })
        {
            throw new LegalDecisionRefusedException("no legal action awaits your consent on this account");
        }

        if (consent.Approved is not null)
        {
            throw new LegalDecisionRefusedException("legal action on this account has already been answered");
        }

        note = Clean(note);
        (consent.Approved, consent.DecidedBy, consent.DecidedAt, consent.Note) = (approve, Trim(by), now, note);
        var steps = state.Steps;
        var filing = LegalTexts.ParseFiling(consent.Filing) ?? LegalFiling.CourtClaim;
        string outcome;
        if (approve)
        {
            steps.Add(AddEventStep(@case, steps, LegalKey("consented", now), CasePhase.LegalReview, now, Why(by, $"consents to the {filing.Text()}", note)));
            EnterFiled(@case, steps, filing, now, Why(consent.RequestedBy ?? by, $"filed a {filing.Text()} with the creditor's consent", null));
            outcome = "filed";
        }
        else
        {
            steps.Add(AddEventStep(@case, steps, LegalKey("consent-refused", now), CasePhase.LegalReview, now, Why(by, $"refuses the {filing.Text()}", note)));
            outcome = "consent-refused";
        }

        await db.SaveChangesAsync(ct);
        return new(outcome, @case.Phase, []);
    }

    /// <summary>The creditor (from the portal) or a supervisor asks for legal review of an open case: the case moves to legal
    /// review and the strategy's planned steps are cancelled, so no step moves it away before the legal team decides.
    /// <paramref name="by"/> is "creditor:", "key:" or "supervisor:" and who.</summary>
    public async Task<LegalDecisionResult> RequestLegalReviewAsync(AccountId accountId, string by, string? note, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var now = Now;
        var state = await AccountState.LoadAsync(db, accountId, ct);
        if (state.Case is not { ClosedAt: null } @case || @case.Phase is CasePhase.Closed)
        {
            throw new LegalDecisionRefusedException("the account has no open case");
        }

        if (@case.Phase == CasePhase.Filed)
        {
            throw new LegalDecisionRefusedException("the case is already in court");
        }

        if (@case.Phase == CasePhase.LegalReview)
        {
            // Asked again: it is where the creditor wants it; nothing changes.
            return new("already-in-review", @case.Phase, []);
        }

        var steps = state.Steps;
        CancelPlanned(steps, $"legal review requested by {by}");
        steps.Add(AddEventStep(@case, steps, LegalKey("review-requested", now), CasePhase.LegalReview, now, Why(by, "asks for legal review", Clean(note))));
        @case.Phase = CasePhase.LegalReview;
        SetNext(@case, steps);
        await db.SaveChangesAsync(ct);
        return new("legal-review", @case.Phase, []);
    }

    // Filing ends the strategy: what follows is the court's procedure, not reminders (no dunning letter may claim a court
    // step that is not taken, and none is needed once one is).
    private void EnterFiled(Case @case, List<CaseStep> steps, LegalFiling filing, Instant now, string why)
    {
        CancelPlanned(steps, $"{filing.Text()} filed");
        steps.Add(AddEventStep(@case, steps, LegalKey("filed", now), CasePhase.Filed, now, why));
        @case.Phase = CasePhase.Filed;
        SetNext(@case, steps);
    }

    private void Withdraw(LegalActionConsent? consent, bool awaiting)
    {
        if (consent is not null && awaiting)
        {
            // The request no longer stands: the portal stops showing it; the step that made it stays on the timeline.
            db.LegalActionConsents.Remove(consent);
        }
    }

    private static void CancelPlanned(List<CaseStep> steps, string reason)
    {
        foreach (var planned in steps.Where(s => s.Status == CaseStepStatus.Planned))
        {
            planned.Status = CaseStepStatus.Cancelled;
            planned.Note = reason;
        }
    }

    // Readable on the timeline and unique per case (the steps' index): the decision and its instant, at most 51 of the step
    // key's 64 characters ("legal-review-requested@2026-12-04T12:59:06.5410757Z").
    private static string LegalKey(string what, Instant now) => $"{LegalStepPrefix}{what}@{NodaTime.Text.InstantPattern.ExtendedIso.Format(now)}";

    private static string Why(string by, string what, string? note) => Trim(note is null ? $"{by} {what}" : $"{by} {what}: {note}");

    private static string? Clean(string? note) => string.IsNullOrWhiteSpace(note) ? null : Trim(note.Trim());

    private static string Trim(string text) => text.Length <= 500 ? text : text[..500];
}
