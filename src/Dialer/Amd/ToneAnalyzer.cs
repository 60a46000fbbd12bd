using System.Runtime.Intrinsics;

namespace Collections.Dialer.Amd;

/// <summary>
/// Finds the strongest steady tone in a frame with a bank of Goertzel filters (G. Goertzel, "An algorithm
/// for the evaluation of finite trigonometric series", 1958) spaced every 25 Hz across the beep band.
/// </summary>
/// <remarks>
/// Purity is the share of the frame's (DC-free) energy at the best filter: for a sine that lies on a
/// filter's frequency, 2|X|^2 / (N * sum x^2) = 1. With 25 Hz spacing and 20 ms frames (50 Hz
/// resolution) a tone half-way between two filters still scores about 0.8, while voiced speech spreads
/// its energy over many harmonics and rarely passes 0.5.
/// </remarks>
public sealed class ToneAnalyzer
{
    private const double SampleRate = 8000;
    private const int Spacing = 25;
    private readonly double[] _coefficients;
    private readonly int[] _frequencies;

    /// <summary>Creates a filter bank from <paramref name="minFrequency"/> to <paramref name="maxFrequency"/> Hz.</summary>
    public ToneAnalyzer(int minFrequency, int maxFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minFrequency);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxFrequency, minFrequency);
        var count = ((maxFrequency - minFrequency) / Spacing) + 1;
        _frequencies = new int[count];
        _coefficients = new double[count];
        for (var i = 0; i < count; i++)
        {
            _frequencies[i] = minFrequency + (i * Spacing);
            _coefficients[i] = 2 * Math.Cos(2 * Math.PI * _frequencies[i] / SampleRate);
        }
    }

    /// <summary>The strongest filter's frequency (Hz) and its share of the frame energy (0..1).</summary>
    public (int Frequency, double Purity) Analyze(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty)
        {
            return (0, 0);
        }

        double mean = 0;
        foreach (var s in frame)
        {
            mean += s;
        }

        mean /= frame.Length;
        Span<double> x = stackalloc double[frame.Length];
        double energy = 0;
        for (var i = 0; i < frame.Length; i++)
        {
            x[i] = frame[i] - mean;
            energy += x[i] * x[i];
        }

        if (energy <= 0)
        {
            return (0, 0);
        }

        Span<double> powers = stackalloc double[_coefficients.Length];
        var k = 0;

        // Four filters at a time in one vector: each filter's recurrence waits on its previous sample, so running four
        // side by side hides that latency (the detector runs this on most chunks of speech). Each lane does the scalar
        // loop's operations in the same order, so the powers are bit-for-bit those of the scalar loop below.
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 4 <= _coefficients.Length; k += 4)
            {
                var c = Vector256.Create(_coefficients[k], _coefficients[k + 1], _coefficients[k + 2], _coefficients[k + 3]);
                Vector256<double> s1 = Vector256<double>.Zero, s2 = Vector256<double>.Zero;
                for (var i = 0; i < x.Length; i++)
                {
                    var s0 = Vector256.Create(x[i]) + (c * s1) - s2;
                    s2 = s1;
                    s1 = s0;
                }

                var power = (s1 * s1) + (s2 * s2) - (c * s1 * s2);
                power.CopyTo(powers[k..]);
            }
        }

        for (; k < _coefficients.Length; k++)
        {
            var c = _coefficients[k];
            double s1 = 0, s2 = 0;
            for (var i = 0; i < x.Length; i++)
            {
                var s0 = x[i] + (c * s1) - s2;
                s2 = s1;
                s1 = s0;
            }

            powers[k] = (s1 * s1) + (s2 * s2) - (c * s1 * s2);
        }

        var best = 0;
        double bestPower = -1;
        for (k = 0; k < powers.Length; k++)
        {
            if (powers[k] > bestPower)
            {
                bestPower = powers[k];
                best = k;
            }
        }

        var purity = 2 * bestPower / (x.Length * energy);
        return (_frequencies[best], Math.Min(1.0, purity));
    }
}
