using Collections.Shared.Compliance;
using Collections.Shared.Domain;
using Collections.Shared.FieldVisits;
using NodaTime;

namespace Collections.Shared.Tests.FieldVisits;

/// <summary>Visiting hours per rule pack, at their boundaries. GB and US have a rule for visits of their own
/// (gb.yaml uk.fca.visiting-hours: CONC 7.9.4R with this pack's 09:00-20:00; us.yaml us.reg-f.visiting-hours: 12 CFR
/// 1006.6(b)(1)(i), before 8 a.m. or after 9 p.m. local is inconvenient); HU has none, so its calling hours stand in
/// (hu.yaml hu.mnb.contact-hours: MNB 2/2019 recommendation, working days 08:00-20:00 in this pack).</summary>
public sealed class VisitingHoursTests
{
    private static readonly VisitingHours Hours = new(ComplianceSetup.CreateEngine(new ComplianceOptions()), new CalendarPublicHolidays());

    private static (Account, Debtor) At(string country, string zone)
    {
        var debtor = new Debtor { Kind = DebtorKind.Consumer, FirstName = "Test", LastName = "Debtor", PreferredLanguage = "en", TimeZoneId = zone };
        debtor.Addresses.Add(new DebtorAddress { DebtorId = debtor.Id, Street = "Main Street 1", PostalCode = "1000", City = "Town", Country = country, ValidFrom = Instant.FromUtc(2020, 1, 1, 0, 0) });
        return (new Account { DebtorId = debtor.Id, CreditorReference = "REF-1", Currency = "EUR", DueDate = new LocalDate(2026, 1, 1) }, debtor);
    }

    private static VisitingDecision Decide(string country, string zone, LocalDateTime local)
    {
        var (account, debtor) = At(country, zone);
        return Hours.Evaluate(account, debtor, local.InZoneStrictly(DateTimeZoneProviders.Tzdb[zone]).ToInstant());
    }

    [Theory]
    // Wednesday 9 December 2026, a working day in Hungary.
    [InlineData(7, 59, false)]
    [InlineData(8, 0, true)]
    [InlineData(19, 59, true)]
    [InlineData(20, 0, false)]
    public void Hungary_has_no_visiting_rule_so_its_calling_hours_apply(int hour, int minute, bool allowed)
    {
        var decision = Decide("HU", "Europe/Budapest", new LocalDateTime(2026, 12, 9, hour, minute));

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(("hu.mnb.contact-hours", false), (decision.RuleId, decision.SpecificRule));
        Assert.Contains("MNB 2/2019", decision.Source, StringComparison.Ordinal);
        if (!allowed)
        {
            Assert.Contains("no visiting-hour rule", decision.Reason, StringComparison.Ordinal);
            Assert.NotNull(decision.NextAllowedAt);
        }
    }

    [Fact]
    public void Hungary_refuses_a_Sunday_visit_and_names_the_next_working_morning()
    {
        var decision = Decide("HU", "Europe/Budapest", new LocalDateTime(2026, 12, 6, 11, 0));

        Assert.False(decision.Allowed);
        Assert.Equal(new LocalDateTime(2026, 12, 7, 8, 0), decision.NextAllowedAt!.Value.InZone(DateTimeZoneProviders.Tzdb["Europe/Budapest"]).LocalDateTime);
    }

    [Theory]
    // A call at 08:30 is fine in Britain (uk.fca.reasonable-times 08:00-21:00); a knock on the door is not before 09:00.
    [InlineData(8, 59, false)]
    [InlineData(9, 0, true)]
    [InlineData(19, 59, true)]
    [InlineData(20, 0, false)]
    public void Britain_has_a_visiting_rule_of_its_own(int hour, int minute, bool allowed)
    {
        var decision = Decide("GB", "Europe/London", new LocalDateTime(2026, 12, 9, hour, minute));

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(("uk.fca.visiting-hours", true), (decision.RuleId, decision.SpecificRule));
        Assert.Contains("CONC 7.9.4R", decision.Source, StringComparison.Ordinal);
    }

    [Theory]
    // 12 CFR 1006.6(b)(1)(i): after 8:00 a.m. and before 9:00 p.m. local time; a Sunday is allowed under federal law.
    [InlineData(2026, 12, 9, 7, 59, false)]
    [InlineData(2026, 12, 9, 8, 0, true)]
    [InlineData(2026, 12, 9, 20, 59, true)]
    [InlineData(2026, 12, 9, 21, 0, false)]
    [InlineData(2026, 12, 6, 10, 0, true)]
    public void The_United_States_apply_Regulation_F_to_visits(int year, int month, int day, int hour, int minute, bool allowed)
    {
        var decision = Decide("US", "America/New_York", new LocalDateTime(year, month, day, hour, minute));

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(("us.reg-f.visiting-hours", true), (decision.RuleId, decision.SpecificRule));
    }

    [Fact]
    public void Every_shipped_pack_has_a_rule_that_sets_visiting_hours()
    {
        var engine = ComplianceSetup.CreateEngine(new ComplianceOptions());
        Assert.All(engine.Packs.Values, pack => Assert.NotNull(VisitingHours.RuleOf(pack)));
        Assert.Equal(["GB", "US"], engine.Packs.Values.Where(p => VisitingHours.RuleOf(p)!.Value.Specific).Select(p => p.Jurisdiction).Order());
    }
}
