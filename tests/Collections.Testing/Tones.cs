namespace Collections.Testing;

/// <summary>Test tones and how loud one frequency is in a signal (Goertzel's algorithm), to tell parties of a call apart by
/// the tone each one sends.</summary>
public static class Tones
{
    /// <summary><paramref name="count"/> samples at 8 kHz of a sine at <paramref name="frequency"/> Hz, amplitude <paramref name="amplitude"/>.</summary>
    public static short[] Sine(double frequency, int count, double amplitude = 8000, int offset = 0) =>
        [.. Enumerable.Range(offset, count).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 8000.0)))];

    /// <summary>The amplitude of <paramref name="frequency"/> Hz in <paramref name="samples"/> (8 kHz): about the sine's
    /// amplitude when the tone is there, near 0 when it is not (Goertzel, with a Hann window so neighbours do not leak), at <paramref name="sampleRate"/> samples per second.</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        if (samples.Length == 0)
        {
            return 0;
        }

        var n = samples.Length;
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0, windowSum = 0;
        for (var i = 0; i < n; i++)
        {
            var w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (n - 1)));
            windowSum += w;
            var s0 = (samples[i] * w) + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return 2 * Math.Sqrt(Math.Max(power, 0)) / windowSum;
    }

    /// <summary>How many of the consecutive windows of <paramref name="windowSamples"/> carry <paramref name="frequency"/>
    /// louder than <paramref name="threshold"/>.</summary>
    public static int WindowsWith(ReadOnlySpan<short> samples, double frequency, int windowSamples = 800, double threshold = 1000, int sampleRate = 8000)
    {
        var count = 0;
        for (var offset = 0; offset + windowSamples <= samples.Length; offset += windowSamples)
        {
            if (Amplitude(samples.Slice(offset, windowSamples), frequency, sampleRate) > threshold)
            {
                count++;
            }
        }

        return count;
    }
}
