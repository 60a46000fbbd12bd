using Collections.Dialer.Amd;
using Collections.Shared.Abandonment;

namespace Collections.Dialer.Pacing;

/// <summary>
/// Counts calls answered by a person and abandoned calls in the windows regulators measure, the rolling 24 h per campaign
/// (Ofcom, persistent misuse policy 2016) and the whole campaign (which also covers the 30-day window of the US TSR,
/// 16 CFR 310.4(b)(4)(i), for campaigns up to 30 days), from what the dialer sees: persons connected or abandoned, MACHINE
/// verdicts acted on, and operators' reviews. The people among the MACHINE verdicts are estimated with the campaign's
/// <see cref="AmdFalsePositiveEstimate"/> (configured share, updated by reviews) and added to both counts, as Ofcom's
/// Annex 3 asks. Counts are kept in one-minute buckets.
/// </summary>
public sealed class AbandonmentLedger
{
    /// <summary>Length of the rolling window.</summary>
    public static readonly TimeSpan RollingWindow = TimeSpan.FromHours(24);

    private readonly Queue<Bucket> _buckets = new();
    private Bucket? _last;
    private long _windowPersons;
    private long _windowAbandoned;
    private long _windowMachineVerdicts;

    /// <summary>A ledger with the campaign's configured false-positive share (0: the verdicts are trusted).</summary>
    public AbandonmentLedger(double configuredFalsePositiveShare = 0, double priorWeight = AmdFalsePositiveEstimate.DefaultPriorWeight)
    {
        Estimate = new AmdFalsePositiveEstimate(configuredFalsePositiveShare, priorWeight, 0, 0);
    }

    /// <summary>Persons answered in the whole campaign (connected or abandoned without an agent; not the estimated AMD ones).</summary>
    public long CampaignPersons { get; private set; }

    /// <summary>Abandoned calls in the whole campaign for want of an agent.</summary>
    public long CampaignAbandoned { get; private set; }

    /// <summary>MACHINE verdicts acted on (hung up or given a message) in the whole campaign.</summary>
    public long CampaignMachineVerdicts { get; private set; }

    /// <summary>The false-positive estimate: configured share and reviews so far.</summary>
    public AmdFalsePositiveEstimate Estimate { get; private set; }

    /// <summary>Estimated people among the campaign's MACHINE verdicts (AMD's abandoned calls).</summary>
    public double CampaignAmdAbandoned => Estimate.PeopleAmong(CampaignMachineVerdicts);

    /// <summary>The campaign's persons and abandoned calls with AMD's estimated ones added to both.</summary>
    public (double Persons, double Abandoned) Campaign
    {
        get
        {
            var amd = CampaignAmdAbandoned;
            return (CampaignPersons + amd, CampaignAbandoned + amd);
        }
    }

    /// <summary>Records one call answered by a person (connected, or abandoned for want of an agent).</summary>
    public void Record(DateTimeOffset at, bool abandoned)
    {
        var bucket = BucketAt(at);
        bucket.Persons++;
        _windowPersons++;
        CampaignPersons++;
        if (abandoned)
        {
            bucket.Abandoned++;
            _windowAbandoned++;
            CampaignAbandoned++;
        }
    }

    /// <summary>Records a MACHINE verdict the dialer acted on (hang-up or message): possibly a person, as estimated.</summary>
    public void RecordMachineVerdict(DateTimeOffset at)
    {
        BucketAt(at).MachineVerdicts++;
        _windowMachineVerdicts++;
        CampaignMachineVerdicts++;
    }

    /// <summary>Learns from an operator's review (see <see cref="OperatorReview"/>).</summary>
    public void Record(OperatorReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (review.Verdict == AmdVerdict.Machine)
        {
            Estimate = Estimate.WithReview(review.Person);
        }

        if (review.ReachedOperator && !review.Person && CampaignPersons > 0)
        {
            // Counted as a person when it was connected; it was a machine. Taken out of the bucket it is marked in.
            BucketAt(review.At).Persons--;
            _windowPersons--;
            CampaignPersons--;
        }
    }

    /// <summary>Persons and abandoned calls in the 24 h ending at <paramref name="now"/>, AMD's estimated ones added to both.</summary>
    public (double Persons, double Abandoned) Rolling(DateTimeOffset now)
    {
        var oldest = (now - RollingWindow).ToUnixTimeSeconds() / 60;
        while (_buckets.Count > 0 && _buckets.Peek().Minute < oldest)
        {
            var gone = _buckets.Dequeue();
            _windowPersons -= gone.Persons;
            _windowAbandoned -= gone.Abandoned;
            _windowMachineVerdicts -= gone.MachineVerdicts;
            if (ReferenceEquals(gone, _last))
            {
                _last = null;
            }
        }

        var amd = Estimate.PeopleAmong(_windowMachineVerdicts);
        return (_windowPersons + amd, _windowAbandoned + amd);
    }

    /// <summary>MACHINE verdicts acted on in the 24 h ending at the last <see cref="Rolling"/> call.</summary>
    public long RollingMachineVerdicts => _windowMachineVerdicts;

    private Bucket BucketAt(DateTimeOffset at)
    {
        var minute = at.ToUnixTimeSeconds() / 60;
        if (_last is null || _last.Minute != minute)
        {
            _last = new Bucket(minute);
            _buckets.Enqueue(_last);
        }

        return _last;
    }

    private sealed class Bucket(long minute)
    {
        public long Minute { get; } = minute;

        public long Persons { get; set; }

        public long Abandoned { get; set; }

        public long MachineVerdicts { get; set; }
    }
}
