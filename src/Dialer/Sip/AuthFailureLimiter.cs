using System.Net;

namespace Collections.Dialer.Sip;

/// <summary>
/// Counts failed digest authentications per source address and per extension name (known or not) in a sliding window and
/// blocks a key for a while once it has too many, as fail2ban does for Asterisk. Time comes from the injected clock.
/// </summary>
internal sealed class AuthFailureLimiter(TimeProvider time, int perSource, int perExtension, TimeSpan window, TimeSpan block)
{
    /// <summary>Most keys remembered; beyond it, keys whose window and block are over are forgotten first, then unblocked ones.</summary>
    private const int MaxKeys = 50_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Until when <paramref name="source"/> or <paramref name="extension"/> is blocked, or null when neither is.</summary>
    public DateTimeOffset? BlockedUntil(IPAddress source, string extension)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            DateTimeOffset? until = null;
            foreach (var key in Keys(source, extension))
            {
                if (_entries.TryGetValue(key, out var e) && e.BlockedUntil > now && (until is null || e.BlockedUntil > until))
                {
                    until = e.BlockedUntil;
                }
            }

            return until;
        }
    }

    /// <summary>Counts one failure; returns the keys ("source 10.0.0.9", "extension 1001") that became blocked by it.</summary>
    public IReadOnlyList<(string Key, int Failures)> Fail(IPAddress source, string extension)
    {
        var now = time.GetUtcNow();
        var blocked = new List<(string, int)>();
        lock (_gate)
        {
            if (_entries.Count >= MaxKeys)
            {
                Prune(now);
            }

            foreach (var key in Keys(source, extension))
            {
                var limit = key[0] == 's' ? perSource : perExtension;
                if (!_entries.TryGetValue(key, out var e) || now - e.WindowStart > window)
                {
                    e = new Entry(now, 0, e?.BlockedUntil ?? DateTimeOffset.MinValue);
                }

                e = e with { Failures = e.Failures + 1 };
                if (e.Failures >= limit && e.BlockedUntil <= now)
                {
                    e = e with { BlockedUntil = now + block };
                    blocked.Add((key, e.Failures));
                }

                _entries[key] = e;
            }
        }

        return blocked;
    }

    private static string[] Keys(IPAddress source, string extension) => ["source " + source, "extension " + extension];

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in _entries.ToList())
        {
            if (e.BlockedUntil <= now && now - e.WindowStart > window)
            {
                _entries.Remove(key);
            }
        }

        if (_entries.Count >= MaxKeys)
        {
            foreach (var (key, e) in _entries.ToList().Where(p => p.Value.BlockedUntil <= now))
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed record Entry(DateTimeOffset WindowStart, int Failures, DateTimeOffset BlockedUntil);
}
