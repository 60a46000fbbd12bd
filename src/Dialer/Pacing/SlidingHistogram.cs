namespace Collections.Dialer.Pacing;

/// <summary>
/// Counts of a duration in fixed-width bins held in a Fenwick tree, so adding or removing a sample
/// and reading how many are at most a value are O(log bins).
/// </summary>
internal sealed class BinnedCounts
{
    private readonly double _binWidth;
    private readonly long[] _tree;

    public BinnedCounts(double binWidth, double maxValue)
    {
        _binWidth = binWidth;
        Bins = (int)Math.Ceiling(maxValue / binWidth) + 1;
        _tree = new long[Bins + 1];
    }

    public int Bins { get; }

    public long Total { get; private set; }

    public double MaxValue => (Bins - 1) * _binWidth;

    public void Add(double value, int delta = 1)
    {
        Total += delta;
        var bin = Math.Min(Bins - 1, (int)(Math.Clamp(value, 0, MaxValue) / _binWidth));
        for (var i = bin + 1; i <= Bins; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    /// <summary>Samples not above <paramref name="value"/>, interpolated linearly inside a bin.</summary>
    public double CountAtMost(double value)
    {
        if (value < 0)
        {
            return 0;
        }

        if (value >= MaxValue)
        {
            return Total;
        }

        var position = value / _binWidth;
        var bin = (int)position;
        var below = Prefix(bin - 1);
        var inBin = Prefix(bin) - below;
        return below + (inBin * (position - bin));
    }

    /// <summary>Samples above <paramref name="value"/>.</summary>
    public double CountAbove(double value) => Total - CountAtMost(value);

    private long Prefix(int bin)
    {
        long total = 0;
        for (var i = bin + 1; i > 0; i -= i & -i)
        {
            total += _tree[i];
        }

        return total;
    }
}

/// <summary>
/// Distribution of the most recent samples of a duration, so estimates follow a drifting population.
/// </summary>
internal sealed class SlidingHistogram(double binWidth, double maxValue, int capacity)
{
    private readonly BinnedCounts _counts = new(binWidth, maxValue);
    private readonly double[] _window = new double[capacity];
    private int _next;
    private double _sum;

    public int Count { get; private set; }

    public double Mean => Count == 0 ? 0 : _sum / Count;

    public double MaxValue => _counts.MaxValue;

    public void Add(double value)
    {
        value = Math.Clamp(value, 0, _counts.MaxValue);
        if (Count == _window.Length)
        {
            var old = _window[_next];
            _counts.Add(old, -1);
            _sum -= old;
        }
        else
        {
            Count++;
        }

        _window[_next] = value;
        _next = (_next + 1) % _window.Length;
        _counts.Add(value);
        _sum += value;
    }

    /// <summary>P(X &lt;= value) over the window; zero when empty.</summary>
    public double Cdf(double value) => Count == 0 ? 0 : _counts.CountAtMost(value) / Count;
}
