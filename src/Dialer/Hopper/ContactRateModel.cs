using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Dialer.Hopper;

/// <summary>One past call for learning: whose, at which debtor-local hour of week, and whether the debtor was reached.</summary>
public readonly record struct ContactObservation(DebtorId DebtorId, int HourOfWeek, bool RightPartyContact);

/// <summary>A debtor's estimated chance of a right-party contact in one hour of the week.</summary>
/// <param name="HourOfWeek">0 is Monday 00:00-01:00 debtor-local, 167 Sunday 23:00-24:00.</param>
/// <param name="Attempts">The debtor's own attempts in that bucket (0: the estimate is the population's).</param>
public readonly record struct HourRate(int HourOfWeek, double Rate, int Attempts)
{
    /// <summary>"Tue 18:00" for a person.</summary>
    public string Label => ContactRateModel.Label(HourOfWeek);
}

/// <summary>
/// Right-party contacts over attempts per debtor-local hour-of-week bucket, learned from the ledger and shrunk toward a
/// prior so that empty buckets are sane: the population's rate per bucket is shrunk toward the overall rate, and each
/// debtor's rate per bucket toward the population's (a Beta-binomial estimate with pseudo-counts).
/// </summary>
public sealed class ContactRateModel
{
    /// <summary>Buckets in a week.</summary>
    public const int Buckets = 7 * 24;

    // Before any call is on record: one right-party contact in ten attempts, a weak prior that the first data outweighs.
    private const double PriorContacts = 1;
    private const double PriorAttempts = 10;

    private readonly double[] _population;
    private readonly Dictionary<DebtorId, (int[] Attempts, int[] Contacts)> _debtors;
    private readonly double _debtorStrength;

    private ContactRateModel(double overall, double[] population, Dictionary<DebtorId, (int[], int[])> debtors, double debtorStrength, int observations, int[] observedHours)
    {
        ObservedHours = observedHours;
        Overall = overall;
        _population = population;
        _debtors = debtors;
        _debtorStrength = debtorStrength;
        Observations = observations;
    }

    /// <summary>Right-party contacts over attempts across every bucket, with the prior.</summary>
    public double Overall { get; }

    /// <summary>Hours of the week in which any call was placed: the hours a debtor's best hour is sought among, since
    /// an hour nobody may be called in (night, outside every pack's calling hours) is no useful "best hour".</summary>
    public IReadOnlyList<int> ObservedHours { get; }

    /// <summary>Calls the model learned from.</summary>
    public int Observations { get; }

    /// <summary>A model learned from <paramref name="observations"/>.</summary>
    public static ContactRateModel Learn(IEnumerable<ContactObservation> observations, double populationStrength, double debtorStrength)
    {
        var attempts = new int[Buckets];
        var contacts = new int[Buckets];
        var debtors = new Dictionary<DebtorId, (int[] Attempts, int[] Contacts)>();
        var total = 0;
        foreach (var o in observations)
        {
            if (o.HourOfWeek is < 0 or >= Buckets)
            {
                throw new ArgumentOutOfRangeException(nameof(observations), o.HourOfWeek, "Hour of week must be 0..167.");
            }

            total++;
            attempts[o.HourOfWeek]++;
            if (!debtors.TryGetValue(o.DebtorId, out var own))
            {
                own = (new int[Buckets], new int[Buckets]);
                debtors[o.DebtorId] = own;
            }

            own.Attempts[o.HourOfWeek]++;
            if (o.RightPartyContact)
            {
                contacts[o.HourOfWeek]++;
                own.Contacts[o.HourOfWeek]++;
            }
        }

        var overall = (contacts.Sum() + PriorContacts) / (total + PriorAttempts);
        var population = new double[Buckets];
        for (var b = 0; b < Buckets; b++)
        {
            population[b] = (contacts[b] + populationStrength * overall) / (attempts[b] + populationStrength);
        }

        var observed = Enumerable.Range(0, Buckets).Where(b => attempts[b] > 0).ToArray();
        return new ContactRateModel(overall, population, debtors, debtorStrength, total, observed);
    }

    /// <summary>The population's estimate for a bucket.</summary>
    public double PopulationRate(int hourOfWeek) => _population[hourOfWeek];

    /// <summary>The debtor's estimate for a bucket: their own calls there, shrunk toward the population's rate.</summary>
    public HourRate Rate(DebtorId debtor, int hourOfWeek)
    {
        var prior = _population[hourOfWeek];
        if (!_debtors.TryGetValue(debtor, out var own))
        {
            return new HourRate(hourOfWeek, prior, 0);
        }

        var n = own.Attempts[hourOfWeek];
        return new HourRate(hourOfWeek, (own.Contacts[hourOfWeek] + _debtorStrength * prior) / (n + _debtorStrength), n);
    }

    /// <summary>The debtor's best bucket among <paramref name="hours"/> (the observed hours, else the whole week, when null).</summary>
    public HourRate Best(DebtorId debtor, IEnumerable<int>? hours = null)
    {
        HourRate? best = null;
        foreach (var h in hours ?? (ObservedHours.Count > 0 ? ObservedHours : Enumerable.Range(0, Buckets)))
        {
            var rate = Rate(debtor, h);
            if (best is null || rate.Rate > best.Value.Rate)
            {
                best = rate;
            }
        }

        return best ?? Rate(debtor, 0);
    }

    /// <summary>The debtor-local hour of week of <paramref name="instant"/>: Monday 00:00 is 0.</summary>
    public static int HourOfWeek(Instant instant, DateTimeZone zone)
    {
        var local = instant.InZone(zone).LocalDateTime;
        return ((int)local.DayOfWeek - 1) * 24 + local.Hour;
    }

    /// <summary>"Mon 09:00" for bucket 9.</summary>
    public static string Label(int hourOfWeek) =>
        $"{(IsoDayOfWeek)(hourOfWeek / 24 + 1) switch
        {
            IsoDayOfWeek.Monday => "Mon",
            IsoDayOfWeek.Tuesday => "Tue",
            IsoDayOfWeek.Wednesday => "Wed",
            IsoDayOfWeek.Thursday => "Thu",
            IsoDayOfWeek.Friday => "Fri",
            IsoDayOfWeek.Saturday => "Sat",
            _ => "Sun",
        }} {hourOfWeek % 24:00}:00";
}
