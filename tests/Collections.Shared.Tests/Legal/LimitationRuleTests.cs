using Collections.Shared.Compliance;
using Collections.Shared.Legal;
using NodaTime;
using static Collections.Shared.Tests.Compliance.ComplianceTestData;

namespace Collections.Shared.Tests.Legal;

/// <summary>The shipped packs' limitation rules at their boundaries: the end of the year, the day of a restart, an event
/// after the claim is barred; each test cites the text it checks.</summary>
public sealed class LimitationRuleTests
{
    private static LimitationRule Rule(string jurisdiction) => Engine.Packs[jurisdiction].Limitation!;

    private static LimitationResult Compute(string jurisdiction, LocalDate due, params LimitationEvent[] events) =>
        LimitationCalculator.Compute(Rule(jurisdiction), due, events);

    private static LimitationEvent Event(LimitationEventKind kind, int y, int m, int d) => new(kind, new LocalDate(y, m, d), kind.ToString());

    [Fact]
    public void Every_shipped_pack_has_a_limitation_rule_that_cites_its_source()
    {
        foreach (var code in new[] { "DE", "HU", "LV", "SI", "AL", "GB", "US" })
        {
            var rule = Rule(code);
            Assert.False(string.IsNullOrWhiteSpace(rule.Source), code);
            Assert.All(rule.Restarts, r => Assert.False(string.IsNullOrWhiteSpace(r.Source)));
        }
    }

    [Theory]
    // BGB §§ 195, 199(1): three years from the end of the year the claim arose, whether it arose on 1 January or 31 December.
    [InlineData(2023, 1, 1, "2026-12-31")]
    [InlineData(2023, 12, 31, "2026-12-31")]
    [InlineData(2024, 1, 1, "2027-12-31")]
    public void De_period_ends_on_31_December_three_years_after_the_year_the_claim_arose(int y, int m, int d, string lastDay)
    {
        Assert.Equal(lastDay, Compute("DE", new LocalDate(y, m, d)).LastDay.ToString("yyyy-MM-dd", null));
    }

    [Fact]
    public void De_acknowledgement_starts_a_new_three_year_period_from_its_day_without_the_year_end_rule()
    {
        // BGB § 212(1) Nr. 1: the period begins anew; §§ 187(1), 188(2): it ends on the same day three years later.
        var result = Compute("DE", new LocalDate(2023, 3, 1), Event(LimitationEventKind.Acknowledgement, 2025, 6, 15));
        Assert.Equal(new LocalDate(2028, 6, 15), result.LastDay);
        Assert.Equal(LimitationEventKind.Acknowledgement, result.RestartedBy!.Kind);
    }

    [Fact]
    public void De_part_payment_restarts_but_a_dunning_letter_does_not()
    {
        // § 212(1) Nr. 1 names the Abschlagszahlung; a Mahnung is not among the § 212 events.
        var result = Compute("DE", new LocalDate(2023, 3, 1), Event(LimitationEventKind.WrittenDemand, 2024, 2, 1), Event(LimitationEventKind.PartPayment, 2025, 1, 10));
        Assert.Equal(new LocalDate(2028, 1, 10), result.LastDay);
        Assert.False(result.Steps[0].Restarted);
        Assert.True(result.Steps[1].Restarted);
    }

    [Fact]
    public void De_acknowledgement_in_the_year_the_claim_arose_does_not_shorten_the_year_end_period()
    {
        // A restart protects the creditor: 2023-06-01 + 3 years is before the § 199 end, 2026-12-31, which stays.
        var result = Compute("DE", new LocalDate(2023, 3, 1), Event(LimitationEventKind.Acknowledgement, 2023, 6, 1));
        Assert.Equal(new LocalDate(2026, 12, 31), result.LastDay);
        Assert.Null(result.RestartedBy);
    }

