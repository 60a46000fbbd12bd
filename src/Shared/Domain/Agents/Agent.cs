namespace Collections.Shared.Domain;

/// <summary>An operator who talks to debtors.</summary>
public sealed class Agent
{
    public AgentId Id { get; set; } = AgentId.New();

    /// <summary>Sign-in name, unique.</summary>
    public required string Login { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>Languages the operator speaks (BCP 47 codes, comma separated): routing matches the debtor's language.</summary>
    public required string Languages { get; set; }

    /// <summary>SIP extension the operator's phone registers as (for example "1001").</summary>
    public string? SipExtension { get; set; }

    public bool Active { get; set; } = true;

    public IReadOnlyList<string> LanguageList => Languages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether the operator can take a call in <paramref name="language"/> (<see cref="LanguageMatch"/>).</summary>
    public bool Speaks(string language) => LanguageMatch.AnyServes(LanguageList, language);
}
