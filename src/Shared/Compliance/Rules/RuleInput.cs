using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance.Rules;

/// <summary>What a rule sees: the account's snapshot, the contact being considered and where the debtor is.</summary>
internal sealed record RuleInput(
    ComplianceSubject Subject,
    ContactTarget Target,
    PhoneNumber? Phone,
    CampaignContext Campaign,
    DebtorZone Zone,
    RulePack Pack,
    IPublicHolidays Holidays)
{
    /// <summary>The local calendar date of <paramref name="instant"/> in the debtor's primary zone.</summary>
    public LocalDate LocalDate(Instant instant) => instant.InZone(Zone.Primary).Date;

    /// <summary>The first instant of <paramref name="date"/> in the debtor's primary zone.</summary>
    public Instant StartOf(LocalDate date) => date.AtStartOfDayInZone(Zone.Primary).ToInstant();

    /// <summary>Ledger rows at or before <paramref name="at"/>: an explanation asked about the past ignores later rows.</summary>
    public IEnumerable<ContactAttempt> LedgerUntil(Instant at) => Subject.Ledger.Where(a => a.StartedAt <= at);

    /// <summary>True when the ledger row went to the same number or address as the contact being considered.</summary>
    public bool SameAddress(ContactAttempt attempt) =>
        string.Equals(Normalize(attempt.Address), Normalize(Target.Address), StringComparison.OrdinalIgnoreCase);

    internal static string Normalize(string address) => address.Trim();
}

/// <summary>Builders for the three kinds of answer a rule gives.</summary>
internal static class Verdicts
{
    public static RuleResult Allowed(RuleDefinition rule, string reason) => new(rule.Id, RuleVerdict.Allowed, reason, rule.Source);

    public static RuleResult Refused(RuleDefinition rule, string reason, Instant? next) => new(rule.Id, RuleVerdict.Refused, reason, rule.Source, next);

    public static RuleResult NotApplicable(RuleDefinition rule, string reason) => new(rule.Id, RuleVerdict.NotApplicable, reason, rule.Source);

    public static string Format(Instant instant) => instant.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", null);

    public static string Format(LocalDate date) => date.ToString("uuuu-MM-dd", null);
}
