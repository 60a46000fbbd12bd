using Collections.Shared.Domain;

namespace Collections.Shared.Legal;

/// <summary>What the legal team decides on a case in legal review (issue 16, item 1).</summary>
public enum LegalDecision
{
    /// <summary>Take the claim to court (<see cref="LegalFiling"/>); with the creditor's consent first where its policy asks.</summary>
    File = 1,

    /// <summary>Back to amicable collection: a follow-up call is queued and the strategy's remaining steps go on.</summary>
    ReturnToAmicable = 2,

    /// <summary>Close the case as uncollectable.</summary>
    CloseUncollectable = 3,

    /// <summary>Close the case and hand the claim back to the creditor.</summary>
    ReturnToCreditor = 4,
}

/// <summary>How a claim is taken to court.</summary>
public enum LegalFiling
{
    /// <summary>An ordinary court claim (Klage, keresetlevél, claim form N1).</summary>
    CourtClaim = 1,

    /// <summary>A payment order (DE gerichtliches Mahnverfahren, ZPO §§ 688 ff.; HU fizetési meghagyás, 2009. évi L. törvény;
    /// GB Money Claim Online).</summary>
    PaymentOrder = 2,
}

/// <summary>A decision or answer the rules refuse (the case is not in legal review, consent is awaited, a note is missing);
/// the message says why.</summary>
public sealed class LegalDecisionRefusedException(string message) : InvalidOperationException(message);

/// <summary>What a legal decision did: "filed", "consent-requested", "returned-to-amicable", "closed-uncollectable",
/// "returned-to-creditor", "consent-refused"; the case's phase after it; the timed work to schedule.</summary>
public sealed record LegalDecisionResult(string Outcome, CasePhase Phase, IReadOnlyList<Workflow.WorkItem> Work);

/// <summary>The stable text forms of the legal decisions (API, pages, step keys).</summary>
public static class LegalTexts
{
    public static string Text(this LegalDecision decision) => decision switch
    {
        LegalDecision.File => "file",
        LegalDecision.ReturnToAmicable => "return-to-amicable",
        LegalDecision.CloseUncollectable => "close-uncollectable",
        LegalDecision.ReturnToCreditor => "return-to-creditor",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };

    public static string Text(this LegalFiling filing) => filing switch
    {
        LegalFiling.CourtClaim => "court-claim",
        LegalFiling.PaymentOrder => "payment-order",
        _ => throw new ArgumentOutOfRangeException(nameof(filing), filing, null),
    };

    public static LegalDecision? ParseDecision(string? text) =>
        Enum.GetValues<LegalDecision>().Cast<LegalDecision?>().FirstOrDefault(d => d!.Value.Text() == text);

    public static LegalFiling? ParseFiling(string? text) =>
        Enum.GetValues<LegalFiling>().Cast<LegalFiling?>().FirstOrDefault(f => f!.Value.Text() == text);
}
