namespace Collections.Shared.Abandonment;

/// <summary>
/// The one estimate of how many of a campaign's MACHINE verdicts were live people (AMD false positives), used alike by
/// pacing, the wallboard and the statistics: the configured share (set from the AMD evaluation, or from recordings
/// reviewed) counted as <see cref="PriorWeight"/> verdicts' worth of evidence, updated by the verdicts operators later
/// reviewed (a MACHINE verdict passed to an operator, who marked it "person" or "machine").
/// </summary>
/// <remarks>
/// Ofcom expects a user of AMD to add a reasoned estimate of its false positives to the abandoned calls (Revised statement
/// of policy on the persistent misuse of an electronic communications network or service, 2016, Annex 3); a measured share
/// is the best reason there is. The posterior mean of a Beta prior centred on the configured share with
/// <see cref="PriorWeight"/> pseudo-verdicts is (people marked + share x weight) / (reviewed + weight): with no reviews it is
/// the configured share; with many it is the measured one.
/// </remarks>
/// <param name="ConfiguredShare">The share configured for the campaign (0..1).</param>
/// <param name="PriorWeight">How many reviewed verdicts the configured share is worth.</param>
/// <param name="Reviewed">MACHINE verdicts an operator reviewed.</param>
/// <param name="ReviewedPeople">Of those, the ones the operator marked as a person.</param>
public readonly record struct AmdFalsePositiveEstimate(double ConfiguredShare, double PriorWeight, long Reviewed, long ReviewedPeople)
{
    /// <summary>Pseudo-verdicts the configured share is worth unless configured otherwise.</summary>
    /// <remarks>
    /// 20, not more: the configured share comes from an evaluation on another population (a corpus, another campaign), weak
    /// evidence of the field. With 50 the upper bound on a share configured at 4 % stayed near 9 % while a poor detector's
    /// real share was 14 %, and a 5-agent team (few reviews a day) went to 3.11 % in one of six seeded runs of
    /// poor-amd-team-5; with 20 the bound starts near 14 % and the reviews move the share faster (docs/performance.md, Pacing).
    /// </remarks>
    public const double DefaultPriorWeight = 20;

    /// <summary>The estimated share of MACHINE verdicts that were people.</summary>
    public double Share => Reviewed + PriorWeight <= 0
        ? ConfiguredShare
        : (ReviewedPeople + (ConfiguredShare * PriorWeight)) / (Reviewed + PriorWeight);

    /// <summary>
    /// An upper confidence bound on the share (Wilson score interval, E. B. Wilson 1927, with the prior's pseudo-verdicts
    /// counted as observations): what a safety decision may assume while few verdicts have been reviewed.
    /// </summary>
    /// <param name="z">Standard normal quantile (1.645 for a one-sided 95 % bound).</param>
    public double UpperShare(double z)
    {
        var n = Reviewed + PriorWeight;
        if (n <= 0)
        {
            return 1;
        }

        var p = Share;
        var z2 = z * z;
        var centre = p + (z2 / (2 * n));
        var spread = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return Math.Min(1, (centre + spread) / (1 + (z2 / n)));
    }

    /// <summary>The estimated people among <paramref name="machineVerdicts"/> calls hung up (or given a message) as machines.</summary>
    public double PeopleAmong(double machineVerdicts) => machineVerdicts * Share;

    /// <summary>The same estimate with one more reviewed verdict.</summary>
    public AmdFalsePositiveEstimate WithReview(bool wasPerson) =>
        this with { Reviewed = Reviewed + 1, ReviewedPeople = ReviewedPeople + (wasPerson ? 1 : 0) };
}
