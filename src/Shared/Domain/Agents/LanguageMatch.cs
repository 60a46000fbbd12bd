namespace Collections.Shared.Domain;

/// <summary>The one rule for whether an operator who speaks some languages can take a debtor's call in theirs.</summary>
/// <remarks>
/// Languages are BCP 47 tags (RFC 5646), which compare case-insensitively (section 2.1.1). An operator serves a debtor when
/// one of their tags equals the debtor's, or when both share the primary language subtag: "de" serves "de-AT", and "de-CH"
/// serves "de", since regional variants of one language are mutually intelligible for a collections call. Every router
/// (the console's floor, the dialer's in-process agent pool, the simulator) asks this rule, so they never disagree.
/// </remarks>
public static class LanguageMatch
{
    /// <summary>Whether an operator speaking <paramref name="spoken"/> can take a call in <paramref name="wanted"/>.</summary>
    public static bool Serves(string spoken, string wanted)
    {
        ArgumentNullException.ThrowIfNull(spoken);
        ArgumentNullException.ThrowIfNull(wanted);
        var primary = Primary(wanted);
        return primary.Length > 0 && primary.Equals(Primary(spoken), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether any of <paramref name="spoken"/> serves <paramref name="wanted"/>.</summary>
    public static bool AnyServes(IEnumerable<string> spoken, string wanted)
    {
        ArgumentNullException.ThrowIfNull(spoken);
        foreach (var language in spoken)
        {
            if (Serves(language, wanted))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Primary(string tag)
    {
        var span = tag.AsSpan().Trim();
        var dash = span.IndexOf('-');
        return dash < 0 ? span : span[..dash];
    }
}
