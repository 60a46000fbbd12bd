using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Compliance;

/// <summary>The LV, SI and AL packs (config/compliance/lv.yaml, si.yaml, al.yaml) and the GDPR rules every EU pack carries.
/// Where the law sets no hours or counts, the packs ship the same conservative default (08:00-20:00 Monday-Friday,
/// 09:00-18:00 Saturday, no Sundays or public holidays; 5 calls a debt in 7 days; 2 a number a day), pinned here.</summary>
public sealed class SeedMarketsTests
{
    public static TheoryData<string, string, string> Markets => new()
    {
        { "LV", "+37120123456", "Europe/Riga" },
        { "SI", "+38640123456", "Europe/Ljubljana" },
        { "AL", "+355692123456", "Europe/Tirane" },
    };

    private static ComplianceDecision Call(ComplianceSubject subject, string number, Instant at, CampaignContext? campaign = null) =>
        Engine.Evaluate(subject, new ContactTarget(ContactChannel.Call, number), campaign ?? CampaignContext.Predictive, at);

    private static (Debtor Debtor, Account Account) Market(string country, string number)
    {
        var debtor = Debtor(country, number);
        return (debtor, Account(debtor));
    }

    [Theory]
    [MemberData(nameof(Markets))]
    public void A_seed_market_has_a_pack_and_the_debtor_is_placed_in_its_zone(string country, string number, string zone)
    {
        var (debtor, account) = Market(country, number);
        var decision = Call(Subject(debtor, account), number, Local(DateTimeZoneProviders.Tzdb[zone], 2026, 10, 21, 10));
        Assert.True(decision.Allowed, string.Join("; ", decision.Rules.Select(r => $"{r.Rule}: {r.Reason}")));
        Assert.Equal(country, decision.Jurisdiction);
        Assert.Equal(zone, decision.Zone!.Primary.Id);
        var prefix = country.ToLowerInvariant() + ".";
        Assert.All(decision.Rules, r => Assert.StartsWith(prefix, r.Rule, StringComparison.Ordinal));
        Assert.All(decision.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Source)));
        Assert.Contains(decision.Rules, r => r.Rule == prefix + "lawful-basis");
        Assert.Contains(decision.Rules, r => r.Rule == prefix + "third-parties");
    }

    // Wednesday 21 October 2026: 07:59 refused (next 08:00), 08:00 allowed, 19:59 allowed, 20:00 refused (next Thursday 08:00).
    [Theory]
    [MemberData(nameof(Markets))]
    public void Weekday_hours_are_08_00_to_20_00_end_exclusive(string country, string number, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var (debtor, account) = Market(country, number);
        var subject = Subject(debtor, account);
        var early = Call(subject, number, Local(zone, 2026, 10, 21, 7, 59));
        Assert.False(early.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(early, country.ToLowerInvariant() + ".contact-hours").Verdict);
        Assert.Equal(Local(zone, 2026, 10, 21, 8), early.NextAllowedAt);
        Assert.True(Call(subject, number, Local(zone, 2026, 10, 21, 8)).Allowed);
        Assert.True(Call(subject, number, Local(zone, 2026, 10, 21, 19, 59)).Allowed);
        var late = Call(subject, number, Local(zone, 2026, 10, 21, 20));
        Assert.False(late.Allowed);
        Assert.Equal(Local(zone, 2026, 10, 22, 8), late.NextAllowedAt);
    }

    // Saturday 24 October 2026: 08:59 refused, 09:00 and 17:59 allowed, 18:00 refused; Sunday closed; next Monday 08:00.
    [Theory]
    [MemberData(nameof(Markets))]
    public void Saturday_is_09_00_to_18_00_and_Sunday_is_closed(string country, string number, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var (debtor, account) = Market(country, number);
        var subject = Subject(debtor, account);
        Assert.False(Call(subject, number, Local(zone, 2026, 10, 24, 8, 59)).Allowed);
        Assert.True(Call(subject, number, Local(zone, 2026, 10, 24, 9)).Allowed);
        Assert.True(Call(subject, number, Local(zone, 2026, 10, 24, 17, 59)).Allowed);
        var evening = Call(subject, number, Local(zone, 2026, 10, 24, 18));
        Assert.False(evening.Allowed);
        Assert.Equal(Local(zone, 2026, 10, 26, 8), evening.NextAllowedAt);
        Assert.False(Call(subject, number, Local(zone, 2026, 10, 25, 12)).Allowed);
    }

    // Public holidays of each country's calendar: Latvia's Proclamation Day (Wednesday 18 November 2026), Slovenia's
    // Statehood Day (Thursday 25 June 2026), Albania's International Workers' Day (Friday 1 May 2026).
    [Theory]
    [InlineData("LV", "+37120123456", "Europe/Riga", 2026, 11, 18, 2026, 11, 19, 8)]
    [InlineData("SI", "+38640123456", "Europe/Ljubljana", 2026, 6, 25, 2026, 6, 26, 8)]
    [InlineData("AL", "+355692123456", "Europe/Tirane", 2026, 5, 1, 2026, 5, 2, 9)]
    public void A_public_holiday_is_closed(string country, string number, string zoneId, int y, int m, int d, int ny, int nm, int nd, int nh)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var (debtor, account) = Market(country, number);
        var decision = Call(Subject(debtor, account), number, Local(zone, y, m, d, 11));
        Assert.False(decision.Allowed);
        Assert.Contains("public holiday", Rule(decision, country.ToLowerInvariant() + ".contact-hours").Reason, StringComparison.Ordinal);
        Assert.Equal(Local(zone, ny, nm, nd, nh), decision.NextAllowedAt);
    }

    // Five calls about the debt in the seven local days ending today allow no sixth; four allow a fifth. Calls that never
    // connected (Failed) do not count. The sixth is allowed on the day the oldest counted call leaves the period.
    [Theory]
    [MemberData(nameof(Markets))]
    public void Five_calls_a_debt_in_seven_days(string country, string number, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var (debtor, account) = Market(country, number);
        // Monday 12 .. Friday 16 October 2026, one answered call a day at 10:00 (a different number each: the per-number cap stays out of it).
        var calls = Enumerable.Range(12, 5).Select(day => ComplianceTestData.Call(account, $"+1555010{day}", Local(zone, 2026, 10, day, 10), ContactOutcome.Answered)).ToList();
        var rule = country.ToLowerInvariant() + ".frequency";

        var fourth = Call(Subject(debtor, account, calls.Take(4)), number, Local(zone, 2026, 10, 17, 10));
        Assert.Equal(RuleVerdict.Allowed, Rule(fourth, rule).Verdict);

        var sixth = Call(Subject(debtor, account, calls), number, Local(zone, 2026, 10, 17, 10));
        Assert.Equal(RuleVerdict.Refused, Rule(sixth, rule).Verdict);
        // The call of the 12th leaves the 7-day period on the 19th (a Monday): allowed from 08:00 there.
        Assert.Equal(Local(zone, 2026, 10, 19, 8), sixth.NextAllowedAt);

        var failed = calls.Select(c => { c.Outcome = ContactOutcome.Failed; return c; }).ToList();
        Assert.Equal(RuleVerdict.Allowed, Rule(Call(Subject(debtor, account, failed), number, Local(zone, 2026, 10, 17, 10)), rule).Verdict);
    }

    // Two attempts to one number per local day; the third waits for the next day's opening hour.
    [Theory]
    [MemberData(nameof(Markets))]
    public void Two_attempts_a_number_a_day(string country, string number, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var (debtor, account) = Market(country, number);
        var one = ComplianceTestData.Call(account, number, Local(zone, 2026, 10, 21, 9));
        var two = ComplianceTestData.Call(account, number, Local(zone, 2026, 10, 21, 11));
        var rule = country.ToLowerInvariant() + ".attempts-per-number";
        Assert.Equal(RuleVerdict.Allowed, Rule(Call(Subject(debtor, account, [one]), number, Local(zone, 2026, 10, 21, 14)), rule).Verdict);
        var third = Call(Subject(debtor, account, [one, two]), number, Local(zone, 2026, 10, 21, 14));
        Assert.Equal(RuleVerdict.Refused, Rule(third, rule).Verdict);
        Assert.Equal(Local(zone, 2026, 10, 22, 8), third.NextAllowedAt);
    }

    // GDPR Art. 6(1)(f): a balance of 0.01 still gives a reason to call; 0.00 (paid) does not, on any channel, and nothing
    // but a new balance lifts it (no next instant).
    [Theory]
    [InlineData("LV", "+37120123456")]
    [InlineData("SI", "+38640123456")]
    [InlineData("AL", "+355692123456")]
    [InlineData("DE", DeMobile)]
    [InlineData("HU", "+36301234567")]
    public void Nothing_owed_means_no_lawful_basis_to_contact(string country, string number)
    {
        var (debtor, account) = Market(country, number);
        var rule = country is "DE" or "HU" ? $"{country.ToLowerInvariant()}.gdpr.lawful-basis" : $"{country.ToLowerInvariant()}.lawful-basis";
        var at = Instant.FromUtc(2026, 10, 21, 9, 0);
        account.Paid = 99.99m;
        Assert.Equal(RuleVerdict.Allowed, Rule(Call(Subject(debtor, account), number, at), rule).Verdict);

        account.Paid = 100m;
        var paid = Call(Subject(debtor, account), number, at);
        Assert.False(paid.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(paid, rule).Verdict);
        Assert.Null(paid.NextAllowedAt);
        var email = Engine.Evaluate(Subject(debtor, account), new ContactTarget(ContactChannel.Email, debtor.Email!), CampaignContext.Predictive, at);
        Assert.Equal(RuleVerdict.Refused, Rule(email, rule).Verdict);
    }

    // GDPR Art. 5(1)(f): a wrong number is not used again on any channel; where another person answered, a written message
    // is refused (that person may read it) but a call is allowed (the script verifies the debtor first); a later contact
    // that reached the debtor at that number lifts both. A report about another number changes nothing.
    [Theory]
    [InlineData("LV", "+37120123456", "lv.third-parties")]
    [InlineData("SI", "+38640123456", "si.third-parties")]
    [InlineData("AL", "+355692123456", "al.third-parties")]
    [InlineData("DE", DeMobile, "de.gdpr.third-parties")]
    public void Third_parties_are_not_told_about_the_debt(string country, string number, string rule)
    {
        var (debtor, account) = Market(country, number);
        var reported = Instant.FromUtc(2026, 10, 20, 9, 0);
        var at = Instant.FromUtc(2026, 10, 21, 9, 0);
        ComplianceSubject With(params PartyReport[] reports) => new() { Account = account, Debtor = debtor, PartyReports = reports };
        ComplianceDecision On(ComplianceSubject s, ContactChannel channel, Instant when) =>
            Engine.Evaluate(s, new ContactTarget(channel, number), CampaignContext.Predictive, when);

        var wrongNumber = With(new PartyReport(number, ContactChannel.Call, PartyReached.WrongNumber, reported));
        Assert.Equal(RuleVerdict.Refused, Rule(On(wrongNumber, ContactChannel.Call, at), rule).Verdict);
        Assert.Equal(RuleVerdict.Refused, Rule(On(wrongNumber, ContactChannel.Sms, at), rule).Verdict);
        Assert.Null(On(wrongNumber, ContactChannel.Call, at).NextAllowedAt);
        // Asked about the moment before the report, the number was still usable.
        Assert.Equal(RuleVerdict.Allowed, Rule(On(wrongNumber, ContactChannel.Call, reported - Duration.FromSeconds(1)), rule).Verdict);

        var otherPerson = With(new PartyReport(number, ContactChannel.Call, PartyReached.OtherPerson, reported));
        Assert.Equal(RuleVerdict.Allowed, Rule(On(otherPerson, ContactChannel.Call, at), rule).Verdict);
        Assert.Equal(RuleVerdict.Refused, Rule(On(otherPerson, ContactChannel.Sms, at), rule).Verdict);
        Assert.Equal(RuleVerdict.Refused, Rule(On(otherPerson, ContactChannel.WhatsApp, at), rule).Verdict);

        var reachedLater = With(
            new PartyReport(number, ContactChannel.Call, PartyReached.OtherPerson, reported),
            new PartyReport(number, ContactChannel.Call, PartyReached.Debtor, reported + Duration.FromHours(3)));
        Assert.Equal(RuleVerdict.Allowed, Rule(On(reachedLater, ContactChannel.Sms, at), rule).Verdict);

        var elsewhere = With(new PartyReport("+15550100999", ContactChannel.Call, PartyReached.WrongNumber, reported));
        Assert.Equal(RuleVerdict.Allowed, Rule(On(elsewhere, ContactChannel.Call, at), rule).Verdict);
    }

    // Dispute holds and objections stop every channel in the new packs, as in DE and HU.
    [Theory]
    [MemberData(nameof(Markets))]
    public void A_dispute_hold_and_an_objection_stop_contact(string country, string number, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var (debtor, account) = Market(country, number);
        var at = Local(zone, 2026, 10, 21, 10);
        var hold = new Hold { AccountId = account.Id, Kind = HoldKind.Dispute, Reason = "debtor disputes the amount", From = at - Duration.FromDays(1) };
        var held = Call(Subject(debtor, account, holds: [hold]), number, at);
        Assert.Equal(RuleVerdict.Refused, Rule(held, country.ToLowerInvariant() + ".dispute-or-hold").Verdict);

        var objection = new OptOut { DebtorId = debtor.Id, At = at - Duration.FromDays(1), Source = "letter" };
        var objected = Call(Subject(debtor, account, optOuts: [objection]), number, at);
        Assert.Equal(RuleVerdict.Refused, Rule(objected, country.ToLowerInvariant() + ".objection").Verdict);
        Assert.Null(objected.NextAllowedAt);
    }
}
