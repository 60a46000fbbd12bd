namespace Collections.Dialer.Amd;

/// <summary>
/// Tracks the background level of a call as the minimum frame energy over a sliding window
/// (minimum statistics, after R. Martin, "Noise power spectral density estimation based on optimal
/// smoothing and minimum statistics", IEEE Trans. Speech Audio Process. 9(5), 2001, reduced to one band).
/// Speech has pauses between words, so the minimum over a second or so sits on the noise. The floor falls
/// at once but rises at most <see cref="MaxRisePerSecond"/> times per second, so one long continuous sound
/// (a machine's announcement, music on hold) is not taken for background within a window.
/// </summary>
public sealed class NoiseFloorTracker
{
    private readonly double[] _window;
    private int _count;
    private int _next;
    private readonly double _risePerFrame;
    private double _smoothed = -1;
    private bool _seeded;

    /// <summary>Creates a tracker over <paramref name="windowFrames"/> frames.</summary>
    public NoiseFloorTracker(int windowFrames, int frameMs = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowFrames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameMs);
        _window = new double[windowFrames];
        _risePerFrame = Math.Pow(MaxRisePerSecond, frameMs / 1000.0);
    }

    /// <summary>Largest factor by which the floor may rise in one second (2.0 = 6 dB/s).</summary>
    public const double MaxRisePerSecond = 2.0;

    /// <summary>The current floor (mean absolute amplitude); 0 before the first frame.</summary>
    public double Floor { get; private set; }

    /// <summary>Starts from a known floor (for example the one the AMD detector reached) instead of the first frame.</summary>
    public void Seed(double floor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floor);
        Floor = floor;
        _seeded = true;
    }

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

        // The first frame sets the floor; after that it may rise only gradually. The lower bound of 1 lets a
        // floor that started on digital silence rise at all.
        Floor = _count == 1 && !_seeded ? min : Math.Min(min, Math.Max(Floor, 1.0) * _risePerFrame);
        return Floor;
    }
}
