using System.ComponentModel.DataAnnotations;

namespace Collections.Shared.Abandonment;

/// <summary>How abandonment is counted, bound from <c>Collections:Abandonment</c>.</summary>
public sealed class AbandonmentOptions
{
    public const string Section = "Collections:Abandonment";

    /// <summary>
    /// The share of answering-machine verdicts that were in fact live people (AMD false positives). A person the dialer hung
    /// up on as a machine was abandoned, so Ofcom expects AMD users to add a reasoned estimate of these calls to the abandoned
    /// calls (persistent-misuse statement 2016, Annex 3, "Calculating the abandoned call rate"). Default: the shipped `default`
    /// AMD profile on the held-out corpus, where 9 of 44 MACHINE verdicts were people (`amd-eval tests/corpus/amd`,
    /// docs/amd.md). The corpus is synthetic speech: replace this with a share measured by listening to recorded calls.
    /// </summary>
    [Range(0.0, 1.0)]
    public double AmdFalsePositiveShare { get; set; } = 0.205;

    /// <summary>How many reviewed verdicts the configured share is worth when operators' reviews update it.</summary>
    [Range(0.0, 100000.0)]
    public double AmdFalsePositivePriorWeight { get; set; } = AmdFalsePositiveEstimate.DefaultPriorWeight;

    /// <summary>The campaign's false-positive estimate from the configured share and the reviews so far (the one estimate
    /// pacing, the wallboard and the statistics use).</summary>
    public AmdFalsePositiveEstimate Estimate(long reviewed = 0, long reviewedPeople = 0) =>
        new(AmdFalsePositiveShare, AmdFalsePositivePriorWeight, reviewed, reviewedPeople);

    /// <summary>The campaign's estimate from the configured share and its operators' marks (<see cref="AmdMarks"/>).</summary>
    public AmdFalsePositiveEstimate Estimate(AmdReviewCounts marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        return Estimate(marks.Reviewed, marks.ReviewedPeople);
    }

    /// <summary>Abandoned over answered by a person, with the estimated AMD false positives added to both.</summary>
    public static double Rate(int abandoned, int answeredByPerson, double estimatedFalsePositives)
    {
        var denominator = answeredByPerson + estimatedFalsePositives;
        return denominator <= 0 ? 0.0 : (abandoned + estimatedFalsePositives) / denominator;
    }
}
