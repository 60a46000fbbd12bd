using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Compliance.Rules;

/// <summary>Data-protection rules every EU pack carries (GDPR), and the Albanian pack under its personal data law.</summary>
internal static class DataProtectionRules
{
    /// <summary>
    /// GDPR Art. 6(1)(f): collecting a debt is a legitimate interest only while something is owed; Art. 5(1)(b) (purpose
    /// limitation) keeps the debtor's contact data from being used for anything else. A paid or written-down account
    /// (balance zero or below) is refused on every channel until a balance appears again (a returned payment).
    /// </summary>
    public static RuleResult LawfulBasis(RuleDefinition rule, RuleInput input, Instant at)
    {
        var balance = input.Subject.Account.Balance;
        return balance.Amount > 0m
            ? Verdicts.Allowed(rule, $"{balance.Amount:0.00} {balance.Currency} is owed: collecting it is the purpose the data is held for")
            : Verdicts.Refused(rule, $"nothing is owed on this account (balance {balance.Amount:0.00} {balance.Currency}): no lawful basis to contact the debtor about it", null);
    }

    /// <summary>
    /// GDPR Art. 5(1)(f) (confidentiality) and Art. 6 (no lawful basis to tell a stranger about someone's debt); national
    /// collection law forbids involving relatives, employers and other third parties. A number or address that reached
    /// the wrong person is not used again (every channel); where another person answered the debtor's number, nothing
    /// written (SMS, WhatsApp, e-mail, which that person may read) goes there, while a call stays allowed because the
    /// script verifies the right party before the debt is named. A later contact that reached the debtor there lifts it.
    /// </summary>
    public static RuleResult ThirdPartyDisclosure(RuleDefinition rule, RuleInput input, Instant at)
    {
        var reports = input.Subject.PartyReports
            .Where(r => r.At <= at && string.Equals(RuleInput.Normalize(r.Address), RuleInput.Normalize(input.Target.Address), StringComparison.OrdinalIgnoreCase))
            .ToList();
        var lastDebtor = reports.Where(r => r.Reached == PartyReached.Debtor).Select(r => (Instant?)r.At).Max();
        var standing = reports.Where(r => r.Reached != PartyReached.Debtor && (lastDebtor is null || r.At > lastDebtor)).MaxBy(r => r.At);
        if (standing is null)
        {
            return Verdicts.Allowed(rule, lastDebtor is null
                ? "no contact at this number or address reached anyone but the debtor"
                : $"the debtor was reached here on {Verdicts.Format(lastDebtor.Value)}");
        }

        var written = input.Target.Channel is ContactChannel.Sms or ContactChannel.WhatsApp or ContactChannel.Email;
        return standing.Reached switch
        {
            PartyReached.WrongNumber => Verdicts.Refused(rule, $"a {standing.Channel} contact on {Verdicts.Format(standing.At)} found this is not the debtor's number or address: it is not used again until the debtor confirms it", null),
            _ when written => Verdicts.Refused(rule, $"another person answered here on {Verdicts.Format(standing.At)}: a written message could disclose the debt to them; call and verify the debtor first", null),
            _ => Verdicts.Allowed(rule, $"another person answered here on {Verdicts.Format(standing.At)}: a call is allowed, the script verifies the debtor before naming the debt"),
        };
    }
}
