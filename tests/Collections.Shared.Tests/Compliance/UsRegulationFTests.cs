using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Compliance;

/// <summary>The US pack pinned to the text of Regulation F (12 CFR part 1006), the FDCPA and the TCPA.</summary>
public sealed class UsRegulationFTests
{
    private static readonly CampaignContext Predictive = CampaignContext.Predictive;

    private static (Debtor Debtor, Account Account) NewYorkDebtor(bool consent = true, PhoneKind kind = PhoneKind.Mobile)
    {
        var debtor = Debtor("US", UsMobile, kind, consent, timeZoneId: "America/New_York");
        return (debtor, Account(debtor));
    }

    private static ComplianceDecision Call(ComplianceSubject subject, Instant at, CampaignContext? campaign = null) =>
        Engine.Evaluate(subject, new ContactTarget(ContactChannel.Call, UsMobile), campaign ?? Predictive, at);

    // 12 CFR 1006.14(b)(2)(i)(A): presumed compliant if calls about a particular debt are not placed "more than seven times
    // within seven consecutive days"; (b)(2)(ii): in excess of that, a violation is presumed. So the 7th is allowed, the 8th refused.
    [Fact]
    public void Seventh_call_in_seven_days_is_allowed_and_eighth_is_refused()
    {
        var (debtor, account) = NewYorkDebtor();
        // Six calls on 2026-01-05 .. 2026-01-10 at 10:00 local, one a day (the daily per-number cap is not what is tested here).
        var ledger = Enumerable.Range(5, 6).Select(d => ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, d, 10))).ToList();
        var seventh = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 11, 10));
        Assert.True(seventh.Allowed);
        Assert.Equal(RuleVerdict.Allowed, Rule(seventh, "us.reg-f.7-in-7").Verdict);

        ledger.Add(ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, 11, 10)));
        var eighth = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 11, 15));
        Assert.False(eighth.Allowed);
        var rule = Rule(eighth, "us.reg-f.7-in-7");
        Assert.Equal(RuleVerdict.Refused, rule.Verdict);
        Assert.Contains("1006.14(b)(2)(i)(A)", rule.Source, StringComparison.Ordinal);
        // The first call (2026-01-05) leaves the seven-day period at the start of 2026-01-12; calling hours open at 08:00.
        Assert.Equal(Local(NewYork, 2026, 1, 12, 8), eighth.NextAllowedAt);
    }

    // 1006.14(b)(3)(ii): calls "not connected to the dialed number" do not count toward the frequencies.
    [Fact]
    public void Calls_never_connected_do_not_count_toward_seven_in_seven()
    {
        var (debtor, account) = NewYorkDebtor();
        var ledger = Enumerable.Range(5, 7).Select(d => ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, d, 10), ContactOutcome.Failed)).ToList();
        Assert.True(Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 11, 15)).Allowed);
    }

    // 1006.14(b)(2)(i)(A) counts calls the collector "places": seven calls the debtor made to us (issue 17, inbound) do not
    // count, but a conversation on one of them starts the seven-day quiet period of (b)(2)(i)(B) like any other.
    [Fact]
    public void Calls_the_debtor_made_to_us_do_not_count_toward_seven_in_seven_but_their_conversation_starts_the_quiet_period()
    {
        var (debtor, account) = NewYorkDebtor();
        var ledger = Enumerable.Range(5, 7).Select(d => Inbound(ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, d, 10), ContactOutcome.Cancelled))).ToList();
        Assert.True(Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 11, 15)).Allowed);

        var talked = Inbound(ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, 11, 11)));
        talked.RightPartyContact = true;
        ledger.Add(talked);
        var after = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 12, 10));
        Assert.False(after.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(after, "us.reg-f.after-conversation").Verdict);

        static ContactAttempt Inbound(ContactAttempt a)
        {
            a.Purpose = ContactPurpose.Inbound;
            return a;
        }
    }

    // Pending rows are calls placed whose outcome is not yet known (or was lost in a crash): they count.
    [Fact]
    public void Pending_ledger_rows_count_toward_seven_in_seven()
    {
        var (debtor, account) = NewYorkDebtor();
        var ledger = Enumerable.Range(5, 7).Select(d => ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, d, 10), ContactOutcome.Pending)).ToList();
        Assert.False(Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 11, 15)).Allowed);
    }

    // 1006.14(b)(2)(i)(B): no call "within a period of seven consecutive days after having had a telephone conversation ...
    // The date of the telephone conversation is the first day of the seven-consecutive-day period."
    // Conversation on Monday 2026-01-05 = day 1; Sunday 2026-01-11 = day 7 (refused); Monday 2026-01-12 = day 8 (allowed).
    [Fact]
    public void Call_on_day_seven_after_a_conversation_is_refused_and_on_day_eight_allowed()
    {
        var (debtor, account) = NewYorkDebtor();
        var ledger = new[] { ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, 5, 18), ContactOutcome.Answered, conversation: true) };
        var subject = Subject(debtor, account, ledger);

        var day7 = Call(subject, Local(NewYork, 2026, 1, 11, 12));
        Assert.False(day7.Allowed);
        var rule = Rule(day7, "us.reg-f.after-conversation");
        Assert.Equal(RuleVerdict.Refused, rule.Verdict);
        Assert.Contains("day 7 of 7", rule.Reason, StringComparison.Ordinal);
        Assert.Equal(Local(NewYork, 2026, 1, 12, 8), day7.NextAllowedAt);

        var day7Late = Call(subject, Local(NewYork, 2026, 1, 11, 20, 59));
        Assert.False(day7Late.Allowed);

        var day8 = Call(subject, Local(NewYork, 2026, 1, 12, 8));
        Assert.True(day8.Allowed);
        Assert.Equal(RuleVerdict.Allowed, Rule(day8, "us.reg-f.after-conversation").Verdict);
    }

    // 1006.6(b)(1)(i): "a time before 8:00 a.m. and after 9:00 p.m. local time at the consumer's location is inconvenient".
    // 20:59 is allowed and 21:00 refused in America/New_York, including on the days clocks change (2026-03-08 spring
    // forward, 2026-11-01 fall back), where a fixed UTC offset would be an hour off.
    [Theory]
    [InlineData(2026, 3, 8)]
    [InlineData(2026, 11, 1)]
    [InlineData(2026, 7, 15)]
    public void Calling_window_closes_at_21_00_local_on_daylight_saving_change_dates(int year, int month, int day)
    {
        var (debtor, account) = NewYorkDebtor();
        var subject = Subject(debtor, account);

        var at2059 = Local(NewYork, year, month, day, 20, 59);
        var at2100 = Local(NewYork, year, month, day, 21, 0);
        Assert.True(Call(subject, at2059).Allowed);
        var refused = Call(subject, at2100);
        Assert.False(refused.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(refused, "us.reg-f.inconvenient-time").Verdict);
        Assert.Equal(Local(NewYork, year, month, day, 8).InZone(NewYork).Date.PlusDays(1).At(new LocalTime(8, 0)).InZoneStrictly(NewYork).ToInstant(), refused.NextAllowedAt);

        Assert.False(Call(subject, Local(NewYork, year, month, day, 7, 59)).Allowed);
        Assert.True(Call(subject, Local(NewYork, year, month, day, 8, 0)).Allowed);
    }

    [Fact]
    public void Daylight_saving_change_moves_the_window_in_utc()
    {
        var (debtor, account) = NewYorkDebtor();
        var subject = Subject(debtor, account);
        // 2026-03-08: EDT (UTC-4) from 02:00 local, so 21:00 local is 01:00Z on 03-09; under EST it would have been 02:00Z.
        Assert.True(Call(subject, Instant.FromUtc(2026, 3, 9, 0, 59)).Allowed);
        Assert.False(Call(subject, Instant.FromUtc(2026, 3, 9, 1, 0)).Allowed);
        // 2026-11-01: EST (UTC-5) from 02:00 local, so 21:00 local is 02:00Z on 11-02.
        Assert.True(Call(subject, Instant.FromUtc(2026, 11, 2, 1, 59)).Allowed);
        Assert.False(Call(subject, Instant.FromUtc(2026, 11, 2, 2, 0)).Allowed);
    }

    // 47 U.S.C. 227(b)(1)(A)(iii): an autodialed call to a cellular number needs prior express consent; a manual call does not.
    [Fact]
    public void Mobile_without_consent_is_refused_when_autodialed_and_allowed_when_dialed_manually()
    {
        var (debtor, account) = NewYorkDebtor(consent: false);
        var subject = Subject(debtor, account);
        var at = Local(NewYork, 2026, 1, 6, 12);

        var autodialed = Call(subject, at, CampaignContext.Predictive);
        Assert.False(autodialed.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(autodialed, "us.tcpa.autodial-consent").Verdict);
        Assert.Null(autodialed.NextAllowedAt);

        var manual = Call(subject, at, CampaignContext.Manual);
        Assert.True(manual.Allowed);

        var (withConsent, account2) = NewYorkDebtor(consent: true);
        Assert.True(Call(Subject(withConsent, account2), at, CampaignContext.Predictive).Allowed);
    }

    [Fact]
    public void Landline_needs_no_autodialer_consent()
    {
        var (debtor, account) = NewYorkDebtor(consent: false, kind: PhoneKind.Landline);
        Assert.True(Call(Subject(debtor, account), Local(NewYork, 2026, 1, 6, 12)).Allowed);
    }

    // 12 CFR 1006.14(h)(1): not through a medium the person asked not to be used. An SMS opt-out leaves calls allowed.
    [Fact]
    public void Opt_out_of_sms_refuses_sms_and_leaves_calls_allowed()
    {
        var (debtor, account) = NewYorkDebtor();
        var optOut = new OptOut { DebtorId = debtor.Id, Channel = ContactChannel.Sms, Address = UsMobile, At = Local(NewYork, 2026, 1, 2, 9), Source = "sms:STOP" };
        var subject = Subject(debtor, account, optOuts: [optOut]);
        var at = Local(NewYork, 2026, 1, 6, 12);

        var sms = Engine.Evaluate(subject, new ContactTarget(ContactChannel.Sms, UsMobile), Predictive, at);
        Assert.False(sms.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(sms, "us.reg-f.prohibited-medium").Verdict);
        Assert.Null(sms.NextAllowedAt);
        Assert.True(Call(subject, at).Allowed);

        // Consent given again: the revoked opt-out no longer applies.
        optOut.RevokedAt = Local(NewYork, 2026, 1, 4, 9);
        Assert.True(Engine.Evaluate(subject, new ContactTarget(ContactChannel.Sms, UsMobile), Predictive, at).Allowed);
    }

    // 15 U.S.C. 1692c(c), 12 CFR 1006.6(c)(1): after a cease-communication request, no further communication on any channel.
    [Fact]
    public void Cease_communication_refuses_every_channel_indefinitely()
    {
        var (debtor, account) = NewYorkDebtor();
        var cease = new OptOut { DebtorId = debtor.Id, At = Local(NewYork, 2026, 1, 2, 9), Source = "letter" };
        var subject = Subject(debtor, account, optOuts: [cease]);
        foreach (var channel in new[] { ContactChannel.Call, ContactChannel.Sms, ContactChannel.Email })
        {
            var decision = Engine.EvaluateChannel(subject, channel, Predictive, Local(NewYork, 2026, 1, 6, 12));
            Assert.False(decision.Allowed);
            Assert.Equal(RuleVerdict.Refused, Rule(decision, "us.fdcpa.cease-communication").Verdict);
            Assert.Null(decision.NextAllowedAt);
        }
    }

    // 15 U.S.C. 1692g(b): a disputed debt is not collected until verified; the hold stops contact while active and not after it is lifted.
    [Fact]
    public void Active_hold_refuses_and_lifted_hold_allows()
    {
        var (debtor, account) = NewYorkDebtor();
        var hold = new Hold { AccountId = account.Id, Kind = HoldKind.Dispute, Reason = "written dispute", From = Local(NewYork, 2026, 1, 2, 9) };
        var subject = Subject(debtor, account, holds: [hold]);
        var at = Local(NewYork, 2026, 1, 6, 12);

        var active = Call(subject, at);
        Assert.False(active.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(active, "us.fdcpa.dispute-or-hold").Verdict);
        Assert.Null(active.NextAllowedAt);

        hold.Until = Local(NewYork, 2026, 1, 6, 11);
        Assert.True(Call(subject, at).Allowed);

        // Lifted at a known later instant: contact may resume from then.
        hold.Until = Local(NewYork, 2026, 1, 6, 15);
        var scheduled = Call(subject, at);
        Assert.False(scheduled.Allowed);
        Assert.Equal(hold.Until, scheduled.NextAllowedAt);
    }

    [Fact]
    public void Daily_attempts_per_number_cap_refuses_until_the_next_local_morning()
    {
        var (debtor, account) = NewYorkDebtor();
        var ledger = new[] { 9, 11, 13 }.Select(h => ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, 6, h))).ToList();
        var decision = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 6, 15));
        Assert.False(decision.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(decision, "us.house.attempts-per-number").Verdict);
        Assert.Equal(Local(NewYork, 2026, 1, 7, 8), decision.NextAllowedAt);
    }

    // Next allowed: the earliest instant satisfying every time-based rule at once. Seven calls 2026-01-05..11 and the
    // question asked at 22:00 on the 11th: calling hours alone would allow 08:00 on the 12th, and 7-in-7 alone the start
    // of the 12th; both hold at 08:00 on the 12th.
    [Fact]
    public void Next_allowed_satisfies_every_rule_at_once()
    {
        var (debtor, account) = NewYorkDebtor();
        var ledger = Enumerable.Range(5, 7).Select(d => ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, d, 10))).ToList();
        var decision = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 11, 22));
        Assert.False(decision.Allowed);
        Assert.Equal(RuleVerdict.Refused, Rule(decision, "us.reg-f.inconvenient-time").Verdict);
        Assert.Equal(RuleVerdict.Refused, Rule(decision, "us.reg-f.7-in-7").Verdict);
        Assert.Equal(Local(NewYork, 2026, 1, 12, 8), decision.NextAllowedAt);
        Assert.True(Call(Subject(debtor, account, ledger), decision.NextAllowedAt!.Value).Allowed);
    }

    [Fact]
    public void Next_allowed_after_a_conversation_on_friday_evening_and_a_capped_day()
    {
        var (debtor, account) = NewYorkDebtor();
        // Conversation Friday 2026-01-09: quiet through Thursday 01-15; plus three attempts on 01-16 (the cap) -> Saturday 01-17 08:00.
        var ledger = new List<ContactAttempt> { ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, 9, 19), ContactOutcome.Answered, conversation: true) };
        ledger.AddRange(new[] { 9, 10, 11 }.Select(h => ComplianceTestData.Call(account, UsMobile, Local(NewYork, 2026, 1, 16, h))));
        var decision = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 12, 12));
        Assert.False(decision.Allowed);
        // At 01-12 the ledger rows of the 16th lie in the future and are ignored: the quiet period alone decides (01-16 08:00).
        Assert.Equal(Local(NewYork, 2026, 1, 16, 8), decision.NextAllowedAt);
        var later = Call(Subject(debtor, account, ledger), Local(NewYork, 2026, 1, 16, 12));
        Assert.Equal(Local(NewYork, 2026, 1, 17, 8), later.NextAllowedAt);
    }

    // The channel answer tries every number: a mobile without consent is skipped for a landline the predictive dialer may call.
    [Fact]
    public void Channel_evaluation_falls_back_to_a_number_that_may_be_called()
    {
        var (debtor, account) = NewYorkDebtor(consent: false);
        debtor.Phones.Add(new PhoneNumber { DebtorId = debtor.Id, E164 = "+12125550199", Kind = PhoneKind.Landline, Region = "US", Priority = 2 });
        var decision = Engine.EvaluateChannel(Subject(debtor, account), ContactChannel.Call, Predictive, Local(NewYork, 2026, 1, 6, 12));
        Assert.True(decision.Allowed);
        Assert.Equal("+12125550199", decision.Target!.Address);
    }
}
