using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Collections.Shared.Time;

/// <summary>The clock of the console host and of the ops CLI's verbs, bound from <c>Collections:Clock</c>. By default the system
/// clock; for end-to-end tests and rehearsals (never in Production, where both refuse it) a clock moved by an offset that another process writes into a file, so a
/// whole running host, its scheduler, dialer and compliance rules included, can be taken through days in minutes and keep its
/// time across a restart.</summary>
public sealed class ClockOptions
{
    public const string Section = "Collections:Clock";

    /// <summary>A file holding the offset from the system clock, in seconds (for example <c>432000.5</c>); re-read while the
    /// host runs. Unset: the system clock.</summary>
    public string? OffsetFile { get; set; }

    /// <summary>How often the file is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Why these options are refused in <paramref name="environmentName"/>, or null: a moved clock is never allowed in
    /// Production, where calling hours and call caps read it.</summary>
    public string? Refusal(string environmentName) => OffsetFile is not null && string.Equals(environmentName, "Production", StringComparison.OrdinalIgnoreCase)
        ? $"{Section}:{nameof(OffsetFile)} moves the clock and is refused in Production (calling hours and call caps read it)."
        : null;

    /// <summary>The clock these options ask for: the system clock, or an <see cref="OffsetClock"/> reading <see cref="OffsetFile"/>.
    /// Check <see cref="Refusal"/> first.</summary>
    public TimeProvider Create() => OffsetFile is { } file ? new OffsetClock(file, PollInterval) : TimeProvider.System;
}

/// <summary>The system clock moved by an offset read from a file (<see cref="ClockOptions.OffsetFile"/>). Timers and delays run
/// on real time, as durations do not change; only "now" moves. A missing or unreadable file means no offset.</summary>
public sealed class OffsetClock(string offsetFile, TimeSpan pollInterval) : TimeProvider
{
    private readonly Lock _gate = new();
    private long _readAt = long.MinValue;
    private TimeSpan _offset;

    /// <summary>The offset in force now.</summary>
    public TimeSpan Offset
    {
        get
        {
            var stamp = System.GetTimestamp();
            lock (_gate)
            {
                if (_readAt == long.MinValue || System.GetElapsedTime(_readAt, stamp) >= pollInterval)
                {
                    _offset = Read(offsetFile);
                    _readAt = stamp;
                }

                return _offset;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Writes <paramref name="offset"/> for a host whose clock reads <paramref name="file"/> (tests and rehearsal scripts).</summary>
    public static void Write(string file, TimeSpan offset)
    {
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, offset.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
        File.Move(temporary, file, overwrite: true);
    }

    private static TimeSpan Read(string file)
    {
        try
        {
            return double.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.Zero;
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
