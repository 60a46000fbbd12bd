using Collections.Shared.Calendars;
using Collections.Shared.Domain;
using Collections.Shared.Workflow.Risk;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

public sealed class StrategyTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly StrategyCatalog Catalog = new(StrategyLoader.LoadDirectory(RepositoryRoot.Combine("config", "strategies")));

    [Fact]
    public void Shipped_strategies_load_in_priority_order()
    {
        Assert.Equal(["high-risk", "hibernation", "business-standard", "consumer-standard"], Catalog.Strategies.Select(s => s.Id));
    }

    // Seed 001: "first reminder the next working morning after the due date". Due Wednesday 24 December 2025: 25 and 26
    // December are German public holidays (Weihnachtstag, 2. Weihnachtstag), 27-28 a weekend, so Monday 29 December 08:00 CET.
    [Fact]
    public void Written_reminder_falls_on_the_next_German_working_morning_after_Christmas()
    {
        var plan = StrategyPlanner.Plan(Catalog.Get("consumer-standard"), new LocalDate(2025, 12, 24), Berlin, WorkingDayCalendars.For("DE"), Instant.FromUtc(2025, 12, 1, 0, 0));

        var reminder = plan.Single(p => p.Step.Id == "written-reminder");
        Assert.Equal(Instant.FromUtc(2025, 12, 29, 7, 0), reminder.DueAt);
        Assert.Equal(Instant.FromUtc(2025, 12, 21, 8, 0), plan.Single(p => p.Step.Id == "pre-due-reminder").DueAt);
    }

    // 1 May is a public holiday in Germany: a legal review computed for it moves to Friday 2 May 2025, 09:00 CEST.
    [Fact]
    public void Steps_on_working_days_skip_public_holidays()
    {
        var plan = StrategyPlanner.Plan(Catalog.Get("consumer-standard"), new LocalDate(2025, 3, 14), Berlin, WorkingDayCalendars.For("DE"), Instant.FromUtc(2025, 3, 1, 0, 0));

        Assert.Equal(
            ["pre-due-reminder", "written-reminder", "phone-campaign", "sms-reminder", "whatsapp-reminder", "second-reminder", "final-demand", "legal-review"],
            plan.Select(p => p.Step.Id));
        Assert.Equal(Instant.FromUtc(2025, 5, 2, 7, 0), plan[^1].DueAt);
        Assert.All(plan, p => Assert.Null(p.SkipReason));
    }

    [Fact]
    public void A_claim_handed_over_after_its_due_date_skips_the_pre_due_reminder_and_starts_now()
    {
        var now = Instant.FromUtc(2025, 6, 10, 12, 0);
        var plan = StrategyPlanner.Plan(Catalog.Get("consumer-standard"), new LocalDate(2025, 3, 14), Berlin, WorkingDayCalendars.For("DE"), now);

        Assert.NotNull(plan[0].SkipReason);
        Assert.Equal(now, plan[1].DueAt);
        Assert.True(plan[2].DueAt > now);
    }

    [Theory]
    [InlineData(DebtorKind.Consumer, 500, 10, "", 0, "consumer-standard")]
    [InlineData(DebtorKind.Business, 500, 10, "", 0, "business-standard")]
    [InlineData(DebtorKind.Consumer, 500, 10, RiskSignals.NewBankDetails, 0, "high-risk")]
    [InlineData(DebtorKind.Consumer, 50, 10, RiskSignals.AddressChanges, 0, "consumer-standard")]
    [InlineData(DebtorKind.Consumer, 500, 200, "", 2, "hibernation")]
    public void Claim_analysis_chooses_by_debtor_type_balance_days_flags_and_history(DebtorKind kind, int balance, int daysPastDue, string flag, int broken, string expected)
    {
        var flags = flag.Length == 0 ? new HashSet<string>() : new HashSet<string> { flag };
        var chosen = Catalog.Choose(new ClaimFacts(Industry.Telecom, kind, balance, daysPastDue, flags, broken));

        Assert.Equal(expected, chosen?.Id);
    }

    [Fact]
    public void A_bad_strategy_file_is_refused_naming_file_and_step()
    {
        const string yaml = """
            id: broken
            steps:
              - id: call
                phase: phone-and-messages
                channel: call
            """;

        var ex = Assert.Throws<StrategyException>(() => StrategyLoader.Parse(yaml, "broken.yaml"));
        Assert.Contains("broken.yaml: step 'call'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("campaign", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_phase_names_the_allowed_values()
    {
        const string yaml = """
            id: typo
            steps:
              - id: letter
                phase: final-warning
            """;

        var ex = Assert.Throws<StrategyException>(() => StrategyLoader.Parse(yaml, "typo.yaml"));
        Assert.Contains("FinalDemand", ex.Message, StringComparison.Ordinal);
    }
}
