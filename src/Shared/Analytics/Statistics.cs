namespace Collections.Shared.Analytics;

/// <summary>An estimate with its interval.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public readonly record struct Estimate(double Value, double Low, double High);

/// <summary>The comparison of a challenger arm with the champion.</summary>
/// <param name="Difference">Challenger minus champion.</param>
/// <param name="Low">Lower end of the always-valid confidence sequence for the difference.</param>
/// <param name="High">Upper end.</param>
/// <param name="PValue">Always-valid p-value (mixture sequential probability ratio test).</param>
/// <param name="Significant">True when <paramref name="PValue"/> is below the configured alpha.</param>
public readonly record struct SequentialComparison(double Difference, double Low, double High, double PValue, bool Significant);

/// <summary>Running sums of one sample: count, mean and variance without keeping the values (Welford's update).</summary>
public sealed class Moments
{
    private double _mean;
    private double _m2;

    /// <summary>Number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Mean of the values (0 when none).</summary>
    public double Mean => _mean;

    /// <summary>Unbiased sample variance (0 with fewer than two values).</summary>
    public double Variance => Count > 1 ? _m2 / (Count - 1) : 0;

    /// <summary>Adds one value.</summary>
    public void Add(double value)
    {
        Count++;
        var delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
    }
}

/// <summary>
/// The statistics of the effectiveness analytics (docs/analytics.md). Intervals on one arm are fixed-sample intervals at
/// the confidence 1 - alpha; the comparison of arms is sequential, so that looking at the page every day does not raise the
/// chance of a false "significant": the mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis and
/// Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests" (Operations Research 70(3), 2022), section 4, for
/// the difference of two means with a normal mixing distribution N(0, tau^2) over the effect. Its p-value is valid at any
/// data-dependent stopping time: P(ever p &lt; alpha | no effect) &lt;= alpha.
/// </summary>
public static class Statistics
{
    /// <summary>The (1 - alpha/2) quantile of the standard normal distribution.</summary>
    public static double Z(double alpha) => -NormalQuantile(alpha / 2);

    /// <summary>Mean of <paramref name="sample"/> with its normal-approximation interval at confidence 1 - <paramref name="alpha"/>.</summary>
    public static Estimate Mean(Moments sample, double alpha)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Count == 0)
        {
            return new Estimate(0, 0, 0);
        }

        var half = Z(alpha) * Math.Sqrt(sample.Variance / sample.Count);
        return new Estimate(sample.Mean, sample.Mean - half, sample.Mean + half);
    }

    /// <summary>A proportion with its Wilson score interval at confidence 1 - <paramref name="alpha"/> (E. B. Wilson, JASA 22, 1927),
    /// which stays inside [0, 1] and is honest for small counts, unlike the normal approximation.</summary>
    public static Estimate Proportion(long successes, long trials, double alpha)
    {
        if (trials == 0)
        {
            return new Estimate(0, 0, 1);
        }

        var z = Z(alpha);
        var p = (double)successes / trials;
        var denominator = 1 + z * z / trials;
        var centre = (p + z * z / (2 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The ratio sum(y)/sum(x) (collected per cost unit, liquidation rate) with a delta-method interval: the variance of the
    /// ratio estimator is var(y - r x) / (n mean(x)^2) (Cochran, Sampling Techniques, 3rd ed., section 6.4).
    /// </summary>
    public static Estimate Ratio(IReadOnlyList<(double Y, double X)> pairs, double alpha)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sumX = pairs.Sum(p => p.X);
        if (pairs.Count == 0 || sumX <= 0)
        {
            return new Estimate(0, 0, 0);
        }

        var ratio = pairs.Sum(p => p.Y) / sumX;
        var residuals = new Moments();
        foreach (var (y, x) in pairs)
        {
            residuals.Add(y - ratio * x);
        }

        var meanX = sumX / pairs.Count;
        var half = Z(alpha) * Math.Sqrt(residuals.Variance / pairs.Count) / meanX;
        return new Estimate(ratio, ratio - half, ratio + half);
    }

    /// <summary>
    /// Compares the mean of <paramref name="challenger"/> with that of <paramref name="champion"/> by the two-sample mSPRT with
    /// mixing variance tau^2 = (<paramref name="mixingEffect"/> x pooled standard deviation)^2: with theta the difference of
    /// the means and V its estimated variance (s_a^2/n_a + s_b^2/n_b), the mixture likelihood ratio is
    /// sqrt(V/(V+tau^2)) exp(theta^2 tau^2 / (2V(V+tau^2))), the always-valid p-value is min(1, 1/ratio), and the confidence
    /// sequence is every difference the test would not reject: theta +- sqrt(V(V+tau^2)/tau^2 (ln((V+tau^2)/V) - 2 ln alpha)).
    /// </summary>
    public static SequentialComparison Compare(Moments champion, Moments challenger, double alpha, double mixingEffect)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        var difference = challenger.Mean - champion.Mean;
        if (champion.Count < 2 || challenger.Count < 2)
        {
            return new SequentialComparison(difference, double.NegativeInfinity, double.PositiveInfinity, 1, false);
        }

        var v = champion.Variance / champion.Count + challenger.Variance / challenger.Count;
        var pooledSd = Math.Sqrt(((champion.Count - 1) * champion.Variance + (challenger.Count - 1) * challenger.Variance) / (champion.Count + challenger.Count - 2));
        var tau2 = Math.Pow(mixingEffect * pooledSd, 2);
        if (v <= 0 || tau2 <= 0)
        {
            // Every value equal in both arms: no evidence either way.
            return new SequentialComparison(difference, difference, difference, 1, false);
        }

        var logRatio = 0.5 * Math.Log(v / (v + tau2)) + difference * difference * tau2 / (2 * v * (v + tau2));
        var pValue = Math.Min(1, Math.Exp(-logRatio));
        var half = Math.Sqrt(v * (v + tau2) / tau2 * (Math.Log((v + tau2) / v) - 2 * Math.Log(alpha)));
        return new SequentialComparison(difference, difference - half, difference + half, pValue, pValue < alpha);
    }

    /// <summary>The fixed-sample two-sided z-test p-value of the same difference: correct for one look decided in advance, and
    /// wrong when looked at repeatedly (kept for the test that shows why the page does not use it).</summary>
    public static double FixedSamplePValue(Moments champion, Moments challenger)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        var v = champion.Variance / champion.Count + challenger.Variance / challenger.Count;
        return v <= 0 ? 1 : 2 * NormalCdf(-Math.Abs(challenger.Mean - champion.Mean) / Math.Sqrt(v));
    }

    /// <summary>Standard normal distribution function, from <see cref="Erfc"/>.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Standard normal quantile, by P. J. Acklam's rational approximation refined with one Halley step on <see cref="NormalCdf"/> (as exact as it, about 1e-7).</summary>
    public static double NormalQuantile(double p)
    {
        if (p is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        }

        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        double x;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - low)
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        var e = NormalCdf(x) - p;
        var u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>Complementary error function (Numerical Recipes, 3rd ed., erfc by Chebyshev fit; fractional error below 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
