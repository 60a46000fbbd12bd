using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Compliance;

/// <summary>The GB, DE and HU packs: Ofcom's repeat rules, calling hours with public holidays.</summary>
public sealed class UkAndEuropeTests
{
    private static (Debtor Debtor, Account Account) UkDebtor()
    {
        var debtor = Debtor("GB", UkMobile);
        return (debtor, Account(debtor));
    }

    private static ComplianceDecision UkCall(ComplianceSubject subject, Instant at, CampaignContext campaign) =>
        Engine.Evaluate(subject, new ContactTarget(ContactChannel.Call, UkMobile), campaign, at);

    // Ofcom (2010 statement, kept as the measure under the 2016 persistent-misuse policy): after an abandoned call, repeat
    // calls to that number in the following 72 hours only with the guaranteed presence of a live operator.
    [Fact]
    public void Repeat_call_after_an_abandoned_call_is_refused_until_72_hours_unless_an_operator_is_guaranteed()
    {
        var (debtor, account) = UkDebtor();
        var abandoned = ComplianceTestData.Call(account, UkMobile, Local(London, 2026, 1, 12, 10), ContactOutcome.Abandoned);
        abandoned.EndedAt = Local(London, 2026, 1, 12, 10);
        var subject = Subject(debtor, account, [abandoned]);
        var t = abandoned.EndedAt.Value;

        var at7159 = UkCall(subject, t + Duration.FromHours(71) + Duration.FromMinutes(59), CampaignContext.Predictive);
        Assert.False(at7159.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(at7159, "uk.ofcom.abandoned-72h").Verdict);
        Assert.Equal(t + Duration.FromHours(72), at7159.NextAllowedAt);

        var at7200 = UkCall(subject, t + Duration.FromHours(72), CampaignContext.Predictive);
        Assert.True(at7200.Allowed);

        // A guaranteed operator (preview or manual dialing) lifts the rule at once.
        var withOperator = UkCall(subject, t + Duration.FromHours(1), new CampaignContext(Autodialed: true, OperatorGuaranteed: true));
        Assert.True(withOperator.Allowed);
    }

    [Fact]
    public void Abandoned_call_to_another_number_does_not_block_this_one()
    {
        var (debtor, account) = UkDebtor();
        var abandoned = ComplianceTestData.Call(account, "+447700900999", Local(London, 2026, 1, 12, 10), ContactOutcome.Abandoned);
        Assert.True(UkCall(Subject(debtor, account, [abandoned]), Local(London, 2026, 1, 12, 12), CampaignContext.Predictive).Allowed);
    }

    // Ofcom (2010 statement): after a call AMD identified as an answer machine, repeat calls to that number within the same
    // 24-hour period only with a guaranteed live operator. Applied as rolling 24 h (never shorter than the rest of the day).
    [Fact]
    public void Repeat_call_after_an_amd_flagged_call_is_refused_for_24_hours_unless_an_operator_is_guaranteed()
    {
        var (debtor, account) = UkDebtor();
        var flagged = ComplianceTestData.Call(account, UkMobile, Local(London, 2026, 1, 13, 11), ContactOutcome.Machine, amd: true);
        var subject = Subject(debtor, account, [flagged]);
        var t = flagged.EndedAt!.Value;

        var before = UkCall(subject, t + Duration.FromHours(24) - Duration.FromMinutes(1), CampaignContext.Predictive);
        Assert.False(before.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(before, "uk.ofcom.amd-24h").Verdict);
        Assert.Equal(t + Duration.FromHours(24), before.NextAllowedAt);
        Assert.True(UkCall(subject, t + Duration.FromHours(24), CampaignContext.Predictive).Allowed);
        Assert.True(UkCall(subject, t + Duration.FromHours(2), CampaignContext.Manual).Allowed);
    }

    // The GB pack closes on bank holidays (England and Wales calendar) and Sundays: a call refused on Good Friday 2026
    // (3 April) at 20:00 may next go on Saturday 4 April at 08:00.
    [Fact]
    public void Uk_calling_hours_skip_bank_holidays()
    {
        var (debtor, account) = UkDebtor();
        var decision = UkCall(Subject(debtor, account), Local(London, 2026, 4, 3, 12), CampaignContext.Predictive);
        Assert.False(decision.Allowed);
        Assert.Contains("public holiday", Rule(decision, "uk.fca.reasonable-times").Reason, StringComparison.Ordinal);
        Assert.Equal(Local(London, 2026, 4, 4, 8), decision.NextAllowedAt);
    }

    // DE pack: no contact on Sundays and nationwide public holidays. Friday 25 December 2026 and Saturday 26 December are
    // holidays, the 27th a Sunday: the next call may go on Monday 28 December at 08:00 Berlin time.
    [Fact]
    public void German_calling_hours_skip_christmas_and_the_weekend()
    {
        var debtor = Debtor("DE", DeMobile);
        var account = Account(debtor);
        var decision = Engine.Evaluate(Subject(debtor, account), new ContactTarget(ContactChannel.Call, DeMobile), CampaignContext.Predictive, Local(Berlin, 2026, 12, 25, 10));
        Assert.False(decision.Allowed);
        Assert.Equal("DE", decision.Jurisdiction);
        Assert.Equal("Europe/Berlin", decision.Zone!.Primary.Id);
        Assert.Equal(Local(Berlin, 2026, 12, 28, 8), decision.NextAllowedAt);
    }

    // HU pack: working days only, 08:00-20:00 (a weekday holiday such as 23 October is closed).
    [Fact]
    public void Hungarian_contact_hours_are_working_days_until_20_00()
    {
        var debtor = Debtor("HU", "+36301234567");
        var account = Account(debtor);
        var budapest = DateTimeZoneProviders.Tzdb["Europe/Budapest"];
        var target = new ContactTarget(ContactChannel.Call, "+36301234567");
        Assert.True(Engine.Evaluate(Subject(debtor, account), target, CampaignContext.Predictive, Local(budapest, 2026, 10, 22, 19, 59)).Allowed);
        var evening = Engine.Evaluate(Subject(debtor, account), target, CampaignContext.Predictive, Local(budapest, 2026, 10, 22, 20, 0));
        Assert.False(evening.Allowed);
        // 23 October 2026 (Friday) is a national holiday; 24-25 a weekend: next is Monday 26 October 08:00.
        Assert.Equal(Local(budapest, 2026, 10, 26, 8), evening.NextAllowedAt);
    }
}