    [Fact]
    public void De_acknowledgement_the_day_after_the_last_day_revives_nothing()
    {
        // The claim was barred at the end of 2026-12-31; § 214(2): performance on a barred claim does not restart it.
        var onLastDay = Compute("DE", new LocalDate(2023, 5, 10), Event(LimitationEventKind.Acknowledgement, 2026, 12, 31));
        var dayAfter = Compute("DE", new LocalDate(2023, 5, 10), Event(LimitationEventKind.Acknowledgement, 2027, 1, 1));
        Assert.Equal(new LocalDate(2029, 12, 31), onLastDay.LastDay);
        Assert.Equal(new LocalDate(2026, 12, 31), dayAfter.LastDay);
        Assert.Contains("not revived", dayAfter.Steps.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hu_period_is_five_years_from_the_due_day_without_a_year_end_rule()
    {
        // Ptk. 6:22 (1)-(2): öt év, az esedékességtől.
        Assert.Equal(new LocalDate(2028, 5, 10), Compute("HU", new LocalDate(2023, 5, 10)).LastDay);
    }

    [Fact]
    public void Hu_instalment_agreement_and_acknowledgement_interrupt()
    {
        // Ptk. 6:25 (1) a)-b) and (2): after the interruption the period begins again.
        Assert.Equal(new LocalDate(2029, 9, 1), Compute("HU", new LocalDate(2023, 5, 10), Event(LimitationEventKind.InstalmentPlan, 2024, 9, 1)).LastDay);
        Assert.Equal(new LocalDate(2030, 2, 2), Compute("HU", new LocalDate(2023, 5, 10), Event(LimitationEventKind.Acknowledgement, 2025, 2, 2)).LastDay);
    }

    [Fact]
    public void Hu_written_demand_interrupts_only_claims_of_the_old_civil_code()
    {
        // New Ptk. 6:25 (1) no longer lists the written demand; old Ptk. 327. § (1) did, for obligations before 2014-03-15.
        var demand = Event(LimitationEventKind.WrittenDemand, 2016, 1, 4);
        Assert.Equal(new LocalDate(2021, 1, 4), Compute("HU", new LocalDate(2014, 3, 14), demand).LastDay);
        var newCode = Compute("HU", new LocalDate(2014, 3, 15), demand);
        Assert.Equal(new LocalDate(2019, 3, 15), newCode.LastDay);
        Assert.Contains("only claims due before 2014-03-15", newCode.Steps.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Gb_six_years_restarted_by_part_payment_but_not_by_a_phone_plan_nor_after_expiry()
    {
        // Limitation Act 1980 s.5 (six years), s.29(5)(b) (payment restarts), s.30(1) (acknowledgement must be written
        // and signed: a plan agreed by phone is not), s.29(7) (no revival once barred).
        var due = new LocalDate(2019, 4, 30);
        Assert.Equal(new LocalDate(2025, 4, 30), Compute("GB", due).LastDay);
        Assert.Equal(new LocalDate(2027, 8, 1), Compute("GB", due, Event(LimitationEventKind.PartPayment, 2021, 8, 1)).LastDay);
        Assert.Equal(new LocalDate(2025, 4, 30), Compute("GB", due, Event(LimitationEventKind.InstalmentPlan, 2021, 8, 1)).LastDay);
        Assert.Equal(new LocalDate(2025, 4, 30), Compute("GB", due, Event(LimitationEventKind.PartPayment, 2025, 5, 1)).LastDay);
        Assert.Equal(new LocalDate(2031, 4, 30), Compute("GB", due, Event(LimitationEventKind.Acknowledgement, 2025, 4, 30)).LastDay);
    }

    [Fact]
    public void Us_default_is_three_years_and_nothing_restarts_it()
    {
        // House default (documented in us.yaml): shortest common state period; Regulation F 12 CFR 1006.26(b) forbids suing
        // on a time-barred debt, so payments do not extend it here.
        var result = Compute("US", new LocalDate(2022, 2, 28), Event(LimitationEventKind.PartPayment, 2023, 1, 1), Event(LimitationEventKind.Acknowledgement, 2024, 1, 1));
        Assert.Equal(new LocalDate(2025, 2, 28), result.LastDay);
        Assert.All(result.Steps, s => Assert.False(s.Restarted));
    }

    [Fact]
    public void Si_five_years_restarted_by_part_payment()
    {
        // OZ 346. člen (pet let); 364. člen (2) (delno plačilo pomeni pripoznavo), 368. člen (teče znova).
        Assert.Equal(new LocalDate(2027, 10, 1), Compute("SI", new LocalDate(2022, 10, 1)).LastDay);
        Assert.Equal(new LocalDate(2029, 3, 3), Compute("SI", new LocalDate(2022, 10, 1), Event(LimitationEventKind.PartPayment, 2024, 3, 3)).LastDay);
    }

    [Fact]
    public void Lv_and_al_ten_years_restarted_by_acknowledgement()
    {
        // Civillikums 1895. pants (desmit gadi), 1905.-1906. pants; Kodi Civil neni 115 (dhjetë vjet), neni 134.
        Assert.Equal(new LocalDate(2030, 6, 30), Compute("LV", new LocalDate(2020, 6, 30)).LastDay);
        Assert.Equal(new LocalDate(2034, 1, 15), Compute("LV", new LocalDate(2020, 6, 30), Event(LimitationEventKind.Acknowledgement, 2024, 1, 15)).LastDay);
        Assert.Equal(new LocalDate(2030, 6, 30), Compute("AL", new LocalDate(2020, 6, 30)).LastDay);
        Assert.Equal(new LocalDate(2034, 1, 15), Compute("AL", new LocalDate(2020, 6, 30), Event(LimitationEventKind.Acknowledgement, 2024, 1, 15)).LastDay);
    }

    [Fact]
    public void Leap_day_period_ends_on_28_February()
    {
        // BGB § 188(3): a period whose corresponding day is missing in the last month ends on that month's last day.
        Assert.Equal(new LocalDate(2029, 2, 28), Compute("HU", new LocalDate(2024, 2, 29)).LastDay);
    }

    [Theory]
    [InlineData("years: 0\n  start: dueDate\n  source: x", "'years' must be between 1 and 30")]
    [InlineData("years: 3\n  start: sometime\n  source: x", "'start' must be one of")]
    [InlineData("years: 3\n  start: dueDate", "must cite its 'source'")]
    [InlineData("years: 3\n  start: dueDate\n  source: x\n  restarts:\n    - kind: prayer\n      source: y", "restart 'prayer' is not one of")]
    [InlineData("years: 3\n  start: dueDate\n  source: x\n  restarts:\n    - kind: partPayment", "restart 'partPayment' must cite its 'source'")]
    public void Bad_limitation_section_names_the_file_and_the_key(string section, string expected)
    {
        var yaml = $"jurisdiction: XX\nlimitation:\n  {section}\nrules: []\n";
        var ex = Assert.Throws<RulePackException>(() => RulePackLoader.Parse(yaml, "xx.yaml"));
        Assert.Contains("xx.yaml: limitation", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
