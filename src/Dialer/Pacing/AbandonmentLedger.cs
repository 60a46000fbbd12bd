namespace Collections.Dialer.Pacing;

/// <summary>
/// Counts calls answered by a person and abandoned calls in the windows regulators measure: the rolling
/// 24 h per campaign (Ofcom, persistent misuse policy 2016) and the whole campaign (which also covers
/// the 30-day window of the US TSR, 16 CFR 310.4(b)(4)(i), for campaigns up to 30 days). Counts are kept
/// in one-minute buckets.
/// </summary>
public sealed class AbandonmentLedger
{
    /// <summary>Length of the rolling window.</summary>
    public static readonly TimeSpan RollingWindow = TimeSpan.FromHours(24);

    private readonly Queue<Bucket> _buckets = new();
    private Bucket? _last;
    private long _windowPersons;
    private long _windowAbandoned;

    /// <summary>Persons answered in the whole campaign.</summary>
    public long CampaignPersons { get; private set; }

    /// <summary>Abandoned calls in the whole campaign.</summary>
    public long CampaignAbandoned { get; private set; }

    /// <summary>Abandoned because AMD called a person a machine, whole campaign.</summary>
    public long CampaignAmdAbandoned { get; private set; }

    /// <summary>Records one call answered by a person.</summary>
    public void Record(DateTimeOffset at, bool abandoned, bool byAmd = false)
    {
        var minute = at.ToUnixTimeSeconds() / 60;
        if (_last is null || _last.Minute != minute)
        {
            _last = new Bucket(minute);
            _buckets.Enqueue(_last);
        }

        var bucket = _last;
        bucket.Persons++;
        _windowPersons++;
        CampaignPersons++;
        if (abandoned)
        {
            bucket.Abandoned++;
            _windowAbandoned++;
            CampaignAbandoned++;
            if (byAmd)
            {
                CampaignAmdAbandoned++;
            }
        }
    }

    /// <summary>Persons and abandoned calls in the 24 h ending at <paramref name="now"/>.</summary>
    public (long Persons, long Abandoned) Rolling(DateTimeOffset now)
    {
        var oldest = (now - RollingWindow).ToUnixTimeSeconds() / 60;
        while (_buckets.Count > 0 && _buckets.Peek().Minute < oldest)
        {
            var gone = _buckets.Dequeue();
            _windowPersons -= gone.Persons;
            _windowAbandoned -= gone.Abandoned;
            if (ReferenceEquals(gone, _last))
            {
                _last = null;
            }
        }

        return (_windowPersons, _windowAbandoned);
    }

    private sealed class Bucket(long minute)
    {
        public long Minute { get; } = minute;

        public long Persons { get; set; }

        public long Abandoned { get; set; }
    }
}
