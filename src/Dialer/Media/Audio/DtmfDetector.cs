namespace Collections.Dialer.Media.Audio;

/// <summary>
/// In-band DTMF (ITU-T Q.23 frequencies) in 8 kHz PCM, for callers whose carrier sends the keys as tones in the audio rather
/// than as RFC 4733 events: a Goertzel filter per row and column frequency over each 20 ms frame (G. Goertzel, "An algorithm
/// for the evaluation of finite trigonometric series", 1958; 160 samples give 50 Hz bins, finer than the 73 Hz between the
/// closest tones). A digit needs the strongest row and column tone well above the others of their group, twist within
/// 8 dB (Q.24 allows 4-8 dB), most of the frame's energy in the two tones (speech spreads it), held for two frames (40 ms,
/// Q.24's minimum is 40 ms); it is reported once, and again only after a frame without it.
/// </summary>
internal sealed class DtmfDetector
{
    private static readonly double[] Rows = [697, 770, 852, 941];
    private static readonly double[] Columns = [1209, 1336, 1477, 1633];
    private static readonly char[,] Keys = { { '1', '2', '3', 'A' }, { '4', '5', '6', 'B' }, { '7', '8', '9', 'C' }, { '*', '0', '#', 'D' } };

    private char? _candidate;
    private int _frames;
    private bool _reported;

    /// <summary>Feeds one frame; returns a digit the moment it is recognised, else null.</summary>
    public char? Push(ReadOnlySpan<short> frame)
    {
        var digit = Detect(frame);
        if (digit != _candidate)
        {
            _candidate = digit;
            _frames = digit is null ? 0 : 1;
            _reported = false;
            return null;
        }

        if (digit is null || _reported || ++_frames < 2)
        {
            return null;
        }

        _reported = true;
        return digit;
    }

    private static char? Detect(ReadOnlySpan<short> frame)
    {
        if (frame.Length < 100)
        {
            return null;
        }

        double total = 0;
        foreach (var s in frame)
        {
            total += (double)s * s;
        }

        // Below about -40 dBFS: silence or line noise.
        if (total / frame.Length < 100 * 100)
        {
            return null;
        }

        var (row, rowPower, rowNext) = Strongest(frame, Rows);
        var (column, columnPower, columnNext) = Strongest(frame, Columns);
        var twist = rowPower / columnPower;
        if (rowPower < 6.3 * rowNext || columnPower < 6.3 * columnNext || twist > 6.3 || twist < 1 / 6.3)
        {
            return null;
        }

        // Goertzel power of a full-scale-relative tone is about (N/2)^2 * A^2 / 4 ... compared with the frame's energy in the
        // same units: the two tones must carry most of it.
        var tonal = (rowPower + columnPower) * 2 / frame.Length;
        return tonal >= 0.6 * total ? Keys[row, column] : null;
    }

    private static (int Index, double Power, double Next) Strongest(ReadOnlySpan<short> frame, double[] frequencies)
    {
        var best = -1;
        double bestPower = 0, next = 0;
        for (var i = 0; i < frequencies.Length; i++)
        {
            var p = Goertzel(frame, frequencies[i]);
            if (p > bestPower)
            {
                next = bestPower;
                bestPower = p;
                best = i;
            }
            else if (p > next)
            {
                next = p;
            }
        }

        return (Math.Max(best, 0), bestPower, next);
    }

    private static double Goertzel(ReadOnlySpan<short> frame, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / 8000);
        double s1 = 0, s2 = 0;
        foreach (var x in frame)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }
}
