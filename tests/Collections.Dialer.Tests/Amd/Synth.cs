namespace Collections.Dialer.Tests.Amd;

/// <summary>Builds synthetic 8 kHz call audio from answer: silence, noise-like "speech", tones.</summary>
internal sealed class Synth
{
    private readonly List<short> _samples = [];
    private readonly Random _random;
    private readonly double _background;

    /// <param name="background">Mean absolute amplitude of background noise under everything (0 = digital silence).</param>
    public Synth(double background = 0, int seed = 7)
    {
        _random = new Random(seed);
        _background = background;
    }

    public int Ms => _samples.Count / 8;

    public short[] Samples => [.. _samples];

    public Synth Silence(int ms) => Add(ms, _ => 0);

    /// <summary>A burst of speech-like sound: broadband noise shaped by a syllable envelope, mean |x| about <paramref name="level"/>.</summary>
    public Synth Word(int ms, double level = 3000)
    {
        var n = ms * 8;
        return Add(ms, i => Gaussian() * level * 1.25 * (0.6 + (0.4 * Math.Sin(Math.PI * i / n))));
    }

    /// <summary>Words separated by gaps.</summary>
    public Synth Words(int count, int wordMs, int gapMs, double level = 3000)
    {
        for (var i = 0; i < count; i++)
        {
            Word(wordMs, level);
            if (i < count - 1)
            {
                Silence(gapMs);
            }
        }

        return this;
    }

    public Synth Tone(int ms, double frequency, double amplitude = 8000)
    {
        var start = _samples.Count;
        return Add(ms, i => amplitude * Math.Sin(2 * Math.PI * frequency * (start + i) / 8000.0));
    }

    private Synth Add(int ms, Func<int, double> signal)
    {
        for (var i = 0; i < ms * 8; i++)
        {
            var value = signal(i) + (_background > 0 ? Gaussian() * _background * 1.25 : 0);
            _samples.Add((short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue));
        }

        return this;
    }

    private double Gaussian()
    {
        // Box-Muller; mean |N(0,1)| is 0.8, hence the 1.25 factors above to hit a mean absolute level.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
