using NodaTime;

namespace Collections.Shared.Interest;

/// <summary>How a reference rate is picked for a day.</summary>
public enum RateFixing
{
    /// <summary>The rate in force on the day itself (German Basiszinssatz, which only changes on 1 Jan / 1 Jul anyway).</summary>
    Continuous,

    /// <summary>The rate in force on 1 January or 1 July applies to the whole half-year (Ptk. 6:155, Directive 2011/7/EU Art. 3(5)).</summary>
    HalfYear,
}

/// <summary>One published reference rate, in force from <paramref name="From"/> until the next entry.</summary>
public sealed record ReferenceRateChange(LocalDate From, decimal Percent, string Source);

/// <summary>A published reference-rate history (Basiszinssatz, MNB base rate, ECB main refinancing rate).</summary>
public sealed class ReferenceRateSeries
{
    /// <summary>Creates a series; <paramref name="changes"/> must be in ascending date order. An empty series is a table
    /// whose published values have not been entered yet: every request that needs it is refused.</summary>
    public ReferenceRateSeries(string name, RateFixing fixing, LocalDate knownThrough, IReadOnlyList<ReferenceRateChange> changes)
    {
        for (var i = 1; i < changes.Count; i++)
        {
            if (changes[i].From <= changes[i - 1].From)
            {
                throw new ArgumentException($"Reference rate changes must be in ascending date order ({changes[i].From:yyyy-MM-dd}).", nameof(changes));
            }
        }

        Name = name;
        Fixing = fixing;
        KnownThrough = knownThrough;
        Changes = changes;
    }

    /// <summary>Human-readable name with its legal basis.</summary>
    public string Name { get; }

    /// <summary>The rule file the table is kept in (a file may borrow another's table), for "add the new rate there" messages.</summary>
    public string? File { get; init; }

    /// <summary>How the rate for a day is picked.</summary>
    public RateFixing Fixing { get; }

    /// <summary>The last day the table is known to be complete for; later days cannot be computed.</summary>
    public LocalDate KnownThrough { get; }

    /// <summary>The published values, oldest first.</summary>
    public IReadOnlyList<ReferenceRateChange> Changes { get; }

    /// <summary>The last day whose rate the table gives: <see cref="KnownThrough"/> itself for a rate fixed continuously, the
    /// end of its half-year for a rate fixed on 1 January / 1 July (the whole half-year takes the rate of its first day).</summary>
    public LocalDate LastComputableDay => Fixing switch
    {
        RateFixing.HalfYear => KnownThrough.Month <= 6 ? new LocalDate(KnownThrough.Year, 6, 30) : new LocalDate(KnownThrough.Year, 12, 31),
        _ => KnownThrough,
    };

    /// <summary>The day whose rate applies to <paramref name="day"/>: the day itself, or the first day of its half-year.</summary>
    public LocalDate FixingDate(LocalDate day) => Fixing switch
    {
        RateFixing.HalfYear => new LocalDate(day.Year, day.Month <= 6 ? 1 : 7, 1),
        _ => day,
    };

    /// <summary>The entry in force on <paramref name="date"/>, or null when the table starts later.</summary>
    public ReferenceRateChange? InForceOn(LocalDate date)
    {
        ReferenceRateChange? found = null;
        foreach (var change in Changes)
        {
            if (change.From > date)
            {
                break;
            }

            found = change;
        }

        return found;
    }
}

/// <summary>A fixed sum owed once per claim for recovery costs (BGB § 288 (5), Directive 2011/7/EU Art. 6).</summary>
public sealed record FlatFeeRule(decimal Amount, string Currency, string Law);

/// <summary>The statutory rate for one kind of debtor: reference rate plus a margin, or a fixed rate the law sets
/// (Latvian Civillikums 1765 (2): six percent a year where a consumer is party), and an optional flat fee.</summary>
public sealed record DebtorRule(decimal MarginPoints, string Law, FlatFeeRule? FlatFee, decimal? FixedPercent = null);

/// <summary>The default-interest rules of one jurisdiction, loaded from config/interest/&lt;code&gt;.yaml.</summary>
/// <param name="Code">Jurisdiction code (DE, HU, EU).</param>
/// <param name="Name">Name with the law, for messages.</param>
/// <param name="ReferenceRate">The reference-rate history.</param>
/// <param name="Debtors">Rate rules per debtor kind.</param>
/// <param name="Currencies">Claim currencies the rules accept, or null for any.</param>
/// <param name="SourceFile">File name the rules came from, for messages.</param>
/// <param name="DefaultFor">Country codes without a file of their own that fall back to these rules (the EU directive).</param>
public sealed record JurisdictionRules(
    string Code,
    string Name,
    ReferenceRateSeries ReferenceRate,
    IReadOnlyDictionary<DebtorKind, DebtorRule> Debtors,
    IReadOnlyCollection<string>? Currencies,
    string SourceFile,
    IReadOnlyCollection<string>? DefaultFor = null);
