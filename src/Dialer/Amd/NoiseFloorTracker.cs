namespace Collections.Dialer.Amd;

/// <summary>
/// Tracks the background level of a call as the minimum frame energy over a sliding window
/// (minimum statistics, after R. Martin, "Noise power spectral density estimation based on optimal
/// smoothing and minimum statistics", IEEE Trans. Speech Audio Process. 9(5), 2001, reduced to one band).
/// Speech has pauses between words, so the minimum over a second or so sits on the noise, and the
/// floor follows both a rising and a falling background within one window.
/// </summary>
public sealed class NoiseFloorTracker
{
    private readonly double[] _window;
    private int _count;
    private int _next;
    private double _smoothed = -1;

    /// <summary>Creates a tracker over <paramref name="windowFrames"/> frames.</summary>
    public NoiseFloorTracker(int windowFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowFrames);
        _window = new double[windowFrames];
    }

    /// <summary>The current floor (mean absolute amplitude); 0 before the first frame.</summary>
    public double Floor { get; private set; }

    /// <summary>Adds one frame's energy and returns the updated floor.</summary>
    public double Update(double frameEnergy)
    {
        // Light smoothing (two frames) so one quiet frame inside a word does not drag the floor down.
        _smoothed = _smoothed < 0 ? frameEnergy : (0.5 * _smoothed) + (0.5 * frameEnergy);
        _window[_next] = _smoothed;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);
        var min = double.MaxValue;
        for (var i = 0; i < _count; i++)
        {
            min = Math.Min(min, _window[i]);
        }

        Floor = min;
        return min;
    }
}
