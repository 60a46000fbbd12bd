namespace Collections.Dialer.Pacing;

/// <summary>Standard normal density and distribution function.</summary>
internal static class Normal
{
    private const double InvSqrt2Pi = 0.3989422804014327;

    public static double Pdf(double x) => InvSqrt2Pi * Math.Exp(-0.5 * x * x);

    /// <summary>Phi(x), from erfc with the Numerical Recipes Chebyshev fit (error below 1.2e-7).</summary>
    public static double Cdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>E[max(0, D)] for D normal with mean <paramref name="mean"/> and sd <paramref name="sd"/>.</summary>
    public static double ExpectedPositivePart(double mean, double sd)
    {
        if (sd <= 1e-12)
        {
            return Math.Max(0, mean);
        }

        var z = mean / sd;
        return (mean * Cdf(z)) + (sd * Pdf(z));
    }

    private static double Erfc(double x)
    {
        ReadOnlySpan<double> c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
            0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        var poly = c[^1];
        for (var i = c.Length - 2; i >= 0; i--)
        {
            poly = c[i] + (t * poly);
        }

        var r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}
