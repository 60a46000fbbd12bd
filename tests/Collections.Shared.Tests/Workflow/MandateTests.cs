using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Mandates;
using Collections.Shared.Workflow.Strategies;
using Collections.Testing;
using Collections.Testing.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Collections.Shared.Tests.Workflow;

/// <summary>
/// The creditor's mandate over strategy steps (seed 004: "demand letters whose content and frequency fit each mandate"; issue
/// 20: "no SMS before the first letter", "at most one letter in 14 days"): the workflow obeys it on every step, on the per-item
/// path and in the sweep, and the case's plan and <c>explain</c> say which step it held back and why.
/// </summary>
public sealed class MandateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A strategy that texts before it writes: the mandate must turn the order round.
    private const string SmsFirst = """
        id: sms-first
        priority: 1
        steps:
          - id: sms-nudge
            phase: phone-and-messages
            channel: sms
            campaign: reminder-messages
            template: payment-reminder-sms
            anchor: due-date
            days: 1
            time: "11:00"
          - id: written-reminder
            phase: written-reminder
            channel: letter
            campaign: letters
            template: first-reminder
            anchor: due-date
            days: 3
            time: "08:00"
          - id: second-reminder
            phase: second-reminder
            channel: letter
            campaign: letters
            template: second-reminder
            days: 2
            time: "08:00"
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_SMS_goes_out_before_the_first_letter_and_letters_keep_the_mandates_frequency(bool sweep)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        // Due Friday 14 March 2025; Berlin is on CET (UTC+1) until 30 March.
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), policy: p =>
        {
            p.NoSmsBeforeFirstLetter = true;
            p.ChannelLimits = "letter:1/14";
        });
        var driver = new WorkDriver(db, clock, strategies: new StrategyCatalog([StrategyLoader.Parse(SmsFirst, "sms-first.yaml")]));
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);

        // Saturday 15 March 11:00 CET the SMS falls due; the letter is due Monday 17 March 08:00 CET.
        await Advance(driver, sweep, Instant.FromUtc(2025, 3, 16, 0, 0));
        var plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        var sms = plan.Steps.Single(s => s.StepKey == "sms-nudge");
        Assert.Equal(CaseStepStatus.Planned, sms.Status);
        Assert.Equal(Instant.FromUtc(2025, 3, 17, 7, 1), sms.DueAt);
        Assert.StartsWith("held back by the mandate: no SMS before the first letter (written-reminder is due 2025-03-17T07:00:00Z)", sms.Note, StringComparison.Ordinal);
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            Assert.Empty(await context.ScheduledContacts.ToListAsync(Ct));
            var report = (await MandateReport.LoadAsync(context, account.Id, Instant.FromUtc(2025, 3, 16, 0, 0), Ct))!;
            Assert.Equal("written-reminder", report.NextStep);
            Assert.Equal("allowed", report.NextStepVerdict);
            Assert.Equal(("sms-nudge", "sms", "planned"), (report.Held[0].Step, report.Held[0].Channel, report.Held[0].Status));
            Assert.Contains("no SMS before the first letter", report.Held[0].Reason, StringComparison.Ordinal);
        }

        await Advance(driver, sweep, Instant.FromUtc(2025, 4, 10, 0, 0));
        await using (var context = DatabaseSetup.CreateContext(db))
        {
            var queued = await context.ScheduledContacts.OrderBy(c => c.DueAt).Select(c => new { c.Channel, c.DueAt, c.Template }).ToListAsync(Ct);
            // The letter, then the SMS a minute later, then the second letter 14 days after the first (not 2 days after it).
            Assert.Equal(
                [(ContactChannel.Letter, Instant.FromUtc(2025, 3, 17, 7, 0)), (ContactChannel.Sms, Instant.FromUtc(2025, 3, 17, 7, 1)), (ContactChannel.Letter, Instant.FromUtc(2025, 3, 31, 7, 0))],
                queued.Select(q => (q.Channel, q.DueAt)));
            var steps = await context.CaseSteps.Where(s => s.Note != null && s.Note.StartsWith(Mandate.HeldPrefix)).Select(s => new { s.StepKey, s.Note }).ToListAsync(Ct);
            Assert.Contains(steps, s => s.StepKey == "second-reminder" && s.Note!.Contains("at most 1 letter in 14 days", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_channel_the_mandate_does_not_allow_is_skipped_with_the_reason()
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14), policy: p => p.MandateChannels = "letter,email,call");
        var driver = new WorkDriver(db, clock, strategies: new StrategyCatalog([StrategyLoader.Parse(SmsFirst, "sms-first.yaml")]));
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);

        await driver.RunUntilAsync(Instant.FromUtc(2025, 4, 10, 0, 0));

        var plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        var sms = plan.Steps.Single(s => s.StepKey == "sms-nudge");
        Assert.Equal(CaseStepStatus.Skipped, sms.Status);
        Assert.Equal("held back by the mandate: the creditor's mandate allows only letter,email,call, not sms", sms.Note);
        await using var context = DatabaseSetup.CreateContext(db);
        Assert.DoesNotContain(await context.ScheduledContacts.Select(c => c.Channel).ToListAsync(Ct), c => c == ContactChannel.Sms);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_mandates_content_variant_is_sent_instead_of_the_strategys_template_and_the_step_says_so(bool sweep)
    {
        var db = await TestDatabases.NewSqlite().MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        // A creditor that cannot suspend a service has its final demand sent without the suspension warning.
        var account = await WorkflowData.SeedAccountAsync(db, new LocalDate(2025, 3, 14),
            policy: p => p.TemplateVariants = "first-reminder=first-reminder-business,payment-reminder-sms=reminder");
        var driver = new WorkDriver(db, clock, strategies: new StrategyCatalog([StrategyLoader.Parse(SmsFirst, "sms-first.yaml")]));
        driver.Schedule((await driver.WithAsync(s => s.Cases.OpenAsync(account.Id))).Work);
        await using (var before = DatabaseSetup.CreateContext(db))
        {
            // explain says which wording the next step goes out with.
            var report = (await MandateReport.LoadAsync(before, account.Id, Instant.FromUtc(2025, 3, 1, 9, 0), Ct))!;
            Assert.Equal(("sms-nudge", "reminder, the mandate's variant of payment-reminder-sms"), (report.NextStep, report.NextStepVariant));
        }

        await Advance(driver, sweep, Instant.FromUtc(2025, 3, 25, 0, 0));

        await using var context = DatabaseSetup.CreateContext(db);
        var sent = await context.ScheduledContacts.ToDictionaryAsync(c => c.Reason, c => c.Template, Ct);
        Assert.Equal("reminder", sent["strategy:sms-nudge"]);
        Assert.Equal("first-reminder-business", sent["strategy:written-reminder"]);
        Assert.Equal("second-reminder", sent["strategy:second-reminder"]);
        var plan = (await driver.WithAsync(s => s.Cases.PlanAsync(account.Id)))!;
        Assert.Equal("first-reminder-business (the mandate's variant of first-reminder)", plan.Steps.Single(s => s.StepKey == "written-reminder").Note);
    }

    [Theory]
    [InlineData("first-reminder", "'first-reminder' is not <template>=<variant>")]
    [InlineData("a=a", "a template is its own variant")]
    [InlineData("a=b,a=c", "a has two variants")]
    public void Bad_content_variants_are_refused_naming_the_part(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => Mandate.ParseVariants(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("letter:0/14", "'letter:0/14' is not <channel>:<max>/<days>")]
    [InlineData("fax:1/14", "'fax' is not a channel")]
    [InlineData("letter:1/14,letter:2/30", "letter is limited twice")]
    [InlineData("letter1/14", "'letter1/14' is not")]
    public void Bad_channel_limits_are_refused_naming_the_part(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => Mandate.ParseLimits(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static Task Advance(WorkDriver driver, bool sweep, Instant until) => sweep ? driver.SweepUntilAsync(until) : driver.RunUntilAsync(until);
}
