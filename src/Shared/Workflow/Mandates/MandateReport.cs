using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Collections.Shared.Workflow.Mandates;

/// <summary>A step of the case the mandate holds back, or held back and skipped.</summary>
/// <param name="Step">The step's key.</param>
/// <param name="Channel">Its channel.</param>
/// <param name="Status">"planned" (waiting) or "skipped".</param>
/// <param name="DueAt">When it is due now (planned) or was due (skipped).</param>
/// <param name="Reason">Why ("held back by the mandate: no SMS before the first letter ...").</param>
public sealed record MandateHeldStep(string Step, string Channel, string Status, string DueAt, string Reason);

/// <summary>The mandate as <c>explain</c> shows it: the creditor's rules, the verdict on the case's next step and the held steps.</summary>
/// <param name="Channels">The channels the mandate allows ("every channel" when unrestricted).</param>
/// <param name="Limits">Maximum frequency per channel ("letter:1/14"), or null.</param>
/// <param name="NoSmsBeforeFirstLetter">No SMS before the case's first letter.</param>
/// <param name="NextStep">The case's next planned step, or null.</param>
/// <param name="NextStepVerdict">"allowed" or the mandate's reason for holding it back at the instant explained.</param>
/// <param name="Held">Steps the mandate held back.</param>
public sealed record MandateReport(string Channels, string? Limits, bool NoSmsBeforeFirstLetter, string? NextStep, string? NextStepVerdict, IReadOnlyList<MandateHeldStep> Held)
{
    /// <summary>The mandate's content variants ("a=b"), or null.</summary>
    public string? TemplateVariants { get; init; }

    /// <summary>The wording the next step will be sent with when the mandate replaces the strategy's ("b, the mandate's variant
    /// of a"); null when it sends the strategy's own or the step sends nothing.</summary>
    public string? NextStepVariant { get; init; }

    /// <summary>The report for the case of <paramref name="accountId"/> at <paramref name="at"/>; null when it has no case.</summary>
    public static async Task<MandateReport?> LoadAsync(CollectionsDbContext db, AccountId accountId, Instant at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var found = await (from c in db.Cases.AsNoTracking()
                           join a in db.Accounts on c.AccountId equals a.Id
                           join cr in db.Creditors on a.CreditorId equals cr.Id
                           where c.AccountId == accountId
                           select new { Case = c, cr.Policy }).SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        var steps = await db.CaseSteps.AsNoTracking().Where(s => s.CaseId == found.Case.Id).ToListAsync(ct);
        var next = steps.Where(s => s.Status == CaseStepStatus.Planned).OrderBy(s => s.DueAt).ThenBy(s => s.Sequence).FirstOrDefault();
        var verdict = next is null ? null : Mandate.Check(found.Policy, next, steps, at)?.Reason ?? "allowed";
        var held = steps.Where(s => s.Note is { } note && note.StartsWith(Mandate.HeldPrefix, StringComparison.Ordinal))
            .OrderBy(s => s.Sequence)
            .Select(s => new MandateHeldStep(s.StepKey, s.Channel is { } c ? Mandate.Name(c) : "-", s.Status.ToString().ToLowerInvariant(), InstantPattern.General.Format(s.DueAt), s.Note!))
            .ToList();
        // A planned step's note is its template until the mandate holds it back.
        var template = next?.Note is { } note && !note.StartsWith(Mandate.HeldPrefix, StringComparison.Ordinal) ? note : null;
        var variant = Mandate.VariantOf(found.Policy, template);
        return new MandateReport(found.Policy.MandateChannels ?? "every channel", found.Policy.ChannelLimits, found.Policy.NoSmsBeforeFirstLetter, next?.StepKey, verdict, held)
        {
            TemplateVariants = found.Policy.TemplateVariants,
            NextStepVariant = variant != template ? $"{variant}, the mandate's variant of {template}" : null,
        };
    }
}
