using Collections.Dialer.Amd;

namespace Collections.Dialer.Tests.Amd;

public sealed class ToneAnalyzerTests
{
    private static short[] Sine(double frequency, double amplitude = 8000) =>
        Enumerable.Range(0, 160).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 8000))).ToArray();

    [Theory]
    [InlineData(400)]
    [InlineData(1000)]
    [InlineData(1012.5)] // half-way between two filters: the worst case
    [InlineData(2000)]
    public void PureTone_IsFoundWithHighPurity(double frequency)
    {
        var (found, purity) = new ToneAnalyzer(400, 2000).Analyze(Sine(frequency));

        Assert.InRange(found, frequency - 25, frequency + 25);
        Assert.True(purity > 0.75, $"purity {purity}");
    }

    [Fact]
    public void Noise_HasLowPurity()
    {
        var random = new Random(3);
        var noise = Enumerable.Range(0, 160).Select(_ => (short)random.Next(-4000, 4000)).ToArray();

        var (_, purity) = new ToneAnalyzer(400, 2000).Analyze(noise);

        Assert.True(purity < 0.3, $"purity {purity}");
    }

    [Fact]
    public void TwoToneChord_IsNotPure()
    {
        var a = Sine(700);
        var b = Sine(1300);
        var chord = a.Zip(b, (x, y) => (short)((x + y) / 2)).ToArray();

        var (_, purity) = new ToneAnalyzer(400, 2000).Analyze(chord);

        Assert.InRange(purity, 0.3, 0.65);
    }

    [Fact]
    public void DigitalSilence_HasNoTone() =>
        Assert.Equal((0, 0.0), new ToneAnalyzer(400, 2000).Analyze(new short[160]));
}
