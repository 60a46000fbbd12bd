namespace Collections.Dialer.Simulation;

/// <summary>A distribution of durations in seconds, as a scenario file describes it.</summary>
public abstract record Distribution
{
    /// <summary>The mean of the variable.</summary>
    public abstract double Mean { get; }

    /// <summary>Draws one value (never negative).</summary>
    public abstract double Sample(Random random);
}

/// <summary>Always <paramref name="Value"/>.</summary>
public sealed record FixedDistribution(double Value) : Distribution
{
    /// <inheritdoc />
    public override double Mean => Value;

    /// <inheritdoc />
    public override double Sample(Random random) => Value;
}

/// <summary>Uniform on [min, max].</summary>
public sealed record UniformDistribution(double Min, double Max) : Distribution
{
    /// <inheritdoc />
    public override double Mean => (Min + Max) / 2;

    /// <inheritdoc />
    public override double Sample(Random random) => Min + ((Max - Min) * random.NextDouble());
}

/// <summary>Exponential with the given mean.</summary>
public sealed record ExponentialDistribution(double MeanValue) : Distribution
{
    /// <inheritdoc />
    public override double Mean => MeanValue;

    /// <inheritdoc />
    public override double Sample(Random random) => -MeanValue * Math.Log(1 - random.NextDouble());
}

/// <summary>
/// Lognormal whose variable (not its logarithm) has the given mean and standard deviation:
/// sigma^2 = ln(1 + sd^2 / mean^2), mu = ln(mean) - sigma^2 / 2.
/// </summary>
public sealed record LognormalDistribution(double MeanValue, double Sd) : Distribution
{
    private readonly double _sigma = Math.Sqrt(Math.Log(1 + (Sd * Sd / (MeanValue * MeanValue))));

    /// <inheritdoc />
    public override double Mean => MeanValue;

    /// <inheritdoc />
    public override double Sample(Random random)
    {
        // Box-Muller; one normal per draw keeps the stream of draws simple to reason about.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        var mu = Math.Log(MeanValue) - (_sigma * _sigma / 2);
        return Math.Exp(mu + (_sigma * z));
    }
}
