using Collections.Dialer.Simulation;

namespace Collections.Dialer.Tests.Simulation;

public sealed class DistributionTests
{
    private static (double Mean, double Sd) Moments(Distribution distribution, int n = 200_000)
    {
        var random = new Random(12345);
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var x = distribution.Sample(random);
            Assert.True(x >= 0);
            sum += x;
            sumSquares += x * x;
        }

        var mean = sum / n;
        return (mean, Math.Sqrt((sumSquares / n) - (mean * mean)));
    }

    [Fact]
    public void Fixed_always_gives_its_value()
    {
        Assert.Equal((25.0, 0.0), Moments(new FixedDistribution(25), 100));
    }

    [Fact]
    public void Uniform_has_the_mean_and_spread_of_its_interval()
    {
        var (mean, sd) = Moments(new UniformDistribution(0.8, 2.5));

        Assert.Equal(1.65, mean, 0.01);
        Assert.Equal(1.7 / Math.Sqrt(12), sd, 0.01);
    }

    [Fact]
    public void Exponential_has_its_mean_as_mean_and_sd()
    {
        var (mean, sd) = Moments(new ExponentialDistribution(20));

        Assert.Equal(20, mean, 0.3);
        Assert.Equal(20, sd, 0.4);
    }

    [Fact]
    public void Lognormal_mean_and_sd_are_those_of_the_variable_itself()
    {
        var (mean, sd) = Moments(new LognormalDistribution(180, 120));

        Assert.Equal(180, mean, 2.0);
        Assert.Equal(120, sd, 4.0);
    }
}
